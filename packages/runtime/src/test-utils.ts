// Helpers for this package's tests only (not exported from the index). The tolerance measures
// come from @ebjdat/testing.

/** Deterministic values in [-1, 1) (a small LCG; tests must not depend on Rng to test it). */
export function fill(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = lo + ((hi - lo) * s) / 4294967296;
  }
  return a;
}

/**
 * The reference of a wasm-vs-cpu parity test: `run(k)` for each key on the cpu backend, then the
 * wasm backend is initialised for the test itself.
 */
export async function cpuReferenceThenWasm<K, T>(keys: readonly K[], run: (k: K) => T): Promise<Map<K, T>> {
  const { initBackend } = await import("./backend");
  await initBackend({ backend: "cpu", quiet: true });
  const ref = new Map<K, T>(keys.map((k) => [k, run(k)]));
  await initBackend({ backend: "wasm", quiet: true });
  return ref;
}

/** `fn()` with the native kernels on or off, then back to the environment's default; undefined (skipped) when `on` but the addon is not active. */
export async function withNativeKernels<T>(on: boolean, fn: () => T): Promise<T | undefined> {
  const { nativeKernels, setNativeKernels } = await import("./native/addon");
  if (on && !nativeKernels().active) return undefined;
  setNativeKernels(on);
  try {
    return fn();
  } finally {
    setNativeKernels(process.env.EBJDAT_NATIVE !== "0");
  }
}
