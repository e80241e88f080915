import * as tf from "@tensorflow/tfjs-core";
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm, convGradStrategy } from "./wasm/conv2d-grad";
import { registerCoreGradients } from "./tfjs-gradients";
import { registerMissingGradients } from "./missing-gradients";
import { nativeAddon } from "./native/addon";
import { conv2dBackpropFilterNative, conv2dBackpropInputNative, conv2dNative, fusedConv2dNative } from "./native/conv2d-native";
import { registerLeakyReluGradient } from "./leaky-relu-gradient";
import { identityShared, LEAKY_RELU_GRAD, leakyReluGradJs, leakyReluNative, sumInnerAxesNative } from "./wasm/elementwise";
import { depthwiseBackpropFilterJs, depthwiseBackpropInputJs, maxPoolGradJs, signJs, unsortedSegmentSumJs } from "./wasm/js-kernels";

type KernelImpl = (args: { inputs: never; backend: never; attrs: never }) => tf.TensorInfo;

/** The kernels this package installs on the wasm backend (added where missing, replaced where wrong or slow). */
export const WASM_KERNEL_OVERRIDES: readonly string[] = [
  "Conv2D",
  "FusedConv2D",
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
  "UnsortedSegmentSum",
  "Sign",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "Identity",
  "LeakyRelu",
  LEAKY_RELU_GRAD,
  "Sum",
];

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

/** A kernel that tries `first` (undefined = not handled) and otherwise runs TF.js wasm's own kernel `name`. */
function orTfjsOwn<A extends { backend: object }>(name: string, first: (args: A) => tf.TensorInfo | undefined): KernelImpl {
  return ((args: A) => {
    const out = first(args) ?? runTfjsOwn(name, args);
    if (!out) throw new Error(`${name}: TF.js wasm's own kernel is not registered.`);
    return out;
  }) as unknown as KernelImpl;
}

const impls: Record<string, KernelImpl> = {
  // Native kernels (issue 6) when the addon is built, else TF.js's XNNPACK convolution.
  Conv2D: orTfjsOwn("Conv2D", (args: Parameters<typeof conv2dNative>[1]) => {
    const addon = nativeAddon();
    return addon ? conv2dNative(addon, args) : undefined;
  }),
  FusedConv2D: orTfjsOwn("FusedConv2D", (args: Parameters<typeof fusedConv2dNative>[1]) => {
    const addon = nativeAddon();
    return addon ? fusedConv2dNative(addon, args) : undefined;
  }),
  Conv2DBackpropFilter: ((args: Parameters<typeof conv2DBackpropFilterWasm>[0]) => {
    const addon = nativeAddon();
    return (addon ? conv2dBackpropFilterNative(addon, args) : undefined) ?? conv2DBackpropFilterWasm(args);
  }) as unknown as KernelImpl,
  Conv2DBackpropInput: ((args: Parameters<typeof conv2DBackpropInputWasm>[0]) => {
    if (convGradStrategy().input === "native") {
      const own = runTfjsOwn("Conv2DBackpropInput", args);
      if (own) return own;
    }
    const addon = nativeAddon();
    return (addon ? conv2dBackpropInputNative(addon, args) : undefined) ?? conv2DBackpropInputWasm(args);
  }) as unknown as KernelImpl,
  MaxPoolGrad: maxPoolGradJs as unknown as KernelImpl,
  UnsortedSegmentSum: unsortedSegmentSumJs as unknown as KernelImpl,
  Sign: signJs as unknown as KernelImpl,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterJs as unknown as KernelImpl,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputJs as unknown as KernelImpl,
  Identity: orTfjsOwn("Identity", identityShared),
  LeakyRelu: orTfjsOwn("LeakyRelu", leakyReluNative),
  [LEAKY_RELU_GRAD]: leakyReluGradJs as unknown as KernelImpl,
  Sum: orTfjsOwn("Sum", sumInnerAxesNative),
};

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
  await import("@tensorflow/tfjs-backend-wasm");
  installWasmKernels();
}

/** Synchronous core of `registerKernelsAndGradients` (the wasm package must already be imported). */
export function installWasmKernels(): void {
  for (const name of WASM_KERNEL_OVERRIDES) {
    const impl = impls[name]!;
    const existing = tf.getKernel(name, "wasm");
    if (existing?.kernelFunc === (impl as unknown as tf.KernelFunc)) continue;
    if (existing) {
      if (!tfjsOwn.has(name)) tfjsOwn.set(name, existing);
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: impl as unknown as tf.KernelFunc });
  }
}
