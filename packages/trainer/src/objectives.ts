import type { Rng } from "@ebjdat/runtime";
import type { Dataset } from "@ebjdat/data";
import type { TrainConfigOf } from "./config-types";
import type { Objective } from "./objective";
import type { JemBase, MethodEntry } from "./objectives/method-entry";
import { standard } from "./objectives/standard";
import { pgdAt } from "./objectives/pgd-at";
import { trades } from "./objectives/trades";
import { mart } from "./objectives/mart";
import { jem } from "./objectives/jem";
import { jempp } from "./objectives/jempp";
import { sadajem } from "./objectives/sadajem";
import { ebjdatJem } from "./objectives/ebjdat-jem";
import { ebjdatJempp } from "./objectives/ebjdat-jempp";
import { ebjdatSadajem } from "./objectives/ebjdat-sadajem";

/**
 * The method table (spec 2-5, 9.2): every training method, in a stable order. Adding a method is
 * one file in `objectives/` exporting its `MethodEntry` and one line here; `Method`, `METHODS`,
 * `jemBase`, `createObjective`, the presets `<method>-smoke|mini|paper` and `methodUsage()`
 * derive from it.
 */
export const METHOD_TABLE = [standard, pgdAt, trades, mart, jem, jempp, sadajem, ebjdatJem, ebjdatJempp, ebjdatSadajem] as const;

/** Training methods, the values of `config.method` (the table's names). */
export type Method = (typeof METHOD_TABLE)[number]["name"];

/** Every training method, in the table's order. */
export const METHODS: readonly Method[] = METHOD_TABLE.map((e) => e.name);

/** The table entry of `method`; an unknown name throws an error listing the methods. */
export function methodEntry(method: string): MethodEntry<Method> {
  const e = METHOD_TABLE.find((m) => m.name === method);
  if (!e) throw new Error(`Unknown training method '${method}'. Methods: ${METHODS.join(", ")}.`);
  return e;
}

/** The JEM base of a method (spec 2-4), or undefined for the classifier-only methods. */
export function jemBase(method: Method): JemBase | undefined {
  return methodEntry(method).base;
}

/**
 * The objective that trains `config.method` (spec 2-5, 9.2), built by its table entry: e.g.
 * `standard` = CE, `pgd-at`, `trades`, `mart`, and the JEM family (`jem`, `jempp`, `sadajem`,
 * `ebjdat-<base>`), whose replay buffer is initialised from the training set with `rng` (a
 * checkpoint's buffer replaces it).
 */
export function createObjective(config: TrainConfigOf, train: Dataset, rng: Rng): Objective {
  return methodEntry(config.method).create(config, train, rng);
}

/** One line per method of the table for help texts (e.g. `ebjdat train --help`): name, summary and its preset names. */
export function methodUsage(): string {
  const width = Math.max(...METHODS.map((m) => m.length)) + 2;
  return METHOD_TABLE.map((e: MethodEntry<Method>) => {
    const presets = ["", ...Object.keys(e.variants ?? {}).map((v) => `-${v}`)].map((v) => `${e.name}${v}-smoke|mini|paper`);
    return `${e.name.padEnd(width)}${e.summary}; presets ${presets.join(", ")}`;
  }).join("\n");
}
