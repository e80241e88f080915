import { describe, expect, it, vi } from "vitest";
import { COMMANDS, main } from "./main";
import { num } from "./args";
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
    expect(await main(["train", "--preset", "nope", "--out", "/tmp/x-never-written"])).toBe(1);
    c.restore();
    expect(c.err()).toContain("Unknown preset 'nope'");
  });
});

describe("num", () => {
  it("parses fractions such as 8/255", () => {
    expect(num({ eps: "8/255" }, "eps")).toBeCloseTo(8 / 255, 12);
    expect(num({ eps: "0.03" }, "eps")).toBe(0.03);
    expect(() => num({ eps: "eight" }, "eps")).toThrow(/--eps must be a number/);
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
    ];
    await expectUsageErrors(cases);
  });
});
