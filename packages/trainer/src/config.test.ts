import { describe, expect, it } from "vitest";
import { ConfigError, PRESETS, resolveConfig } from "./config";

describe("resolveConfig", () => {
  it("returns the preset when nothing is overridden", () => {
    expect(resolveConfig({}, "standard-mini")).toEqual(PRESETS["standard-mini"]);
  });

  it("merges nested overrides", () => {
    const c = resolveConfig({ model: { width: 2 }, optimizer: { lr: 0.1 } });
    expect(c.model.width).toBe(2);
    expect(c.model.depth).toBe(PRESETS["standard-smoke"]!.model.depth);
    expect(c.optimizer.lr).toBe(0.1);
  });

  it("names an unknown key and the allowed keys", () => {
    expect(() => resolveConfig({ model: { dpeth: 16 } })).toThrow(ConfigError);
    expect(() => resolveConfig({ model: { dpeth: 16 } })).toThrow(/Unknown config key 'model.dpeth'.*depth, width/);
    expect(() => resolveConfig({ lr: 1 })).toThrow(/Unknown config key 'lr'/);
  });

  it("names a bad value and the allowed values", () => {
    expect(() => resolveConfig({ model: { norm: "group" } })).toThrow(/'model.norm' must be one of 'none', 'batch'/);
    expect(() => resolveConfig({ batchSize: 1.5 })).toThrow(/'batchSize' must be an integer/);
    expect(() => resolveConfig({ model: { depth: 12 } })).toThrow(/6n\+4/);
    expect(() => resolveConfig({ optimizer: { lr: -1 } })).toThrow(/optimizer.lr/);
  });

  it("reads adv.eps / adv.alpha as model-space lengths (the official 8/255, 2/255) and names a bad one", () => {
    const c = resolveConfig({ adv: { eps: 16 / 255, alpha: 4 / 255 } }, "ebjdat-jem-smoke");
    expect(c.adv).toMatchObject({ eps: 16 / 255, alpha: 4 / 255 });
    expect(PRESETS["ebjdat-jem-paper"]!.adv).toMatchObject({ eps: 8 / 255, alpha: 2 / 255 });
    expect(PRESETS["pgd-at-paper"]!.adv).toMatchObject({ eps: 16 / 255, alpha: 4 / 255 }); // 8/255, 2/255 on [0, 1]
    expect(() => resolveConfig({ adv: { eps: -0.1 } })).toThrow(/config key 'adv.eps' must be a length >= 0 in model space \[-1, 1\].*got -0.1/);
    expect(() => resolveConfig({ adv: { alpha: -1 } })).toThrow(ConfigError);
    expect(() => resolveConfig({ adv: { eps: "8/255" } })).toThrow(/'adv.eps' must be a number/);
  });

  it("fills Adam defaults when the optimizer is switched", () => {
    const c = resolveConfig({ optimizer: { name: "adam", lr: 1e-5 } });
    expect(c.optimizer).toEqual({ name: "adam", lr: 1e-5, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
  });

  it("rejects an unknown preset", () => {
    expect(() => resolveConfig({}, "nope")).toThrow(/Unknown preset 'nope'/);
  });
});
