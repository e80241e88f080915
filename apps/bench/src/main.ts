#!/usr/bin/env node
/**
 * `turbo bench` / `pnpm bench`: reproduces the paper's tables and figures (issue 9).
 *
 *   pnpm bench                          # mini scale (2 CPU cores, about 1.5 h)
 *   pnpm bench -- --scale smoke         # every stage in a few minutes; numbers meaningless
 *   pnpm bench -- --scale paper --yes   # WRN-28-10, official schedules (a GPU)
 */
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot } from "@ebjdat/data";
import { runBench } from "./bench";
import { ROWS } from "./rows";
import { SCALES, type ScaleName } from "./scales";
import { jobWorker } from "./scheduler";
import { reportArgs } from "./slurm-executor";

const HELP = `ebjdat bench: the paper's tables and figures, under the standard and the paper protocol

usage: pnpm bench [-- options]   (or: node apps/bench/dist/main.js [options])

  --scale smoke|mini|small|paper
                             default mini (the claims' rows, 3 seeds, 2 CPU cores, about 1.5 h);
                             smoke proves the pipeline; small = WRN-16-2, every row, AutoAttack
                             on all 1000 test images (16 cores or a cluster); paper = WRN-28-10
                             and the official schedules (needs --yes)
  --out <dir>                report folder (default bench-results/<timestamp>)
  --cache <dir>              job cache (default .cache/bench); finished jobs are reused
  --force                    redo the planned jobs instead of reusing the cache
  --jobs <n>                 jobs at once, one process each (default: CPU cores, at most 4)
  --seeds <n>                seeds per model (default: the scale's: smoke 2, mini 3, small 3, paper 1)
  --rows <a,b,…>             only these rows (default: the scale's; ${ROWS.map((r) => r.id).join(", ")})
  --with-ce                  also the spec 5.3 'ce' EB-JDAT rows
  --checkpoint <row>=<path>  evaluate this checkpoint (.pt/.pth, .safetensors, TF.js folder) for a row instead of training it (repeatable)
  --imagenet <dir>           ImageFolder root with train/ and val/ (Table 4)
  --inception-weights <f>    pt_inception-2015-12-05-6726825d.pth: adds FID/IS/KID (both protocols)
  --data-dir <dir>           dataset folder (default EBJDAT_DATA or ../shared/data)
  --backend <name>           wasm | cpu | node | node-gpu (default: best available)
  --dry-run                  print the plan and its time estimate
  --report-only              run nothing; write the report from the finished jobs
  --executor local|slurm     local (default): jobs as processes here (--jobs at a time); slurm: submit
                             every unfinished job with sbatch (evaluations afterok their training) and
                             a final job that writes the report, then return
  --sbatch-option <opt>      with --executor slurm: one more sbatch option for every job, e.g.
                             --sbatch-option=--partition=gpu (repeatable)

Exit status: 0 when every model was evaluated, 1 when some job failed (the report is still
written and names the failures), 2 for bad options, 130 / 143 when Ctrl-C / SIGTERM stopped it
(running jobs save their progress at their next step or chunk, a second signal quits at once;
rerun the same command to continue). One bench per cache folder at a time (bench.lock).
  --yes                      start a paper-scale run
  --help
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "--run-job") return jobWorker(argv[1]!);
  let a;
  try {
    a = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scale: { type: "string", default: "mini" },
        out: { type: "string" },
        cache: { type: "string" },
        force: { type: "boolean" },
        jobs: { type: "string" },
        seeds: { type: "string" },
        rows: { type: "string" },
        "with-ce": { type: "boolean" },
        checkpoint: { type: "string", multiple: true },
        imagenet: { type: "string" },
        "inception-weights": { type: "string" },
        "data-dir": { type: "string" },
        backend: { type: "string" },
        "dry-run": { type: "boolean" },
        "report-only": { type: "boolean" },
        executor: { type: "string", default: "local" },
        "sbatch-option": { type: "string", multiple: true },
        yes: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const v = a.values;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const usage = (m: string): number => {
    process.stderr.write(`bench: ${m}\n`);
    return 2;
  };
  if (!(v.scale! in SCALES)) return usage(`--scale must be one of ${Object.keys(SCALES).join(", ")}, got '${v.scale}'.`);
  const scale = SCALES[v.scale as ScaleName];
  const seeds = v.seeds === undefined ? scale.seeds : Number(v.seeds);
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 10)) return usage(`--seeds must be an integer 1-10, got '${v.seeds}'.`);
  const jobs = v.jobs === undefined ? Math.max(1, Math.min(4, cpus().length)) : Number(v.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) return usage(`--jobs must be an integer 1-64, got '${v.jobs}'.`);
  const rows = v.rows?.split(",").map((s) => s.trim()).filter(Boolean) ?? (scale.rows ? [...scale.rows] : undefined);
  for (const r of rows ?? []) if (!ROWS.some((x) => x.id === r)) return usage(`--rows: unknown row '${r}'. Rows: ${ROWS.map((x) => x.id).join(", ")}.`);
  const checkpoints: Record<string, string> = {};
  for (const c of v.checkpoint ?? []) {
    const i = c.indexOf("=");
    if (i <= 0) return usage(`--checkpoint must look like <row>=<path>, got '${c}'.`);
    const id = c.slice(0, i);
    if (!ROWS.some((x) => x.id === id)) return usage(`--checkpoint: unknown row '${id}'. Rows: ${ROWS.map((x) => x.id).join(", ")}.`);
    const { existsSync } = await import("node:fs");
    if (!existsSync(c.slice(i + 1))) return usage(`--checkpoint ${id}: '${c.slice(i + 1)}' does not exist.`);
    checkpoints[id] = c.slice(i + 1);
  }
  if (v["inception-weights"]) {
    const { existsSync } = await import("node:fs");
    if (!existsSync(v["inception-weights"])) return usage(`--inception-weights '${v["inception-weights"]}' does not exist.`);
  }
  if (v.executor !== "local" && v.executor !== "slurm") return usage(`--executor must be local or slurm, got '${v.executor}'.`);
  if (v.backend) process.env.EBJDAT_BACKEND = v.backend;
  const root = findRepoRoot() ?? process.cwd();
  const stamp = new Date().toISOString().replace(/[:]/g, "-").replace(/\..*$/, "");
  const outDir = resolve(v.out ?? join(root, "bench-results", `${scale.name}-${stamp}`));
  const cacheRoot = resolve(v.cache ?? join(root, ".cache", "bench"));
  if (scale.name === "paper" && !v.yes && !v["dry-run"] && !v["report-only"]) {
    await runBench({ scale, outDir, cacheRoot, seeds, concurrency: jobs, dryRun: true, log: (l) => process.stdout.write(l + "\n"), ...(v["data-dir"] ? { dataDir: v["data-dir"] } : {}), ...(rows ? { rows } : {}), ...(Object.keys(checkpoints).length ? { checkpoints } : {}) }).catch((e: Error) => process.stderr.write(`bench: ${e.message}\n`));
    return usage("the paper scale trains WRN-28-10 with the official schedules (GPU days); rerun with --yes to start it, or evaluate given checkpoints with --checkpoint.");
  }
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    const code = signal === "SIGTERM" ? 143 : 130;
    if (stop.signal.aborted) {
      process.stderr.write(`\n${signal} again: exiting now (finished jobs and saved progress are kept)\n`);
      process.exit(code);
    }
    process.stderr.write(`\n${signal}: bench: no new job starts; running jobs stop at their next step or chunk with their progress saved (${signal} again to quit at once)\n`);
    stop.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const results = await runBench({
      scale,
      outDir,
      cacheRoot,
      seeds,
      concurrency: jobs,
      log: (l) => process.stdout.write(l + "\n"),
      ...(v["data-dir"] ? { dataDir: v["data-dir"] } : {}),
      ...(rows ? { rows } : {}),
      ...(v["with-ce"] ? { withCe: true } : {}),
      ...(Object.keys(checkpoints).length ? { checkpoints } : {}),
      ...(v.imagenet ? { imagenet: v.imagenet } : {}),
      ...(v["inception-weights"] ? { inceptionWeights: v["inception-weights"] } : {}),
      ...(v.force ? { force: true } : {}),
      ...(v["dry-run"] ? { dryRun: true } : {}),
      ...(v["report-only"] ? { reportOnly: true } : {}),
      signal: stop.signal,
      ...(v.executor === "slurm"
        ? {
            executor: "slurm" as const,
            // the compute nodes share this file system: they run this very bench
            slurm: { command: [process.execPath, ...process.execArgv, resolve(process.argv[1]!)], reportArgs: reportArgs(argv, outDir, cacheRoot), dir: join(cacheRoot, "slurm"), extra: v["sbatch-option"] ?? [] },
          }
        : {}),
    });
    if (stop.signal.aborted) return stop.signal.reason === "SIGTERM" ? 143 : 130;
    // a model without numbers makes the run fail (the report is written all the same)
    return results && results.models.some((m) => m.error) ? 1 : 0;
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
