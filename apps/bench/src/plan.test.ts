import { describe, expect, it } from "vitest";
import { buildPlan, type EvalJob, type TrainJob } from "./plan";
import { ROWS } from "./rows";
import { SCALES, rowConfig } from "./scales";
import { canonicalJson, contentKey } from "./cache";

const base = { cacheRoot: "/tmp/cache", codeVersion: "v1", seeds: 1, data: [{ dataset: "cifar10" as const, train: "cifar10-train-balanced", test: "cifar10-exact-test" }] };

describe("bench plan", () => {
  it("trains and evaluates every non-optional row once per seed, evaluations after their training", () => {
    const jobs = buildPlan({ ...base, scale: SCALES.mini, seeds: 2 });
    const rows = ROWS.filter((r) => !r.optional);
    expect(jobs.filter((j) => j.kind === "train")).toHaveLength(2 * rows.length);
    expect(jobs.filter((j) => j.kind === "eval")).toHaveLength(2 * rows.length);
    const ids = new Set(jobs.map((j) => j.id));
    for (const j of jobs) if (j.kind === "eval") for (const a of j.after) expect(ids.has(a)).toBe(true);
    // generative rows wait for the Standard model too (FD-WRN features)
    const jem = jobs.find((j) => j.id === "eval cifar10/jem/seed1") as EvalJob;
    expect(jem.after).toEqual(["train cifar10/jem/seed1", "train cifar10/standard/seed1"]);
    expect(jem.settings.featureCheckpoint).toContain("cifar10-standard-s1-");
    expect(jobs.some((j) => j.row.id === "ebjdat-jempp@ce")).toBe(false);
    expect(buildPlan({ ...base, scale: SCALES.mini, withCe: true }).some((j) => j.row.id === "ebjdat-jempp@ce")).toBe(true);
  });

  it("keys change with any setting and with the code version, and not otherwise", () => {
    const a = buildPlan({ ...base, scale: SCALES.mini });
    const b = buildPlan({ ...base, scale: SCALES.mini });
    expect(a.map((j) => j.key)).toEqual(b.map((j) => j.key));
    const c = buildPlan({ ...base, scale: SCALES.mini, codeVersion: "v2" });
    expect(c.every((j, i) => j.key !== a[i]!.key)).toBe(true);
    const d = buildPlan({ ...base, scale: { ...SCALES.mini, iterations: 101 } });
    expect(d.filter((j) => j.kind === "train").every((j, i) => j.key !== a.filter((x) => x.kind === "train")[i]!.key)).toBe(true);
    // an evaluation's key follows its model's key
    expect(d.filter((j) => j.kind === "eval").every((j, i) => j.key !== a.filter((x) => x.kind === "eval")[i]!.key)).toBe(true);
    expect(new Set(a.map((j) => j.dir)).size).toBe(a.length);
  });

  it("uses given checkpoints instead of training", () => {
    const jobs = buildPlan({ ...base, scale: SCALES.mini, rows: ["standard", "pgd-at"], checkpoints: { "pgd-at": new URL("../package.json", import.meta.url).pathname } });
    expect(jobs.map((j) => j.id)).toEqual(["train cifar10/standard/seed1", "eval cifar10/standard/seed1", "eval cifar10/pgd-at/seed1"]);
    const e = jobs[2] as EvalJob;
    // PGD-AT's samples are measured for the generation claim, on the features of the trained Standard model
    expect(e.after).toEqual(["train cifar10/standard/seed1"]);
    expect(e.settings).toMatchObject({ generative: false, generationBaseline: true });
    expect("checkpoint" in e.source).toBe(true);
    expect(() => buildPlan({ ...base, scale: SCALES.mini, checkpoints: { nope: "/x" } })).toThrow(/unknown row 'nope'/);
  });

  it("derives each row's trainer config from its preset at the scale", () => {
    const byId = (id: string) => ROWS.find((r) => r.id === id)!;
    const c = rowConfig(byId("ebjdat-jempp@paper"), SCALES.mini, 3, "cifar10-train-balanced", "cifar10-exact-test");
    expect(c.method).toBe("ebjdat-jempp");
    expect(c.adv.mode).toBe("paper");
    expect(c.jem.advEnergyLoss).toBe("gap");
    expect(c.seed).toBe(3);
    expect(c.iterations).toBe(300);
    expect(c.model).toMatchObject({ depth: 10, width: 1 });
    // lr × the preset's decay rate at 3/4 of the run: iteration 225 = epoch 1 of 156 iterations (5000 images, batch 32)
    expect(c.schedule).toMatchObject({ warmupIters: 20, decayEpochs: [1], decayRate: 0.2 });
    const t6 = rowConfig(byId("table6-2"), SCALES.smoke, 1, "cifar10-train-balanced", "cifar10-exact-test");
    expect(t6.jem.weights).toMatchObject({ px: 0, adv: 1, ceAdv: 1 });
    const code = rowConfig(byId("ebjdat-sadajem@code"), SCALES.smoke, 1, "cifar10-train-balanced", "cifar10-exact-test");
    expect(code.adv.mode).toBe("code");
    expect(code.sam.rho).toBeGreaterThan(0);
    const c100 = rowConfig(byId("mart"), SCALES.mini, 1, "cifar100:train", "cifar100:test");
    expect(c100.data).toMatchObject({ train: "cifar100:train", perClass: 0 });
  });

  it("training jobs of other datasets cover only the Table 2 / Table 4 rows", () => {
    const jobs = buildPlan({ ...base, scale: SCALES.smoke, data: [...base.data, { dataset: "cifar100", train: "cifar100:train", test: "cifar100:test" }] });
    const c100 = jobs.filter((j): j is TrainJob => j.kind === "train" && j.dataset === "cifar100").map((j) => j.row.id);
    expect(c100).toEqual(["standard", "mart", "ebjdat-jempp@code", "ebjdat-sadajem@code"]);
  });
});

describe("content keys", () => {
  it("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}');
    expect(contentKey({ a: 1, b: 2 }, "v")).toBe(contentKey({ b: 2, a: 1 }, "v"));
    expect(contentKey({ a: 1 }, "v")).not.toBe(contentKey({ a: 1 }, "w"));
  });
});
