import { envVar } from "../env";
import { loadAddon } from "./load-addon";

/** The native kernels (the N-API addon built from native/*.c, entries in native/addon.c), when built and loadable. */
export interface NativeAddon {
  info(): { blas: string; threads: number };
  configure(blas: string, threads: number): { blas: string; threads: number };
  conv2d(memory: ArrayBuffer, offsets: number[], geometry: number[]): void;
  leakyRelu(memory: ArrayBuffer, offsets: number[], n: [number], alpha: number): void;
  leakyReluGrad(memory: ArrayBuffer, offsets: number[], n: [number], alpha: number): void;
  columnSum(memory: ArrayBuffer, offsets: number[], dims: [outer: number, rows: number, columns: number]): void;
  biasActivation(memory: ArrayBuffer, offsets: number[], dims: number[], alpha: number): void;
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
  threads?: number;
  path?: string;
  /** why the addon is not in use (not built, disabled, failed to load) */
  reason?: string;
}

let loaded: LoadedAddon | undefined;
let enabled = envVar("EBJDAT_NATIVE") !== "0";

function load(): LoadedAddon {
  loaded ??= loadAddon(envVar("EBJDAT_NATIVE_PATH"));
  return loaded;
}

/** The addon when loaded and enabled, else undefined. */
export function nativeAddon(): NativeAddon | undefined {
  return enabled ? load().addon : undefined;
}

/**
 * Whether the native convolution kernels (im2col + SGEMM on the wasm heap, issue 6) are in use
 * on the wasm backend, with the SGEMM library and thread count, or why not.
 */
export function nativeKernels(): NativeKernelsInfo {
  const l = load();
  if (!l.addon) return l.info;
  return enabled ? l.info : { ...l.info, active: false, reason: "disabled (EBJDAT_NATIVE=0 or setNativeKernels(false))" };
}

/** Options of `setNativeKernels`. */
export interface NativeKernelsOptions {
  /** `auto` (the fastest library found: oneDNN, OpenBLAS, MKL, BLIS), `builtin` (the addon's own SGEMM), or a library path */
  blas?: string;
  /** threads for SGEMM and patches (default: the online cores, or EBJDAT_THREADS) */
  threads?: number;
}

/**
 * Turns the native kernels on or off and picks their SGEMM and threads (tests and benchmarks
 * compare every path in one run); returns the new state. Throws when `blas` names a library
 * that cannot be loaded.
 */
export function setNativeKernels(on: boolean, options: NativeKernelsOptions = {}): NativeKernelsInfo {
  enabled = on;
  const l = load();
  if (l.addon && (options.blas !== undefined || options.threads !== undefined)) {
    const i = l.addon.configure(options.blas ?? "auto", options.threads ?? 0);
    l.info = { ...l.info, blas: i.blas, threads: i.threads };
  }
  return nativeKernels();
}
