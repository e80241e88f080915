import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadVectors, readF32, readF32NchwAsNhwc, readF64, readI32, readU8 } from "./vectors.js";
import { sharedPath } from "./shared.js";
import { tempDir } from "./temp.js";

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

  it("readF32NchwAsNhwc moves the channel axis last", () => {
    const { dir, cleanup } = tempDir();
    try {
      // two images [C=2, H=1, W=3]: value = 100*k + 10*c + w
      const nchw = Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
      const file = join(dir, "x.f32");
      writeFileSync(file, new Uint8Array(nchw.buffer));
      expect(Array.from(readF32NchwAsNhwc(file, [2, 1, 3]))).toEqual([0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112]);
      expect(() => readF32NchwAsNhwc(file, [5, 1, 1])).toThrow(/12 float32 values, not a multiple of 5\*1\*1 = 5/);
      expect(() => readF32NchwAsNhwc(file, [0, 1, 3])).toThrow(/chw must be three positive integers/);
    } finally {
      cleanup();
    }
  });
});
