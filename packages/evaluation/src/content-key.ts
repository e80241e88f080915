import { createHash } from "node:crypto";
import type { RawTensor } from "@ebjdat/formats";
import { gatherImages, gatherLabels, type Dataset } from "@ebjdat/data";
import type { ResolvedSettings } from "./settings";
import type { EvaluationKey } from "./types";

/** Canonical JSON: object keys sorted at every level, so equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** sha256 of the canonical JSON of `value`, as hex (the content key of settings). */
export function settingsHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Content hash of a model's weights: sha256 over every tensor of its state dict in key order
 * (name, dtype, shape, little-endian bytes), BN running statistics included. Two checkpoints
 * with the same hash compute the same function; any changed weight changes it.
 */
export function modelContentHash(model: { stateDict(): Map<string, RawTensor> }): string {
  const dict = model.stateDict();
  const h = createHash("sha256");
  for (const key of [...dict.keys()].sort()) {
    const t = dict.get(key)!;
    h.update(`${key}\0${t.dtype}\0${t.shape.join(",")}\0`);
    h.update(bytesOf(t.data));
  }
  return h.digest("hex");
}

/**
 * Content hash of the evaluated images and labels (uint8 pixels and int32 labels of the
 * range), so results of a changed or different dataset are never mixed with these.
 */
export function dataContentHash(images: Uint8Array, labels: Int32Array): string {
  return createHash("sha256").update(bytesOf(images)).update(bytesOf(labels)).digest("hex");
}

/** The content hash of images [a, b) of `data` (`dataContentHash` of their pixels and labels). */
export function rangeContentHash(data: Dataset, range: readonly [number, number]): string {
  const idx = Array.from({ length: range[1] - range[0] }, (_, i) => range[0] + i);
  return dataContentHash(gatherImages(data, idx), gatherLabels(data, idx));
}

/**
 * The content key of an evaluation: the model's weight hash, the data (name, hash and range) and
 * every resolved setting. Results are resumed, and shards merged, only under equal keys.
 */
export function evaluationKey(modelHash: string, data: Dataset, r: ResolvedSettings): EvaluationKey {
  return {
    model: modelHash,
    data: { name: data.name, hash: rangeContentHash(data, r.range), range: r.range },
    protocol: r.protocol.name,
    attack: r.attackLabel,
    eps: r.eps,
    norm: r.norm,
    pgdStepSize: r.pgdStepSize,
    noiseSigma: r.noiseSigma,
    batchSize: r.batchSize,
    seed: r.seed,
    energyGap: r.energyGap,
    attackOptions: r.attackOptions as Record<string, Record<string, number>>,
  };
}
