import * as tf from "@tensorflow/tfjs-core";
import { Rng, type BnMode, type LogitsFn, toModelSpace } from "@ebjdat/runtime";
import { BatchNorm2d, checkMode, ownedVariable } from "./batch-norm";
import { exportStateDict, importStateDict, type ParamEntry, type StateDict } from "./state-dict";
import { blocksPerStage, resolveConfig, stageWidths, type ResolvedWideResNetConfig, type WideResNetConfig } from "./config";

/**
 * Symmetric padding 1 of a 3x3 conv (PyTorch `padding=1`), given explicitly (spec 0.3), never
 * TF 'same' (which pads only bottom/right at stride 2). It is passed to the conv op itself as
 * explicit padding, which computes exactly `conv2d(pad(x, PAD1), w, 'valid')` (tested) without
 * materialising the padded copy, and whose gradient avoids the slow `Slice` that `tf.pad`'s
 * gradient costs on the cpu backend.
 */
export const PAD1: tf.backend_util.ExplicitPadding = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

/** A convolution with bias; weight stored HWIO `[k, k, in, out]`. */
interface Conv {
  weight: tf.Variable<tf.Rank.R4>;
  bias: tf.Variable<tf.Rank.R1>;
  kernel: 1 | 3;
  stride: number;
}

/** A linear layer; weight stored `[in, out]` (TF.js dense kernel). */
interface Linear {
  weight: tf.Variable<tf.Rank.R2>;
  bias: tf.Variable<tf.Rank.R1>;
}

/** One pre-activation `wide_basic` block (spec 2.1). */
interface Block {
  name: string;
  bn1?: BatchNorm2d;
  conv1: Conv;
  bn2?: BatchNorm2d;
  conv2: Conv;
  shortcut?: Conv;
}

/** Named intermediate outputs of one forward pass (vectors README 4.7). */
export interface WrnActivations {
  "f.conv1": tf.Tensor4D;
  "f.layer1": tf.Tensor4D;
  "f.layer2": tf.Tensor4D;
  "f.layer3": tf.Tensor4D;
  head: tf.Tensor4D;
  penultimate: tf.Tensor2D;
  logits: tf.Tensor2D;
}

let instanceCounter = 0;

/**
 * WideResNet-d-k in the JEM layout (spec 2.1) built from tfjs-core ops only: stem conv 3x3
 * (3→16), three stages of pre-activation blocks (stride on conv2 of the first block of stages 2
 * and 3, 1x1 shortcut on the raw block input), final BN + LeakyReLU(0.2), 8x8 average pool and
 * the `class_output` linear head. Every conv has a bias; 3x3 convs use explicit symmetric
 * padding 1 then a `valid` conv (spec 0.3). The `energy_output` head (Linear 64k→1) is kept so
 * checkpoints round-trip, but is unused by the logits and is not trainable.
 */
export class WideResNet {
  readonly config: ResolvedWideResNetConfig;
  /** Unique prefix of this instance's TF.js variable names (`<prefix>/<official key>`). */
  readonly variablePrefix: string;
  private readonly stem: Conv;
  private readonly blocks: Block[][];
  private readonly finalBn?: BatchNorm2d;
  private readonly classOutput: Linear;
  private readonly energyOutput: Linear;
  private readonly entries: ParamEntry[] = [];
  private disposed = false;

  /**
   * Builds the network with PyTorch's default initialisation drawn from a seeded {@link Rng}:
   * conv/linear weight and bias ~ U(-1/√fan_in, 1/√fan_in) with fan_in = in·kh·kw; BN weight 1,
   * bias 0, running mean 0, running var 1 (spec 2.1).
   */
  constructor(config: WideResNetConfig, seed = 1) {
    this.config = resolveConfig(config);
    this.variablePrefix = `wrn${instanceCounter++}`;
    const rng = new Rng(seed).fork("wrn-init");
    const c = this.config;
    const widths = stageWidths(c.width);
    const n = blocksPerStage(c.depth);
    const useBn = c.norm === "batch";

    this.stem = this.makeConv("f.conv1", 3, widths[0], 3, 1, rng);
    this.blocks = [];
    let inC = widths[0];
    for (let s = 0; s < 3; s++) {
      const outC = widths[s + 1]!;
      const stage: Block[] = [];
      for (let i = 0; i < n; i++) {
        const stride = i === 0 && s > 0 ? 2 : 1;
        const name = `f.layer${s + 1}.${i}`;
        const bn1 = useBn ? this.makeBn(`${name}.bn1`, inC) : undefined;
        const conv1 = this.makeConv(`${name}.conv1`, inC, outC, 3, 1, rng);
        const bn2 = useBn ? this.makeBn(`${name}.bn2`, outC) : undefined;
        const conv2 = this.makeConv(`${name}.conv2`, outC, outC, 3, stride, rng);
        const shortcut = stride !== 1 || inC !== outC ? this.makeConv(`${name}.shortcut.0`, inC, outC, 1, stride, rng) : undefined;
        stage.push({ name, bn1, conv1, bn2, conv2, shortcut });
        inC = outC;
      }
      this.blocks.push(stage);
    }
    this.finalBn = useBn ? this.makeBn("f.bn1", inC) : undefined;
    this.energyOutput = this.makeLinear("energy_output", inC, 1, rng, false);
    this.classOutput = this.makeLinear("class_output", inC, c.numClasses, rng, true);
  }

  private varName(key: string): string {
    return `${this.variablePrefix}/${key}`;
  }

  private makeConv(key: string, inC: number, outC: number, k: 1 | 3, stride: number, rng: Rng): Conv {
    const bound = 1 / Math.sqrt(inC * k * k);
    const weight = ownedVariable(tf.tensor4d(rng.uniformArray(k * k * inC * outC, -bound, bound), [k, k, inC, outC]), true, this.varName(`${key}.weight`));
    const bias = ownedVariable(tf.tensor1d(rng.uniformArray(outC, -bound, bound)), true, this.varName(`${key}.bias`));
    this.entries.push({ key: `${key}.weight`, variable: weight, layout: "conv" }, { key: `${key}.bias`, variable: bias, layout: "plain" });
    return { weight, bias, kernel: k, stride };
  }

  private makeLinear(key: string, inC: number, outC: number, rng: Rng, trainable: boolean): Linear {
    const bound = 1 / Math.sqrt(inC);
    const weight = ownedVariable(tf.tensor2d(rng.uniformArray(inC * outC, -bound, bound), [inC, outC]), trainable, this.varName(`${key}.weight`));
    const bias = ownedVariable(tf.tensor1d(rng.uniformArray(outC, -bound, bound)), trainable, this.varName(`${key}.bias`));
    this.entries.push({ key: `${key}.weight`, variable: weight, layout: "linear" }, { key: `${key}.bias`, variable: bias, layout: "plain" });
    return { weight, bias };
  }

  private makeBn(key: string, channels: number): BatchNorm2d {
    const bn = new BatchNorm2d(channels, { momentum: this.config.bnMomentum, eps: this.config.bnEps }, this.varName(key));
    this.entries.push(
      { key: `${key}.weight`, variable: bn.weight, layout: "plain" },
      { key: `${key}.bias`, variable: bn.bias, layout: "plain" },
      { key: `${key}.running_mean`, variable: bn.runningMean, layout: "plain", bn },
      { key: `${key}.running_var`, variable: bn.runningVar, layout: "plain", bn },
    );
    return bn;
  }

  /** The convolution without its bias. */
  private convOnly(x: tf.Tensor4D, c: Conv): tf.Tensor4D {
    return tf.conv2d(x, c.weight, c.stride, c.kernel === 3 ? PAD1 : "valid");
  }

  private conv(x: tf.Tensor4D, c: Conv): tf.Tensor4D {
    return tf.add(this.convOnly(x, c), c.bias);
  }

  /**
   * LeakyReLU(bn(x + bias)) (bias: of the conv before, when given): in eval mode one fused pass
   * with the bias folded into the BN's shift (BatchNorm2d.applyLeakyRelu); without BN
   * (`norm: 'none'`) the bias add and the leaky ReLU.
   */
  private normAct(bn: BatchNorm2d | undefined, x: tf.Tensor4D, mode: BnMode, bias?: tf.Tensor1D): tf.Tensor4D {
    if (bn) return bn.applyLeakyRelu(x, mode, this.config.leak, bias);
    return tf.leakyRelu(bias ? (tf.add(x, bias) as tf.Tensor4D) : x, this.config.leak);
  }

  private block(x: tf.Tensor4D, b: Block, mode: BnMode): tf.Tensor4D {
    const h = this.normAct(b.bn2, this.convOnly(this.normAct(b.bn1, x, mode), b.conv1), mode, b.conv1.bias);
    return tf.add(this.conv(h, b.conv2), b.shortcut ? this.conv(x, b.shortcut) : x);
  }

  private checkInput(x: tf.Tensor, what: string): void {
    this.assertAlive();
    if (!(x instanceof tf.Tensor) || x.rank !== 4 || x.shape[3] !== 3 || x.shape[1] !== 32 || x.shape[2] !== 32 || x.shape[0]! < 1) {
      const shape = x instanceof tf.Tensor ? `[${x.shape.join(", ")}]` : String(x);
      throw new Error(`WideResNet ${what}: got ${shape}; expected a float32 NHWC tensor [B, 32, 32, 3] with B >= 1.`);
    }
    if (x.dtype !== "float32") throw new Error(`WideResNet ${what}: dtype ${x.dtype}; expected float32.`);
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error(`WideResNet ${this.variablePrefix} was disposed.`);
  }

  /** Base network `f`: features after the final BN, LeakyReLU and 8x8 average pool, `[B, 64k]`. */
  private trunk(xNet: tf.Tensor4D, mode: BnMode, taps?: Partial<WrnActivations>): tf.Tensor2D {
    let h = this.conv(xNet, this.stem);
    if (taps) taps["f.conv1"] = tf.keep(h);
    for (let s = 0; s < 3; s++) {
      for (const b of this.blocks[s]!) h = this.block(h, b, mode);
      if (taps) taps[`f.layer${s + 1}` as "f.layer1"] = tf.keep(h);
    }
    h = this.normAct(this.finalBn, h, mode);
    if (taps) taps.head = tf.keep(h);
    const feat = tf.mean(h, [1, 2]) as tf.Tensor2D;
    if (taps) taps.penultimate = tf.keep(feat);
    return feat;
  }

  private forward(xNet: tf.Tensor4D, mode: BnMode, taps?: Partial<WrnActivations>): tf.Tensor2D {
    const feat = this.trunk(xNet, mode, taps);
    return tf.add(tf.matMul(feat, this.classOutput.weight), this.classOutput.bias);
  }

  /**
   * Logits f(x) `[B, K]` of images in API space: x_net = 2·x01 − 1 (= (x01 − 0.5)/0.5, spec 0.1),
   * then the network. `mode` selects the BN behaviour (spec 0.2; default `eval`).
   */
  logits(x01: tf.Tensor4D, mode: BnMode = "eval"): tf.Tensor2D {
    this.checkInput(x01, "logits input");
    checkMode(mode);
    return tf.tidy(() => this.forward(toModelSpace(x01), mode));
  }

  /** Logits of a model-space input x_net in [-1, 1] (no normalisation; spec 0.1, 2.1). */
  netLogits(xNet: tf.Tensor4D, mode: BnMode = "eval"): tf.Tensor2D {
    this.checkInput(xNet, "netLogits input");
    checkMode(mode);
    return tf.tidy(() => this.forward(xNet, mode));
  }

  /**
   * Penultimate features `f(x_net)` `[B, 64k]` (after the final BN, LeakyReLU and the 8x8 average
   * pool; the input of `class_output` and `energy_output`, spec 2.1) of a model-space input.
   */
  netFeatures(xNet: tf.Tensor4D, mode: BnMode = "eval"): tf.Tensor2D {
    this.checkInput(xNet, "netFeatures input");
    checkMode(mode);
    return tf.tidy(() => this.trunk(xNet, mode));
  }

  /**
   * Intermediate outputs of one forward pass on a model-space input (for debugging parity,
   * vectors README 4.7): `f.conv1`, `f.layer1..3`, `head` = lrelu(bn1(layer3)), `penultimate`
   * (8x8 average pool), `logits`. The caller disposes them.
   */
  netActivations(xNet: tf.Tensor4D, mode: BnMode = "eval"): WrnActivations {
    this.checkInput(xNet, "netActivations input");
    checkMode(mode);
    const taps: Partial<WrnActivations> = {};
    taps.logits = tf.tidy(() => this.forward(xNet, mode, taps));
    return taps as WrnActivations;
  }

  /** The model as a {@link LogitsFn} on [0, 1] images, in a fixed BN mode (default `eval`). */
  toLogitsFn(mode: BnMode = "eval"): LogitsFn {
    checkMode(mode);
    return (x: tf.Tensor4D) => this.logits(x, mode);
  }

  /**
   * The variables that receive gradients from the logits, in official state-dict order (conv,
   * BN affine and `class_output` parameters). `energy_output` and the BN running statistics are
   * not included. Variable names are `<variablePrefix>/<official key>`.
   */
  trainableVariables(): tf.Variable[] {
    this.assertAlive();
    return this.entries.filter((e) => e.variable.trainable).map((e) => e.variable);
  }

  /** Official key of one of this model's variables (strips `<variablePrefix>/`), or undefined. */
  keyOf(variable: tf.Variable | string): string | undefined {
    const name = typeof variable === "string" ? variable : variable.name;
    const p = `${this.variablePrefix}/`;
    return name.startsWith(p) ? name.slice(p.length) : undefined;
  }

  /** Every parameter and buffer (not `num_batches_tracked`) in official order, with its layout. */
  parameterEntries(): readonly ParamEntry[] {
    this.assertAlive();
    return this.entries;
  }

  /** The BatchNorm layers by official key prefix (e.g. `f.layer1.0.bn1`, `f.bn1`), in order. */
  batchNorms(): Map<string, BatchNorm2d> {
    const out = new Map<string, BatchNorm2d>();
    for (const e of this.entries) {
      if (e.bn && e.key.endsWith(".running_mean")) out.set(e.key.slice(0, -".running_mean".length), e.bn);
    }
    return out;
  }

  /**
   * The weights in the official PyTorch names and layouts (conv OIHW, linear [out, in], BN
   * buffers with int64 `num_batches_tracked`), ready for `writeSafetensors` (spec 0.3).
   */
  stateDict(): StateDict {
    this.assertAlive();
    return exportStateDict(this);
  }

  /**
   * Loads an official state dict (aliases and `f.linear` ignored, `num_batches_tracked`
   * optional); unknown/missing keys and shape mismatches throw one error naming them all.
   */
  loadStateDict(dict: StateDict, source?: string): void {
    this.assertAlive();
    importStateDict(this, dict, source);
  }

  /** Number of scalar parameters (weights, biases and BN affine; buffers excluded). */
  parameterCount(): number {
    return this.entries.filter((e) => !e.bn).reduce((a, e) => a + e.variable.size, 0);
  }

  /** Disposes every variable; the model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const e of this.entries) e.variable.dispose();
  }
}

/**
 * Creates a JEM-layout WideResNet with PyTorch default initialisation drawn from `Rng(seed)`
 * (spec 2.1, 0.4). Example: `createWideResNet({ depth: 28, width: 10, numClasses: 10, norm: 'batch' })`.
 */
export function createWideResNet(config: WideResNetConfig, seed = 1): WideResNet {
  return new WideResNet(config, seed);
}
