import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@ebjdat/runtime";
import { parseWorkloads, runTf, speedTable, workloadFlops } from "./workloads";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe("speed benchmark building blocks", () => {
  it("parses workloads and rejects bad ones", () => {
    expect(parseWorkloads("16-2,10-1", "train,input-grad", 64)).toHaveLength(4);
    const withInception = parseWorkloads("16-2,10-1", "train,inception", 64, 8);
    expect(withInception).toHaveLength(3);
    expect(withInception[2]).toEqual({ kind: "inception", depth: 0, width: 0, batch: 8 });
    expect(() => parseWorkloads("16x2", "train", 64)).toThrow(/depth-width/);
    expect(() => parseWorkloads("16-2", "fly", 64)).toThrow(/train, input-grad or inception/);
  });

  it("times both workloads on a tiny WRN without leaking tensors", () => {
    const before = tf.memory().numTensors;
    for (const w of parseWorkloads("10-1", "train,input-grad", 2)) expect(runTf(w, 0, 1)).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("formats the ratio table", () => {
    const t = speedTable([
      { kind: "train", depth: 16, width: 2, batch: 64, ms: 600, torchMs: 300, ratio: 2 },
      { kind: "inception", depth: 0, width: 0, batch: 16, ms: 500, wasmMs: 2000, torchMs: 1000, ratio: 0.5 },
    ]);
    expect(t).toContain("| train | WRN-16-2 | 64 | 600 | – | – | 300 | 2.00 | – | – |");
    expect(t).toContain("| inception | Inception-v3 | 16 | 500 | 2000 | 4.0x | 1000 | 0.50 | – | – |");
    expect(speedTable([{ kind: "input-grad", depth: 16, width: 2, batch: 64, ms: 200, rooflineMs: 150 }])).toContain("| 150 | 75 % |");
  });

  it("counts a WRN's convolution FLOPs per step", () => {
    // WRN-10-1 (one block per stage, widths 16/32/64): by hand, per image, 2·MACs of the forward:
    // stem 2·1024·9·3·16, stage 1: 2·(1024·9·16·16)·2 (no shortcut: 16→16, stride 1),
    // stage 2: 2·256·9·16·32 + 2·256·9·32·32 + 2·256·16·32, stage 3: 2·64·9·32·64 + 2·64·9·64·64 + 2·64·32·64
    const stem = 2 * 1024 * 9 * 3 * 16;
    const forward = stem + 2 * 2 * 1024 * 9 * 16 * 16 + (2 * 256 * 9 * 16 * 32 + 2 * 256 * 9 * 32 * 32 + 2 * 256 * 16 * 32) + (2 * 64 * 9 * 32 * 64 + 2 * 64 * 9 * 64 * 64 + 2 * 64 * 32 * 64);
    expect(workloadFlops({ kind: "input-grad", depth: 10, width: 1, batch: 1 })).toBe(2 * forward);
    expect(workloadFlops({ kind: "train", depth: 10, width: 1, batch: 4 })).toBe(4 * (3 * forward - stem));
    expect(workloadFlops({ kind: "inception", depth: 0, width: 0, batch: 4 })).toBeUndefined();
  });
});
