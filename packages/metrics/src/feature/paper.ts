import * as tf from "@tensorflow/tfjs-core";
import { preprocessTorchFidelity, toUint8Values, uint8Wrap } from "../inception/preprocess";
import { definePipeline, type InceptionInput } from "./types";

/**
 * The official EB-JDAT evaluation's input (spec 8.4, torchmetrics 0.10.2): fakes ⌊255·x/(1+5e-6)⌋,
 * reals round(255x), the uint8 wrap v ↦ (256 − v) mod 256, then torch-fidelity's resize and (x − 128)/128.
 */
export const PAPER_INPUT: InceptionInput = {
  name: "paper",
  preprocess: (x, fake) => {
    const u8 = fake ? (tf.floor(tf.clipByValue(tf.div(tf.mul(x, 255), 1 + 5e-6), 0, 255)) as tf.Tensor4D) : toUint8Values(x, "round");
    return preprocessTorchFidelity(uint8Wrap(u8), { checkRange: false });
  },
};

const TEXT =
  "EB-JDAT official eval (torchmetrics 0.10.2): fakes ⌊255·x/(1+5e-6)⌋, reals round(255x), uint8 wrap v ↦ (256−v) mod 256, TF1 resize, (x−128)/128";

/** `paper`: pool3 (2048) of the paper input, the features of the paper-protocol FID (spec 8.4). */
export const paper = definePipeline({
  key: "paper",
  needsInception: true,
  extract: (_x, ctx) => ctx.pool3(PAPER_INPUT),
  describe: () => `${TEXT}; pool3`,
});

/** `paperLogits`: logits without bias (1008) of the paper input, the paper-protocol IS features (spec 8.4). */
export const paperLogits = definePipeline({
  key: "paperLogits",
  needsInception: true,
  extract: (_x, ctx) => ctx.logitsUnbiased(PAPER_INPUT),
  describe: () => `${TEXT}; logits without bias`,
});
