import * as tf from "@tensorflow/tfjs-core";

/** Serializable generator state (for checkpoints and resume). */
export interface RngState {
  s: [number, number, number, number];
  spare?: number;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashString(s: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

/**
 * Seeded pseudo-random generator (xoshiro128**), drawn in JavaScript so that a run is
 * reproducible whatever the backend (spec 0.4: one stream per purpose, via `fork`).
 */
export class Rng {
  private s: Uint32Array;
  private spare: number | undefined;

  constructor(seed: number | RngState = 1) {
    this.s = new Uint32Array(4);
    if (typeof seed === "number") {
      const sm = splitmix32(seed);
      for (let i = 0; i < 4; i++) this.s[i] = sm();
    } else {
      this.s.set(seed.s);
      this.spare = seed.spare;
    }
  }

  /** An independent stream for one purpose (data order, augmentation, sampler noise, ...). */
  fork(purpose: string): Rng {
    return new Rng((this.nextUint32() ^ hashString(purpose)) >>> 0);
  }

  state(): RngState {
    return { s: [this.s[0]!, this.s[1]!, this.s[2]!, this.s[3]!], ...(this.spare !== undefined ? { spare: this.spare } : {}) };
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Integer uniform in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }

  /** Standard normal (Box-Muller, the spare kept in the state). */
  gaussian(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.next();
    return a;
  }

  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = mean + std * this.gaussian();
    return a;
  }

  /** U(lo, hi) tensor of the given shape. */
  uniform<R extends tf.Rank>(shape: number[], lo = 0, hi = 1): tf.Tensor<R> {
    return tf.tensor(this.uniformArray(sizeOf(shape), lo, hi), shape, "float32") as unknown as tf.Tensor<R>;
  }

  /** N(mean, std^2) tensor of the given shape. */
  normal<R extends tf.Rank>(shape: number[], mean = 0, std = 1): tf.Tensor<R> {
    return tf.tensor(this.normalArray(sizeOf(shape), mean, std), shape, "float32") as unknown as tf.Tensor<R>;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
