// Official checkpoint import: .pt / .safetensors, inferred architecture, aliases, errors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { loadSafetensorsFile, loadTorchFile, toFloat32, type RawTensor } from "@ebjdat/formats";
import { sharedPath } from "@ebjdat/testing";
import { loadModel, saveModel } from "./load-model";
import { modelFromStateDict } from "./model-from-state-dict";
import { inferConfig, withYopoAliases, type StateDict } from "./state-dict";

const models = (f: string): string => sharedPath("vectors", "models", f);

function sameTensor(a: RawTensor, b: RawTensor): boolean {
  if (a.dtype !== b.dtype || a.shape.join(",") !== b.shape.join(",") || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

describe("checkpoint import (spec 2.1, vectors README 4)", () => {
  let tmp: string;
  beforeAll(async () => {
    await initBackend({ quiet: true });
    tmp = mkdtempSync(join(tmpdir(), "ebjdat-models-"));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("infers depth, width, norm and classes from keys and shapes", () => {
    const cases: Array<[string, object]> = [
      ["jem_wrn16_2_none.pt", { depth: 16, width: 2, numClasses: 10, norm: "none" }],
      ["sadajem_wrn16_2_bn.pt", { depth: 16, width: 2, numClasses: 10, norm: "batch" }],
      ["jempp_yopo_wrn10_1_bn_c100.safetensors", { depth: 10, width: 1, numClasses: 100, norm: "batch" }],
      ["sadajem_wrn10_1_bn_stats.safetensors", { depth: 10, width: 1, numClasses: 10, norm: "batch" }],
    ];
    for (const [file, want] of cases) {
      const dict = file.endsWith(".pt") ? (loadTorchFile(models(file)) as StateDict) : loadSafetensorsFile(models(file)).tensors;
      expect(inferConfig(dict), file).toEqual(want);
    }
    expect(() => inferConfig(new Map())).toThrow(/no 'f\.layer1\.<i>\.\*' keys/);
  });

  it("reads .pt and .safetensors of the same model identically; ignores yopo aliases", async () => {
    for (const name of ["jempp_yopo_wrn10_1_bn_c100", "sadajem_wrn10_1_bn_stats"]) {
      const a = await loadModel(models(`${name}.pt`));
      const b = await loadModel(models(`${name}.safetensors`));
      expect(a.source.kind).toBe("torch");
      expect(b.source.kind).toBe("safetensors");
      const sa = a.model.stateDict();
      const sb = b.model.stateDict();
      expect([...sa.keys()]).toEqual([...sb.keys()]);
      for (const [k, t] of sa) expect(sameTensor(t, sb.get(k)!), k).toBe(true);
      if (name.startsWith("jempp")) {
        expect(a.source.ignoredKeys.length).toBe(110 - 57);
        expect(a.source.ignoredKeys.every((k) => k.startsWith("f.layer_one.") || k.startsWith("f.other_layers."))).toBe(true);
      } else {
        expect(a.source.ignoredKeys).toEqual([]);
      }
      a.model.dispose();
      b.model.dispose();
    }
  });

  it("re-creates the JEM++ yopo aliases in the official key order", async () => {
    const file = loadSafetensorsFile(models("jempp_yopo_wrn10_1_bn_c100.safetensors")).tensors;
    const { model } = await loadModel(models("jempp_yopo_wrn10_1_bn_c100.safetensors"));
    const sd = withYopoAliases(model.stateDict());
    expect([...sd.keys()]).toEqual([...file.keys()]);
    for (const [k, t] of file) expect(sameTensor(sd.get(k)!, t), k).toBe(true);
    model.dispose();
  });

  it("accepts JEM's unused f.linear", async () => {
    const { model, source } = await loadModel(models("jem_wrn16_2_none.pt"));
    expect(source.ignoredKeys).toEqual(["f.linear.weight", "f.linear.bias"]);
    expect(model.config.norm).toBe("none");
    model.dispose();
  });

  it("exports the official state dict bit-exactly (names, order, layouts, int64 counters)", async () => {
    const file = loadSafetensorsFile(models("sadajem_wrn10_1_bn_stats.safetensors")).tensors;
    const { model } = await loadModel(models("sadajem_wrn10_1_bn_stats.safetensors"));
    const sd = model.stateDict();
    expect([...sd.keys()]).toEqual([...file.keys()]);
    for (const [k, t] of file) expect(sameTensor(sd.get(k)!, t), k).toBe(true);
    // and back through safetensors
    const path = join(tmp, "roundtrip.safetensors");
    await saveModel(model, path);
    const again = await loadModel(path);
    for (const [k, t] of again.model.stateDict()) expect(sameTensor(t, file.get(k)!), k).toBe(true);
    expect(JSON.parse(again.source.metadata.architecture!)).toEqual(model.config);
    model.dispose();
    again.model.dispose();
  });

  it("loads an official {model_state_dict, replay_buffer} checkpoint; buffer NCHW -> NHWC", async () => {
    const raw = loadTorchFile(models("ccf_checkpoint_wrn10_1_bn.pt")) as Map<string, RawTensor>;
    const rb = raw.get("replay_buffer")!;
    expect(rb.shape).toEqual([20, 3, 32, 32]);
    const { model, replayBuffer } = await loadModel(models("ccf_checkpoint_wrn10_1_bn.pt"));
    expect(replayBuffer!.shape).toEqual([20, 32, 32, 3]);
    const nhwc = replayBuffer!.dataSync();
    const nchw = toFloat32(rb);
    for (const [n, c, h, w] of [[0, 0, 0, 0], [3, 2, 31, 7], [19, 1, 5, 30]] as const) {
      expect(nhwc[((n * 32 + h) * 32 + w) * 3 + c]).toBe(nchw[((n * 3 + c) * 32 + h) * 32 + w]);
    }
    const ref = loadSafetensorsFile(models("sadajem_wrn10_1_bn_stats.safetensors")).tensors;
    for (const [k, t] of model.stateDict()) expect(sameTensor(t, ref.get(k)!), k).toBe(true);
    expect(model.batchNorms().get("f.bn1")!.numBatchesTracked).toBe(3);
    replayBuffer!.dispose();
    model.dispose();
  });

  it("loads a state dict without num_batches_tracked (AutoAttack model.safetensors)", async () => {
    const st = loadSafetensorsFile(sharedPath("vectors", "autoattack", "model.safetensors")).tensors;
    expect([...st.keys()].some((k) => k.endsWith("num_batches_tracked"))).toBe(false);
    const a = await loadModel(sharedPath("vectors", "autoattack", "model.safetensors"));
    const b = await loadModel(sharedPath("vectors", "autoattack", "model.pt"));
    expect(a.model.config).toEqual(b.model.config);
    expect(a.model.config).toMatchObject({ depth: 16, width: 2, numClasses: 10, norm: "batch" });
    for (const bn of a.model.batchNorms().values()) expect(bn.numBatchesTracked).toBe(0);
    const sb = b.model.stateDict();
    for (const [k, t] of a.model.stateDict()) if (!k.endsWith("num_batches_tracked")) expect(sameTensor(t, sb.get(k)!), k).toBe(true);
    a.model.dispose();
    b.model.dispose();
  });

  it("names every unknown key, missing key and shape mismatch in one error", () => {
    const dict = new Map(loadSafetensorsFile(models("sadajem_wrn10_1_bn_stats.safetensors")).tensors);
    dict.delete("f.layer2.0.conv1.bias");
    dict.delete("class_output.bias");
    dict.set("f.layer9.0.conv1.weight", dict.get("f.conv1.weight")!);
    const w = dict.get("f.layer3.0.conv2.weight")!;
    dict.set("f.layer3.0.conv2.weight", { ...w, shape: [64, 32, 3, 6] });
    const before = tf.memory().numTensors;
    let msg = "";
    try {
      modelFromStateDict(dict, "broken.safetensors");
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/broken\.safetensors/);
    expect(msg).toMatch(/missing keys: f\.layer2\.0\.conv1\.bias, class_output\.bias/);
    expect(msg).toMatch(/unknown keys: f\.layer9\.0\.conv1\.weight/);
    expect(msg).toMatch(/f\.layer3\.0\.conv2\.weight \[64, 32, 3, 6\] \(expected \[64, 64, 3, 3\]\)/);
    expect(tf.memory().numTensors).toBe(before); // the half-built model was disposed
  });

  it("rejects missing paths and unknown formats with errors naming them", async () => {
    await expect(loadModel(join(tmp, "nope.pt"))).rejects.toThrow(/nope\.pt does not exist/);
    const junk = join(tmp, "junk.bin");
    (await import("node:fs")).writeFileSync(junk, "hello world, not a model");
    await expect(loadModel(junk)).rejects.toThrow(/cannot tell the format of .*junk\.bin/);
    await expect(loadModel(tmp)).rejects.toThrow(/has no model\.json/);
  });
});
