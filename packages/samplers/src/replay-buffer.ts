import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "@ebjdat/runtime";
import { checkImageShape, imageSize, type ImageShape, type Initializer } from "./initializer";

/** Options of {@link ReplayBuffer.draw}. */
export interface DrawOptions {
  /** Class labels (length = batch): draw from each label's block (spec 6.1). */
  y?: Int32Array | number[];
  /** Probability that a drawn chain is replaced by a fresh initial state (default 0.05). */
  reinitFreq?: number;
  /** Source of the re-initialised states (default: the buffer's own initialiser). */
  init?: Initializer;
}

/** Result of a draw: the chain states and where they came from. */
export interface Draw {
  /** `[B, H, W, C]` model-space chain states (caller disposes). */
  x: tf.Tensor4D;
  /** Buffer rows the chains came from (write back to these). */
  indices: Int32Array;
  /** 1 where the chain was re-initialised. */
  reinit: Uint8Array;
}

/**
 * Replay buffer of persistent chains (spec 2.3, 3.1, 4.3, 6.1): N model-space images kept in
 * JavaScript memory (float32, NHWC). Class-conditional draws use the block layout
 * index = y·⌊N/K⌋ + randint(⌊N/K⌋), so the buffer must be class-ordered for them (what
 * {@link ReplayBuffer.create} produces with a class-conditional initialiser).
 */
export class ReplayBuffer {
  readonly size: number;
  readonly imageShape: ImageShape;
  /** Number of classes for class-conditional draws (undefined: unconditional only). */
  numClasses: number | undefined;
  /** The initialiser used for re-initialisation draws by default. */
  init: Initializer | undefined;
  /** Flattened NHWC contents, `size · H · W · C` floats. */
  readonly data: Float32Array;

  constructor(data: Float32Array, imageShape: readonly number[], options: { numClasses?: number; init?: Initializer } = {}) {
    this.imageShape = checkImageShape(imageShape, "ReplayBuffer");
    const d = imageSize(this.imageShape);
    if (data.length === 0 || data.length % d !== 0) {
      throw new Error(`ReplayBuffer: data length ${data.length} is not a positive multiple of the image size ${d}`);
    }
    this.data = data;
    this.size = data.length / d;
    if (options.numClasses !== undefined && !(Number.isInteger(options.numClasses) && options.numClasses >= 1 && options.numClasses <= this.size)) {
      throw new Error(`ReplayBuffer: numClasses must be an integer in [1, ${this.size}], got ${options.numClasses}`);
    }
    this.numClasses = options.numClasses;
    this.init = options.init;
  }

  /**
   * A new buffer of `size` initial states (spec 2.3 / 3.1). A class-conditional initialiser
   * fills class c into rows [c·N/K, (c+1)·N/K) (the official `init_from_centers` layout;
   * remaining rows when K does not divide N get random classes).
   */
  static create(size: number, init: Initializer, rng: Rng): ReplayBuffer {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`ReplayBuffer.create: size must be a positive integer, got ${size}`);
    let data: Float32Array;
    const k = init.numClasses;
    if (k !== undefined) {
      const per = Math.floor(size / k);
      const classes = new Int32Array(size);
      for (let i = 0; i < size; i++) classes[i] = i < per * k ? Math.floor(i / per) : rng.int(0, k);
      data = init.sample(size, rng, classes);
    } else {
      data = init.sample(size, rng);
    }
    return new ReplayBuffer(data, init.imageShape, { numClasses: k, init });
  }

  /** A buffer holding a copy of a `[N, H, W, C]` tensor (e.g. the one stored in a checkpoint). */
  static fromTensor(x: tf.Tensor4D, options: { numClasses?: number; init?: Initializer } = {}): ReplayBuffer {
    if (x.rank !== 4) throw new Error(`ReplayBuffer.fromTensor: expected NHWC rank 4, got shape [${x.shape.join(", ")}]`);
    return new ReplayBuffer(Float32Array.from(x.dataSync() as Float32Array), x.shape.slice(1), options);
  }

  /** The contents as a new `[N, H, W, C]` tensor (caller disposes). */
  toTensor(): tf.Tensor4D {
    return tf.tensor4d(this.data, [this.size, ...this.imageShape]);
  }

  /** Rows `indices` as a new `[B, H, W, C]` tensor. */
  gather(indices: Int32Array): tf.Tensor4D {
    const d = imageSize(this.imageShape);
    const out = new Float32Array(indices.length * d);
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      if (!(r >= 0 && r < this.size)) throw new Error(`ReplayBuffer.gather: index ${r} outside [0, ${this.size})`);
      out.set(this.data.subarray(r * d, (r + 1) * d), i * d);
    }
    return tf.tensor4d(out, [indices.length, ...this.imageShape]);
  }

  /**
   * Draws `batchSize` chains (spec 2.3): indices uniform over the buffer, or with labels y in
   * y·⌊N/K⌋ + randint(⌊N/K⌋); then each chain is re-initialised with probability `reinitFreq`
   * (by the initialiser of its class y when conditional, spec 6.1). Random order: indices,
   * re-init coin flips, re-init states.
   */
  draw(batchSize: number, rng: Rng, options: DrawOptions = {}): Draw {
    if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`ReplayBuffer.draw: batchSize must be a positive integer, got ${batchSize}`);
    const p = options.reinitFreq ?? 0.05;
    if (!(p >= 0 && p <= 1)) throw new Error(`ReplayBuffer.draw: reinitFreq must be in [0, 1], got ${p}`);
    const y = options.y;
    const indices = new Int32Array(batchSize);
    if (y !== undefined) {
      if (y.length !== batchSize) throw new Error(`ReplayBuffer.draw: expected ${batchSize} labels, got ${y.length}`);
      const k = this.numClasses;
      if (k === undefined) throw new Error("ReplayBuffer.draw: class-conditional draws need a buffer with numClasses (class-ordered layout)");
      const per = Math.floor(this.size / k);
      for (let i = 0; i < batchSize; i++) {
        const c = y[i]!;
        if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new Error(`ReplayBuffer.draw: label ${i} is ${c}, expected an integer in [0, ${k})`);
        indices[i] = c * per + rng.int(0, per);
      }
    } else {
      for (let i = 0; i < batchSize; i++) indices[i] = rng.int(0, this.size);
    }
    const reinit = new Uint8Array(batchSize);
    let nRe = 0;
    for (let i = 0; i < batchSize; i++) {
      if (rng.next() < p) {
        reinit[i] = 1;
        nRe++;
      }
    }
    const d = imageSize(this.imageShape);
    const out = new Float32Array(batchSize * d);
    for (let i = 0; i < batchSize; i++) {
      const r = indices[i]!;
      out.set(this.data.subarray(r * d, (r + 1) * d), i * d);
    }
    if (nRe > 0) {
      const init = options.init ?? this.init;
      if (!init) throw new Error("ReplayBuffer.draw: re-initialisation needs an initialiser (options.init or the buffer's)");
      if (imageSize(init.imageShape) !== d) throw new Error(`ReplayBuffer.draw: initialiser image shape [${init.imageShape.join(", ")}] does not match the buffer's [${this.imageShape.join(", ")}]`);
      let classes: Int32Array | undefined;
      if (y !== undefined && init.numClasses !== undefined) {
        classes = new Int32Array(nRe);
        let j = 0;
        for (let i = 0; i < batchSize; i++) if (reinit[i]) classes[j++] = y[i]!;
      }
      const fresh = init.sample(nRe, rng, classes);
      let j = 0;
      for (let i = 0; i < batchSize; i++) {
        if (!reinit[i]) continue;
        out.set(fresh.subarray(j * d, (j + 1) * d), i * d);
        j++;
      }
    }
    return { x: tf.tensor4d(out, [batchSize, ...this.imageShape]), indices, reinit };
  }

  /**
   * Writes chain states back to their rows (spec 2.3 write-back). Rows are written in order, so
   * with repeated indices the last write wins (as the official in-place assignment on CPU).
   */
  writeBack(indices: Int32Array, x: tf.Tensor4D | Float32Array): void {
    const d = imageSize(this.imageShape);
    const src = x instanceof Float32Array ? x : (x.dataSync() as Float32Array);
    if (src.length !== indices.length * d) {
      throw new Error(`ReplayBuffer.writeBack: expected ${indices.length} images of ${d} values, got ${src.length} values`);
    }
    for (let i = 0; i < indices.length; i++) {
      const r = indices[i]!;
      if (!(r >= 0 && r < this.size)) throw new Error(`ReplayBuffer.writeBack: index ${r} outside [0, ${this.size})`);
      this.data.set(src.subarray(i * d, (i + 1) * d), r * d);
    }
  }
}
