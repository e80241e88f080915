import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadModel } from "@ebjdat/models";
import { initBackend, resolveVersionedDir } from "@ebjdat/runtime";
import { sharedPath } from "@ebjdat/testing";
import { runCli, type CliRun } from "../../test/cli-process";

const root = mkdtempSync(join(tmpdir(), "ebjdat-cli-train-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = join(root, "config.json");
// 30 steps of WRN-10-1 on 64 images: long enough to be signalled mid-run, no periodic checkpoints
writeFileSync(config, JSON.stringify({ preset: "standard-smoke", iterations: 30, batchSize: 8, data: { perClass: 8 }, eval: { n: 16 }, checkpointEvery: 0 }));
const args = (out: string, ...more: string[]): string[] => ["train", "--config", config, "--out", out, "--seed", "5", "--data-dir", sharedPath("data"), ...more];

function steps(out: string): number {
  if (!existsSync(join(out, "log.jsonl"))) return 0;
  return readFileSync(join(out, "log.jsonl"), "utf8").split("\n").filter(Boolean).length;
}

/** Runs train and sends `signals` once `after` steps are logged (a second one `gapMs` later). */
function trainSignalled(out: string, after: number, signals: NodeJS.Signals[], gapMs = 0, more: string[] = []): Promise<CliRun> {
  let sent = 0;
  let firstAt = 0;
  return runCli(args(out, ...more), {
    watch: (child) => {
      if (sent === 0 && steps(out) >= after) {
        child.kill(signals[0]);
        sent = 1;
        firstAt = Date.now();
      } else if (sent === 1 && signals.length > 1 && Date.now() - firstAt >= gapMs) {
        child.kill(signals[1]);
        sent = 2;
      }
    },
    every: 5,
  });
}

async function weightsOf(out: string): Promise<string> {
  await initBackend({ quiet: true });
  const { model } = await loadModel(join(out, "checkpoint", "model"));
  const w = model.trainableVariables().map((v) => Array.from(v.dataSync()).join(",")).join(";");
  model.dispose();
  return w;
}

/** Step and median step time of a run folder's current checkpoint and log. */
function checkpointStep(out: string): number {
  return (JSON.parse(readFileSync(join(resolveVersionedDir(join(out, "checkpoint"))!, "state.json"), "utf8")) as { state: { step: number } }).state.step;
}

describe("ebjdat train end to end", () => {
  it("Ctrl-C (SIGINT) and SIGTERM stop after the current step with a checkpoint, exit 130 / 143, and resume to the weights of an uninterrupted run", async () => {
    const whole = join(root, "whole");
    const a = await runCli(args(whole));
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/finished at step 30\/30/);

    const cut = join(root, "cut");
    const b = await trainSignalled(cut, 3, ["SIGINT"]);
    expect(b.code, b.err).toBe(130);
    const atInt = checkpointStep(cut);
    expect(b.err).toMatch(new RegExp(`interrupted by SIGINT: checkpoint saved at step ${atInt}/30`));
    expect(b.err).toMatch(/resume with: ebjdat train --config .*config\.json --out .*cut --seed 5 --data-dir .* --resume/);
    expect(atInt).toBeLessThan(30);
    expect(steps(cut)).toBe(atInt);
    // within one step plus a second: the log gives the step time
    const ms = readFileSync(join(cut, "log.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { ms: number }).ms);
    expect(b.msAfterSignal!).toBeLessThan(Math.max(...ms) + 1000 + 2000 /* process exit and checkpoint write on a busy machine */);

    const c = await trainSignalled(cut, atInt + 3, ["SIGTERM"], 0, ["--resume"]);
    expect(c.code, c.err).toBe(143);
    const atTerm = checkpointStep(cut);
    expect(c.err).toMatch(new RegExp(`interrupted by SIGTERM: checkpoint saved at step ${atTerm}/30`));
    expect(atTerm).toBeGreaterThan(atInt);

    const d = await runCli(args(cut, "--resume"));
    expect(d.code, d.err).toBe(0);
    expect(steps(cut)).toBe(30);
    expect(await weightsOf(cut)).toBe(await weightsOf(whole));

    const e = await runCli(args(cut, "--resume"));
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/already finished: 30\/30 steps; nothing to do/);
  }, 300_000);

  it("a second Ctrl-C exits at once, leaving a loadable checkpoint and no lock", async () => {
    const out = join(root, "twice");
    const r = await trainSignalled(out, 2, ["SIGINT", "SIGINT"], 1);
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/SIGINT again: exiting now|interrupted by SIGINT/);
    expect(existsSync(join(out, "train.lock"))).toBe(false);
    const at = checkpointStep(out);
    expect(await weightsOf(out)).toMatch(/\d/);
    const again = await runCli(args(out, "--resume", "--steps", "1"));
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(new RegExp(`stopped at step ${at + 1}/30`));
  }, 300_000);

  it("refuses a second writer on the same --out, naming the owner", async () => {
    const out = join(root, "busy");
    let second: CliRun | undefined;
    const first = await runCli(args(out), {
      watch: (child) => {
        if (second === undefined && steps(out) >= 1) {
          second = { code: -1, signal: null, out: "", err: "", ms: 0 };
          void runCli(args(out, "--resume")).then((r) => {
            second = r;
            child.kill("SIGINT");
          });
        }
      },
    });
    expect(first.code).toBe(130);
    expect(second!.code).toBe(1);
    expect(second!.err).toMatch(new RegExp(`the training run in '.*busy' is in use by pid \\d+ on ${hostname()} since .*remove the lock file '.*train\\.lock'`));
  }, 300_000);
});
