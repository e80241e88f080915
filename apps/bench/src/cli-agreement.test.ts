import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "@ebjdat/cli";
import type { EvaluationFile } from "@ebjdat/evaluation";
import { sharedPath } from "@ebjdat/testing";
import { initBackend } from "@ebjdat/runtime";
import { aaOverrides, evaluateModel, partFile, type EvalSettings } from "./evaluate";
import { SCALES } from "./scales";

const root = mkdtempSync(join(tmpdir(), "bench-cli-agreement-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `ebjdat eval` through the CLI's `main`, as a user runs it. */
async function ebjdatEval(args: string[], json: string): Promise<EvaluationFile> {
  const write = process.stdout.write;
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  try {
    expect(await main(["eval", ...args, "--json", json]), out).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(readFileSync(json, "utf8")) as EvaluationFile;
}

describe("the CLI and the bench evaluate through one protocol", () => {
  let settings: EvalSettings;
  const dir = join(root, "job");
  beforeAll(async () => {
    await initBackend({ quiet: true });
    settings = {
      // the adversarially trained WRN-16-2 of the AutoAttack vectors: most images are correct and the attacks have work
      checkpoint: sharedPath("vectors", "autoattack", "model.safetensors"),
      test: "cifar10-exact-test",
      // the smoke scale's cut-down ensembles (the CLI gets the same overrides), on few images
      sizes: { ...SCALES.smoke.eval, clean: 16, pgd: 16, pgdSteps: 5, aa: 8, generated: 4, gridPerClass: 1, sgldSteps: 1 },
      paperSigma: 0.03,
      generative: false,
      seed: 4,
    };
    await evaluateModel(settings, dir);
  }, 600_000);

  it("gives the same per-image outcomes for the same model, data, protocol and seed", async () => {
    const common = ["--model", settings.checkpoint, "--data", settings.test, "--batch", "100", "--seed", "4"];
    const seen: string[] = [];
    for (const protocol of ["standard", "paper"] as const) {
      const noise = protocol === "paper" ? ["--noise-sigma", "0.03"] : [];
      const pgd = await ebjdatEval([...common, "--protocol", protocol, ...noise, "--attack", "pgd5", "--range", "0:16", "--energy-gap"], join(root, `${protocol}-pgd.json`));
      const overrides = aaOverrides(settings.sizes);
      const aa = await ebjdatEval([...common, "--protocol", protocol, ...noise, "--attack", "autoattack", "--attack-options", JSON.stringify(overrides), "--range", "0:8"], join(root, `${protocol}-aa.json`));
      const benchPgd = JSON.parse(readFileSync(partFile(dir, protocol, "pgd"), "utf8")) as EvaluationFile;
      const benchAa = JSON.parse(readFileSync(partFile(dir, protocol, "aa"), "utf8")) as EvaluationFile;
      expect(pgd.key).toEqual(benchPgd.key);
      expect(pgd.outcome).toEqual(benchPgd.outcome);
      expect(pgd.chunks.map((c) => c.predAdv)).toEqual(benchPgd.chunks.map((c) => c.predAdv));
      expect(aa.key).toEqual(benchAa.key);
      expect(aa.stages).toEqual(protocol === "paper" ? ["apgd-ce", "apgd-dlr", "fab-t", "square"] : ["apgd-ce", "apgd-t", "fab-t", "square"]);
      expect(aa.outcome).toEqual(benchAa.outcome);
      seen.push(...pgd.outcome!, ...aa.outcome!);
      expect(aa.robustAccuracyAfter).toEqual(benchAa.robustAccuracyAfter);
    }
    // the comparison covers attacked images, not only misclassified ones
    expect(seen.filter((o) => o !== "misclassified" && o !== "robust").length).toBeGreaterThan(4);
    expect(seen.filter((o) => o === "robust").length).toBeGreaterThan(2);
    console.log(`outcomes compared: ${JSON.stringify(Object.fromEntries([...new Set(seen)].map((o) => [o, seen.filter((x) => x === o).length])))}`);
  }, 600_000);
});
