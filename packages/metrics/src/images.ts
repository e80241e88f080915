import * as tf from "@tensorflow/tfjs-core";

/**
 * Images for a metric: one NHWC float32 tensor in [0, 1] (not disposed by the metrics), or an
 * (async) iterable of such batches (each yielded batch is disposed after use).
 */
export type ImageSource = tf.Tensor4D | Iterable<tf.Tensor4D> | AsyncIterable<tf.Tensor4D>;

/** Progress of a metric computation. */
export interface MetricsProgress {
  /** What runs, e.g. `inception pytorch-fid real`, `fd-wrn fake`, `fid`. */
  stage: string;
  /** Images (or units) done in this stage. */
  done: number;
  /** Total in this stage, when known. */
  total?: number;
}

/** Checks that a batch is NHWC RGB float in [0, 1]; `what` names it. */
export function checkImageBatch(x: tf.Tensor, what: string, expectChannels = 3): void {
  if (x.rank !== 4 || x.shape[3] !== expectChannels) {
    throw new Error(`${what}: expected images [N, H, W, ${expectChannels}] (NHWC), got [${x.shape.join(", ")}]`);
  }
  checkImageRange(x, what);
}

/** Checks that every value of an image tensor lies in the image space [0, 1] (spec 0.1); `what` names it. */
export function checkImageRange(x: tf.Tensor, what: string): void {
  const [lo, hi] = tf.tidy(() => [tf.min(x), tf.max(x)]).map((t) => {
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  });
  if (!(lo >= 0 && hi <= 1)) {
    throw new Error(`${what}: images must be float in [0, 1], got values in [${lo}, ${hi}]${hi > 1.5 ? " (uint8 0..255? divide by 255)" : ""}`);
  }
}

/** Batches of at most `batchSize` images from a source; `owned` says whether the caller must dispose them. */
export async function* batchesOf(source: ImageSource, batchSize: number): AsyncGenerator<{ x: tf.Tensor4D; owned: boolean }> {
  if (source instanceof tf.Tensor) {
    const n = source.shape[0];
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      if (s === 0 && e === n) yield { x: source, owned: false };
      else yield { x: tf.slice(source, [s, 0, 0, 0], [e - s, -1, -1, -1]), owned: true };
    }
    return;
  }
  for await (const b of source as AsyncIterable<tf.Tensor4D>) {
    const n = b.shape[0];
    if (n <= batchSize) {
      yield { x: b, owned: true };
      continue;
    }
    for (let s = 0; s < n; s += batchSize) {
      yield { x: tf.slice(b, [s, 0, 0, 0], [Math.min(batchSize, n - s), -1, -1, -1]), owned: true };
    }
    b.dispose();
  }
}

/** Number of images of a source when it is a tensor (else undefined). */
export function sourceSize(source: ImageSource): number | undefined {
  return source instanceof tf.Tensor ? source.shape[0] : undefined;
}

/**
 * Runs `fn` on every batch of `source` and collects each named output [B, d_k] into a row-major
 * float32 matrix. `fn` receives a checked [0, 1] batch and may return several feature sets.
 */
export async function collectFeatures(
  source: ImageSource,
  fn: (x: tf.Tensor4D) => Promise<Record<string, tf.Tensor2D>> | Record<string, tf.Tensor2D>,
  options: { batchSize: number; what: string; onProgress?: (p: MetricsProgress) => void },
): Promise<Map<string, { rows: number; cols: number; data: Float32Array }>> {
  const parts = new Map<string, Float32Array[]>();
  const cols = new Map<string, number>();
  const total = sourceSize(source);
  let done = 0;
  for await (const { x, owned } of batchesOf(source, options.batchSize)) {
    try {
      checkImageBatch(x, options.what);
      const out = await fn(x);
      for (const [k, t] of Object.entries(out)) {
        if (t.rank !== 2 || t.shape[0] !== x.shape[0]) {
          tf.dispose(Object.values(out));
          throw new Error(`${options.what}: feature "${k}" has shape [${t.shape.join(", ")}], expected [${x.shape[0]}, d]`);
        }
        const prev = cols.get(k);
        if (prev !== undefined && prev !== t.shape[1]) throw new Error(`${options.what}: feature "${k}" changed size from ${prev} to ${t.shape[1]}`);
        cols.set(k, t.shape[1]);
        const list = parts.get(k) ?? [];
        list.push((await t.data()) as Float32Array);
        parts.set(k, list);
      }
      tf.dispose(Object.values(out));
      done += x.shape[0];
      options.onProgress?.({ stage: options.what, done, total });
    } finally {
      if (owned) x.dispose();
    }
  }
  const res = new Map<string, { rows: number; cols: number; data: Float32Array }>();
  for (const [k, list] of parts) {
    const c = cols.get(k)!;
    const data = new Float32Array(list.reduce((a, b) => a + b.length, 0));
    let o = 0;
    for (const p of list) {
      data.set(p, o);
      o += p.length;
    }
    res.set(k, { rows: data.length / c, cols: c, data });
  }
  if (res.size === 0) throw new Error(`${options.what}: no images`);
  return res;
}
