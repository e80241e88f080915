import * as tf from "@tensorflow/tfjs-core";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, type Dataset } from "@ebjdat/data";
import { createWideResNet, loadModel, type WideResNet } from "@ebjdat/models";
import { sharedPath } from "@ebjdat/testing";
import { initBackend, modelEps } from "@ebjdat/runtime";
import { modelContentHash } from "./content-key";
import { evaluate, EvaluationInterrupted } from "./evaluate";
import type { EvaluatedModel, EvaluationFile, EvaluationProgress } from "./types";

const root = mkdtempSync(join(tmpdir(), "ebjdat-evaluation-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The file without what legitimately differs between two runs (wall-clock times). */
function timeless(f: EvaluationFile): unknown {
  return JSON.parse(JSON.stringify(f), (k, v: unknown) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v));
}

describe("evaluate", () => {
  let data: Dataset;
  let net: WideResNet;
  let other: WideResNet;
  let model: EvaluatedModel;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    data = await loadDataset("cifar10-exact-test");
    net = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 3);
    other = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 4);
    model = { logits: net.toLogitsFn("eval"), hash: modelContentHash(net), label: "wrn-10-1 seed 3" };
  }, 60_000);
  afterAll(() => {
    net.dispose();
    other.dispose();
  });

  it("hashes weights: equal weights give equal hashes, other weights another", () => {
    expect(modelContentHash(net)).toBe(model.hash);
    expect(modelContentHash(other)).not.toBe(model.hash);
    expect(model.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("an interrupted and resumed run writes the same file as an uninterrupted one, without leaking tensors", async () => {
    const settings = { attack: "pgd3", range: [0, 12] as [number, number], batchSize: 4, seed: 5, energyGap: true };
    const before = tf.memory().numTensors;
    const whole = await evaluate(model, data, settings, { resultsPath: join(root, "whole.json"), onWarning: () => {} });
    expect(tf.memory().numTensors).toBe(before);
    expect(whole.complete).toBe(true);
    expect(whole.outcome).toHaveLength(12);
    expect(whole.stages).toEqual(["pgd3"]);
    expect(whole.energyGap?.n).toBe(12);
    expect(whole.robustAccuracy).toBeLessThanOrEqual(whole.cleanAccuracy!);

    const path = join(root, "interrupted.json");
    const stop = new AbortController();
    await expect(
      evaluate(model, data, settings, {
        resultsPath: path,
        signal: stop.signal,
        onWarning: () => {},
        onProgress: (p) => {
          if (p.done >= 4) stop.abort();
        },
      }),
    ).rejects.toBeInstanceOf(EvaluationInterrupted);
    const partial = JSON.parse(readFileSync(path, "utf8")) as EvaluationFile;
    expect(partial.complete).toBe(false);
    expect(partial.done).toBe(4);
    expect(partial.chunks.map((c) => c.start)).toEqual([0]);
    const resumed = await evaluate(model, data, settings, { resultsPath: path, onWarning: () => {} });
    expect(timeless(resumed)).toEqual(timeless(whole));
    expect(timeless(JSON.parse(readFileSync(path, "utf8")) as EvaluationFile)).toEqual(timeless(whole));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("never continues a file of another model, other data or other settings, and names the difference", async () => {
    const path = join(root, "keyed.json");
    const settings = { attack: "fgsm", range: [0, 4] as [number, number], batchSize: 4 };
    await evaluate(model, data, settings, { resultsPath: path, onWarning: () => {} });
    const swapped: EvaluatedModel = { logits: other.toLogitsFn("eval"), hash: modelContentHash(other) };
    await expect(evaluate(swapped, data, settings, { resultsPath: path })).rejects.toThrow(/keyed\.json: holds an evaluation with other settings[\s\S]*model: "[0-9a-f]+" → "[0-9a-f]+"/);
    await expect(evaluate(model, data, { ...settings, seed: 9 }, { resultsPath: path })).rejects.toThrow(/seed: 0 → 9/);
    await expect(evaluate(model, data, { ...settings, range: [4, 8] }, { resultsPath: path })).rejects.toThrow(/data: /);
    writeFileSync(join(root, "broken.json"), '{"format": "ebjdat-evaluation/1", "key":');
    await expect(evaluate(model, data, settings, { resultsPath: join(root, "broken.json") })).rejects.toThrow(/broken\.json: is not valid JSON/);
  });

  it("draws the paper protocol's test noise per image, so the chunk size does not change it", async () => {
    const noisy = { protocol: "paper" as const, attack: "fgsm", range: [0, 6] as [number, number], noiseSigma: modelEps(0.5), seed: 2, energyGap: true };
    const a = await evaluate(model, data, { ...noisy, batchSize: 2 }, { onWarning: () => {} });
    const b = await evaluate(model, data, { ...noisy, batchSize: 3 }, { onWarning: () => {} });
    const clean = await evaluate(model, data, { ...noisy, noiseSigma: modelEps(0), batchSize: 3 }, { onWarning: () => {} });
    const energies = (f: EvaluationFile): number[] => f.chunks.flatMap((c) => c.energyClean ?? []);
    expect(energies(a)).toHaveLength(6);
    // the same noise whatever the chunk size (the energies differ only by float summation order)
    energies(a).forEach((e, i) => expect(e).toBeCloseTo(energies(b)[i]!, 2));
    // the noise reaches the model: the energies of the noisy inputs differ from the clean ones
    const moved = energies(a).filter((e, i) => Math.abs(e - energies(clean)[i]!) > 1e-4).length;
    expect(moved).toBe(6);
    expect(a.key.eps).toBeCloseTo(4 / 255, 12);
  });

  const checkProgress = (events: EvaluationProgress[], n: number, chunks: number): void => {
    const fractions = events.map((e) => e.fraction!);
    expect(fractions.every((f) => typeof f === "number" && f >= 0 && f <= 1)).toBe(true);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]!).toBeGreaterThanOrEqual(fractions[i - 1]!);
    expect(fractions.at(-1)).toBe(1);
    // inside the first chunk (done still 0) the fraction moves step by step
    const inside = new Set(events.filter((e) => e.done === 0).map((e) => e.fraction));
    expect(inside.size).toBeGreaterThan(5);
    expect(events.filter((e) => e.chunkSeconds !== undefined)).toHaveLength(chunks);
    expect(events.every((e) => e.total === n)).toBe(true);
  };

  it("moves per attack step inside a chunk (one PGD batch per chunk)", async () => {
    const events: EvaluationProgress[] = [];
    await evaluate(model, data, { attack: "pgd10", range: [0, 8], batchSize: 4, seed: 1 }, { onProgress: (e) => events.push(e), onWarning: () => {} });
    checkProgress(events, 8, 2);
    // the second chunk's estimate is the first chunk's measured work: it ends close to 1 before the jump
    const beforeEnd = events.filter((e) => e.done === 4 && e.chunkSeconds === undefined).at(-1)!;
    expect(beforeEnd.fraction!).toBeGreaterThan(0.9);
  });

  it("moves inside the AutoAttack ensemble, whose own progress has no total", async () => {
    // a trained model, so that images are left for the attacks after the clean pass
    const { model: trained } = await loadModel(sharedPath("vectors", "autoattack", "model.safetensors"));
    const robust: EvaluatedModel = { logits: trained.toLogitsFn("eval"), hash: modelContentHash(trained) };
    const events: EvaluationProgress[] = [];
    const attackOptions = { "apgd-ce": { steps: 3 }, "apgd-t": { steps: 3, targetClasses: 2 }, "fab-t": { steps: 3, targetClasses: 2 }, square: { queries: 20 } };
    const f = await evaluate(robust, data, { attack: "autoattack", range: [0, 4], batchSize: 4, seed: 1, attackOptions }, { onProgress: (e) => events.push(e), onWarning: () => {} });
    trained.dispose();
    expect(f.cleanAccuracy).toBeGreaterThan(0);
    checkProgress(events, 4, 1);
    expect(events.some((e) => /images 0-4: apgd-ce/.test(e.label))).toBe(true);
  });
});
