import * as tf from "@tensorflow/tfjs-core";
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm, convGradStrategy } from "./wasm/conv2d-grad";
import { registerCoreGradients } from "./tfjs-gradients";
import { registerMissingGradients } from "./missing-gradients";
import { nativeAddon, type NativeAddon } from "./native/addon";
import { conv2dBackpropFilterNative, conv2dBackpropInputNative, conv2dNative, fusedConv2dNative } from "./native/conv2d-native";
import { registerLeakyReluGradient } from "./leaky-relu-gradient";
import { registerAffineLeakyReluGradient } from "./affine-leaky-relu";
import { AFFINE_LEAKY_RELU, AFFINE_LEAKY_RELU_GRAD, affineLeakyReluGradKernel, affineLeakyReluKernel } from "./wasm/affine";
import { binaryNative } from "./wasm/binary";
import { BATCH_NORM_FORWARD, BATCH_NORM_GRAD, BATCH_NORM_MOMENTS, batchNormForwardKernel, batchNormGradKernel, batchNormMomentsKernel } from "./wasm/batch-norm";
import { identityShared, LEAKY_RELU_GRAD, leakyReluGradJs, leakyReluNative, sumInnerAxesNative } from "./wasm/elementwise";
import { depthwiseBackpropFilterJs, depthwiseBackpropInputJs, maxPoolGradJs, signJs, unsortedSegmentSumJs } from "./wasm/js-kernels";

type KernelImpl = (args: { inputs: never; backend: never; attrs: never }) => tf.TensorInfo;

/** Builds the kernel installed under `name` (the name of TF.js wasm's own kernel it may fall back on). */
type KernelEntry = (name: string) => KernelImpl;

/** TF.js wasm's own kernels that ours replace (kept to fall back on). */
const tfjsOwn = new Map<string, tf.KernelConfig>();
const setUp = new Map<string, WeakSet<object>>();

function runTfjsOwn(name: string, args: { backend: object }): tf.TensorInfo | undefined {
  const k = tfjsOwn.get(name);
  if (!k) return undefined;
  let done = setUp.get(name);
  if (!done) setUp.set(name, (done = new WeakSet()));
  if (!done.has(args.backend)) {
    k.setupFunc?.(args.backend as tf.KernelBackend);
    done.add(args.backend);
  }
  return k.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** A kernel that always runs `impl`. */
function always(impl: unknown): KernelEntry {
  return () => impl as KernelImpl;
}

/** A kernel that tries `first` (undefined = not handled) and otherwise runs TF.js wasm's own kernel of its name. */
function orTfjsOwn<A extends { backend: object }>(first: (args: A) => tf.TensorInfo | undefined): KernelEntry {
  return (name) =>
    ((args: A) => {
      const out = first(args) ?? runTfjsOwn(name, args);
      if (!out) throw new Error(`${name}: TF.js wasm's own kernel is not registered.`);
      return out;
    }) as unknown as KernelImpl;
}

/** `kernel` on the native addon (issue 6), or undefined (not handled) when the addon is not built or is off. */
function onAddon<A>(kernel: (addon: NativeAddon, args: A) => tf.TensorInfo | undefined): (args: A) => tf.TensorInfo | undefined {
  return (args) => {
    const addon = nativeAddon();
    return addon ? kernel(addon, args) : undefined;
  };
}

/** `kernel` on the native addon; throws when the addon is off (callers check `nativeKernels()` first). */
function onAddonOrThrow<A, T>(name: string, kernel: (addon: NativeAddon, args: A) => T): (args: A) => T {
  return (args) => {
    const addon = nativeAddon();
    if (!addon) throw new Error(`${name}: the native kernels are off (nativeKernels()); this kernel has no other implementation.`);
    return kernel(addon, args);
  };
}

const backpropFilterNative = onAddon(conv2dBackpropFilterNative);
const backpropInputNative = onAddon(conv2dBackpropInputNative);

/** Every kernel this package installs on wasm, by name: adding a kernel is one entry here. */
const KERNELS = {
  // Native kernels when the addon is built, else TF.js's XNNPACK convolution.
  Conv2D: orTfjsOwn(onAddon(conv2dNative)),
  FusedConv2D: orTfjsOwn(onAddon(fusedConv2dNative)),
  // Native kernels when the addon is built, else compositions of wasm kernels (./wasm/conv2d-grad).
  Conv2DBackpropFilter: always((args: Parameters<typeof conv2DBackpropFilterWasm>[0]) => backpropFilterNative(args) ?? conv2DBackpropFilterWasm(args)),
  Conv2DBackpropInput: (name) =>
    ((args: Parameters<typeof conv2DBackpropInputWasm>[0]) => {
      if (convGradStrategy().input === "native") {
        const own = runTfjsOwn(name, args);
        if (own) return own;
      }
      return backpropInputNative(args) ?? conv2DBackpropInputWasm(args);
    }) as unknown as KernelImpl,
  MaxPoolGrad: always(maxPoolGradJs),
  UnsortedSegmentSum: always(unsortedSegmentSumJs),
  Sign: always(signJs),
  DepthwiseConv2dNativeBackpropFilter: always(depthwiseBackpropFilterJs),
  DepthwiseConv2dNativeBackpropInput: always(depthwiseBackpropInputJs),
  Identity: orTfjsOwn(identityShared),
  LeakyRelu: orTfjsOwn(leakyReluNative),
  [LEAKY_RELU_GRAD]: always(leakyReluGradJs),
  Sum: orTfjsOwn(sumInnerAxesNative),
  Add: orTfjsOwn(binaryNative("Add")),
  Sub: orTfjsOwn(binaryNative("Sub")),
  Multiply: orTfjsOwn(binaryNative("Multiply")),
  [AFFINE_LEAKY_RELU]: always(onAddonOrThrow(AFFINE_LEAKY_RELU, affineLeakyReluKernel)),
  [AFFINE_LEAKY_RELU_GRAD]: always(onAddonOrThrow(AFFINE_LEAKY_RELU_GRAD, affineLeakyReluGradKernel)),
  [BATCH_NORM_MOMENTS]: always(onAddonOrThrow(BATCH_NORM_MOMENTS, batchNormMomentsKernel)),
  [BATCH_NORM_FORWARD]: always(onAddonOrThrow(BATCH_NORM_FORWARD, batchNormForwardKernel)),
  [BATCH_NORM_GRAD]: always(onAddonOrThrow(BATCH_NORM_GRAD, batchNormGradKernel)),
} satisfies Record<string, KernelEntry>;

/** The kernels this package installs on the wasm backend (added where missing, replaced where wrong or slow). */
export const WASM_KERNEL_OVERRIDES: readonly string[] = Object.keys(KERNELS);

/** The installed kernel functions, built once (so that installing again finds them already registered). */
const impls = new Map<string, KernelImpl>(Object.entries(KERNELS).map(([name, entry]: [string, KernelEntry]) => [name, entry(name)]));

/**
 * Registers TF.js core's gradients (not registered by `@tensorflow/tfjs-core` alone; see
 * `registerCoreGradients`) and installs on the wasm backend the kernels TF.js 4.22 lacks there or gets wrong, so that a
 * WRN training step, an input gradient and a Langevin step run on wasm with the cpu backend's
 * results (foundation issue, section 2):
 * - `Conv2D` and both convolution gradients: native im2col + SGEMM kernels when the addon is
 *   built (`nativeKernels()`; issue 6), else:
 * - `Conv2DBackpropFilter` (missing): a forward conv of the transposed input with the transposed dy;
 * - `Conv2DBackpropInput` (slow): stride-1 forward conv of the zero-dilated dy with the flipped filter;
 * - `MaxPoolGrad` (misroutes when a window's max ≤ 0): dy to the window's first argmax;
 * - `UnsortedSegmentSum` (missing; gather's gradient), depthwise conv gradients (missing).
 * Other backends keep their own kernels. Loads `@tensorflow/tfjs-backend-wasm` first so that
 * its registrations never overwrite these. Idempotent.
 */
export async function registerKernelsAndGradients(): Promise<void> {
  await registerCoreGradients();
  registerMissingGradients();
  registerLeakyReluGradient();
  registerAffineLeakyReluGradient();
  await import("@tensorflow/tfjs-backend-wasm");
  installWasmKernels();
}

/** Synchronous core of `registerKernelsAndGradients` (the wasm package must already be imported). */
export function installWasmKernels(): void {
  for (const [name, impl] of impls) {
    const existing = tf.getKernel(name, "wasm");
    if (existing?.kernelFunc === (impl as unknown as tf.KernelFunc)) continue;
    if (existing) {
      if (!tfjsOwn.has(name)) tfjsOwn.set(name, existing);
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: impl as unknown as tf.KernelFunc });
  }
}
