import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, type Dataset } from "@ebjdat/data";
import { createWideResNet, loadModel, type WideResNet } from "@ebjdat/models";
import { sharedPath } from "@ebjdat/testing";
import { initBackend } from "@ebjdat/runtime";
import { modelContentHash } from "./content-key";
import { evaluate } from "./evaluate";
import type { EvaluatedModel, EvaluationProgress } from "./types";

describe("evaluate progress", () => {
  let data: Dataset;
  let net: WideResNet;
  let model: EvaluatedModel;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    data = await loadDataset("cifar10-exact-test");
    net = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 3);
    model = { logits: net.toLogitsFn("eval"), hash: modelContentHash(net) };
  }, 60_000);
  afterAll(() => net.dispose());

  const check = (events: EvaluationProgress[], n: number, chunks: number): void => {
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
    check(events, 8, 2);
    // the second chunk's estimate is the first chunk's measured work: it ends close to 1 before the jump
    const beforeEnd = events.filter((e) => e.done === 4 && e.chunkSeconds === undefined).at(-1)!;
    expect(beforeEnd.fraction!).toBeGreaterThan(0.9);
  });

  it("moves inside the AutoAttack ensemble, whose own progress has no total", async () => {
    // a trained model, so that images are left for the attacks after the clean pass
    const { model: trained } = await loadModel(sharedPath("vectors", "autoattack", "model.safetensors"));
    const robust: EvaluatedModel = { logits: trained.toLogitsFn("eval"), hash: modelContentHash(trained) };
    const events: EvaluationProgress[] = [];
    const attackOptions = { "apgd-ce": { steps: 3 }, "apgd-t": { steps: 3, targetClasses: 2 }, "fab-t": { steps: 3, targetClasses: 2 }, square: { steps: 20 } };
    const f = await evaluate(robust, data, { attack: "autoattack", range: [0, 4], batchSize: 4, seed: 1, attackOptions }, { onProgress: (e) => events.push(e), onWarning: () => {} });
    trained.dispose();
    expect(f.cleanAccuracy).toBeGreaterThan(0);
    check(events, 4, 1);
    expect(events.some((e) => /images 0-4: apgd-ce/.test(e.label))).toBe(true);
  });
});
