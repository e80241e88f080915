/**
 * Fault-injection suite (issue 17), run by `.ci/run` after the build:
 *
 *   node --import tsx packages/cli/test/faults/run.ts [--seed 17] [--keep]
 *
 * Drives the built `ebjdat` CLI and a bench job process through `kill -9` at seeded random
 * moments, SIGINT, SIGTERM, a second Ctrl-C, a second writer on the same folder, checkpoint files
 * truncated / emptied / overwritten with random bytes, and a model replaced between two `eval`
 * runs. After every fault it checks every file the run left (valid JSON, loadable checkpoint and
 * model, no completed step or image lost), and at the end that the resumed results equal an
 * uninterrupted run's (training: the same weights hash; evaluation: the same results file).
 * Prints the figures (cycles run, files checked, faults survived); exit status 1 on any failure.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensors } from "@ebjdat/formats";
import { modelContentHash } from "@ebjdat/evaluation";
import { loadModel } from "@ebjdat/models";
import { initBackend, LATEST_FILE, readJsonFile, readLockOwner, versionCandidates, versionsFolder } from "@ebjdat/runtime";
import { runNode, type CliRun } from "../cli-process";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..", "..", "..");
const CLI = join(repo, "packages", "cli", "dist", "cli.js");
const BENCH = join(repo, "apps", "bench", "dist", "main.js");

const argv = process.argv.slice(2);
const seedArg = argv.indexOf("--seed");
const SEED = seedArg >= 0 ? Number(argv[seedArg + 1]) : 17;
const KEEP = argv.includes("--keep");
const dataDir = process.env.EBJDAT_DATA ?? (process.env.EBJDAT_SHARED ? join(process.env.EBJDAT_SHARED, "data") : join(repo, "..", "shared", "data"));
process.env.EBJDAT_BACKEND ??= "wasm";

/** mulberry32: the seeded moments of the kills. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(SEED);

const figures = { cycles: 0, kills: 0, signals: 0, filesChecked: 0, faultsInjected: 0, faultsSurvived: 0, signalToExitMs: [] as number[] };
const failures: string[] = [];
const started = Date.now();

function log(line: string): void {
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);
}

/** Records a check; a failed one is reported at the end (the suite goes on). */
function expect(ok: boolean, what: string): boolean {
  if (!ok) {
    failures.push(what);
    log(`FAIL ${what}`);
  }
  return ok;
}

/** One injected fault: survived when every check after it passed. */
async function fault(name: string, body: () => Promise<boolean>): Promise<void> {
  figures.faultsInjected += 1;
  const before = failures.length;
  let ok = false;
  try {
    ok = await body();
  } catch (e) {
    expect(false, `${name}: ${(e as Error).stack ?? String(e)}`);
  }
  if (ok && failures.length === before) figures.faultsSurvived += 1;
  else expect(false, `${name}: not survived`);
}

const cli = (args: string[], options: Parameters<typeof runNode>[1] = {}): Promise<CliRun> => runNode([CLI, ...args], options);
const bench = (args: string[], options: Parameters<typeof runNode>[1] = {}): Promise<CliRun> => runNode([BENCH, ...args], options);

/** Kills the child with `signal` after `ms` (unless it ended), counting the cycle. */
function after(ms: number, signal: NodeJS.Signals): NonNullable<Parameters<typeof runNode>[1]>["watch"] {
  let sent = false;
  return (child, elapsed) => {
    if (!sent && elapsed >= ms) {
      sent = true;
      child.kill(signal);
    }
  };
}

// ---------------------------------------------------------------- file checks

function checkJson(path: string, what: string): unknown {
  figures.filesChecked += 1;
  return readJsonFile(path, what);
}

/** Every file of a training folder: config, log lines, pointer, each kept checkpoint version (state, optimizer, loadable model), result, lock. Returns the current checkpoint's step (-1: none). */
async function checkRunFolder(out: string): Promise<{ step: number; logSteps: number[] }> {
  if (existsSync(join(out, "config.json"))) checkJson(join(out, "config.json"), "the run's config");
  const logSteps: number[] = [];
  if (existsSync(join(out, "log.jsonl"))) {
    figures.filesChecked += 1;
    const lines = readFileSync(join(out, "log.jsonl"), "utf8").split("\n").filter(Boolean);
    for (const l of lines) logSteps.push((JSON.parse(l) as { step: number }).step);
  }
  const ck = join(out, "checkpoint");
  const store = versionsFolder(ck);
  let step = -1;
  if (existsSync(join(store, LATEST_FILE))) {
    figures.filesChecked += 1;
    const name = readFileSync(join(store, LATEST_FILE), "utf8").trim();
    expect(existsSync(join(store, name)), `${out}: the pointer names ${name}, which exists`);
  }
  const versions = versionCandidates(ck);
  for (const [i, v] of versions.entries()) {
    const state = checkJson(join(v, "state.json"), "a checkpoint's loop state") as { state: { step: number } };
    figures.filesChecked += 1;
    readSafetensors(readFileSync(join(v, "optimizer.safetensors")), join(v, "optimizer.safetensors"));
    figures.filesChecked += 2; // model.json and weights
    const { model, replayBuffer } = await loadModel(join(v, "model"));
    model.dispose();
    replayBuffer?.dispose();
    if (i === 0) step = state.state.step;
  }
  if (existsSync(join(out, "result.json"))) checkJson(join(out, "result.json"), "the result of a finished run");
  if (existsSync(join(out, "train.lock"))) {
    figures.filesChecked += 1;
    expect(readLockOwner(join(out, "train.lock")) !== undefined, `${out}/train.lock is readable`);
  }
  return { step, logSteps };
}

async function weightsHash(modelDir: string): Promise<string> {
  const { model, replayBuffer } = await loadModel(modelDir);
  const h = modelContentHash(model);
  model.dispose();
  replayBuffer?.dispose();
  return h;
}

interface EvalFileView {
  done: number;
  chunks: { start: number; end: number }[];
  complete: boolean;
}

function checkEvalFile(path: string): EvalFileView | undefined {
  if (!existsSync(path)) return undefined;
  const f = checkJson(path, "an evaluation results file") as EvalFileView;
  expect(f.done === f.chunks.reduce((a, c) => a + c.end - c.start, 0), `${path}: done equals its chunks`);
  return f;
}

/** The results file without wall-clock fields. */
function timeless(path: string): string {
  return JSON.stringify(JSON.parse(readFileSync(path, "utf8"), (k, v: unknown) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v)));
}

const steps = (a: number[]): boolean => a.every((s, i) => s === i + 1);

type Watch = NonNullable<Parameters<typeof runNode>[1]>["watch"];

/** A process killed with SIGKILL at seeded moments until it has taken `kills` kills. */
interface KillScenario {
  name: string;
  kills: number;
  /** Starts (or continues) the work in `dir`. */
  run: (dir: string, watch: Watch) => Promise<CliRun>;
  /** Estimated milliseconds the work in `dir` still takes (start-up included): the kill moments are drawn in it. */
  leftMs: (dir: string) => Promise<number>;
  /** Checks every file after a kill; returns the finished units (steps, images), which must never go down. */
  progress: (dir: string) => Promise<number>;
  /** Checks a run that finished after its kills against the uninterrupted one. */
  finished: (dir: string) => Promise<void>;
}

async function killCycles(k: KillScenario, base: string): Promise<{ kills: number; runs: number; moments: string }> {
  let kills = 0;
  let run = 0;
  let dir = `${base}-1`;
  let prev = 0;
  const moments: number[] = [];
  while (kills < k.kills) {
    const ms = Math.round((0.05 + 0.65 * random()) * (await k.leftMs(dir)));
    const r = await k.run(dir, after(ms, "SIGKILL"));
    figures.cycles += 1;
    if (r.code === 0) {
      // finished before the kill: check it, and go on in a fresh folder
      await k.finished(dir).catch((e: Error) => expect(false, `${k.name}: ${e.message}`));
      run += 1;
      dir = `${base}-${run + 1}`;
      prev = 0;
      continue;
    }
    kills += 1;
    moments.push(ms);
    figures.kills += 1;
    await fault(`${k.name} kill -9 at ${ms} ms (kill ${kills})`, async () => {
      const done = await k.progress(dir);
      const ok = expect(r.signal === "SIGKILL" && done >= prev, `${k.name} kill -9 at ${ms} ms: ${done} finished >= ${prev} before (no completed work lost)`);
      prev = Math.max(prev, done);
      return ok;
    });
  }
  const fin = await k.run(dir, undefined);
  figures.cycles += 1;
  expect(fin.code === 0, `${k.name} after kills finishes (${fin.err.trim().split("\n").at(-1)})`);
  await k.finished(dir).catch((e: Error) => expect(false, `${k.name}: ${e.message}`));
  moments.sort((p, q) => p - q);
  return { kills, runs: run + 1, moments: `kills at ${moments[0]}-${moments.at(-1)} ms` };
}

// ---------------------------------------------------------------- scenarios

async function main(): Promise<number> {
  if (!existsSync(CLI) || !existsSync(BENCH)) {
    process.stderr.write(`faults: build first (npx pnpm build): ${existsSync(CLI) ? BENCH : CLI} is missing\n`);
    return 2;
  }
  await initBackend({ quiet: true });
  const root = mkdtempSync(join(tmpdir(), "ebjdat-faults-"));
  log(`fault-injection suite, seed ${SEED}, backend ${process.env.EBJDAT_BACKEND}, data ${dataDir}, in ${root}`);
  try {
    // 24 steps of WRN-10-1, a checkpoint every 2 steps, an evaluation at the end
    const config = join(root, "config.json");
    writeFileSync(config, JSON.stringify({ preset: "standard-smoke", iterations: 24, batchSize: 8, data: { perClass: 8 }, eval: { n: 16 }, checkpointEvery: 2 }));
    const trainArgs = (out: string, ...more: string[]): string[] => ["train", "--config", config, "--out", out, "--data-dir", dataDir, ...more];

    // references: uninterrupted runs
    const ref = join(root, "reference");
    const r0 = await cli(trainArgs(ref));
    if (!expect(r0.code === 0, `reference train exits 0 (${r0.err.trim().split("\n").at(-1)})`)) return 1;
    const refHash = await weightsHash(join(ref, "checkpoint", "model"));
    const trainMs = r0.ms;
    const model = join(root, "model");
    cpSync(join(ref, "checkpoint", "model"), model, { recursive: true });
    const evalArgs = (json: string, m = model): string[] => ["eval", "--model", m, "--data", "cifar10-exact-test", "--data-dir", dataDir, "--range", "0:64", "--attack", "pgd5", "--batch", "8", "--seed", "3", "--json", json];
    const evalRef = join(root, "eval-reference.json");
    const e0 = await cli(evalArgs(evalRef));
    if (!expect(e0.code === 0, `reference eval exits 0 (${e0.err.trim().split("\n").at(-1)})`)) return 1;
    const evalMs = e0.ms;
    log(`references: train ${(trainMs / 1000).toFixed(1)} s (weights ${refHash.slice(0, 12)}), eval ${(evalMs / 1000).toFixed(1)} s`);

    // ---- kill -9 at seeded moments of train, eval and a bench job: each run is killed until it
    // has taken its share of kills (a run that finishes first is checked and a fresh one started)
    const startupMs = (await cli(["info"])).ms;
    const benchStartupMs = (await bench(["--help"])).ms + startupMs;
    const stepMs = Math.max(20, (trainMs - startupMs) / 24);
    const jobFile = (dir: string): string => {
      const file = join(dir, "job.json");
      mkdirSync(dir, { recursive: true });
      const resolved = JSON.parse(readFileSync(join(ref, "config.json"), "utf8")) as unknown;
      writeFileSync(file, JSON.stringify({ job: { kind: "train", id: "faults/train", dir, config: resolved, key: "faults", estimate: 1 }, dataDir }));
      return file;
    };
    const trainKills: KillScenario = {
      name: "train",
      kills: 10,
      run: (dir, watch) => cli(trainArgs(dir, "--resume-or-start"), { watch }),
      leftMs: async (dir) => startupMs + (24 - Math.max(0, existsSync(dir) ? (await checkRunFolder(dir)).step : 0)) * stepMs,
      progress: async (dir) => Math.max(0, (await checkRunFolder(dir)).step),
      finished: async (dir) => {
        const { logSteps } = await checkRunFolder(dir);
        expect(logSteps.length === 24 && steps(logSteps), `train after kills: log.jsonl holds steps 1-24 once (${logSteps.join(",")})`);
        checkJson(join(dir, "result.json"), "the result of a finished run");
        expect((await weightsHash(join(dir, "checkpoint", "model"))) === refHash, "train after kills: weights equal the uninterrupted run's");
      },
    };
    const evalKills: KillScenario = {
      name: "eval",
      kills: 6,
      run: (dir, watch) => cli(evalArgs(join(dir, "results.json")), { watch }),
      leftMs: async (dir) => startupMs + ((64 - (checkEvalFile(join(dir, "results.json"))?.done ?? 0)) / 64) * Math.max(500, evalMs - startupMs),
      progress: async (dir) => {
        if (existsSync(join(dir, "results.json.lock"))) figures.filesChecked += 1;
        return checkEvalFile(join(dir, "results.json"))?.done ?? 0;
      },
      finished: async (dir) => {
        checkEvalFile(join(dir, "results.json"));
        expect(timeless(join(dir, "results.json")) === timeless(evalRef), "eval after kills: the results file equals the uninterrupted run's");
        expect(!existsSync(join(dir, "results.json.lock")), "eval: no lock left after a finished run");
      },
    };
    const benchKills: KillScenario = {
      name: "bench job",
      kills: 6,
      run: (dir, watch) => bench(["--run-job", existsSync(join(dir, "job.json")) ? join(dir, "job.json") : jobFile(dir)], { watch }),
      leftMs: async (dir) => benchStartupMs + (24 - Math.max(0, existsSync(join(dir, "run")) ? (await checkRunFolder(join(dir, "run"))).step : 0)) * stepMs,
      progress: async (dir) => {
        if (existsSync(join(dir, "job.lock"))) figures.filesChecked += 1;
        return Math.max(0, (await checkRunFolder(join(dir, "run"))).step);
      },
      finished: async (dir) => {
        checkJson(join(dir, "done.json"), "a finished job's result");
        const { logSteps } = await checkRunFolder(join(dir, "run"));
        expect(steps(logSteps) && logSteps.length === 24, "bench job after kills: log holds steps 1-24 once");
        expect((await weightsHash(join(dir, "run", "checkpoint", "model"))) === refHash, "bench job after kills: weights equal the uninterrupted run's");
      },
    };
    for (const k of [trainKills, evalKills, benchKills]) {
      const r = await killCycles(k, join(root, `kill-${k.name.replace(/ /g, "-")}`));
      log(`${k.name}: ${r.kills} kill -9 cycles over ${r.runs} run(s) (${r.moments}), each resumed to the uninterrupted result`);
    }

    // ---- SIGINT, SIGTERM and a second Ctrl-C
    {
      const out = join(root, "train-signals");
      const once = async (signal: NodeJS.Signals, code: number, twice: boolean): Promise<void> => {
        await fault(`train ${twice ? "double " : ""}${signal}`, async () => {
          const before = existsSync(out) ? (await checkRunFolder(out)).step : -1;
          let sent = 0;
          const r = await cli(trainArgs(out, "--resume-or-start"), {
            watch: (child) => {
              const n = existsSync(join(out, "log.jsonl")) ? readFileSync(join(out, "log.jsonl"), "utf8").split("\n").filter(Boolean).length : 0;
              if (sent === 0 && n >= Math.max(1, before) + 2) {
                sent = 1;
                child.kill(signal);
              } else if (sent === 1 && twice) {
                sent = 2;
                child.kill(signal);
              }
            },
            every: 5,
          });
          figures.cycles += 1;
          figures.signals += twice ? 2 : 1;
          if (r.msAfterSignal !== undefined && !twice) figures.signalToExitMs.push(r.msAfterSignal);
          const { step, logSteps } = await checkRunFolder(out);
          let ok = expect(r.code === code, `train ${signal}: exit ${r.code}${r.signal ? ` (killed by ${r.signal})` : ""} (expected ${code}) ${r.err.trim().split("\n").slice(-2).join(" | ")}`);
          ok = expect(!existsSync(join(out, "train.lock")), `train ${signal}: lock released`) && ok;
          if (!twice) {
            ok = expect(new RegExp(`interrupted by ${signal}: checkpoint saved at step ${step}/24`).test(r.err), `train ${signal}: says what was saved`) && ok;
            ok = expect(/resume with: ebjdat train .* --resume/.test(r.err), `train ${signal}: says how to resume`) && ok;
            ok = expect(logSteps.length === step, `train ${signal}: every logged step is in the checkpoint (${logSteps.length} vs ${step})`) && ok;
          }
          return expect(step > before, `train ${signal}: progress saved (${before} → ${step})`) && ok;
        });
      };
      await once("SIGINT", 130, false);
      await once("SIGTERM", 143, false);
      await once("SIGINT", 130, true);
      const fin = await cli(trainArgs(out, "--resume"));
      figures.cycles += 1;
      expect(fin.code === 0, "train after signals finishes");
      expect((await weightsHash(join(out, "checkpoint", "model"))) === refHash, "train after signals: weights equal the uninterrupted run's");
      const again = await cli(trainArgs(out, "--resume"));
      expect(again.code === 0 && /already finished/.test(again.out), "train --resume of a finished run says so");
      checkJson(join(out, "result.json"), "a finished run's result");

      const json = join(root, "eval-signals.json");
      for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
        await fault(`eval ${signal}`, async () => {
          const before = checkEvalFile(json)?.done ?? 0;
          let sent = false;
          const r = await cli(evalArgs(json), {
            watch: (child) => {
              if (!sent && (checkEvalFileQuiet(json)?.done ?? 0) > before) {
                sent = true;
                child.kill(signal);
              }
            },
          });
          figures.cycles += 1;
          figures.signals += 1;
          const f = checkEvalFile(json);
          let ok = expect(r.code === code, `eval ${signal}: exit ${r.code} (expected ${code})`);
          ok = expect(/interrupted by SIG[A-Z]+: evaluation interrupted after \d+\/64 images/.test(r.err), `eval ${signal}: says what was saved`) && ok;
          return expect((f?.done ?? 0) > before, `eval ${signal}: progress saved`) && ok;
        });
      }
      const efin = await cli(evalArgs(json));
      figures.cycles += 1;
      expect(efin.code === 0 && timeless(json) === timeless(evalRef), "eval after signals: the results file equals the uninterrupted run's");

      const dir = join(root, "bench-signal");
      const file = jobFile(dir);
      await fault("bench job SIGTERM", async () => {
        let sent = false;
        const r = await bench(["--run-job", file], {
          watch: (child) => {
            const log = join(dir, "run", "log.jsonl");
            if (!sent && existsSync(log) && readFileSync(log, "utf8").split("\n").filter(Boolean).length >= 3) {
              sent = true;
              child.kill("SIGTERM");
            }
          },
        });
        figures.cycles += 1;
        figures.signals += 1;
        const { step, logSteps } = await checkRunFolder(join(dir, "run"));
        let ok = expect(r.code === 143, `bench job SIGTERM: exit ${r.code} (expected 143)`);
        ok = expect(/interrupted by SIGTERM; checkpoint saved at step \d+\/24/.test(r.err), "bench job SIGTERM: says what was saved") && ok;
        ok = expect(!existsSync(join(dir, "job.lock")), "bench job SIGTERM: lock released") && ok;
        return expect(step > 0 && logSteps.length === step, "bench job SIGTERM: the checkpoint holds every logged step") && ok;
      });
      const bfin = await bench(["--run-job", file]);
      figures.cycles += 1;
      expect(bfin.code === 0 && (await weightsHash(join(dir, "run", "checkpoint", "model"))) === refHash, "bench job after SIGTERM: weights equal the uninterrupted run's");
      log("signals: SIGINT, SIGTERM and a second Ctrl-C on train; SIGINT and SIGTERM on eval; SIGTERM on a bench job");
    }

    // ---- a second writer on the same folder
    {
      const out = join(root, "train-busy");
      await fault("second train on one --out", async () => {
        let second: CliRun | undefined;
        let asked = false;
        const first = await cli(trainArgs(out, "--resume-or-start"), {
          watch: (child) => {
            if (!asked && existsSync(join(out, "log.jsonl"))) {
              asked = true;
              void cli(trainArgs(out, "--resume-or-start")).then((r) => {
                second = r;
                child.kill("SIGINT");
              });
            }
          },
        });
        figures.cycles += 2;
        await checkRunFolder(out);
        const ok = expect(second?.code === 1 && /is in use by pid \d+ on .* since/.test(second.err), `second train refused naming the owner (${second?.err.trim().split("\n").at(-1)})`);
        return expect(first.code === 130 || first.code === 0, `first train unharmed (exit ${first.code})`) && ok;
      });
      const json = join(root, "eval-busy.json");
      await fault("second eval on one --json", async () => {
        let second: CliRun | undefined;
        let asked = false;
        const first = await cli(evalArgs(json), {
          watch: (child) => {
            if (!asked && existsSync(`${json}.lock`)) {
              asked = true;
              void cli(evalArgs(json)).then((r) => {
                second = r;
                child.kill("SIGINT");
              });
            }
          },
        });
        figures.cycles += 2;
        checkEvalFile(json);
        const ok = expect(second?.code === 1 && /results file '.*eval-busy\.json' is in use by pid \d+/.test(second.err), `second eval refused naming the owner (${second?.err.trim().split("\n").at(-1)})`);
        return expect(first.code === 130 || first.code === 0, `first eval unharmed (exit ${first.code})`) && ok;
      });
      const dir = join(root, "bench-busy");
      const file = jobFile(dir);
      await fault("second process on one bench job", async () => {
        let second: CliRun | undefined;
        let asked = false;
        const first = await bench(["--run-job", file], {
          watch: (child) => {
            if (!asked && existsSync(join(dir, "job.lock"))) {
              asked = true;
              void bench(["--run-job", file]).then((r) => {
                second = r;
                child.kill("SIGTERM");
              });
            }
          },
        });
        figures.cycles += 2;
        await checkRunFolder(join(dir, "run"));
        const ok = expect(second?.code === 1 && /bench job 'faults\/train' .* is in use by pid \d+/.test(second.err), `second bench job process refused (${second?.err.trim().split("\n").at(-1)})`);
        return expect(first.code === 143 || first.code === 0, `first bench job unharmed (exit ${first.code})`) && ok;
      });
      log("second writers: refused on a train --out, an eval --json and a bench job folder");
    }

    // ---- checkpoint files truncated, emptied, replaced by random bytes
    {
      const base = join(root, "train-damage-base");
      const r = await cli(trainArgs(base, "--steps", "10"));
      figures.cycles += 1;
      expect(r.code === 0, "damage base: 10 steps");
      const damages: [string, (p: string) => void][] = [
        ["truncated", (p) => truncateSync(p, Math.floor(statSync(p).size / 3))],
        ["emptied", (p) => writeFileSync(p, "")],
        // same size: only the SHA-256 recorded in state.json tells it from the real file
        ["random bytes", (p) => writeFileSync(p, Buffer.from(Array.from({ length: statSync(p).size }, () => Math.floor(random() * 256))))],
      ];
      const targets = ["state.json", "optimizer.safetensors", join("model", "weights.bin"), join("model", "model.json")];
      for (const [name, damage] of damages) {
        for (const target of targets) {
          await fault(`checkpoint ${target} ${name}`, async () => {
            const out = join(root, `damage-${name.replace(/ /g, "-")}-${target.replace(/[/.]/g, "-")}`);
            cpSync(base, out, { recursive: true, verbatimSymlinks: true });
            damage(join(versionCandidates(join(out, "checkpoint"))[0]!, target));
            const res = await cli(trainArgs(out, "--resume"));
            figures.cycles += 1;
            let ok = expect(res.code === 0, `${target} ${name}: resume exits 0 (${res.err.trim().split("\n").slice(-2).join(" | ")})`);
            ok = expect(new RegExp(`the latest checkpoint is damaged: .*${target.split("/").at(-1)!.replace(".", "\\.")}[\\s\\S]*Resuming from the previous one, step 8`).test(res.err), `${target} ${name}: the warning names the file and the checkpoint used`) && ok;
            await checkRunFolder(out);
            return expect((await weightsHash(join(out, "checkpoint", "model"))) === refHash, `${target} ${name}: weights equal the uninterrupted run's`) && ok;
          });
        }
      }
      await fault("every checkpoint version damaged", async () => {
        const out = join(root, "damage-all");
        cpSync(base, out, { recursive: true, verbatimSymlinks: true });
        for (const v of versionCandidates(join(out, "checkpoint"))) writeFileSync(join(v, "state.json"), '{"config": {"method": "standard", "seed": 1, "mod');
        const listing = readdirSync(versionsFolder(join(out, "checkpoint"))).sort().join(",");
        const res = await cli(trainArgs(out, "--resume"));
        figures.cycles += 1;
        let ok = expect(res.code === 1, `all damaged: exit ${res.code} (expected 1)`);
        ok = expect(/state\.json' is not valid JSON \(.*\); expected a checkpoint's loop state/.test(res.err), `all damaged: the error names the file and what was expected (${res.err.trim().split("\n").at(-1)})`) && ok;
        return expect(readdirSync(versionsFolder(join(out, "checkpoint"))).sort().join(",") === listing, "all damaged: nothing written") && ok;
      });
      log(`damaged checkpoints: ${damages.length * targets.length} resumed from the previous version to the reference weights, 1 refused naming the file`);
    }

    // ---- a model replaced between two eval runs
    {
      const m = join(root, "replaced-model");
      cpSync(model, m, { recursive: true });
      const json = join(root, "eval-replaced.json");
      await fault("model replaced between two eval runs", async () => {
        let sent = false;
        await cli(evalArgs(json, m), {
          watch: (child) => {
            if (!sent && (checkEvalFileQuiet(json)?.done ?? 0) > 0) {
              sent = true;
              child.kill("SIGINT");
            }
          },
        });
        figures.cycles += 1;
        const before = readFileSync(json, "utf8");
        // training replaces the model: the previous checkpoint's weights
        const previous = versionCandidates(join(ref, "checkpoint"))[1]!;
        for (const f of readdirSync(join(previous, "model"))) copyFileSync(join(previous, "model", f), join(m, f));
        const r = await cli(evalArgs(json, m));
        figures.cycles += 1;
        checkEvalFile(json);
        let ok = expect(r.code === 1 && /eval-replaced\.json: holds an evaluation with other settings[\s\S]*model: /.test(r.err), `replaced model: refused naming the model (${r.err.trim().split("\n").slice(-3).join(" | ")})`);
        ok = expect(readFileSync(json, "utf8") === before, "replaced model: the results file is unchanged") && ok;
        return ok;
      });
      log("replaced model: the second eval was refused, naming the model difference");
    }
  } finally {
    if (KEEP) log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  const ms = figures.signalToExitMs;
  log(
    `figures: ${figures.cycles} cycles run (${figures.kills} kill -9, ${figures.signals} signals), ${figures.filesChecked} files checked, ` +
      `${figures.faultsSurvived}/${figures.faultsInjected} faults survived` +
      (ms.length ? `; signal to exit ${Math.min(...ms)}-${Math.max(...ms)} ms` : "") +
      `; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  if (failures.length) {
    process.stdout.write(`\n${failures.length} check(s) failed:\n${failures.map((f) => `  - ${f}`).join("\n")}\n`);
    return 1;
  }
  return 0;
}

/** The results file when it is readable now (no check counted): a watcher polls it while it is being replaced. */
function checkEvalFileQuiet(path: string): EvalFileView | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as EvalFileView;
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`faults: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
