import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { saveSafetensorsFile } from "@ebjdat/formats";
import { sharedPath } from "@ebjdat/testing";
import { main } from "../main";
import { runCli, signalAfterBackend } from "../../test/cli-process";

const root = mkdtempSync(join(tmpdir(), "ebjdat-cli-metrics-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const model = sharedPath("vectors", "models", "ccf_checkpoint_wrn10_1_bn.pt");
const data = ["--data-dir", sharedPath("data")];

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

/** Random images in [0, 1] as a sample file of `ebjdat sample --save-samples`. */
function sampleFile(path: string, n: number): string {
  const d = new Float32Array(n * 32 * 32 * 3);
  for (let i = 0; i < d.length; i++) d[i] = ((i * 2654435761) % 1000) / 999;
  saveSafetensorsFile(path, { images: { dtype: "float32", shape: [n, 32, 32, 3], data: d } });
  return path;
}

describe("ebjdat sample → metrics", () => {
  it("metrics reads the samples that sample --save-samples writes, and prints the rank-deficiency warning on the console", async () => {
    const samples = join(root, "grid-samples.safetensors");
    const s = await run(["sample", "--model", model, "--n", "12", "--steps", "2", "--out", join(root, "grid.png"), "--save-samples", samples, "--backend", "wasm"]);
    expect(s.code, s.err).toBe(0);
    expect(existsSync(samples)).toBe(true);
    const json = join(root, "m.json");
    const m = await run(["metrics", "--real", "cifar10-exact-test", ...data, "--fake", samples, "--metrics", "fd-wrn", "--feature-model", model, "--n", "12", "--json", json, "--backend", "wasm"]);
    expect(m.code, m.err).toBe(0);
    expect(m.out).toMatch(/fd-wrn\s+\d/);
    expect(m.err).toMatch(/warning: fd-wrn: only 12 samples for \d+-d features: the covariance is rank-deficient/);
    expect(JSON.parse(readFileSync(json, "utf8")).metrics["fd-wrn"].warning).toMatch(/rank-deficient/);
  }, 120_000);

  it("suggests only options that exist when the Inception weights are wrong", async () => {
    const weights = join(root, "not-inception.pth");
    writeFileSync(weights, "not the weights");
    const m = await run(["metrics", "--real", "cifar10-exact-test", ...data, "--fake", sampleFile(join(root, "few.safetensors"), 4), "--metrics", "fid", "--inception-weights", weights, "--json", join(root, "w.json"), "--backend", "wasm"]);
    expect(m.code).toBe(1);
    expect(m.err).toMatch(/wrong hash/);
    expect(m.err).toMatch(/The CLI accepts only the official file/);
    expect(m.err).not.toMatch(/checkHash/);
  }, 120_000);

  it("Ctrl-C stops between batches: exit 130, says nothing was written", async () => {
    const fake = sampleFile(join(root, "many.safetensors"), 1000);
    const json = join(root, "int.json");
    const r = await runCli(["metrics", "--real", "cifar10-exact-test", ...data, "--fake", fake, "--metrics", "fd-wrn,kid-wrn", "--feature-model", model, "--batch", "20", "--json", json], {
      watch: signalAfterBackend("SIGINT", 1000),
    });
    expect(r.code, r.err).toBe(130);
    expect(r.err).toMatch(/interrupted by SIGINT during (real|fake) images: nothing written/);
    expect(existsSync(json)).toBe(false);
  }, 120_000);
});
