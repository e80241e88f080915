import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWideResNet, saveModel } from "@ebjdat/models";
import { initBackend } from "@ebjdat/runtime";
import type { EvaluationFile } from "@ebjdat/evaluation";
import { runCli, signalWhenChunks, type CliRun } from "../../test/cli-process";

const root = mkdtempSync(join(tmpdir(), "ebjdat-cli-eval-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `ebjdat` from its TypeScript sources in a child process; `whenReady` signals it once the results file has that many chunks. */
function ebjdat(args: string[], whenReady?: { file: string; chunks: number; signal: NodeJS.Signals }): Promise<CliRun> {
  return runCli(args, whenReady ? { watch: signalWhenChunks(whenReady.file, whenReady.chunks, whenReady.signal) } : {});
}

function timeless(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"), (k, v: unknown) => (k === "seconds" || k === "startedAt" || k === "finishedAt" ? undefined : v));
}

describe("ebjdat eval end to end", () => {
  const model = join(root, "model");
  beforeAll(async () => {
    await initBackend({ quiet: true });
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 11);
    await saveModel(m, model);
    m.dispose();
  }, 60_000);

  const args = (json: string): string[] => ["eval", "--model", model, "--data", "cifar10-exact-test", "--range", "0:48", "--attack", "pgd10", "--batch", "8", "--seed", "3", "--energy-gap", "--json", json];

  it("stops on SIGINT and on SIGTERM with what is finished saved, resumes, and equals an uninterrupted run", async () => {
    const whole = join(root, "whole.json");
    const a = await ebjdat(args(whole));
    expect(a.err).not.toMatch(/Error/);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/pgd10 at eps 0\.03137 \(linf, standard protocol\) on 48 images/);
    // a time estimate once the first chunk is done
    expect(a.err).toMatch(/eval: 8 images took \d+ (s|min); about \d+ (s|min) for the 40 images left/);
    const full = JSON.parse(readFileSync(whole, "utf8")) as EvaluationFile;
    expect(full.complete).toBe(true);
    expect(full.outcome).toHaveLength(48);

    const cut = join(root, "cut.json");
    const b = await ebjdat(args(cut), { file: cut, chunks: 1, signal: "SIGINT" });
    expect(b.code).toBe(130);
    expect(b.err).toMatch(/SIGINT: eval: stopping after the current chunk/);
    expect(b.err).toMatch(/resume with the same command/);
    const partial = JSON.parse(readFileSync(cut, "utf8")) as EvaluationFile;
    expect(partial.complete).toBe(false);
    expect(partial.done).toBeLessThan(48);
    const c = await ebjdat(args(cut), { file: cut, chunks: partial.chunks.length + 1, signal: "SIGTERM" });
    expect(c.code).toBe(143);
    const d = await ebjdat(args(cut));
    expect(d.code).toBe(0);
    expect(timeless(cut)).toEqual(timeless(whole));
    expect(existsSync(`${cut}.tmp`)).toBe(false);
  }, 300_000);

  it("refuses to continue a results file of another model, naming the difference", async () => {
    const json = join(root, "keyed.json");
    expect((await ebjdat([...args(json).slice(0, -2), "--range", "0:8", "--json", json])).code).toBe(0);
    const other = join(root, "other");
    const m = createWideResNet({ depth: 10, width: 1, numClasses: 10, norm: "batch" }, 12);
    await saveModel(m, other);
    m.dispose();
    const r = await ebjdat(["eval", "--model", other, "--data", "cifar10-exact-test", "--range", "0:8", "--attack", "pgd10", "--batch", "8", "--seed", "3", "--energy-gap", "--json", json]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/keyed\.json: holds an evaluation with other settings[\s\S]*model: /);
  }, 120_000);
});
