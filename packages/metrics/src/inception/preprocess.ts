import * as tf from "@tensorflow/tfjs-core";
import { checkImageRange } from "../images";

/** Input size of the FID Inception. */
export const INCEPTION_SIZE = 299;

function checkImages(x: tf.Tensor, what: string): void {
  if (x.rank !== 4 || x.shape[3] !== 3) {
    throw new Error(`${what}: expected images [N, H, W, 3] (NHWC, RGB), got [${x.shape.join(", ")}]`);
  }
  if (x.shape[0] === 0) throw new Error(`${what}: empty batch`);
}

/**
 * pytorch-fid preprocessing (spec 8.1): float images in [0, 1] →
 * `F.interpolate(299×299, bilinear, align_corners=False)` (half-pixel centres, no antialias) →
 * 2x − 1. Throws when x is not NHWC RGB or has values outside [0, 1].
 */
export function preprocessPytorchFid(x01: tf.Tensor4D, options: { checkRange?: boolean } = {}): tf.Tensor4D {
  checkImages(x01, "pytorch-fid preprocessing");
  if (options.checkRange ?? true) checkImageRange(x01, "pytorch-fid preprocessing");
  return tf.tidy(() => {
    const r = tf.image.resizeBilinear(tf.cast(x01, "float32"), [INCEPTION_SIZE, INCEPTION_SIZE], false, true);
    return tf.sub(tf.mul(r, 2), 1);
  });
}

/**
 * torch-fidelity preprocessing (spec 8.4): uint8 images (values 0..255, given as an int32 or
 * float32 tensor of integers) → TF1-style bilinear resize to 299×299 (align_corners=False, no
 * half-pixel offset; source = dst·in/out) → (x − 128)/128. Throws when values are not integers in
 * 0..255.
 */
export function preprocessTorchFidelity(xU8: tf.Tensor4D, options: { checkRange?: boolean } = {}): tf.Tensor4D {
  checkImages(xU8, "torch-fidelity preprocessing");
  if (options.checkRange ?? true) {
    const v = xU8.dataSync();
    for (let i = 0; i < v.length; i++) {
      const a = v[i];
      if (!(a >= 0 && a <= 255 && Math.floor(a) === a)) {
        throw new Error(`torch-fidelity preprocessing: images must hold uint8 values (integers 0..255), found ${a} at flat index ${i}`);
      }
    }
  }
  return tf.tidy(() => {
    const r = tf.image.resizeBilinear(tf.cast(xU8, "float32"), [INCEPTION_SIZE, INCEPTION_SIZE], false, false);
    return tf.div(tf.sub(r, 128), 128);
  });
}

/**
 * Converts float images in [0, 1] to uint8 values (as float32 tensor of integers):
 * `round` (default): round(255·x), what saving to PNG gives; `truncate`: ⌊255·x⌋, what
 * torchmetrics' `(x·255).byte()` gives (spec 8.4).
 */
export function toUint8Values(x01: tf.Tensor4D, mode: "round" | "truncate" = "round"): tf.Tensor4D {
  return tf.tidy(() => {
    const s = tf.clipByValue(tf.mul(x01, 255), 0, 255);
    return (mode === "round" ? tf.round(s) : tf.floor(s)) as tf.Tensor4D;
  });
}

/**
 * The uint8 wrap-around of the official EB-JDAT evaluation (spec 8.4): torchmetrics computes
 * `(imgs·255).byte()` on tensors that are already uint8, so v ↦ (255·v) mod 256 = (256 − v) mod 256.
 */
export function uint8Wrap(xU8: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.mod(tf.sub(256, xU8), 256) as tf.Tensor4D);
}
