import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { loadSafetensorsFile, saveSafetensorsFile } from "./files.js";
import type { RawTensor } from "./types.js";
import { sharedPath } from "./test-shared.js";

function sample(): Map<string, RawTensor> {
  const m = new Map<string, RawTensor>();
  m.set("z.f32", { dtype: "float32", shape: [2, 3], data: Float32Array.from([1.5, -2, 3e-38, Infinity, -0, 7]) });
  m.set("a.f64", { dtype: "float64", shape: [3], data: Float64Array.from([Math.PI, -1e300, 5e-324]) });
  m.set("f16", { dtype: "float16", shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) });
  m.set("bf16", { dtype: "bfloat16", shape: [1], data: Uint16Array.from([0x3f80]) });
  m.set("i64", { dtype: "int64", shape: [], data: BigInt64Array.from([-(2n ** 62n)]) });
  m.set("i32", { dtype: "int32", shape: [1, 1], data: Int32Array.from([-7]) });
  m.set("i16", { dtype: "int16", shape: [2], data: Int16Array.from([-32768, 32767]) });
  m.set("i8", { dtype: "int8", shape: [3], data: Int8Array.from([-128, 0, 127]) });
  m.set("u8", { dtype: "uint8", shape: [1], data: Uint8Array.from([255]) });
  m.set("b", { dtype: "bool", shape: [2], data: Uint8Array.from([1, 0]) });
  m.set("empty", { dtype: "float32", shape: [0, 4], data: new Float32Array(0) });
  return m;
}

function header(bytes: Uint8Array): { n: number; json: Record<string, unknown> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown> };
}

/** A safetensors file built by hand from a header object and a data section. */
function build(head: unknown, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(head));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips every dtype, key order and metadata", () => {
    const src = sample();
    const bytes = writeSafetensors(src, { name: "sample", seed: "1" });
    const { n, json } = header(bytes);
    expect(n % 8).toBe(0);
    expect(Object.keys(json)[0]).toBe("__metadata__");
    const back = readSafetensors(bytes, "roundtrip");
    expect([...back.tensors.keys()]).toEqual([...src.keys()]);
    expect(back.metadata).toEqual({ name: "sample", seed: "1" });
    for (const [k, t] of src) {
      const r = back.tensors.get(k)!;
      expect(r.dtype).toBe(t.dtype);
      expect(r.shape).toEqual(t.shape);
      expect(r.data.constructor).toBe(t.data.constructor);
      expect(Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)).toEqual(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    // Writing what was read gives the same bytes.
    expect(writeSafetensors(back.tensors, back.metadata)).toEqual(bytes);
  });

  it("writes data contiguously in header order and omits empty metadata", () => {
    const bytes = writeSafetensors({
      a: { dtype: "float32", shape: [2], data: Float32Array.from([1, 2]) },
      b: { dtype: "int64", shape: [1], data: BigInt64Array.from([3n]) },
    });
    const { n, json } = header(bytes);
    expect(json).toEqual({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "I64", shape: [1], data_offsets: [8, 16] } });
    expect(bytes.length).toBe(8 + n + 16);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + n)).trimEnd()).toBe(JSON.stringify(json));
  });

  it("reads the shared input batch", () => {
    const { tensors } = loadSafetensorsFile(sharedPath("vectors", "models", "input_batch.safetensors"));
    expect(tensors.get("x01")!.shape).toEqual([8, 32, 32, 3]);
    expect(tensors.get("x01")!.dtype).toBe("float32");
    expect([...(tensors.get("y10")!.data as Int32Array)]).toEqual([3, 8, 8, 0, 6, 6, 1, 6]);
    expect([...(tensors.get("y100")!.data as Int32Array)]).toEqual([12, 50, 84, 60, 23, 80, 50, 71]);
    const x01 = tensors.get("x01")!.data as Float32Array;
    const xnet = tensors.get("x_net")!.data as Float32Array;
    for (let i = 0; i < x01.length; i += 97) expect(xnet[i]).toBe(Math.fround((x01[i]! - 0.5) / 0.5));
  });

  it("saves atomically and loads back", () => {
    const dir = mkdtempSync(join(tmpdir(), "formats-"));
    try {
      const path = join(dir, "t.safetensors");
      saveSafetensorsFile(path, sample(), { k: "v" });
      expect(readdirSync(dir)).toEqual(["t.safetensors"]);
      expect(loadSafetensorsFile(path).tensors.size).toBe(11);
      expect(readSafetensors(new Uint8Array(readFileSync(path))).metadata).toEqual({ k: "v" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("bad input", () => {
    const good = writeSafetensors(sample());
    it("too short", () => expect(() => readSafetensors(new Uint8Array(5), "x.st")).toThrow(/x\.st.*too short/));
    it("truncated data", () =>
      expect(() => readSafetensors(good.subarray(0, good.length - 3), "cut.st")).toThrow(
        /cut\.st: tensor "\w+": data_offsets .* run past the end of the data/
      ));
    it("header length past the end", () =>
      expect(() => readSafetensors(build({}, new Uint8Array(0), 1000n), "h.st")).toThrow(/h\.st: header length 1000 exceeds/));
    it("header not JSON", () => {
      const b = build({}, new Uint8Array(0));
      b[8] = 0x7b;
      b[9] = 0x7b;
      expect(() => readSafetensors(b, "j.st")).toThrow(/j\.st: header is not valid UTF-8 JSON/);
    });
    it("unknown dtype", () =>
      expect(() => readSafetensors(build({ t: { dtype: "F8", shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1)), "d.st")).toThrow(
        /d\.st: tensor "t": unsupported dtype "F8"/
      ));
    it("offsets do not match the shape", () =>
      expect(() => readSafetensors(build({ t: { dtype: "F32", shape: [2], data_offsets: [0, 4] } }, new Uint8Array(8)), "o.st")).toThrow(
        /tensor "t": data_offsets \[0, 4\] span 4 bytes but float32 shape \[2\] needs 8/
      ));
    it("bad shape", () =>
      expect(() => readSafetensors(build({ t: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), "s.st")).toThrow(/tensor "t": shape/));
    it("overlapping tensors", () =>
      expect(() =>
        readSafetensors(
          build({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)),
          "ov.st"
        )
      ).toThrow(/"a" and "b" overlap/));
    it("non-string metadata", () =>
      expect(() => readSafetensors(build({ __metadata__: { a: 1 } }, new Uint8Array(0)), "m.st")).toThrow(/__metadata__\.a must be a string/));
    it("writer rejects data that does not match", () => {
      expect(() => writeSafetensors({ t: { dtype: "float32", shape: [3], data: new Float32Array(2) } })).toThrow(
        /tensor "t": shape \[3\] holds 3 elements but data has 2/
      );
      expect(() => writeSafetensors({ t: { dtype: "int64", shape: [1], data: new Float32Array(1) } })).toThrow(/tensor "t": dtype int64 needs a BigInt64Array/);
    });
    it("missing file names the path", () => expect(() => loadSafetensorsFile("/nonexistent/x.safetensors")).toThrow(/\/nonexistent\/x\.safetensors/));
  });
});
