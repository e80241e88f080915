import { describe, expect, it } from "vitest";
import { loadVectors, readF32, readF64, readI32, readU8 } from "./vectors.js";
import { sharedPath } from "./shared.js";

describe("vectors", () => {
  it("loadVectors reads safetensors under shared/", () => {
    const { tensors } = loadVectors("vectors/models/sadajem_wrn10_1_bn_stats.outputs.safetensors");
    expect(tensors.get("logits_eval")!.shape).toEqual([8, 10]);
    expect(() => loadVectors("vectors/models/nope.safetensors")).toThrow(/nope\.safetensors does not exist/);
  });

  it("reads the raw metrics arrays (relative or absolute paths)", () => {
    expect(readU8("vectors/metrics/images.u8").length).toBe(18432);
    expect(readF32("vectors/metrics/images01.f32").length).toBe(18432);
    expect(readF64(sharedPath("vectors", "metrics", "fid_a_mu.f64")).length).toBe(64);
    const perm = readI32("vectors/metrics/is_perm_seed2020.i32");
    expect(perm.length).toBe(500);
    expect([...perm].sort((a, b) => a - b)).toEqual([...Array(500).keys()]);
    const u8 = readU8("vectors/metrics/images.u8");
    const f = readF32("vectors/metrics/images01.f32");
    expect(f[100]).toBeCloseTo(u8[100]! / 255, 6);
    expect(() => readF64("vectors/metrics/pth_sample_legacy.pth")).toThrow(/9084 bytes, not a multiple of 8/);
  });
});
