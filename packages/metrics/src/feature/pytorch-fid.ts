import { preprocessPytorchFid } from "../inception/preprocess";
import { definePipeline, type InceptionInput } from "./types";

/** pytorch-fid's input (spec 8.1): bilinear resize to 299 with half-pixel centres, then 2x − 1. */
export const PYTORCH_FID_INPUT: InceptionInput = {
  name: "pytorch-fid",
  preprocess: (x) => preprocessPytorchFid(x, { checkRange: false }),
};

/** `pfid`: pool3 (2048) of the pytorch-fid input, the features of standard FID (spec 8.1). */
export const pfid = definePipeline({
  key: "pfid",
  needsInception: true,
  extract: (_x, ctx) => ctx.pool3(PYTORCH_FID_INPUT),
  describe: () => "pytorch-fid: bilinear resize to 299 (half-pixel centres), 2x−1; FID Inception pool3 (2048)",
});
