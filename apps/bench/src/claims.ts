import type { EvalResult, ProtocolPerImage } from "./evaluate";
import { PAPER_TABLE1, PAPER_TABLE5, PAPER_TABLE6 } from "./paper-numbers";
import { ROWS, type Variant } from "./rows";
import { pairedBootstrap, seedBootstrap, verdictOf, type PairedDifference, type Verdict } from "./uncertainty";

/**
 * The paper's claims as data (issue 20), each judged on a bench run under each protocol:
 * `holds` when every comparison's 95 % interval lies on the claimed side of zero, `fails` when one
 * lies on the other side, else `undecided at this scale`; `not measured` when a row is missing.
 */

/** A model of a bench run as the claims read it (report.ts's ModelOutcome has this shape). */
export interface JudgedModel {
  row: string;
  dataset: string;
  seed: number;
  eval?: EvalResult;
}

/** What a comparison measures: per-image numbers (paired bootstrap) or a per-seed generation metric. */
export type ClaimMetric = "clean" | "pgd" | "aa" | "gap" | "generation";

/** `standard` / `paper` for the attack-dependent metrics; `-` for clean accuracy and generation, which no protocol changes. */
export type ClaimProtocol = "standard" | "paper" | "-";

/** One comparison A vs B of a claim. */
export interface ClaimComparison {
  a: string;
  b: string;
  metric: ClaimMetric;
  /** `>`: A's number is claimed above B's (accuracy); `<`: below (energy gap, FD-WRN). */
  claimed: ">" | "<";
  /** The paper's A − B where its tables give both (percentage points for accuracies). */
  paperDifference?: number;
}

/** A claim of the paper: its text, where it is made, and its comparisons for an EB-JDAT variant. */
export interface ClaimDefinition {
  id: string;
  text: string;
  source: string;
  /** The comparisons for one variant (`code`, `paper`, `ce`), or one list for claims that are not per variant (`-`). */
  comparisons(variant: Variant): ClaimComparison[];
  variants: readonly Variant[];
}

/** The verdict of one comparison, with its numbers. */
export interface ComparisonResult extends ClaimComparison {
  protocol: ClaimProtocol;
  /** mean of A and of B over seeds (and images); accuracies and gaps in their units (accuracies as fractions) */
  meanA?: number;
  meanB?: number;
  difference?: PairedDifference;
  verdict: Verdict | "not measured";
}

/** A claim judged for one variant under one protocol. */
export interface ClaimVerdict {
  id: string;
  text: string;
  source: string;
  variant: Variant;
  protocol: ClaimProtocol;
  verdict: Verdict | "not measured";
  comparisons: ComparisonResult[];
}

const EBJDAT_ROWS: Record<Exclude<Variant, "-">, string[]> = {
  code: ["ebjdat-jem@code", "ebjdat-jempp@code", "ebjdat-sadajem@code"],
  paper: ["ebjdat-jempp@paper", "ebjdat-sadajem@paper"],
  ce: ["ebjdat-jempp@ce", "ebjdat-sadajem@ce"],
};
const JEMS = ["jem", "jempp", "sadajem"];
const PAPER_AA: Record<string, number> = { jem: PAPER_TABLE5.jem!.aa, jempp: PAPER_TABLE5.jempp!.aa, sadajem: PAPER_TABLE5.sadajem!.aa, "ebjdat-jempp": PAPER_TABLE5["ebjdat-jempp"]!.aa, "ebjdat-sadajem": PAPER_TABLE5["ebjdat-sadajem"]!.aa };
const methodOf = (row: string): string => ROWS.find((r) => r.id === row)?.method ?? row;
const ebjdatRows = (v: Variant): string[] => (v === "-" ? [] : EBJDAT_ROWS[v]);

/** The claims, in the order of the report. */
export const CLAIMS: readonly ClaimDefinition[] = [
  {
    id: "aa-above-jems",
    text: "EB-JDAT's AutoAttack accuracy is above every JEM variant's (JEM, JEM++, SADA-JEM)",
    source: "Tables 2 and 5",
    variants: ["code", "paper", "ce"],
    comparisons: (v) =>
      ebjdatRows(v).flatMap((a) =>
        JEMS.map((b) => ({ a, b, metric: "aa" as const, claimed: ">" as const, ...(PAPER_AA[methodOf(a)] !== undefined ? { paperDifference: PAPER_AA[methodOf(a)]! - PAPER_AA[b]! } : {}) })),
      ),
  },
  {
    id: "clean-above-pgd-at",
    text: "EB-JDAT's clean accuracy is above PGD-AT's",
    source: "Table 2, Figure 1",
    variants: ["code", "paper", "ce"],
    comparisons: (v) => ebjdatRows(v).map((a) => ({ a, b: "pgd-at", metric: "clean" as const, claimed: ">" as const })),
  },
  {
    id: "generation-better-than-pgd-at",
    text: "EB-JDAT generates better samples than PGD-AT (lower FD-WRN; FID in the paper)",
    source: "Figure 1, Section 5",
    variants: ["code", "paper", "ce"],
    comparisons: (v) => ebjdatRows(v).map((a) => ({ a, b: "pgd-at", metric: "generation" as const, claimed: "<" as const })),
  },
  {
    id: "gap-below-jems",
    text: "The energy gap |E(x_adv) − E(x)| of EB-JDAT is smaller than the JEMs' (JEM, SADA-JEM in Table 1; JEM++ too)",
    source: "Table 1",
    variants: ["code", "paper", "ce"],
    comparisons: (v) =>
      ebjdatRows(v).flatMap((a) =>
        JEMS.map((b) => ({ a, b, metric: "gap" as const, claimed: "<" as const, ...(PAPER_TABLE1[b] ? { paperDifference: PAPER_TABLE1.ebjdat!.mean - PAPER_TABLE1[b]!.mean } : {}) })),
      ),
  },
  {
    id: "table6-w2",
    text: "Adding the log p(x̃|x) term (Table 6 NO.1 → NO.2, w2 0 → 1) raises AutoAttack accuracy",
    source: "Table 6",
    variants: ["code"],
    comparisons: () => [{ a: "table6-2", b: "table6-1", metric: "aa", claimed: ">", paperDifference: PAPER_TABLE6[2].aa - PAPER_TABLE6[1].aa }],
  },
  {
    id: "table6-w1",
    text: "Adding the log p(x) term (Table 6 NO.2 → NO.4, w1 0 → 1) improves generation and clean accuracy",
    source: "Table 6",
    variants: ["code"],
    comparisons: () => [
      { a: "table6-4", b: "table6-2", metric: "generation", claimed: "<", paperDifference: PAPER_TABLE6[4].fid - PAPER_TABLE6[2].fid },
      { a: "table6-4", b: "table6-2", metric: "clean", claimed: ">", paperDifference: PAPER_TABLE6[4].clean - PAPER_TABLE6[2].clean },
    ],
  },
  {
    id: "table6-w2-weight",
    text: "A full weight on the log p(x̃|x) term beats half of it (Table 6 NO.3 → NO.4, w2 0.5 → 1) in AutoAttack accuracy",
    source: "Table 6",
    variants: ["code"],
    comparisons: () => [{ a: "table6-4", b: "table6-3", metric: "aa", claimed: ">", paperDifference: PAPER_TABLE6[4].aa - PAPER_TABLE6[3].aa }],
  },
];

const bits = (s: string | undefined): number[] => Array.from(s ?? "", (c) => (c === "1" ? 1 : 0));

/** Per-image numbers of one metric of one evaluated model (undefined when the run did not record them). */
function perImage(e: EvalResult, metric: Exclude<ClaimMetric, "generation">, protocol: ClaimProtocol): number[] | undefined {
  const p = e.perImage;
  if (!p) return undefined;
  if (metric === "clean") return p.clean ? bits(p.clean) : undefined;
  const pr: ProtocolPerImage | undefined = protocol === "-" ? undefined : p[protocol];
  if (!pr) return undefined;
  if (metric === "gap") return pr.gap.map((g) => Math.abs(g));
  return bits(metric === "pgd" ? pr.pgd : pr.aa);
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** One comparison on the CIFAR-10 models of a run. */
function compare(models: readonly JudgedModel[], c: ClaimComparison, protocol: ClaimProtocol, seed: number): ComparisonResult {
  const evals = (row: string): EvalResult[] => models.filter((m) => m.row === row && m.dataset === "cifar10" && m.eval).map((m) => m.eval!);
  const A = evals(c.a);
  const B = evals(c.b);
  if (A.length === 0 || B.length === 0) return { ...c, protocol, verdict: "not measured" };
  if (c.metric === "generation") {
    const g = (es: EvalResult[]): number[] => es.flatMap((e) => (e.generation?.metrics["fd-wrn"]?.value !== undefined ? [e.generation.metrics["fd-wrn"].value] : []));
    const [ga, gb] = [g(A), g(B)];
    if (ga.length === 0 || gb.length === 0) return { ...c, protocol, verdict: "not measured" };
    const d = seedBootstrap(ga, gb, { seed });
    return { ...c, protocol, meanA: mean(ga), meanB: mean(gb), ...(d ? { difference: d } : {}), verdict: verdictOf(d, c.claimed) };
  }
  const pa = A.map((e) => perImage(e, c.metric as Exclude<ClaimMetric, "generation">, protocol)).filter((v): v is number[] => v !== undefined && v.length > 0);
  const pb = B.map((e) => perImage(e, c.metric as Exclude<ClaimMetric, "generation">, protocol)).filter((v): v is number[] => v !== undefined && v.length > 0);
  if (pa.length === 0 || pb.length === 0) return { ...c, protocol, verdict: "not measured" };
  const d = pairedBootstrap(pa, pb, { seed });
  return { ...c, protocol, meanA: mean(pa.map(mean)), meanB: mean(pb.map(mean)), ...(d ? { difference: d } : {}), verdict: verdictOf(d, c.claimed) };
}

/** `not measured` if no comparison was measured; else `fails` if one fails, `holds` if every measured one holds, else undecided (rows not run do not count). */
function combine(results: readonly ComparisonResult[]): ClaimVerdict["verdict"] {
  const measured = results.filter((r) => r.verdict !== "not measured");
  if (measured.length === 0) return "not measured";
  if (measured.some((r) => r.verdict === "fails")) return "fails";
  if (measured.every((r) => r.verdict === "holds")) return "holds";
  return "undecided at this scale";
}

/**
 * Judges every claim of {@link CLAIMS} on the CIFAR-10 models of a bench run, per EB-JDAT variant
 * and protocol (clean accuracy and generation once: no protocol changes them). Differences of
 * per-image numbers use the paired bootstrap over images and seeds, generation metrics a bootstrap
 * over seeds (uncertainty.ts). Deterministic.
 */
export function judgeClaims(models: readonly JudgedModel[]): ClaimVerdict[] {
  const out: ClaimVerdict[] = [];
  let seed = 1;
  for (const claim of CLAIMS) {
    for (const variant of claim.variants) {
      const comps = claim.comparisons(variant);
      const protocolFree = comps.every((c) => c.metric === "clean" || c.metric === "generation");
      for (const protocol of protocolFree ? (["-"] as const) : (["standard", "paper"] as const)) {
        const results = comps.map((c) => compare(models, c, c.metric === "clean" || c.metric === "generation" ? "-" : protocol, seed++));
        out.push({ id: claim.id, text: claim.text, source: claim.source, variant, protocol, verdict: combine(results), comparisons: results });
      }
    }
  }
  return out;
}
