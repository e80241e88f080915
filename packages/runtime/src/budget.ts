/**
 * Lengths with a coordinate system (spec 0.1). The API works on images in [0, 1] ("image
 * space"); the official code, the samplers and the replay buffers work on x_m = 2x - 1 in
 * [-1, 1] ("model space"). One unit of model space is half a unit of image space, so the
 * official "ε = 8/255" is 4/255 on the image scale. A budget, step size or noise σ therefore
 * carries its space in its type, and {@link convertLength} is the one place that converts.
 */

/** The two coordinate systems of spec 0.1. */
export type Space = "image" | "model";

declare const spaceBrand: unique symbol;

/** A length (ε, step size α, noise σ) measured in space `S`. A plain number in a branded type. */
export type Length<S extends Space> = number & { readonly [spaceBrand]: S };

/** A length on the [0, 1] image scale (attacks, the CLI's `--eps`, RobustBench's 8/255). */
export type ImageEps = Length<"image">;

/** A length on the [-1, 1] model scale (samplers, the trainer, every official value; spec 0.1). */
export type ModelEps = Length<"model">;

/** Model-space units per image-space unit (x_m = 2x - 1, spec 0.1). */
const MODEL_PER_IMAGE = 2;

function checked(value: number, space: Space): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`a ${space}-space length (ε, step size or σ) must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * Tags `value` as a length on the [0, 1] image scale (spec 0.1). Throws a RangeError unless it
 * is a finite number >= 0.
 */
export function imageEps(value: number): ImageEps {
  return checked(value, "image") as ImageEps;
}

/**
 * Tags `value` as a length on the [-1, 1] model scale (spec 0.1). Throws a RangeError unless it
 * is a finite number >= 0.
 */
export function modelEps(value: number): ModelEps {
  return checked(value, "model") as ModelEps;
}

/**
 * The one conversion between the two scales (spec 0.1: x_m = 2x - 1, so a length in model
 * space is twice the same length in image space): `convertLength(imageEps(4/255), "model")`
 * is 8/255 in model space, the official ε.
 */
export function convertLength(value: ImageEps, to: "model"): ModelEps;
export function convertLength(value: ModelEps, to: "image"): ImageEps;
export function convertLength(value: ImageEps | ModelEps, to: Space): ImageEps | ModelEps {
  return (to === "model" ? value * MODEL_PER_IMAGE : value / MODEL_PER_IMAGE) as ImageEps | ModelEps;
}
