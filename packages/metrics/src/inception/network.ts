import { yieldToEventLoop } from "@ebjdat/runtime";
import * as tf from "@tensorflow/tfjs-core";
import type { RawTensor } from "@ebjdat/formats";
import { linearToKernel, oihwToHwio, prepareInceptionStateDict } from "./layout";
import { BN_EPS, FC_OUT, MIXED_BLOCKS, POOL3_DIM, STEM_CONVS, mixedConvs, type ConvSpec, type MixedKind } from "./architecture";

/** What {@link FidInception.forward} can return (all float32). */
export interface InceptionOutputs {
  /** Block 0 (after the first max pool, 64 × 73 × 73) averaged over H, W: [B, 64]. torch-fidelity "64". */
  block0Mean?: tf.Tensor2D;
  /** Block 1 (after the second max pool, 192 × 35 × 35) averaged: [B, 192]. torch-fidelity "192". */
  block1Mean?: tf.Tensor2D;
  /** Block 2 (Mixed_6e output, 768 × 17 × 17) averaged: [B, 768]. torch-fidelity "768". */
  block2Mean?: tf.Tensor2D;
  /** pool3: the 2048-d FID/KID features [B, 2048]. */
  pool3: tf.Tensor2D;
  /** pool3·Wᵀ + b: [B, 1008]. */
  logits?: tf.Tensor2D;
  /** pool3·Wᵀ (no bias; torch-fidelity "logits_unbiased", the IS features): [B, 1008]. */
  logitsUnbiased?: tf.Tensor2D;
}

/** Which outputs to compute besides pool3. */
export interface ForwardOptions {
  blockMeans?: boolean;
  logits?: boolean;
  /**
   * Stop after block 1 (the stem): only `block0Mean`/`block1Mean` are computed and `pool3` is an
   * empty [B, 0] tensor. For cheap checks of the preprocessing.
   */
  stemOnly?: boolean;
}

interface FoldedConv {
  spec: ConvSpec;
  /** HWIO filter with the BN scale folded in. */
  filter: tf.Tensor4D;
  /** β − μ·γ/√(σ² + ε). */
  bias: tf.Tensor1D;
}

/**
 * The FID Inception-v3 of pytorch-fid (`fid_inception_v3`, spec 8.1) in TF.js, NHWC: torchvision's
 * Inception3 with FIDInceptionA/C/E_1 (average pools exclude padding), FIDInceptionE_2 (max pool in
 * the pool branch of Mixed_7c), BatchNorm ε = 1e-3 and a 1008-way fc. Inference only; each
 * BasicConv2d runs as one fused conv + bias + ReLU with the BN folded into the filter:
 * W' = W·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε) (computed in float64, rounded to float32).
 *
 * Input: a preprocessed batch [B, 299, 299, 3] in the network range (see `preprocessPytorchFid`,
 * `preprocessTorchFidelity`). Call {@link FidInception.dispose} when done.
 */
export class FidInception {
  private readonly convs = new Map<string, FoldedConv>();
  private readonly fcW: tf.Tensor2D;
  private readonly fcB: tf.Tensor1D;
  private disposed = false;

  private constructor(stateDict: Map<string, RawTensor>) {
    const weights = prepareInceptionStateDict(stateDict);
    const get = (key: string): Float32Array => weights.get(key)!.data;
    try {
      for (const spec of [...STEM_CONVS, ...MIXED_BLOCKS.flatMap((b) => mixedConvs(b))]) {
        const gamma = get(`${spec.name}.bn.weight`), beta = get(`${spec.name}.bn.bias`);
        const mean = get(`${spec.name}.bn.running_mean`), variance = get(`${spec.name}.bn.running_var`);
        const { inC, outC, kh, kw } = spec;
        const hwio = oihwToHwio(get(`${spec.name}.conv.weight`), [outC, inC, kh, kw]);
        // Fold BN: the output channel is the last (fastest) HWIO axis.
        const scale = new Float64Array(outC);
        const bias = new Float32Array(outC);
        for (let o = 0; o < outC; o++) {
          scale[o] = gamma[o] / Math.sqrt(variance[o] + BN_EPS);
          bias[o] = beta[o] - mean[o] * scale[o];
        }
        const f = hwio.data;
        for (let j = 0; j < f.length; j++) f[j] *= scale[j % outC];
        this.convs.set(spec.name, { spec, filter: tf.tensor4d(f, hwio.shape), bias: tf.tensor1d(bias) });
      }
      const fc = linearToKernel(get("fc.weight"), [FC_OUT, POOL3_DIM]);
      this.fcW = tf.tensor2d(fc.data, fc.shape);
      this.fcB = tf.tensor1d(get("fc.bias"));
    } catch (e) {
      for (const c of this.convs.values()) tf.dispose([c.filter, c.bias]);
      throw e;
    }
  }

  /**
   * Builds the network from a PyTorch state dict (keys as in pt_inception-2015-12-05; conv weights
   * OIHW, fc.weight [1008, 2048]; `*.num_batches_tracked` ignored; tensors mapped by name).
   */
  static fromStateDict(stateDict: Map<string, RawTensor>): FidInception {
    return new FidInception(stateDict);
  }

  private conv(x: tf.Tensor4D, name: string): tf.Tensor4D {
    const c = this.convs.get(name);
    if (!c) throw new Error(`FID Inception: no conv ${name}`);
    return tf.fused.conv2d({ x, filter: c.filter, strides: c.spec.stride, pad: c.spec.pad, bias: c.bias, activation: "relu" });
  }

  private chain(x: tf.Tensor4D, names: string[]): tf.Tensor4D {
    let y = x;
    for (const n of names) {
      const next = this.conv(y, n);
      if (y !== x) y.dispose();
      y = next;
    }
    return y;
  }

  private mixed(x: tf.Tensor4D, name: string, kind: MixedKind): tf.Tensor4D {
    return tf.tidy(() => {
      const p = name + ".";
      const b = (s: string): string => p + s;
      switch (kind) {
        case "A":
          return tf.concat(
            [
              this.conv(x, b("branch1x1")),
              this.chain(x, [b("branch5x5_1"), b("branch5x5_2")]),
              this.chain(x, [b("branch3x3dbl_1"), b("branch3x3dbl_2"), b("branch3x3dbl_3")]),
              this.conv(tf.avgPool(x, 3, 1, "same"), b("branch_pool")),
            ],
            3,
          );
        case "B":
          return tf.concat(
            [
              this.conv(x, b("branch3x3")),
              this.chain(x, [b("branch3x3dbl_1"), b("branch3x3dbl_2"), b("branch3x3dbl_3")]),
              tf.maxPool(x, 3, 2, "valid"),
            ],
            3,
          );
        case "C":
          return tf.concat(
            [
              this.conv(x, b("branch1x1")),
              this.chain(x, [b("branch7x7_1"), b("branch7x7_2"), b("branch7x7_3")]),
              this.chain(x, [b("branch7x7dbl_1"), b("branch7x7dbl_2"), b("branch7x7dbl_3"), b("branch7x7dbl_4"), b("branch7x7dbl_5")]),
              this.conv(tf.avgPool(x, 3, 1, "same"), b("branch_pool")),
            ],
            3,
          );
        case "D":
          return tf.concat(
            [
              this.chain(x, [b("branch3x3_1"), b("branch3x3_2")]),
              this.chain(x, [b("branch7x7x3_1"), b("branch7x7x3_2"), b("branch7x7x3_3"), b("branch7x7x3_4")]),
              tf.maxPool(x, 3, 2, "valid"),
            ],
            3,
          );
        case "E1":
        case "E2": {
          const t3 = this.conv(x, b("branch3x3_1"));
          const td = this.chain(x, [b("branch3x3dbl_1"), b("branch3x3dbl_2")]);
          const pool = kind === "E1" ? tf.avgPool(x, 3, 1, "same") : tf.maxPool(x, 3, 1, "same");
          return tf.concat(
            [
              this.conv(x, b("branch1x1")),
              this.conv(t3, b("branch3x3_2a")),
              this.conv(t3, b("branch3x3_2b")),
              this.conv(td, b("branch3x3dbl_3a")),
              this.conv(td, b("branch3x3dbl_3b")),
              this.conv(pool, b("branch_pool")),
            ],
            3,
          );
        }
      }
    });
  }

  /**
   * Runs the network on a preprocessed batch x [B, 299, 299, 3] (spec 8.1):
   * block 0 = Conv2d_1a..2b + maxpool 3/2; block 1 = 3b, 4a + maxpool 3/2; block 2 = Mixed_5b..6e;
   * pool3 = mean over H, W of Mixed_7a..7c; logits = pool3·Wᵀ + b, logitsUnbiased = pool3·Wᵀ.
   */
  forward(x: tf.Tensor4D, options: ForwardOptions = {}): InceptionOutputs {
    const steps = this.steps(x, options);
    let r = steps.next();
    while (!r.done) r = steps.next();
    return r.value;
  }

  /**
   * {@link FidInception.forward} that yields to the event loop between blocks (a forward pass on
   * the cpu backend takes tens of seconds per image), so timers, progress and I/O keep running.
   */
  async forwardAsync(x: tf.Tensor4D, options: ForwardOptions = {}): Promise<InceptionOutputs> {
    const steps = this.steps(x, options);
    let r = steps.next();
    while (!r.done) {
      await yieldToEventLoop();
      r = steps.next();
    }
    return r.value;
  }

  private *steps(x: tf.Tensor4D, options: ForwardOptions): Generator<void, InceptionOutputs, void> {
    if (this.disposed) throw new Error("FidInception: used after dispose()");
    if (x.rank !== 4 || x.shape[1] !== 299 || x.shape[2] !== 299 || x.shape[3] !== 3) {
      throw new Error(`FidInception.forward: expected a preprocessed batch [B, 299, 299, 3], got [${x.shape.join(", ")}]`);
    }
    const out: Partial<InceptionOutputs> = {};
    const spatialMean = (t: tf.Tensor4D): tf.Tensor2D => tf.mean(t, [1, 2]) as tf.Tensor2D;
    let h = tf.tidy(() => tf.maxPool(this.chain(x, ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3"]), 3, 2, "valid"));
    try {
      if (options.blockMeans || options.stemOnly) out.block0Mean = spatialMean(h);
      yield;
      let next = tf.tidy(() => tf.maxPool(this.chain(h, ["Conv2d_3b_1x1", "Conv2d_4a_3x3"]), 3, 2, "valid"));
      h.dispose();
      h = next;
      if (options.blockMeans || options.stemOnly) out.block1Mean = spatialMean(h);
      if (options.stemOnly) {
        out.pool3 = tf.zeros([x.shape[0], 0]) as tf.Tensor2D;
        return out as InceptionOutputs;
      }
      for (const blk of MIXED_BLOCKS) {
        yield;
        next = this.mixed(h, blk.name, blk.kind);
        h.dispose();
        h = next;
        if (blk.name === "Mixed_6e" && options.blockMeans) out.block2Mean = spatialMean(h);
      }
      out.pool3 = spatialMean(h);
    } catch (e) {
      tf.dispose(Object.values(out));
      throw e;
    } finally {
      h.dispose();
    }
    if (options.logits) {
      const lu = this.logitsUnbiased(out.pool3);
      out.logitsUnbiased = lu;
      out.logits = tf.add(lu, this.fcB) as tf.Tensor2D;
    }
    return out as InceptionOutputs;
  }

  /**
   * The fc layer without its bias on pool3 features [B, 2048]: logitsUnbiased = pool3·Wᵀ [B, 1008]
   * (torch-fidelity "logits_unbiased", the IS features of spec 8.2). The same product
   * {@link FidInception.forward} computes with `logits: true`, for pool3 computed earlier.
   */
  logitsUnbiased(pool3: tf.Tensor2D): tf.Tensor2D {
    if (this.disposed) throw new Error("FidInception: used after dispose()");
    if (pool3.rank !== 2 || pool3.shape[1] !== POOL3_DIM) {
      throw new Error(`FidInception.logitsUnbiased: expected pool3 features [B, ${POOL3_DIM}], got [${pool3.shape.join(", ")}]`);
    }
    return tf.matMul(pool3, this.fcW) as tf.Tensor2D;
  }

  /** Frees the weight tensors. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.convs.values()) tf.dispose([c.filter, c.bias]);
    tf.dispose([this.fcW, this.fcB]);
  }
}
