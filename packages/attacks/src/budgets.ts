import { convertLength, imageEps, modelEps, type ImageEps } from "@ebjdat/runtime";

/** The standard (RobustBench / fra31) l∞ budget ε = 8/255 on the [0, 1] image scale (spec 7.7). */
export const STANDARD_EPS: ImageEps = imageEps(8 / 255);

/** The standard PGD-20 step α = 2/255 on the [0, 1] image scale (spec 7.7). */
export const STANDARD_PGD_STEP: ImageEps = imageEps(2 / 255);

/**
 * The official EB-JDAT budget, ε = 8/255 in model space [-1, 1], on the image scale: 4/255
 * (spec 0.1, 7.9). The default of the `paper` ensemble and the `paper` PGD-20.
 */
export const PAPER_EPS: ImageEps = convertLength(modelEps(8 / 255), "image");

/** The official PGD-20 step, α = 1/255 in model space, on the image scale: 0.5/255 (spec 7.9). */
export const PAPER_PGD_STEP: ImageEps = convertLength(modelEps(1 / 255), "image");
