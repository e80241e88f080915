import { apgdCe } from "./entries/apgd-ce";
import { apgdDlr } from "./entries/apgd-dlr";
import { apgdT } from "./entries/apgd-t";
import { fab } from "./entries/fab";
import { fabT } from "./entries/fab-t";
import { fgsm } from "./entries/fgsm";
import { pgd } from "./entries/pgd";
import { square } from "./entries/square";
import type { AttackEntry, CommonOptions } from "./types";

/**
 * The attack table (spec 7): every attack `runAttack` and the ensembles know, in a stable order.
 * Adding an attack is one file in `entries/` exporting its `AttackEntry` and one line here; the
 * names, the option types, the registry, the norm checks and the help text derive from it.
 */
export const ATTACKS = [fgsm, pgd, apgdCe, apgdDlr, apgdT, fab, fabT, square] as const;

type Entry = (typeof ATTACKS)[number];

/** Names accepted by `runAttack` and the ensembles (the table's `name`s). */
export type AttackName = Entry["name"];

/** Every attack name, in the table's order. */
export const ATTACK_NAMES: readonly AttackName[] = ATTACKS.map((e) => e.name);

type OwnOptions<E> = E extends AttackEntry<string, infer O, infer _D> ? O : never;

/** The attack-specific options of attack `N` (e.g. `OptionsOf<"pgd">` = `PgdOptions`). */
export type OptionsOf<N extends AttackName> = OwnOptions<Extract<Entry, { name: N }>>;

/** Options of `runAttack` for attack `N`: the common ones and the attack's own (a union over all attacks by default). */
export type AttackOptions<N extends AttackName = AttackName> = N extends AttackName ? CommonOptions & OptionsOf<N> : never;

/** Per-attack option overrides of an ensemble (`autoAttack`'s `attackOptions`). */
export type AttackOverrides = { [N in AttackName]?: Partial<OptionsOf<N>> };
