import { envVar } from "../env";
import type { LoadedAddon, NativeAddon, NativeKernelsInfo } from "./addon-types";
import { loadAddon } from "./load-addon";

export type { LoadedAddon, NativeAddon, NativeKernelsInfo } from "./addon-types";

let loaded: LoadedAddon | undefined;
let enabled = envVar("EBJDAT_NATIVE") !== "0";

function load(): LoadedAddon {
  if (!loaded) {
    checkConvEnv();
    loaded = loadAddon(envVar("EBJDAT_NATIVE_PATH"));
  }
  return loaded;
}

/** The addon when loaded and enabled, else undefined. */
export function nativeAddon(): NativeAddon | undefined {
  return enabled ? load().addon : undefined;
}

/**
 * Whether the native convolution kernels (on the wasm heap: oneDNN's convolution primitives, or
 * im2col + SGEMM; issues 6 and 21) are in use on the wasm backend, with the SGEMM library, the
 * convolution path and thread count, or why not.
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
  /** what runs the convolutions: `auto` (oneDNN's convolution primitives when oneDNN 2.x is the BLAS, else im2col + SGEMM), `dnnl` (the same, but `nativeKernels().conv` says why when it cannot run), `im2col` (always im2col + SGEMM); default: EBJDAT_CONV, else auto */
  conv?: ConvPath;
}

/** The convolution paths `setNativeKernels({ conv })` and `EBJDAT_CONV` choose from. */
export type ConvPath = "auto" | "dnnl" | "im2col";

const CONV_PATHS: readonly string[] = ["auto", "dnnl", "im2col"];

/** EBJDAT_CONV, checked: the addon itself would ignore a misspelt name. */
function checkConvEnv(): void {
  const v = envVar("EBJDAT_CONV");
  if (v && !CONV_PATHS.includes(v)) throw new Error(`EBJDAT_CONV: unknown convolution path "${v}" (expected ${CONV_PATHS.join(", ")})`);
}

/**
 * Turns the native kernels on or off and picks their SGEMM, convolution path and threads (tests and benchmarks
 * compare every path in one run); returns the new state. Throws when `blas` names a library
 * that cannot be loaded.
 */
export function setNativeKernels(on: boolean, options: NativeKernelsOptions = {}): NativeKernelsInfo {
  enabled = on;
  const l = load();
  if (options.conv !== undefined && !CONV_PATHS.includes(options.conv)) throw new Error(`setNativeKernels: unknown conv "${String(options.conv)}" (expected ${CONV_PATHS.join(", ")})`);
  if (l.addon && (options.blas !== undefined || options.threads !== undefined || options.conv !== undefined)) {
    const i = l.addon.configure(options.blas ?? "auto", options.threads ?? 0, options.conv ?? "");
    l.info = { ...l.info, blas: i.blas, conv: i.conv, threads: i.threads };
  }
  return nativeKernels();
}
