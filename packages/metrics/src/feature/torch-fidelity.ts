import { preprocessTorchFidelity, toUint8Values } from "../inception/preprocess";
import { definePipeline, type InceptionInput } from "./types";

/** torch-fidelity's input (spec 8.2, 8.3): round(255x) to uint8, TF1-style resize to 299, (x − 128)/128. */
export const TORCH_FIDELITY_INPUT: InceptionInput = {
  name: "torch-fidelity",
  preprocess: (x) => preprocessTorchFidelity(toUint8Values(x, "round"), { checkRange: false }),
};

const TEXT = "torch-fidelity: round(255x) to uint8, TF1-style bilinear resize to 299, (x−128)/128; FID Inception";

/** `tfid`: pool3 (2048) of the torch-fidelity input, the KID features (spec 8.3). */
export const tfid = definePipeline({
  key: "tfid",
  needsInception: true,
  extract: (_x, ctx) => ctx.pool3(TORCH_FIDELITY_INPUT),
  describe: () => `${TEXT} pool3 (2048)`,
});

/** `tfidLogits`: logits without bias (1008) of the torch-fidelity input, the IS features (spec 8.2). */
export const tfidLogits = definePipeline({
  key: "tfidLogits",
  needsInception: true,
  extract: (_x, ctx) => ctx.logitsUnbiased(TORCH_FIDELITY_INPUT),
  describe: () => `${TEXT} logits without bias (1008)`,
});
