import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { loadSafetensorsFile, loadTorchFile } from "./files.js";
import { readTorch, torchStateDict } from "./torch.js";
import { isRawTensor, numel } from "./dtype.js";
import type { RawTensor, TorchValue } from "./types.js";
import { fixtureBytes, fixturePath, sharedPath } from "./test-shared.js";

const vec = (...p: string[]): string => sharedPath("vectors", ...p);

function bytesOf(t: RawTensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Same keys in the same order, same dtypes, shapes and bytes. */
function expectSameStateDict(a: Map<string, RawTensor>, b: Map<string, RawTensor>): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [k, t] of a) {
    const u = b.get(k)!;
    expect({ k, dtype: t.dtype, shape: t.shape }).toEqual({ k, dtype: u.dtype, shape: u.shape });
    expect(bytesOf(t).equals(bytesOf(u)), k).toBe(true);
  }
}

function get(v: TorchValue, key: string): TorchValue {
  if (!(v instanceof Map)) throw new Error("not a map");
  return v.get(key) as TorchValue;
}

describe("readTorch on the shared vectors", () => {
  for (const model of ["sadajem_wrn10_1_bn_stats", "jempp_yopo_wrn10_1_bn_c100"]) {
    it(`${model}.pt equals ${model}.safetensors bit for bit`, () => {
      const pt = torchStateDict(loadTorchFile(vec("models", `${model}.pt`)));
      const st = loadSafetensorsFile(vec("models", `${model}.safetensors`)).tensors;
      expectSameStateDict(pt, st);
    });
  }

  it("sadajem_wrn10_1_bn_stats has int64 num_batches_tracked = 3", () => {
    const sd = torchStateDict(loadTorchFile(vec("models", "sadajem_wrn10_1_bn_stats.pt")));
    const nbt = sd.get("f.layer1.0.bn1.num_batches_tracked")!;
    expect(nbt.dtype).toBe("int64");
    expect(nbt.shape).toEqual([]);
    expect(nbt.data[0]).toBe(3n);
    let total = 0;
    for (const t of sd.values()) total += numel(t.shape);
    expect(total).toBe(78_738);
  });

  it("yopo alias keys share their storage and values", () => {
    const sd = torchStateDict(loadTorchFile(vec("models", "jempp_yopo_wrn10_1_bn_c100.pt")));
    expect(sd.size).toBe(110);
    const aliases: [string, string][] = [
      ["f.layer_one.", "f.conv1."],
      ["f.other_layers.0.", "f.layer1."],
      ["f.other_layers.1.", "f.layer2."],
      ["f.other_layers.2.", "f.layer3."],
      ["f.other_layers.3.", "f.bn1."],
    ];
    let checked = 0;
    for (const [alias, orig] of aliases) {
      for (const [k, t] of sd) {
        if (!k.startsWith(alias)) continue;
        const o = sd.get(orig + k.slice(alias.length));
        expect(o, k).toBeDefined();
        expect(o!.data, k).toBe(t.data); // same storage view → one shared array
        checked++;
      }
    }
    expect(checked).toBe(53); // 110 keys = 57 originals + 53 aliases (the heads have none)
    const distinct = new Set([...sd.values()].map((t) => t.data));
    expect(distinct.size).toBe(57);
  });

  it("ccf checkpoint: model_state_dict (57 keys) + replay_buffer [20,3,32,32]", () => {
    const v = loadTorchFile(vec("models", "ccf_checkpoint_wrn10_1_bn.pt"));
    expect(v instanceof Map && [...v.keys()]).toEqual(["model_state_dict", "replay_buffer"]);
    const sd = torchStateDict(v);
    expect(sd.size).toBe(57);
    expectSameStateDict(sd, torchStateDict(loadTorchFile(vec("models", "sadajem_wrn10_1_bn_stats.pt"))));
    const rb = get(v, "replay_buffer");
    expect(isRawTensor(rb)).toBe(true);
    const buf = rb as RawTensor;
    expect(buf.dtype).toBe("float32");
    expect(buf.shape).toEqual([20, 3, 32, 32]);
    let lo = Infinity;
    let hi = -Infinity;
    for (const x of buf.data as Float32Array) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    expect(hi - lo).toBeGreaterThan(1.9);
  });

  it("the WRN-16-2 checkpoints parse with the documented element counts", () => {
    for (const [name, count, keys] of [
      ["jem_wrn16_2_none", 692_405, 38],
      ["sadajem_wrn16_2_bn", 694_776, undefined],
    ] as const) {
      const sd = torchStateDict(loadTorchFile(vec("models", `${name}.pt`)));
      let total = 0;
      for (const t of sd.values()) total += numel(t.shape);
      expect(total, name).toBe(count);
      if (keys) expect(sd.size).toBe(keys);
    }
  });

  it("pth_sample_zip.pth and pth_sample_legacy.pth match weights_table.json", () => {
    interface Entry {
      key: string;
      shape: number[];
      first16: number[];
      sum: number;
      sumsq: number;
    }
    const table = JSON.parse(readFileSync(vec("metrics", "weights_table.json"), "utf8")) as { tensors: Entry[] };
    const byKey = new Map(table.tensors.map((e) => [e.key, e]));
    const zip = torchStateDict(loadTorchFile(vec("metrics", "pth_sample_zip.pth")));
    const legacy = torchStateDict(loadTorchFile(vec("metrics", "pth_sample_legacy.pth")));
    expectSameStateDict(zip, legacy);
    expect([...zip.keys()]).toEqual([
      "Conv2d_1a_3x3.conv.weight",
      "Conv2d_1a_3x3.bn.weight",
      "Conv2d_1a_3x3.bn.bias",
      "Conv2d_1a_3x3.bn.running_mean",
      "Conv2d_1a_3x3.bn.running_var",
      "Conv2d_1a_3x3.bn.num_batches_tracked",
      "fc.bias",
    ]);
    for (const sd of [zip, legacy]) {
      const nbt = sd.get("Conv2d_1a_3x3.bn.num_batches_tracked")!;
      expect(nbt).toMatchObject({ dtype: "int64", shape: [] });
      expect(nbt.data[0]).toBe(0n);
      for (const [k, t] of sd) {
        if (k.endsWith("num_batches_tracked")) continue;
        const e = byKey.get(k)!;
        expect(t.dtype).toBe("float32");
        expect(t.shape).toEqual(e.shape);
        const d = t.data as Float32Array;
        expect([...d.subarray(0, 16)]).toEqual(e.first16.map((x) => Math.fround(x)));
        let sum = 0;
        let sumsq = 0;
        for (const x of d) {
          sum += x;
          sumsq += x * x;
        }
        expect(Math.abs(sum - e.sum) / Math.max(Math.abs(e.sum), 1e-300), k).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(sumsq - e.sumsq) / e.sumsq, k).toBeLessThanOrEqual(1e-9);
      }
    }
  });

  it("autoattack model.pt and model.safetensors agree on their common keys", () => {
    const pt = torchStateDict(loadTorchFile(vec("autoattack", "model.pt")));
    const st = loadSafetensorsFile(vec("autoattack", "model.safetensors")).tensors;
    const common = [...st.keys()].filter((k) => pt.has(k));
    expect(common.length).toBe(st.size);
    expect(st.size).toBe(88);
    expect(pt.size - st.size).toBe(13);
    for (const k of pt.keys()) if (!st.has(k)) expect(k).toMatch(/num_batches_tracked$/);
    for (const k of common) {
      const a = pt.get(k)!;
      const b = st.get(k)!;
      expect(a.shape).toEqual(b.shape);
      expect(bytesOf(a).equals(bytesOf(b)), k).toBe(true);
    }
  });
});

describe("readTorch on generated fixtures (all dtypes, views, protocols 2-5, deflate, legacy)", () => {
  interface Expected {
    dtype: string;
    shape: number[];
    values: (number | string)[];
  }
  const expected = JSON.parse(readFileSync(fixturePath("expected.json"), "utf8")) as Record<string, Expected>;

  function check(t: RawTensor, e: Expected, k: string): void {
    expect({ k, dtype: t.dtype, shape: t.shape }).toEqual({ k, dtype: e.dtype, shape: e.shape });
    const got = t.dtype === "int64" ? [...(t.data as BigInt64Array)].map(String) : [...(t.data as ArrayLike<number> & Iterable<number>)];
    if (t.dtype === "float16") {
      // raw bits: compare against known encodings of the stored halves
      expect(got).toEqual([0x3800, 0xc000, 0x7bff, 0x0400, 0x0001, 0x0000]);
    } else if (t.dtype === "float32") {
      expect(got).toEqual(e.values.map((x) => Math.fround(x as number)));
    } else {
      expect(got).toEqual(e.values);
    }
  }

  for (const file of ["zip_p2_stored.pt", "zip_p3_deflate.pt", "zip_p4_archive.pt", "zip_p5_archive.pt", "legacy_p2.pt"]) {
    it(file, () => {
      const v = readTorch(fixtureBytes(file), file);
      const sd = torchStateDict(v);
      expect([...sd.keys()]).toEqual(Object.keys(expected).filter((k) => k !== "view"));
      for (const [k, t] of sd) check(t, expected[k]!, k);
      expect(sd.get("w.alias")).toBe(sd.get("w.contig"));
      expect(get(v, "epoch")).toBe(7);
      const misc = get(v, "misc") as Map<string | number, TorchValue>;
      expect(misc.get("lr")).toBe(0.1);
      expect(misc.get("neg")).toBe(-123456);
      expect(misc.get("big")).toBe(2n ** 70n + 5n);
      expect(misc.get("small_neg_long")).toBe(-(2 ** 40));
      expect(misc.get("none")).toBeNull();
      expect(misc.get("flags")).toEqual([true, false]);
      expect(misc.get("tuple3")).toEqual([1, "two", 3.5]);
      expect(misc.get("bytes")).toEqual(Uint8Array.from([0, 1, 255, 97, 98]));
      expect(misc.get("unicode")).toBe("na\u00efve \u2211");
      const nested = misc.get("nested") as Map<string | number, TorchValue>;
      expect(nested.get(1)).toBe("int key");
      expect(nested.get("list")).toEqual([...Array(30).keys()]);
      const twice = misc.get("same_tensor_twice") as TorchValue[];
      expect(twice[0]).toBe(sd.get("w.contig"));
      expect(twice[1]).toBe(sd.get("w.contig"));
      if (file.startsWith("legacy")) check(get(v, "view") as RawTensor, expected.view!, "view");
    });
  }
});

describe("readTorch bad input", () => {
  const zipBytes = new Uint8Array(readFileSync(sharedPath("vectors", "metrics", "pth_sample_zip.pth")));
  const legacyBytes = new Uint8Array(readFileSync(sharedPath("vectors", "metrics", "pth_sample_legacy.pth")));

  it("truncated zip", () => expect(() => readTorch(zipBytes.subarray(0, zipBytes.length - 100), "cut.pt")).toThrow(/zip cut\.pt: .*(truncated|past the end)/));
  it("truncated zip storage", () => expect(() => readTorch(zipBytes.subarray(0, 3000), "cut2.pt")).toThrow(/cut2\.pt/));
  it("truncated legacy file", () =>
    expect(() => readTorch(legacyBytes.subarray(0, legacyBytes.length - 10), "old.pt")).toThrow(
      /torch old\.pt: storage "\d+" .* runs past the end of the file/
    ));
  it("truncated legacy pickle", () => expect(() => readTorch(legacyBytes.subarray(0, 300), "old2.pt")).toThrow(/pickle old2\.pt.*truncated/));
  it("wrong magic number", () => {
    // protocol 2, LONG1 of one byte (5), STOP
    expect(() => readTorch(Uint8Array.from([0x80, 0x02, 0x8a, 0x01, 0x05, 0x2e]), "m.pt")).toThrow(
      /torch m\.pt: wrong magic number 0x5 \(expected 0x1950a86a20f9469cfc6c\); not a torch\.save file/
    );
  });
  it("not a torch file", () =>
    expect(() => readTorch(new TextEncoder().encode("hello world"), "t.txt")).toThrow(/t\.txt: not a torch\.save file.*68 65 6c 6c/));
  it("empty file", () => expect(() => readTorch(new Uint8Array(0), "e.pt")).toThrow(/empty file/));
  it("unknown pickle global is named", () => expect(() => readTorch(fixtureBytes("bad_global.pt"), "bad_global.pt")).toThrow(/unsupported pickle global "evil\.run"/));
  it("unknown global in a plain pickle", () => {
    const p = new Uint8Array([0x80, 0x02, ...new TextEncoder().encode("cos\nsystem\n"), 0x2e]);
    expect(() => readTorch(p, "g.pt")).toThrow(/unsupported pickle global "os\.system"/);
  });
  it("torchStateDict names what it found", () => {
    expect(() => torchStateDict(new Map<string, TorchValue>([["epoch", 3]]))).toThrow(/no state dict found.*top-level keys: epoch/);
    expect(() => torchStateDict(new Map<string, TorchValue>([["state_dict", new Map([["a", 1]])]]))).toThrow(
      /"state_dict" is not a dict of name → tensor \(entry "a" is not a tensor\)/
    );
    expect(() => torchStateDict([1, 2])).toThrow(/expected a dict, got a list/);
  });
});
