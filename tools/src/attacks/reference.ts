// Full comparison with the official fra31/auto-attack results on the reference WRN-16-2
// (shared/vectors/autoattack/README.md). Run:
//   EBJDAT_BACKEND=wasm pnpm --filter @ebjdat/tools attacks:reference \
//     [--attacks pgd20-zero,pgd20,apgd-ce,apgd-t,fab-t,square,standard] [--n 200] [--json out.json]
// Prints our robust accuracy next to the official one per attack, and how many images the
// official attack broke that ours did not.
import { readFileSync } from "node:fs";
import { initBackend, writeJsonAtomic } from "@ebjdat/runtime";
import { loadModel } from "@ebjdat/models";
import { sharedPath } from "@ebjdat/testing";
import { autoAttack, runAttack, STANDARD_EPS, STANDARD_PGD_STEP } from "@ebjdat/attacks";
import { batchTensor, readCifarBinaryFile } from "@ebjdat/data";

interface Ref {
  standard: { robust_acc_after_each_attack: Record<string, number>; robust_final: number[]; per_sample_outcome: string[] };
  individual: { attacks: Record<string, { robust_acc: number; robust: number[] }> };
  pgd_N: { runs: Record<string, { robust_acc: number; robust: number[] }> };
}

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
}

const info = await initBackend({ quiet: true });
const n = Number(arg("n", "200"));
const which = arg("attacks", "pgd20-zero,pgd20,apgd-ce,apgd-t,fab-t,square,standard").split(",");
const jsonOut = arg("json", "");
const ref = JSON.parse(readFileSync(sharedPath("vectors/autoattack/reference.json"), "utf8")) as Ref;
const { model } = await loadModel(sharedPath("vectors/autoattack/model.safetensors"));
const f = model.toLogitsFn("eval");
const { x, y } = batchTensor(readCifarBinaryFile(sharedPath("data/cifar10/test.bin")), Array.from({ length: n }, (_, i) => i));
const eps = STANDARD_EPS;
const rows: { attack: string; ours: number; official: number; officialBrokeOursNot: number; oursBrokeOfficialNot: number; seconds: number }[] = [];

function compare(attack: string, robust: ArrayLike<number>, official: number[], seconds: number, officialAcc: number): void {
  let a = 0;
  let b = 0;
  let r = 0;
  for (let i = 0; i < n; i++) {
    r += robust[i]!;
    if (official[i] === 0 && robust[i] === 1) a++;
    if (official[i] === 1 && robust[i] === 0) b++;
  }
  const row = { attack, ours: (100 * r) / n, official: n === 200 ? 100 * officialAcc : NaN, officialBrokeOursNot: a, oursBrokeOfficialNot: b, seconds };
  rows.push(row);
  console.log(`${attack.padEnd(12)} ours ${row.ours.toFixed(1).padStart(5)}  official ${row.official.toFixed(1).padStart(5)}  official-broke-ours-not ${a}  ours-broke-official-not ${b}  ${seconds.toFixed(0)} s`);
  if (jsonOut) writeJsonAtomic(jsonOut, { backend: info.name, date: new Date().toISOString(), n, rows });
}

console.log(`backend ${info.name}, n = ${n}, eps = 8/255 linf`);
for (const a of which) {
  const t0 = Date.now();
  if (a === "pgd20-zero" || a === "pgd20") {
    const r = await runAttack("pgd20", f, x, y, { eps, stepSize: STANDARD_PGD_STEP, randomStart: a === "pgd20", seed: 0, batchSize: 100 });
    const key = a === "pgd20" ? "pgd20_randinit_seed0" : "pgd20_zeroinit";
    compare(a, r.robust, ref.pgd_N.runs[key]!.robust, (Date.now() - t0) / 1000, ref.pgd_N.runs[key]!.robust_acc);
    r.xAdv.dispose();
  } else if (a === "standard") {
    const { report, xAdv } = await autoAttack(f, x, y, { version: "standard", eps, seed: 0, batchSize: 200, onProgress: (e) => process.stderr.write(`  ${e.label} batch ${e.done}\n`) });
    xAdv.dispose();
    const robust = report.outcome.map((o) => (o === "robust" ? 1 : 0));
    for (const st of report.stages) console.log(`  after ${st.attack}: ${(100 * st.robustAccuracyAfter).toFixed(1)} (official ${(100 * ref.standard.robust_acc_after_each_attack[st.attack]!).toFixed(1)}), broke ${st.broken}, ${st.seconds.toFixed(0)} s`);
    compare("standard", robust, ref.standard.robust_final, (Date.now() - t0) / 1000, ref.standard.robust_acc_after_each_attack.square!);
  } else {
    const r = await runAttack(a, f, x, y, { eps, seed: 0, batchSize: 200 });
    compare(a, r.robust, ref.individual.attacks[a]!.robust, (Date.now() - t0) / 1000, ref.individual.attacks[a]!.robust_acc);
    r.xAdv.dispose();
  }
}
console.log("\n| attack | ours (%) | official (%) | official broke, ours not | ours broke, official not | seconds |\n|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.attack} | ${r.ours.toFixed(1)} | ${r.official.toFixed(1)} | ${r.officialBrokeOursNot} | ${r.oursBrokeOfficialNot} | ${r.seconds.toFixed(0)} |`);
x.dispose();
model.dispose();
