#!/usr/bin/env node
// The cluster test of issue 18 (run by .ci/run after the build): an evaluation as a Slurm job
// array on a real single-node Slurm (scripts/slurm/local-cluster.sh), one task cancelled mid-run
// with scancel and requeued, the merge job (afterok on the array) resubmitted when Slurm will not
// run it, and the merged results compared, image by image and field by field, with a
// single-process `ebjdat eval` of the same images.
//
//   node scripts/slurm/cluster-test.mjs [--model <checkpoint>] [--attack autoattack] [--images 16]
//        [--shards 4] [--batch 1] [--out <dir>] [--keep-cluster] [--no-bench]
//
// Defaults: the shared robust WRN-16-2 (../shared/vectors/autoattack/model.safetensors, env
// EBJDAT_SHARED), AutoAttack (standard) on images 0-15 of cifar10-exact-test in 4 shards of 4
// chunks of one image (so that the cancelled task has unstarted chunks left). Beside it, the
// bench's smoke plan of one row runs with `--executor slurm` (unless --no-bench): a training
// job, its evaluation afterok, and the report job. Starts the local cluster when it is not
// running and stops it afterwards, unless it was running before (or --keep-cluster). Needs root.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isDeepStrictEqual } from "node:util";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const shared = resolve(process.env.EBJDAT_SHARED ?? join(repo, "..", "shared"));
const { values: o } = parseArgs({
  options: {
    model: { type: "string", default: join(shared, "vectors", "autoattack", "model.safetensors") },
    attack: { type: "string", default: "autoattack" },
    images: { type: "string", default: "16" },
    shards: { type: "string", default: "4" },
    batch: { type: "string", default: "1" },
    out: { type: "string", default: join(repo, ".cache", "cluster-test") },
    "keep-cluster": { type: "boolean" },
    "timeout-min": { type: "string", default: "40" },
    "no-bench": { type: "boolean" },
  },
});
const cli = join(repo, "packages", "cli", "dist", "cli.js");
const out = resolve(o.out);
const dir = join(out, "results");
const t0 = Date.now();
const deadline = t0 + Number(o["timeout-min"]) * 60_000;
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const log = (m) => console.log(`[cluster-test ${elapsed()}] ${m}`);
const fail = (m) => {
  throw new Error(m);
};
/** Ids of the jobs this test submitted, and its background processes. */
const submitted = [];
const children = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) fail(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r;
}
const ebjdat = (args, opts) => run(process.execPath, [cli, ...args], opts);

/** Slurm's view of a job: `JobState` and friends from `scontrol show job` (kept MinJobAge after the end). */
function jobInfo(id) {
  const r = run("scontrol", ["show", "job", "--oneliner", id], { allowFail: true });
  const info = {};
  for (const m of r.stdout.matchAll(/(\w+)=(\S*)/g)) info[m[1]] ??= m[2];
  return info;
}
const jobState = (id) => jobInfo(id).JobState ?? "GONE";
/** Task states of an array job, e.g. { 0: "COMPLETED", 1: "RUNNING" }. */
function arrayStates(id) {
  const r = run("scontrol", ["show", "job", "--oneliner", id], { allowFail: true });
  const states = {};
  for (const line of r.stdout.split("\n")) {
    const task = /ArrayTaskId=(\S+)/.exec(line)?.[1];
    const state = /JobState=(\S+)/.exec(line)?.[1];
    if (task && state) states[task] = state;
  }
  return states;
}
async function until(what, test, everyMs = 2000) {
  for (;;) {
    const v = test();
    if (v) return v;
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
const chunksIn = (f) => {
  try {
    return JSON.parse(readFileSync(f, "utf8")).chunks.length;
  } catch {
    return 0;
  }
};
const timeless = (f) => JSON.parse(readFileSync(f, "utf8"), (k, v) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v));

async function main() {
  if (!existsSync(cli)) fail(`${cli} is missing: build first (pnpm build)`);
  if (!existsSync(o.model)) fail(`the model ${o.model} does not exist (set EBJDAT_SHARED or --model)`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  const start = run(join(repo, "scripts", "slurm", "local-cluster.sh"), ["start"]);
  process.stderr.write(start.stderr);
  const startedHere = !/already running/.test(start.stderr);
  process.env.SLURM_CONF = /export SLURM_CONF=(\S+)/.exec(start.stdout)?.[1] ?? fail("local-cluster.sh printed no SLURM_CONF");
  try {
    await test();
  } catch (e) {
    // leave no job of this test behind (it would write into the next run's folder)
    if (submitted.length > 0) run("scancel", submitted, { allowFail: true });
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    throw e;
  } finally {
    if (startedHere && !o["keep-cluster"]) run(join(repo, "scripts", "slurm", "local-cluster.sh"), ["stop"], { stdio: "inherit" });
  }
}

async function test() {
  const images = Number(o.images);
  const settings = ["--data", "cifar10-exact-test", "--range", `0:${images}`, "--attack", o.attack, "--batch", o.batch, "--seed", "0"];
  log(`plan: ${o.attack} on images 0-${images} of cifar10-exact-test, ${o.shards} shards, chunks of ${o.batch}; model ${o.model}`);
  process.stdout.write(ebjdat(["plan", "--model", o.model, ...settings, "--shards", o.shards, "--results-dir", dir]).stdout);

  // the single-process run, beside the array (one thread, as every array task)
  const singleFile = join(out, "single.json");
  const single = spawn(process.execPath, [cli, "eval", "--model", o.model, ...settings, "--json", singleFile], { env: { ...process.env, EBJDAT_THREADS: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(single);
  let singleOut = "";
  single.stdout.on("data", (d) => (singleOut += d));
  single.stderr.on("data", (d) => (singleOut += d));
  const singleDone = new Promise((r) => single.on("close", (code) => r(code)));
  const singleT0 = Date.now();

  // the bench's smoke plan of one row on the same cluster: training, evaluation afterok, report job
  const bench = o["no-bench"] ? undefined : submitBench();

  const arrayT0 = Date.now();
  const sub = ebjdat(["cluster", "--plan", join(dir, "plan.json"), "--scheduler", "slurm", "--submit", "--time", "01:00:00", "--mem", "2G", "--cpus", "1"]);
  process.stdout.write(sub.stdout);
  const [, arrayId, mergeId] = /submitted array job (\d+) .* and merge job (\d+)/.exec(sub.stdout) ?? fail("no job ids in the output of ebjdat cluster --submit");
  submitted.push(arrayId, mergeId);

  // cancel task 1 once it has saved its first chunk, then requeue it: it resumes from that chunk
  const shard1 = join(dir, "shard-1.json");
  await until("shard 1's first chunk", () => {
    const s = arrayStates(arrayId);
    if (["FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL"].includes(s["1"] ?? "")) fail(`task ${arrayId}_1 ended ${s["1"]} before its first chunk:\n${readLogs("shard-1")}`);
    return chunksIn(shard1) >= 1;
  }, 500);
  run("scancel", [`${arrayId}_1`]);
  log(`scancel ${arrayId}_1 after its first chunk (${chunksIn(shard1)} saved)`);
  await until(`task ${arrayId}_1 to end`, () => !["RUNNING", "COMPLETING", "PENDING"].includes(arrayStates(arrayId)["1"] ?? "GONE"), 1000);
  const cancelled = JSON.parse(readFileSync(shard1, "utf8"));
  log(`task 1 ${arrayStates(arrayId)["1"]}; shard-1.json: ${cancelled.done}/${cancelled.n} images, complete ${cancelled.complete}`);
  if (cancelled.complete) fail("shard 1 finished before it was cancelled: use more images per shard");
  run("scontrol", ["requeue", `${arrayId}_1`]);
  // a requeued job waits about two minutes (its new eligible time); let it start when a CPU is free
  run("scontrol", ["update", `jobid=${arrayId}_1`, "StartTime=now"]);
  log(`scontrol requeue ${arrayId}_1`);

  await until("the array to finish", () => {
    const s = arrayStates(arrayId);
    return Object.keys(s).length > 0 && Object.values(s).every((x) => !["RUNNING", "PENDING", "COMPLETING", "REQUEUED", "CONFIGURING"].includes(x)) ? s : undefined;
  });
  const arraySeconds = (Date.now() - arrayT0) / 1000;
  log(`array ${arrayId} ended: ${JSON.stringify(arrayStates(arrayId))}`);
  const mergeState = await until("the merge job to leave the queue", () => (["PENDING", "RUNNING", "COMPLETING"].includes(jobState(mergeId)) && !/DependencyNeverSatisfied/.test(jobInfo(mergeId).Reason ?? "") ? undefined : jobState(mergeId)));
  log(`merge job ${mergeId}: ${mergeState} (${jobInfo(mergeId).Reason})`);
  if (mergeState !== "COMPLETED") {
    // Slurm keeps the cancelled run's exit status in the array's record, so afterok on the array is never
    // met after a cancellation: the merge job was cancelled (kill-on-invalid-dep). Resubmit: every shard
    // is finished now, so only a merge job is submitted.
    if (jobState(mergeId) === "PENDING") run("scancel", [mergeId]);
    const again = ebjdat(["cluster", "--plan", join(dir, "plan.json"), "--scheduler", "slurm", "--submit"]);
    process.stdout.write(again.stdout);
    const id2 = /submitted the merge job (\d+)/.exec(again.stdout)?.[1] ?? fail("the resubmission did not submit a merge job alone (some shard unfinished?)");
    submitted.push(id2);
    await until(`merge job ${id2}`, () => (["PENDING", "RUNNING", "COMPLETING", "CONFIGURING"].includes(jobState(id2)) ? undefined : jobState(id2)));
    if (jobState(id2) !== "COMPLETED") fail(`merge job ${id2} ended ${jobState(id2)}: ${readLogs("merge")}`);
    log(`resubmitted merge job ${id2}: COMPLETED`);
  }

  const code = await singleDone;
  if (code !== 0) fail(`the single-process run failed (exit ${code}):\n${singleOut.slice(-3000)}`);
  log(`single-process run done (${((Date.now() - singleT0) / 1000).toFixed(0)} s wall)`);

  const merged = timeless(join(dir, "merged.json"));
  const whole = timeless(singleFile);
  const outcomes = [merged.outcome, whole.outcome];
  const differ = whole.outcome.map((w, i) => (w === merged.outcome[i] ? undefined : `image ${i}: single ${w}, merged ${merged.outcome[i]}`)).filter(Boolean);
  log(`per-image outcomes: ${outcomes[0].length} merged, ${outcomes[1].length} single, ${differ.length} different${differ.length ? `:\n  ${differ.join("\n  ")}` : ""}`);
  const fields = Object.keys({ ...merged, ...whole }).filter((k) => !isDeepStrictEqual(merged[k], whole[k]));
  if (differ.length > 0 || fields.length > 0) fail(`the merged results differ from the single-process run in: ${fields.join(", ")}`);
  const logs1 = readLogs("shard-1");
  if (!/restart 1/.test(logs1)) fail(`shard 1's log shows no requeued run:\n${logs1}`);
  const overheads = [...readLogs("shard-").matchAll(/shard ready after .*/g)].map((m) => m[0]);
  log(`per-shard overhead (from the logs):\n  ${overheads.join("\n  ")}`);
  if (bench) await checkBench(bench);
  const acc = JSON.parse(readFileSync(join(dir, "merged.json"), "utf8")).robustAccuracyAfter;
  log(`merged = single-process run on ${images} images, image by image and in every field but times. Accuracy after each stage: ${JSON.stringify(acc)}; array wall ${arraySeconds.toFixed(0)} s`);
}

/** Submits `--scale smoke --rows standard --seeds 1 --executor slurm`; returns the report job and folder. */
function submitBench() {
  const report = join(out, "bench-report");
  const r = run(process.execPath, [join(repo, "apps", "bench", "dist", "main.js"), "--scale", "smoke", "--rows", "standard", "--seeds", "1", "--executor", "slurm", "--out", report, "--cache", join(out, "bench-cache")]);
  process.stdout.write(r.stdout);
  const id = /job (\d+) writes the report/.exec(r.stdout)?.[1] ?? fail("the bench submitted no report job");
  const ids = [...r.stdout.matchAll(/Slurm job (\d+)/g)].map((m) => m[1]);
  if (ids.length !== 2) fail(`the bench submitted ${ids.length} jobs, expected a training and an evaluation`);
  submitted.push(...ids, id);
  log(`bench on Slurm: jobs ${ids.join(", ")} and report job ${id}`);
  return { id, report };
}

async function checkBench({ id, report }) {
  const state = await until(`bench report job ${id}`, () => (["PENDING", "RUNNING", "COMPLETING", "CONFIGURING"].includes(jobState(id)) ? undefined : jobState(id)));
  // GONE: Slurm has forgotten the finished job (MinJobAge); its files tell how it ended
  if (state !== "COMPLETED" && state !== "GONE") fail(`the bench report job ${id} ended ${state}`);
  if (!existsSync(join(report, "results.json"))) fail(`the bench report job ${id} (${state}) wrote no results.json`);
  const results = JSON.parse(readFileSync(join(report, "results.json"), "utf8"));
  const m = results.models.find((x) => x.row === "standard");
  if (!m?.eval || m.error || !m.train) fail(`the bench on Slurm did not train and evaluate the standard row: ${JSON.stringify(m)}`);
  if (!existsSync(join(report, "report.md"))) fail("the bench report job wrote no report.md");
  log(`bench on Slurm: trained, evaluated, report written by job ${id} (${join(report, "report.md")})`);
}

function readLogs(prefix) {
  const logs = join(dir, "logs");
  if (!existsSync(logs)) return "(no logs)";
  return readdirSync(logs)
    .filter((f) => f.startsWith(prefix))
    .sort()
    .map((f) => `== ${f}\n${readFileSync(join(logs, f), "utf8")}`)
    .join("\n");
}

main().then(
  () => log("passed"),
  (e) => {
    console.error(`[cluster-test ${elapsed()}] FAILED: ${e.message}`);
    process.exit(1);
  },
);
