/**
 * The models the paper's tables compare, as trainer presets. Each row names the preset family it
 * trains (`<preset>-<scale>` of @ebjdat/trainer) and which variant of EB-JDAT it is (spec 5.3):
 * `code` = what the official code computes, `paper` = the paper's equations, `ce` = PGD-CE inner
 * problem.
 */

/** Which EB-JDAT variant a row is (spec 5.3); `-` for the other methods. */
export type Variant = "-" | "code" | "paper" | "ce";

/** A model of the bench. */
export interface BenchRow {
  /** Stable id, used in file names and results.json (e.g. `ebjdat-jempp@paper`). */
  id: string;
  /** Display name in the report. */
  label: string;
  /** Trainer preset without the scale suffix (e.g. `ebjdat-jempp-eq`, `table6-2`). */
  preset: string;
  /** Trainer method (key into the paper's tables). */
  method: string;
  variant: Variant;
  /** JEM family: has a replay buffer and generates. */
  generative: boolean;
  /** Noise σ (model space) the authors' eval script adds for this family (spec 7.9). */
  paperSigma: number;
  /** Tables and figures this row appears in. */
  tables: readonly string[];
  /** Only trained with `--with-ce` (spec 5.3 `ce` mode, "where time allows"). */
  optional?: boolean;
  /** A non-generative row whose SGLD samples are measured too: the claims compare EB-JDAT's generation with it (PGD-AT). */
  generationBaseline?: boolean;
}

const R = (id: string, label: string, preset: string, method: string, variant: Variant, generative: boolean, paperSigma: number, tables: string[], optional = false): BenchRow => ({
  id,
  label,
  preset,
  method,
  variant,
  generative,
  paperSigma,
  tables,
  ...(optional ? { optional } : {}),
});

/** Every row of every table (CIFAR-10). Table 2 on CIFAR-100 and Table 4 reuse the Table 2 rows on other data. */
export const ROWS: readonly BenchRow[] = [
  R("standard", "Standard", "standard", "standard", "-", false, 0, ["1", "2", "3", "F1", "F2"]),
  { ...R("pgd-at", "PGD-AT", "pgd-at", "pgd-at", "-", false, 0, ["1", "2", "3", "F1", "F2"]), generationBaseline: true },
  R("trades", "TRADES", "trades", "trades", "-", false, 0, ["1", "2", "3", "F1", "F2"]),
  R("mart", "MART", "mart", "mart", "-", false, 0, ["2", "3", "4", "F1"]),
  R("jem", "JEM", "jem", "jem", "-", true, 0.03, ["1", "3", "5", "F1", "F2", "F4"]),
  R("jempp", "JEM++", "jempp", "jempp", "-", true, 0.03, ["3", "5", "F1", "F4"]),
  R("sadajem", "SADA-JEM", "sadajem", "sadajem", "-", true, 0, ["1", "3", "5", "F1", "F2", "F4"]),
  R("ebjdat-jem@code", "EB-JDAT-JEM [code]", "ebjdat-jem", "ebjdat-jem", "code", true, 0.03, ["3", "5", "F1"]),
  R("ebjdat-jempp@code", "EB-JDAT-JEM++ [code]", "ebjdat-jempp", "ebjdat-jempp", "code", true, 0.03, ["1", "2", "3", "4", "5", "F1", "F2", "F4"]),
  R("ebjdat-sadajem@code", "EB-JDAT-SADAJEM [code]", "ebjdat-sadajem", "ebjdat-sadajem", "code", true, 0, ["1", "2", "3", "5", "F1", "F2", "F4"]),
  R("ebjdat-jempp@paper", "EB-JDAT-JEM++ [paper]", "ebjdat-jempp-eq", "ebjdat-jempp", "paper", true, 0.03, ["1", "2", "3", "4", "5", "F1", "F2", "F4"]),
  R("ebjdat-sadajem@paper", "EB-JDAT-SADAJEM [paper]", "ebjdat-sadajem-eq", "ebjdat-sadajem", "paper", true, 0, ["1", "2", "3", "5", "F1", "F2", "F4"]),
  R("ebjdat-jempp@ce", "EB-JDAT-JEM++ [ce]", "ebjdat-jempp-ce", "ebjdat-jempp", "ce", true, 0.03, ["2", "5", "F1", "F4"], true),
  R("ebjdat-sadajem@ce", "EB-JDAT-SADAJEM [ce]", "ebjdat-sadajem-ce", "ebjdat-sadajem", "ce", true, 0, ["2", "5", "F1", "F4"], true),
  R("table6-1", "Table 6 NO.1 (0, 0, 1)", "table6-1", "ebjdat-jempp", "code", true, 0.03, ["6"]),
  R("table6-2", "Table 6 NO.2 (0, 1, 1)", "table6-2", "ebjdat-jempp", "code", true, 0.03, ["6"]),
  R("table6-3", "Table 6 NO.3 (1, 0.5, 1)", "table6-3", "ebjdat-jempp", "code", true, 0.03, ["6"]),
  R("table6-4", "Table 6 NO.4 (1, 1, 1)", "table6-4", "ebjdat-jempp", "code", true, 0.03, ["6"]),
];

/** Rows of Table 2 that are trained again on CIFAR-100 and on the ImageNet subset (Table 4). */
export const OTHER_DATA_ROWS: Readonly<Record<"cifar100" | "imagenet", readonly string[]>> = {
  cifar100: ["standard", "mart", "ebjdat-jempp@code", "ebjdat-sadajem@code"],
  imagenet: ["mart", "ebjdat-jempp@code"],
};

/** Looks a row up by id, with an error listing the ids. */
export function rowById(id: string): BenchRow {
  const r = ROWS.find((x) => x.id === id);
  if (!r) throw new Error(`Unknown bench row '${id}'. Rows: ${ROWS.map((x) => x.id).join(", ")}.`);
  return r;
}
