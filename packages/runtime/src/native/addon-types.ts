/** The native kernels (the N-API addon built from native/*.c, entries in native/addon.c), when built and loadable. */
export interface NativeAddon {
  info(): { blas: string; conv: string; threads: number; signalThread: boolean };
  /** conv: `auto`, `dnnl`, `im2col`, or "" to keep the current choice */
  configure(blas: string, threads: number, conv: string): { blas: string; conv: string; threads: number; signalThread: boolean };
  conv2d(memory: ArrayBuffer, offsets: number[], geometry: number[]): void;
  leakyRelu(memory: ArrayBuffer, offsets: number[], n: [number], alpha: number): void;
  leakyReluGrad(memory: ArrayBuffer, offsets: number[], n: [number], alpha: number): void;
  columnSum(memory: ArrayBuffer, offsets: number[], dims: [outer: number, rows: number, columns: number]): void;
  biasActivation(memory: ArrayBuffer, offsets: number[], dims: number[], alpha: number): void;
  bnMoments(memory: ArrayBuffer, offsets: number[], dims: [batch: number, height: number, width: number, channels: number]): void;
  bnForward(memory: ArrayBuffer, offsets: number[], dims: [batch: number, height: number, width: number, channels: number], alpha: number): void;
  bnBackward(memory: ArrayBuffer, offsets: number[], dims: [batch: number, height: number, width: number, channels: number], alpha: number): void;
  binary(memory: ArrayBuffer, offsets: number[], dims: [op: number, aMode: number, bMode: number, rows: number, columns: number]): void;
  affineLeakyRelu(memory: ArrayBuffer, offsets: number[], dims: [rows: number, channels: number], alpha: number): void;
  affineLeakyReluGrad(memory: ArrayBuffer, offsets: number[], dims: [rows: number, channels: number], alpha: number): void;
  conv2dBackpropInput(memory: ArrayBuffer, offsets: number[], geometry: number[]): void;
  conv2dBackpropFilter(memory: ArrayBuffer, offsets: number[], geometry: number[]): void;
}

/** The addon (when it loaded) and what `nativeKernels()` reports about it. */
export interface LoadedAddon {
  addon?: NativeAddon;
  info: NativeKernelsInfo;
}

/** What `nativeKernels()` reports: whether the native kernels are in use, and why not. */
export interface NativeKernelsInfo {
  /** true when the addon loaded and is enabled */
  active: boolean;
  /** the SGEMM in use: `dnnl_sgemm (libdnnl.so.2)`, `cblas_sgemm (libopenblas.so.0)`, or `builtin` */
  blas?: string;
  /** what runs the convolutions: `dnnl primitives (libdnnl.so.2 2.6.3)` (oneDNN's own convolution primitives, when oneDNN 2.x is the BLAS), or `im2col + <blas>` (with why, when `dnnl` was asked for and cannot run) */
  conv?: string;
  threads?: number;
  /** true when asynchronous signals (SIGINT, SIGTERM, ...) are received by the addon's own thread, never by a computing one (native/signals.h; EBJDAT_SIGNAL_THREAD=0 turns it off) */
  signalThread?: boolean;
  path?: string;
  /** why the addon is not in use (not built, disabled, failed to load) */
  reason?: string;
}
