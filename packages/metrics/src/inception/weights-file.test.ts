import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedPath } from "@ebjdat/testing";
import { deterministicInceptionWeights } from "./deterministic-weights";
import { linearToKernel, oihwToHwio, prepareInceptionStateDict } from "./layout";
import { INCEPTION_WEIGHTS_FILE, fetchInceptionWeightsBytes, loadInceptionWeights, readInceptionStateDict } from "./weights-file";

const V = "vectors/metrics/";
const tmp = mkdtempSync(join(tmpdir(), "ebjdat-metrics-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const det = deterministicInceptionWeights();

describe("reading .pth weights (zip and legacy)", () => {
  for (const file of ["pth_sample_zip.pth", "pth_sample_legacy.pth"]) {
    it(`${file}: keys mapped by name, values = formula, num_batches_tracked ignored`, async () => {
      const raw = await loadInceptionWeights({ path: sharedPath(V + file), checkHash: false });
      expect(raw.has("Conv2d_1a_3x3.bn.num_batches_tracked")).toBe(true);
      const sd = prepareInceptionStateDict(raw, { partial: true, source: file });
      expect([...sd.keys()].sort()).toEqual(["Conv2d_1a_3x3.bn.bias", "Conv2d_1a_3x3.bn.running_mean", "Conv2d_1a_3x3.bn.running_var", "Conv2d_1a_3x3.bn.weight", "Conv2d_1a_3x3.conv.weight", "fc.bias"]);
      for (const [k, t] of sd) {
        expect(t.shape).toEqual(det.get(k)!.shape);
        expect(Array.from(t.data)).toEqual(Array.from(det.get(k)!.data as Float32Array));
      }
      // OIHW → HWIO: element [o, i, y, x] lands at [y, x, i, o].
      const w = sd.get("Conv2d_1a_3x3.conv.weight")!;
      const h = oihwToHwio(w.data, w.shape);
      expect(h.shape).toEqual([3, 3, 3, 32]);
      for (const [o, i, y, x] of [[0, 0, 0, 0], [31, 2, 2, 1], [5, 1, 0, 2]]) {
        expect(h.data[((y * 3 + x) * 3 + i) * 32 + o]).toBe(w.data[((o * 3 + i) * 3 + y) * 3 + x]);
      }
      expect(() => prepareInceptionStateDict(raw, { source: file })).toThrow(/tensors missing/);
    });
  }
  it("fc weight [out, in] becomes a [in, out] kernel", () => {
    const k = linearToKernel(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(k.shape).toEqual([3, 2]);
    expect(Array.from(k.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });
  it("rejects wrong shapes and foreign keys", () => {
    const bad = new Map([["fc.bias", { dtype: "float32" as const, shape: [1000], data: new Float32Array(1000) }]]);
    expect(() => prepareInceptionStateDict(bad, { partial: true })).toThrow(/"fc.bias" has shape \[1000\], expected \[1008\]/);
    const aux = new Map([["AuxLogits.fc.bias", { dtype: "float32" as const, shape: [1], data: new Float32Array(1) }]]);
    expect(() => prepareInceptionStateDict(aux, { partial: true })).toThrow(/unexpected keys/);
    expect(() => readInceptionStateDict(new Uint8Array([1, 2, 3]), "junk.pth")).toThrow(/cannot parse junk.pth/);
  });
});

describe("locating the weights file", () => {
  const sample = new Uint8Array(readFileSync(sharedPath(V + "pth_sample_zip.pth")));
  it("offline and not cached: says what is missing and how to provide it", async () => {
    const p = fetchInceptionWeightsBytes({ cacheDir: join(tmp, "empty"), download: false });
    await expect(p).rejects.toThrow(/missing.*EBJDAT_INCEPTION_WEIGHTS.*--inception-weights|missing.*--inception-weights.*EBJDAT_INCEPTION_WEIGHTS/s);
  });
  it("failed download: clear error, nothing left in the cache", async () => {
    const dir = join(tmp, "fail");
    const p = fetchInceptionWeightsBytes({ cacheDir: dir, fetch: async () => ({ ok: false, status: 404, statusText: "Not Found", arrayBuffer: async () => new ArrayBuffer(0) }) });
    await expect(p).rejects.toThrow(/download .* failed \(HTTP 404 Not Found\)/);
  });
  it("downloaded file with the wrong hash is rejected and removed", async () => {
    const dir = join(tmp, "badhash");
    const p = fetchInceptionWeightsBytes({ cacheDir: dir, fetch: async () => ({ ok: true, status: 200, arrayBuffer: async () => sample.slice().buffer }) });
    await expect(p).rejects.toThrow(/wrong hash.*6726825d/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
  it("a local file with the wrong hash is rejected", async () => {
    await expect(fetchInceptionWeightsBytes({ path: sharedPath(V + "pth_sample_legacy.pth") })).rejects.toThrow(/wrong hash/);
  });
  it("download goes to a temp file, then is renamed into the cache and reused", async () => {
    const dir = join(tmp, "ok");
    let calls = 0;
    const fetch = async () => {
      calls++;
      return { ok: true, status: 200, arrayBuffer: async () => sample.slice().buffer };
    };
    const a = await fetchInceptionWeightsBytes({ cacheDir: dir, fetch, checkHash: false });
    expect(a.source).toBe(join(dir, INCEPTION_WEIGHTS_FILE));
    expect(readdirSync(dir)).toEqual([INCEPTION_WEIGHTS_FILE]);
    const b = await fetchInceptionWeightsBytes({ cacheDir: dir, fetch, checkHash: false });
    expect(calls).toBe(1);
    expect(b.bytes.length).toBe(sample.length);
  });
});
