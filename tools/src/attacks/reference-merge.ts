// Compares `ebjdat eval` / `ebjdat merge` results (@ebjdat/evaluation's results files) on the
// reference WRN-16-2 with the official fra31/auto-attack run (shared/vectors/autoattack/
// reference.json), image by image. The files may cover any ranges of records 0..199 (a merged
// shard plan, or `ebjdat eval --range a:b`, see packages/attacks/README.md "Results against the
// official AutoAttack"); only the images they cover are compared. Run from tools/:
//   pnpm attacks:reference-merge [--json out.json] <eval.json ...>
import { readFileSync } from "node:fs";
import { RESULTS_FORMAT, type EvaluationFile } from "@ebjdat/evaluation";
import { writeJsonAtomic } from "@ebjdat/runtime";
import { sharedPath } from "@ebjdat/testing";

/** The standard ensemble's order (fra31/auto-attack `standard`). */
const STANDARD = ["apgd-ce", "apgd-t", "fab-t", "square"] as const;

/** The file name of the reference model (its label in the results), checked below when recorded. */
const REFERENCE_MODEL_LABEL = /model\.(safetensors|pt)$/;

interface Reference {
  standard: { per_sample_outcome: string[] };
  individual: { attacks: Record<string, { robust: number[] }> };
}

/** Robust count after each stage of an ordered ensemble, from per-image outcomes (`robust`, `misclassified` or the breaking attack). */
function robustAfterStages(outcomes: readonly string[], order: readonly string[]): Record<string, number> {
  const out: Record<string, number> = { clean: outcomes.filter((o) => o !== "misclassified").length };
  for (let s = 0; s < order.length; s++) {
    const later = new Set(order.slice(s + 1));
    out[order[s]!] = outcomes.filter((o) => o === "robust" || later.has(o)).length;
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const ji = args.indexOf("--json");
  const jsonOut = ji >= 0 ? args[ji + 1] : undefined;
  const files = ji >= 0 ? args.filter((_, i) => i !== ji && i !== ji + 1) : args;
  if (files.length === 0) throw new Error("reference-merge: give one or more `ebjdat eval` result files");
  const ref = JSON.parse(readFileSync(sharedPath("vectors/autoattack/reference.json"), "utf8")) as Reference;
  // attack -> image index -> outcome; attack -> core-seconds
  const byAttack = new Map<string, Map<number, string>>();
  const seconds = new Map<string, number>();
  for (const f of files) {
    const e = JSON.parse(readFileSync(f, "utf8")) as EvaluationFile;
    if (e.format !== RESULTS_FORMAT) throw new Error(`${f}: not an evaluation results file of format '${RESULTS_FORMAT}' (format = ${String(e.format)})`);
    if (e.key.data.name !== "cifar10-exact-test" || e.key.norm !== "linf" || e.key.protocol !== "standard" || Math.abs(e.key.eps - 8 / 255) > 1e-9)
      throw new Error(`${f}: expected cifar10-exact-test, linf, eps 8/255, the standard protocol (the reference run's settings); got ${e.key.data.name}, ${e.key.norm}, ${e.key.eps}, ${e.key.protocol}`);
    if (e.model.label !== undefined && !REFERENCE_MODEL_LABEL.test(e.model.label)) throw new Error(`${f}: expected a run on the reference model (vectors/autoattack/model.safetensors or model.pt), got ${e.model.label}`);
    const attack = e.key.attack === "autoattack:standard" ? "autoattack" : e.key.attack;
    const m = byAttack.get(attack) ?? new Map<number, string>();
    byAttack.set(attack, m);
    for (const c of e.chunks) {
      c.outcome.forEach((o, i) => {
        if (c.start + i < 200) m.set(c.start + i, o);
      });
      seconds.set(attack, (seconds.get(attack) ?? 0) + c.seconds);
    }
  }
  const rows: Record<string, unknown>[] = [];
  for (const [attack, m] of byAttack) {
    const idx = [...m.keys()].sort((a, b) => a - b);
    const ours = idx.map((i) => m.get(i)!);
    if (attack === "autoattack") {
      const official = idx.map((i) => ref.standard.per_sample_outcome[i]!);
      const a = robustAfterStages(ours, STANDARD);
      const b = robustAfterStages(official, STANDARD);
      const same = idx.filter((_, k) => ours[k] === official[k]).length;
      const officialBrokeOursNot = idx.filter((_, k) => ours[k] === "robust" && official[k] !== "robust").length;
      const oursBrokeOfficialNot = idx.filter((_, k) => ours[k] !== "robust" && official[k] === "robust").length;
      console.log(`standard ensemble on ${idx.length} of the 200 reference images (${(seconds.get(attack)! / 3600).toFixed(2)} core-hours):`);
      console.log("| stage | ours robust | official robust | ours (%) | official (%) |\n|---|---|---|---|---|");
      for (const k of ["clean", ...STANDARD]) console.log(`| ${k} | ${a[k]} | ${b[k]} | ${((100 * a[k]!) / idx.length).toFixed(1)} | ${((100 * b[k]!) / idx.length).toFixed(1)} |`);
      console.log(`same outcome (incl. which attack broke it): ${same}/${idx.length}; official broke, ours not: ${officialBrokeOursNot}; ours broke, official not: ${oursBrokeOfficialNot}`);
      rows.push({ attack: "standard", images: idx, n: idx.length, ours: a, official: b, sameOutcome: same, officialBrokeOursNot, oursBrokeOfficialNot, coreSeconds: seconds.get(attack) });
    } else {
      const r = ref.individual.attacks[attack];
      if (!r) {
        console.log(`${attack}: no official single-attack reference; skipped`);
        continue;
      }
      const oursRobust = ours.filter((o) => o === "robust").length;
      const offRobust = idx.filter((i) => r.robust[i] === 1).length;
      const officialBrokeOursNot = idx.filter((i, k) => ours[k] === "robust" && r.robust[i] === 0).length;
      const oursBrokeOfficialNot = idx.filter((i, k) => ours[k] !== "robust" && r.robust[i] === 1).length;
      console.log(`${attack} on ${idx.length} images: robust ours ${oursRobust}, official ${offRobust}; official broke, ours not: ${officialBrokeOursNot}; ours broke, official not: ${oursBrokeOfficialNot}`);
      rows.push({ attack, images: idx, n: idx.length, oursRobust, officialRobust: offRobust, officialBrokeOursNot, oursBrokeOfficialNot, coreSeconds: seconds.get(attack) });
    }
  }
  if (jsonOut) writeJsonAtomic(jsonOut, { date: new Date().toISOString(), files, rows });
}

main();
