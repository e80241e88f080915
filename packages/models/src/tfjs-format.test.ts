// TF.js-format save/load (model.json + weights.bin) round trip.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend, Rng } from "@ebjdat/runtime";
import { loadModel, saveModel } from "./load-model";
import type { TfjsModelJson } from "./tfjs-format";
import { createWideResNet } from "./wide-resnet";

describe("TF.js format save/load", () => {
  let tmp: string;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    tmp = mkdtempSync(join(tmpdir(), "ebjdat-tfjs-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("round-trips weights, BN state, config, metadata and a replay buffer", async () => {
    const model = createWideResNet({ depth: 10, width: 1, numClasses: 5, norm: "batch", bnMomentum: 0.5 }, 11);
    const x = new Rng(2).uniform<tf.Rank.R4>([3, 32, 32, 3]);
    tf.dispose(model.logits(x, "train")); // non-trivial running stats, num_batches_tracked = 1
    tf.dispose(model.logits(x, "train-frozen")); // num_batches_tracked = 2
    const buffer = new Rng(3).uniform<tf.Rank.R4>([4, 32, 32, 3], -1, 1);
    const dir = join(tmp, "m1");
    await saveModel(model, dir, { replayBuffer: buffer, metadata: { step: "7" } });
    expect(readdirSync(dir).sort()).toEqual(["model.json", "weights.bin"]);
    expect(readdirSync(tmp)).toEqual(["m1"]); // no temporary leftovers
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as TfjsModelJson;
    expect(json.format).toBe("ebjdat-wrn");
    expect(json.formatVersion).toBe(1);
    expect(json.architecture.config).toEqual(model.config);
    expect(json.weightsManifest[0]!.paths).toEqual(["weights.bin"]);
    expect(json.weightsManifest[0]!.weights.find((w) => w.name === "f.conv1.weight")!.shape).toEqual([3, 3, 3, 16]);

    const loaded = await loadModel(dir);
    expect(loaded.source).toMatchObject({ kind: "tfjs", metadata: { step: "7" } });
    expect(loaded.model.config).toEqual(model.config);
    const a = model.stateDict();
    const b = loaded.model.stateDict();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, t] of a) expect(Array.from(b.get(k)!.data as Float32Array), k).toEqual(Array.from(t.data as Float32Array));
    expect(loaded.model.batchNorms().get("f.bn1")!.numBatchesTracked).toBe(2);
    expect(Array.from(loaded.replayBuffer!.dataSync())).toEqual(Array.from(buffer.dataSync()));
    const la = model.logits(x);
    const lb = loaded.model.logits(x);
    expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
    // model.json path works too
    const again = await loadModel(join(dir, "model.json"));
    expect(again.model.config).toEqual(model.config);
    tf.dispose([x, buffer, la, lb, loaded.replayBuffer!, again.replayBuffer!]);
    model.dispose();
    loaded.model.dispose();
    again.model.dispose();
  });

  it("replaces an existing saved model but refuses a foreign directory", async () => {
    const m1 = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "none" }, 1);
    const m2 = createWideResNet({ depth: 10, width: 1, numClasses: 3, norm: "batch" }, 2);
    const dir = join(tmp, "m2");
    await saveModel(m1, dir);
    await saveModel(m2, dir);
    const { model } = await loadModel(dir);
    expect(model.config.numClasses).toBe(3);
    const foreign = join(tmp, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "notes.txt"), "keep me");
    await expect(saveModel(m1, foreign)).rejects.toThrow(/non-empty directory without model\.json/);
    expect(existsSync(join(foreign, "notes.txt"))).toBe(true);
    for (const m of [m1, m2, model]) m.dispose();
  });

  it("reports a corrupt or truncated save", async () => {
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "none" }, 1);
    const dir = join(tmp, "m3");
    await saveModel(m, dir);
    m.dispose();
    const w = readFileSync(join(dir, "weights.bin"));
    writeFileSync(join(dir, "weights.bin"), w.subarray(0, w.length - 8));
    await expect(loadModel(dir)).rejects.toThrow(/weights in .* hold \d+ bytes; the manifest describes \d+/);
    const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as TfjsModelJson;
    writeFileSync(join(dir, "model.json"), JSON.stringify({ ...json, formatVersion: 99 }));
    await expect(loadModel(dir)).rejects.toThrow(/formatVersion 99/);
  });
});
