import type { Rng } from "@ebjdat/runtime";
import { ATTACKS, ATTACK_NAMES, type AttackName } from "./attacks";
import type { AttackContext, AttackEntry, BaseSettings, Norm, Settings } from "./types";

/** An attack bound to its settings: maps one batch to adversarial images (flat NHWC). */
export type BatchAttack = (ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, offset: number) => Float32Array;

/** An entry of the table seen through its common shape (its options as a plain object). */
type AnyEntry = AttackEntry<AttackName, object, never>;

const TABLE: readonly AnyEntry[] = ATTACKS;

/** The table entry of an attack name (spec 7); throws on a name the table lacks. */
export function attackEntry(name: AttackName): AnyEntry {
  const e = TABLE.find((t) => t.name === name);
  if (!e) throw new Error(`unknown attack '${String(name)}'; expected one of ${ATTACK_NAMES.join(", ")}`);
  return e;
}

/**
 * Parses an attack name of the table (spec 7); for attacks with `stepsInName`, `<name>N` or
 * `<name>-N` (e.g. `pgd20`, `pgd-7`) also sets the step count. Throws on unknown names.
 */
export function parseAttackName(name: string): { name: AttackName; steps?: number } {
  for (const e of TABLE) {
    if (e.name === name) return { name: e.name };
    if (!e.stepsInName || !name.startsWith(e.name)) continue;
    const m = /^-?(\d+)$/.exec(name.slice(e.name.length));
    if (m) return { name: e.name, steps: Number(m[1]) };
  }
  const counted = TABLE.filter((e) => e.stepsInName).map((e) => `${e.name}N (e.g. ${e.name}20)`);
  throw new Error(`unknown attack '${name}'; expected one of ${ATTACK_NAMES.join(", ")}${counted.length ? ` or ${counted.join(", ")}` : ""}`);
}

/** The attacks of the table that support the threat model `norm` (spec 7: l∞ all, l2 FGSM/PGD/APGD), in table order. */
export function attacksFor(norm: Norm): AttackName[] {
  return TABLE.filter((e) => e.norms.includes(norm)).map((e) => e.name);
}

/** Copies the defined values of `parts` over `base` (an `undefined` option keeps the default). */
function withDefined(base: object, ...parts: object[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const p of parts) for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Binds an attack of the table to its settings: the entry's defaults (spec 7.6, 7.7), overridden
 * in turn by the defined values of each of `options` (keys the attack does not know are
 * ignored), with the budget and the norm of `base`. Checks the norm and the class count against
 * the entry before any work: throws naming the attack.
 */
export function bindAttack(name: AttackName, options: readonly object[], base: BaseSettings, numClasses: number): BatchAttack {
  const e = attackEntry(name);
  if (!e.norms.includes(base.norm)) {
    throw new Error(`attack '${name}' supports norm ${e.norms.map((n) => `'${n}'`).join(" and ")} only (spec 7), got '${base.norm}'`);
  }
  if (e.minClasses && numClasses < e.minClasses.count) {
    throw new Error(`${name} needs more than ${e.minClasses.count - 1} classes (${e.minClasses.reason}); the model has ${numClasses}`);
  }
  const settings: Settings<object, never> = { ...withDefined(e.defaults, ...options), ...base };
  return (ctx, x, y, rng, offset) => e.run(ctx, x, y, rng, offset, settings);
}

/**
 * A help text listing every attack of the table: its name (`pgdN` where the name takes a step
 * count), the norms it supports, its one-line summary and its defaults (spec 7).
 */
export function attackUsage(): string {
  const label = (e: AnyEntry): string => (e.stepsInName ? `${e.name}, ${e.name}N` : e.name);
  const width = Math.max(...TABLE.map((e) => label(e).length)) + 2;
  return TABLE.map((e) => {
    const defaults = Object.entries(e.defaults).map(([k, v]) => `${k} ${String(v)}`);
    return `${label(e).padEnd(width)}${e.norms.join("/").padEnd(9)}${e.summary}${defaults.length ? `; defaults: ${defaults.join(", ")}` : ""}`;
  }).join("\n");
}
