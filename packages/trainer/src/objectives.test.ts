import { describe, expect, it } from "vitest";
import { Rng } from "@ebjdat/runtime";
import type { Dataset } from "@ebjdat/data";
import { PRESETS } from "./config";
import { createObjective, jemBase, METHOD_TABLE, methodEntry, METHODS, methodUsage } from "./objectives";
import { ebjdatMethod } from "./objectives/ebjdat";
import { pgdAt } from "./objectives/pgd-at";

// A tiny training set for the replay buffer of the JEM family (4 images of 2×2×3, 2 classes).
const train: Dataset = {
  name: "tiny",
  spec: "4 hand-made images",
  source: "test",
  images: Uint8Array.from({ length: 48 }, (_, i) => (i * 37) % 256),
  labels: Int32Array.from([0, 1, 0, 1]),
  n: 4,
  height: 2,
  width: 2,
  channels: 3,
  numClasses: 2,
  classNames: ["a", "b"],
};

describe("the method table", () => {
  it("has unique names, and METHODS lists them in order", () => {
    expect(new Set(METHODS).size).toBe(METHOD_TABLE.length);
    expect(METHODS).toEqual(METHOD_TABLE.map((e) => e.name));
  });

  it("gives every method its three presets, and EB-JDAT its eq / ce variants", () => {
    for (const m of METHODS) {
      for (const s of ["smoke", "mini", "paper"]) expect(PRESETS[`${m}-${s}`]?.method, `${m}-${s}`).toBe(m);
      const variants = Object.keys(methodEntry(m).variants ?? {});
      expect(variants, m).toEqual(m.startsWith("ebjdat-") ? ["eq", "ce"] : []);
    }
  });

  it("derives jemBase from the entries", () => {
    expect(METHODS.map((m) => jemBase(m) ?? "-")).toEqual(["-", "-", "-", "-", "jem", "jempp", "sadajem", "jem", "jempp", "sadajem"]);
  });

  it("builds each method's objective, named after the method", () => {
    for (const m of METHODS) {
      const o = createObjective({ ...PRESETS[`${m}-smoke`]!, jem: { ...PRESETS[`${m}-smoke`]!.jem, buffer: { size: 8, init: "uniform" } } }, train, new Rng(1));
      expect(o.name).toBe(m);
      expect(o.state !== undefined, m).toBe(jemBase(m) !== undefined);
      o.dispose?.();
    }
  });

  it("names an unknown method and lists the methods", () => {
    expect(() => methodEntry("jem+")).toThrow(/Unknown training method 'jem\+'. Methods: standard, pgd-at, .*ebjdat-sadajem/);
  });

  it("lists every method with its summary and presets in the help text", () => {
    const lines = methodUsage().split("\n");
    expect(lines).toHaveLength(METHODS.length);
    for (const [i, m] of METHODS.entries()) expect(lines[i]).toMatch(new RegExp(`^${m} +${methodEntry(m).summary.slice(0, 10).replace(/[()+]/g, "\\$&")}`));
    expect(lines[METHODS.indexOf("ebjdat-jempp")]).toContain("ebjdat-jempp-eq-");
  });

  it("builds EB-JDAT only on a JEM-family entry", () => {
    expect(() => ebjdatMethod(pgdAt as never, "x", (c) => c)).toThrow(/'pgd-at' is not a JEM-family method/);
  });
});
