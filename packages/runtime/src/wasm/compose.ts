import * as tf from "@tensorflow/tfjs-core";

/** The part of the wasm backend that composed kernels use (heap views and outputs). */
export interface WasmBackendLike extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Runs other kernels of one backend from inside a kernel (no tape, no engine bookkeeping)
 * and frees every intermediate it made except the ones `keep`s. This is how a missing or slow
 * kernel is rebuilt from fast forward kernels (convolutions, matMuls) of the same backend.
 */
export class KernelComposer {
  private readonly made: tf.TensorInfo[] = [];

  constructor(
    readonly backend: WasmBackendLike,
    readonly backendName: string,
  ) {}

  /** Runs kernel `name` of this backend; the result is freed by `dispose` unless kept. */
  run(name: string, inputs: Record<string, tf.TensorInfo> | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const kernel = tf.getKernel(name, this.backendName);
    if (kernel === undefined) throw new Error(`Kernel '${name}' is not registered for backend '${this.backendName}'.`);
    const out = kernel.kernelFunc({
      inputs: inputs as unknown as tf.NamedTensorInfoMap,
      attrs: attrs as tf.NamedAttrMap,
      backend: this.backend,
    }) as tf.TensorInfo | tf.TensorInfo[];
    const info = Array.isArray(out) ? out[0]! : out;
    this.made.push(info);
    return info;
  }

  /** A fresh output buffer, freed by `dispose` unless kept. */
  output(shape: number[], dtype: tf.DataType = "float32"): tf.TensorInfo {
    const info = this.backend.makeOutput(shape, dtype);
    this.made.push(info);
    return info;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  pad(x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run("PadV2", { x }, { paddings, constantValue: 0 });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    if (begin.every((b) => b === 0) && size.every((s, i) => s === x.shape[i])) return x;
    return this.run("Slice", { x }, { begin, size });
  }

  /** Frees every intermediate except `keep` (which is returned). */
  finish(keep: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.made) {
      if (info !== keep) this.backend.disposeData(info.dataId);
    }
    this.made.length = 0;
    return keep;
  }
}

/** Padding of a 4D NHWC tensor in rows and columns only. */
export function hwPaddings(top: number, bottom: number, left: number, right: number): Array<[number, number]> {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
