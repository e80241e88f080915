import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@ebjdat/runtime";
import { createWideResNet } from "@ebjdat/models";
import { attacksBenchTable, benchRows, parseBenchAttacks, runOfficial, runOurs, type SideResult } from "./attacks-bench-rows";

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const side = (attack: SideResult["attack"], seconds: number, robust: number): SideResult => ({ attack, seconds, robustAccuracy: robust, cleanAccuracy: 0.5 });

describe("evaluation benchmark building blocks", () => {
  it("parses the workloads and rejects unknown ones", () => {
    expect(parseBenchAttacks("apgd-ce, standard,pgd20")).toEqual(["apgd-ce", "standard", "pgd20"]);
    expect(() => parseBenchAttacks("apgd-ce,fgsm")).toThrow(/expected some of apgd-ce.*got 'fgsm'/);
  });

  it("joins both sides: ratio, agreement within 1.5 points, and why the official side is missing", () => {
    const ours = [side("apgd-ce", 30, 0.3), side("square", 50, 0.25)];
    const official = { torch: "1.13", threads: 2, blas: "x", results: [side("apgd-ce", 60, 0.31), side("square", 40, 0.28)] };
    const rows = benchRows(["apgd-ce", "square", "pgd20"], ours, official);
    expect(rows[0]).toMatchObject({ ratio: 0.5, counts: true });
    expect(rows[1]).toMatchObject({ ratio: 1.25, counts: false });
    expect(rows[2]!.missing).toBe("not run by the official side");
    const t = attacksBenchTable(rows);
    expect(t).toContain("| apgd-ce | 30.0 | 60.0 | 0.50 | 30.0 | 31.0 |  |");
    expect(t).toContain("| square | 50.0 | 40.0 | 1.25 | 25.0 | 28.0 | robust accuracies differ by more than 1.5 points: does not count |");
    const missing = benchRows(["apgd-ce"], ours, "PyTorch not installed");
    expect(attacksBenchTable(missing)).toContain("| apgd-ce | 30.0 | – | – | 30.0 | – | PyTorch not installed |");
  });

  it("says why the official side did not run", () => {
    const s = { model: "m", data: "d", n: 1, threads: 1, bs: 1, attacks: ["apgd-ce" as const] };
    expect(runOfficial(s)).toMatch(/no --official-autoattack/);
    expect(runOfficial({ ...s, autoattack: "/nonexistent" })).toMatch(/holds no autoattack\/autoattack.py/);
  });

  it("times ours through the public API without leaking tensors", async () => {
    const model = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 0);
    const f = model.toLogitsFn("eval");
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, "float32", 1) as tf.Tensor4D;
    const y = tf.tidy(() => Int32Array.from(tf.argMax(f(x), 1).dataSync()));
    const before = tf.memory().numTensors;
    const r = await runOurs("pgd20", f, x, y);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.cleanAccuracy).toBe(1);
    expect(r.robustAccuracy).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });
});
