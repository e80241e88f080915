import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { COMMANDS, hintFor, main } from "./main";
import { num, parseCommand } from "./args";
import { ProgressBar } from "./progress";
import { sharedPath } from "@ebjdat/testing";

function capture(): { out: () => string; err: () => string; restore: () => void } {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  return { out: () => out, err: () => err, restore: () => (o.mockRestore(), e.mockRestore()) };
}

/** Each argv must fail with exit code 2 and a message matching its pattern, before any work. */
async function expectUsageErrors(cases: [string[], RegExp][]): Promise<void> {
  for (const [argv, re] of cases) {
    const c = capture();
    const code = await main(argv);
    c.restore();
    expect(code, argv.join(" ")).toBe(2);
    expect(c.err()).toMatch(re);
  }
}

describe("ebjdat CLI", () => {
  it("lists the commands with --help", async () => {
    const c = capture();
    const code = await main(["--help"]);
    c.restore();
    expect(code).toBe(0);
    expect(c.out()).toContain("info");
    expect(c.out()).toContain("train");
  });

  it("gives every command a --help that lists exactly its options", async () => {
    expect(COMMANDS.map((c) => c.spec.name)).toEqual(["info", "train", "eval", "plan", "cluster", "merge", "sample", "metrics"]);
    for (const cmd of COMMANDS) {
      const c = capture();
      const code = await main([cmd.spec.name, "--help"]);
      c.restore();
      expect(code).toBe(0);
      expect(c.out()).toContain(`ebjdat ${cmd.spec.name}`);
      const inHelp = new Set(Object.keys(cmd.spec.help ?? {}).map((k) => /^--([a-z0-9-]+)/.exec(k)?.[1]));
      const options = Object.keys(cmd.spec.options);
      for (const o of options) expect(inHelp.has(o), `${cmd.spec.name} --help documents --${o}`).toBe(true);
      for (const h of inHelp) expect(options, `${cmd.spec.name} accepts the documented --${h}`).toContain(h);
    }
  });

  it("rejects unknown commands and unknown flags with exit code 2", async () => {
    let c = capture();
    expect(await main(["frobnicate"])).toBe(2);
    c.restore();
    expect(c.err()).toContain("Unknown command 'frobnicate'");
    c = capture();
    expect(await main(["info", "--bogus"])).toBe(2);
    c.restore();
    expect(c.err()).toContain("bogus");
  });

  it("rejects a bad backend name before any work", async () => {
    const c = capture();
    expect(await main(["info", "--backend", "tpu"])).toBe(2);
    c.restore();
    expect(c.err()).toContain("--backend must be one of");
  });

  it("requires --out for train and names unknown presets", async () => {
    let c = capture();
    expect(await main(["train", "--preset", "standard-smoke"])).toBe(2);
    c.restore();
    expect(c.err()).toContain("--out");
    c = capture();
    expect(await main(["train", "--preset", "nope", "--out", "/tmp/x-never-written"])).toBe(2);
    c.restore();
    expect(c.err()).toContain("Unknown preset 'nope'");
  });
});

describe("ebjdat train input checks", () => {
  it("exits 2 before any work for bad config values and files, an unknown dataset and --resume without a checkpoint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ebjdat-cli-train-"));
    try {
      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ batchSize: 0 }));
      const broken = join(dir, "broken.json");
      writeFileSync(broken, '{"batchSize": 8,');
      const nodata = join(dir, "nodata.json");
      writeFileSync(nodata, JSON.stringify({ data: { train: "cifar11-nope" } }));
      const out = join(dir, "run");
      await expectUsageErrors([
        [["train", "--config", bad, "--out", out], /bad\.json: config key 'batchSize' must be ≥ 1, got 0/],
        [["train", "--config", broken, "--out", out], /'.*broken\.json' is not valid JSON \(.*\); expected a training config/],
        [["train", "--config", join(dir, "missing.json"), "--out", out], /'.*missing\.json' does not exist; expected a training config/],
        [["train", "--preset", "standard-smoke", "--out", out, "--resume"], /--resume: '.*run' holds no checkpoint.*--resume-or-start/],
        [["train", "--config", nodata, "--out", out, "--data-dir", sharedPath("data")], /cifar11-nope: unknown dataset spec/],
      ]);
      expect(existsSync(join(out, "checkpoint"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("num", () => {
  it("parses fractions such as 8/255", () => {
    expect(num({ eps: "8/255" }, "eps")).toBeCloseTo(8 / 255, 12);
    expect(num({ eps: "0.03" }, "eps")).toBe(0.03);
    expect(() => num({ eps: "eight" }, "eps")).toThrow(/--eps must be a number/);
  });
});

describe("parseCommand", () => {
  it("takes a negative number as an option's value, so the option's check names it", () => {
    const spec = COMMANDS.find((c) => c.spec.name === "eval")!.spec;
    expect(parseCommand(spec, ["--eps", "-1", "--seed", "-.5"]).values).toMatchObject({ eps: "-1", seed: "-.5" });
    expect(() => parseCommand(spec, ["--eps", "--json"])).toThrow(/eval: .*--eps/);
  });
});

describe("ProgressBar", () => {
  it("renders a bar with an ETA", () => {
    const bar = new ProgressBar("train", { silent: true });
    const line = bar.render({ done: 5, total: 10, label: "epoch 1", metrics: { loss: 1.5 } });
    expect(line).toMatch(/\[#+-+\] 5\/10 50%/);
    expect(line).toContain("ETA");
    expect(line).toContain("loss=1.5000");
  });

  it("counts only this process's work in the ETA (a resumed run starts at its checkpoint's step)", () => {
    const bar = new ProgressBar("train", { silent: true });
    const t0 = 1_000_000;
    bar.update({ done: 80, total: 100 }, t0); // resumed at step 80
    bar.update({ done: 90, total: 100 }, t0 + 10_000); // 10 steps in 10 s
    expect(bar.eta({ done: 90, total: 100 }, t0 + 10_000)).toBeCloseTo(10, 6);
    expect(bar.render({ done: 90, total: 100 }, t0 + 10_000)).toContain("ETA 00:10");
  });

  it("shows fractional progress rounded down", () => {
    const bar = new ProgressBar("eval", { silent: true });
    expect(bar.render({ done: 12.7, total: 48 })).toMatch(/ 12\/48 26%/);
  });
});

describe("hints", () => {
  it("explains TF.js's missing-gradient error", () => {
    expect(hintFor("Cannot compute gradient: gradient function not found for Sub.")).toMatch(/initBackend\(\)/);
    expect(hintFor("something else")).toBeUndefined();
  });
});

describe("README", () => {
  it("the metrics example reads the file the sample example writes", () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "README.md"), "utf8");
    const sampleLine = readme.split("\n").find((l) => /ebjdat sample /.test(l))!;
    const fake = /--fake (\S+)/.exec(readme.split("\n").find((l) => /ebjdat metrics /.test(l))!)![1]!;
    expect(sampleLine).toContain(`--save-samples ${fake}`);
    expect(fake).toMatch(/\.safetensors$/);
  });
});

describe("ebjdat eval input checks", () => {
  it("names a bad eps, attack or missing model before any work", async () => {
    const model = sharedPath("vectors", "autoattack", "model.safetensors");
    const cases: [string[], RegExp][] = [
      [["eval", "--model", "/nonexistent.pt", "--data", "cifar10-exact-test", "--json", "/tmp/x.json"], /does not exist/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--eps", "1.5"], /--eps must be in \(0, 1\)/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--eps", "0"], /--eps must be in \(0, 1\)/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--attack", "cw"], /unknown attack 'cw'/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--protocol", "robustbench"], /--protocol must be one of standard, paper/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--noise-sigma", "0.03"], /noise is part of the paper protocol/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--protocol", "paper", "--attack", "autoattack:standard"], /belongs to the standard protocol/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--range", "998:99999", "--batch", "0"], /--batch/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--range", "1000:1200"], /--range 1000:1200 is empty or beyond the dataset's 1000 images/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--attack", "autoattack:fast"], /version must be one of/],
      [["eval", "--model", model, "--data", "cifar10-exact-test"], /--json/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--eps", "-1"], /--eps must be in \(0, 1\) on the \[0, 1\] image scale \(e\.g\. 8\/255\), got -1/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--attack", "fab-t", "--norm", "l2"], /norm .l2.: fab-t is ℓ∞ only/],
      [["eval", "--model", model, "--data", "cifar10-exact-test", "--json", "/tmp/x.json", "--norm", "l2"], /norm .l2.: fab-t, square are ℓ∞ only \(part of autoattack\)/],
      [["eval", "--model", model, "--data", "cifar10-nope", "--json", "/tmp/x.json"], /--data: cifar10-nope: unknown dataset spec/],
    ];
    await expectUsageErrors(cases);
  });
});

describe("ebjdat metrics input checks", () => {
  it("names an unknown metric, a missing feature model and a missing fake set", async () => {
    const fake = sharedPath("vectors", "models", "ccf_checkpoint_wrn10_1_bn.pt");
    const cases: [string[], RegExp][] = [
      [["metrics", "--real", "cifar10-exact-test", "--fake", fake, "--metrics", "fidd", "--json", "/tmp/x.json"], /Unknown metric 'fidd'/],
      [["metrics", "--real", "cifar10-exact-test", "--fake", fake, "--metrics", "fd-wrn", "--json", "/tmp/x.json"], /--feature-model/],
      [["metrics", "--real", "cifar10-exact-test", "--fake", "/nonexistent", "--metrics", "kid", "--json", "/tmp/x.json"], /does not exist/],
      [["metrics", "--fake", fake, "--metrics", "fid", "--json", "/tmp/x.json"], /--real/],
      [["metrics", "--real", "cifar10-nope", "--fake", fake, "--metrics", "kid", "--json", "/tmp/x.json"], /--real: cifar10-nope: unknown dataset spec/],
    ];
    await expectUsageErrors(cases);
  });
});

describe("ebjdat sample input checks", () => {
  it("names a bad sampler, class or output before any work", async () => {
    const model = sharedPath("vectors", "models", "ccf_checkpoint_wrn10_1_bn.pt");
    const cases: [string[], RegExp][] = [
      [["sample", "--model", model, "--out", "/tmp/g.jpg"], /--out must end in .png or .svg/],
      [["sample", "--model", model, "--out", "/tmp/g.png", "--sampler", "hmc"], /--sampler must be one of/],
      [["sample", "--model", model, "--out", "/tmp/g.png", "--class", "12"], /out of range: the model has 10 classes/],
      [["sample", "--model", "/nonexistent.pt", "--out", "/tmp/g.png"], /does not exist/],
      [["sample", "--model", model, "--out", "/tmp/g.png", "--save-samples", "/tmp/s.npz"], /--save-samples must end in \.safetensors/],
      [["sample", "--model", model, "--out", "/tmp/g.png", "--nrow", "0"], /--nrow must be an integer/],
    ];
    await expectUsageErrors(cases);
  });
});
