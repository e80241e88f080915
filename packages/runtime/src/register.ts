import * as tf from "@tensorflow/tfjs-core";
import { conv2DBackpropFilterWasm, conv2DBackpropInputWasm, convGradStrategy } from "./wasm/conv2d-grad";
import { registerCoreGradients } from "./tfjs-gradients";
import { registerMissingGradients } from "./missing-gradients";
import { depthwiseBackpropFilterJs, depthwiseBackpropInputJs, maxPoolGradJs, signJs, unsortedSegmentSumJs } from "./wasm/js-kernels";

type KernelImpl = (args: { inputs: never; backend: never; attrs: never }) => tf.TensorInfo;

/** The kernels this package installs on the wasm backend (added where missing, replaced where wrong or slow). */
export const WASM_KERNEL_OVERRIDES: readonly string[] = [
  "Conv2DBackpropFilter",
  "Conv2DBackpropInput",
  "MaxPoolGrad",
  "UnsortedSegmentSum",
  "Sign",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
];

const native = new Map<string, tf.KernelConfig>();
const setUp = new WeakSet<object>();

const impls: Record<string, KernelImpl> = {
  Conv2DBackpropFilter: conv2DBackpropFilterWasm as unknown as KernelImpl,
  Conv2DBackpropInput: ((args: Parameters<typeof conv2DBackpropInputWasm>[0]) => {
    const n = native.get("Conv2DBackpropInput");
    if (convGradStrategy().input === "native" && n) {
      if (!setUp.has(args.backend)) {
        n.setupFunc?.(args.backend);
        setUp.add(args.backend);
      }
      return n.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    return conv2DBackpropInputWasm(args);
  }) as unknown as KernelImpl,
  MaxPoolGrad: maxPoolGradJs as unknown as KernelImpl,
  UnsortedSegmentSum: unsortedSegmentSumJs as unknown as KernelImpl,
  Sign: signJs as unknown as KernelImpl,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilterJs as unknown as KernelImpl,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInputJs as unknown as KernelImpl,
};

/**
 * Registers TF.js core's gradients (not registered by `@tensorflow/tfjs-core` alone; see
 * `registerCoreGradients`) and installs on the wasm backend the kernels TF.js 4.22 lacks there or gets wrong, so that a
 * WRN training step, an input gradient and a Langevin step run on wasm with the cpu backend's
 * results (foundation issue, section 2):
 * - `Conv2DBackpropFilter` (missing): im2col patches · dy, one matMul;
 * - `Conv2DBackpropInput` (slow): stride-1 forward conv of the zero-dilated dy with the flipped filter;
 * - `MaxPoolGrad` (misroutes when a window's max ≤ 0): dy to the window's first argmax;
 * - `UnsortedSegmentSum` (missing; gather's gradient), depthwise conv gradients (missing).
 * Other backends keep their own kernels. Loads `@tensorflow/tfjs-backend-wasm` first so that
 * its registrations never overwrite these. Idempotent.
 */
export async function registerKernelsAndGradients(): Promise<void> {
  await registerCoreGradients();
  registerMissingGradients();
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
      if (!native.has(name)) native.set(name, existing);
      tf.unregisterKernel(name, "wasm");
    }
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: impl as unknown as tf.KernelFunc });
  }
}
