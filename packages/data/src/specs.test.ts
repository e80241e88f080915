import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadDataset, DATASET_SPECS, listAvailableDatasets } from "./specs";
import { classCounts } from "./dataset";
import { downloadFile } from "./download";
import { md5Hex } from "./md5";
import { writeTar } from "./tar";
import { encodePng } from "./image";
import { sharedPath, tempDir } from "@ebjdat/testing";

const dataDir = sharedPath("data");

describe("dataset specs on the shared offline data", () => {
  it("cifar10-exact-test, cifar10-jpeg-test, cifar10-train-balanced, cifar10-train-exact", async () => {
    const t = await loadDataset("cifar10-exact-test", { dataDir, cache: false });
    expect([t.n, t.name, t.spec]).toEqual([1000, "cifar10-exact-test", "cifar10-exact-test"]);
    expect(t.exact!.every((v) => v === 1)).toBe(true);
    const j = await loadDataset("cifar10-jpeg-test", { dataDir, cache: false });
    expect(j.n).toBe(2000);
    expect(classCounts(j)).toEqual([196, 198, 195, 199, 198, 185, 216, 193, 217, 203]);
    expect(Array.from(j.labels.subarray(0, 1000))).toEqual(Array.from(t.labels));
    expect(j.exact!.every((v) => v === 0)).toBe(true);
    const b = await loadDataset("cifar10-train-balanced", { dataDir, cache: false });
    expect(b.n).toBe(5000);
    expect(b.exact!.subarray(0, 4000).every((v) => v === 1)).toBe(true);
    expect(b.exact!.subarray(4000).every((v) => v === 0)).toBe(true);
    expect(classCounts({ labels: b.labels.subarray(4000), numClasses: 10 })).toEqual([104, 134, 80, 116, 78, 107, 86, 115, 93, 87]);
    const e = await loadDataset("cifar10-train-exact", { dataDir, cache: false });
    expect(e.n).toBe(4000);
    expect(classCounts(e)).toEqual([396, 366, 420, 384, 422, 393, 414, 385, 407, 413]);
    expect(Buffer.compare(e.images, b.images.subarray(0, 4000 * 3072))).toBe(0);
  });

  it("cifar10-mini and cifar10-mini-tar load the same images, through the cache on the second load", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const a1 = await loadDataset("cifar10-mini", { dataDir, cacheDir: dir });
      expect(a1.cache?.hit).toBe(false);
      const a2 = await loadDataset("cifar10-mini", { dataDir, cacheDir: dir });
      expect(a2.cache?.hit).toBe(true);
      expect(Buffer.compare(a2.images, a1.images)).toBe(0);
      expect(Array.from(a2.labels)).toEqual(Array.from(a1.labels));
      expect(a2.files).toEqual(a1.files);
      expect(a2.classNames).toEqual(a1.classNames);
      expect(a2.exact).toEqual(a1.exact);
      const t = await loadDataset("cifar10-mini-tar", { dataDir, cacheDir: dir });
      expect(Buffer.compare(t.images, a1.images)).toBe(0);
      expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
      expect(readdirSync(dir).filter((f) => f.endsWith(".u8")).length).toBe(2);
    } finally {
      cleanup();
    }
  });

  it("unknown spec lists the known ones; missing official archive says where to put it", async () => {
    await expect(loadDataset("cifar11", { dataDir })).rejects.toThrow(/cifar11: unknown dataset spec; known specs: cifar10-exact-test, .*imagefolder:<path>/);
    const { dir, cleanup } = tempDir();
    try {
      await expect(loadDataset("cifar10:test", { dataDir: dir, downloadDir: join(dir, "dl"), cache: false })).rejects.toThrow(
        /cifar-10-binary\.tar\.gz: cifar10:test needs the official archive, not found in .*Download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz \(md5 c32a1d4ab5d03f1284b67883e8d87530\)/,
      );
      await expect(loadDataset("cifar10-exact-test", { dataDir: dir })).rejects.toThrow(/test\.bin: missing file/);
      await expect(loadDataset("cifar10:test:coarse", { dataDir: dir })).rejects.toThrow(/cifar100 only/);
    } finally {
      cleanup();
    }
    expect(DATASET_SPECS.length).toBeGreaterThan(8);
    expect(listAvailableDatasets({ dataDir }).map((d) => d.spec)).toContain("cifar10-exact-test");
  });

  it("a modified shared file fails its md5 check; verify: false skips it", async () => {
    const { dir, cleanup } = tempDir();
    try {
      mkdirSync(join(dir, "cifar10"));
      const bytes = new Uint8Array(readFileSync(sharedPath("data", "cifar10/test.bin")));
      bytes[1] ^= 0xff;
      writeFileSync(join(dir, "cifar10", "test.bin"), bytes);
      await expect(loadDataset("cifar10-exact-test", { dataDir: dir })).rejects.toThrow(/test\.bin: checksum mismatch: expected md5 371f65da31ad652f5e24b3699a3e6515/);
      expect((await loadDataset("cifar10-exact-test", { dataDir: dir, verify: false })).n).toBe(1000);
      writeFileSync(join(dir, "cifar10", "test.bin"), bytes.subarray(0, 3073 * 999));
      await expect(loadDataset("cifar10-exact-test", { dataDir: dir, verify: false })).rejects.toThrow(/expected 1000 records = 3073000 bytes, found 3069927 bytes/);
    } finally {
      cleanup();
    }
  });
});

describe("imagefolder:<path> spec and the decoded-tensor cache", () => {
  it("cache hit on the second load, rebuilt after the source changes, no temp files left", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const root = join(dir, "imgs");
      cpSync(sharedPath("data", "imagefolder/cifar10-mini"), root, { recursive: true });
      const cacheDir = join(dir, "cache");
      const spec = `imagefolder:${root}`;
      const a = await loadDataset(spec, { dataDir, cacheDir });
      expect(a.cache?.hit).toBe(false);
      expect(a.n).toBe(120);
      const b = await loadDataset(spec, { dataDir, cacheDir });
      expect(b.cache?.hit).toBe(true);
      expect(Buffer.compare(a.images, b.images)).toBe(0);
      // change one image: the cache must miss and the new pixels appear
      const f = join(root, "airplane", "00029.png");
      const px = new Uint8Array(32 * 32 * 3).fill(7);
      writeFileSync(f, encodePng({ width: 32, height: 32, data: px }));
      utimesSync(f, new Date(), new Date(Date.now() + 5000));
      const c = await loadDataset(spec, { dataDir, cacheDir });
      expect(c.cache?.hit).toBe(false);
      expect(Array.from(c.images.subarray(0, 6))).toEqual([7, 7, 7, 7, 7, 7]);
      // a corrupt cache entry is ignored and rebuilt
      const u8 = c.cache!.path;
      writeFileSync(u8, new Uint8Array(10));
      const d = await loadDataset(spec, { dataDir, cacheDir });
      expect(d.cache?.hit).toBe(false);
      expect(readdirSync(cacheDir).some((n) => n.includes(".tmp-"))).toBe(false);
      // an empty class folder is reported
      mkdirSync(join(root, "zebra"));
      await expect(loadDataset(spec, { dataDir, cacheDir })).rejects.toThrow(/zebra: empty class folder/);
      rmSync(join(root, "zebra"), { recursive: true });
    } finally {
      cleanup();
    }
  });
});

describe("downloads", () => {
  let server: Server;
  let base = "";
  const body = gzipSync(writeTar([{ path: "a.txt", data: new Uint8Array(Buffer.from("hello")) }]));
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/ok.tar.gz") {
        res.writeHead(200, { "content-length": String(body.length) });
        res.end(body);
      } else if (req.url === "/partial.tar.gz") {
        res.writeHead(200, { "content-length": String(body.length + 100) });
        res.write(body.subarray(0, 10));
        setTimeout(() => res.destroy(), 20);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("verifies the md5 and renames; wrong md5, partial body and 404 leave nothing behind", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const dest = join(dir, "x.tar.gz");
      await downloadFile(`${base}/ok.tar.gz`, dest, { md5: md5Hex(body) });
      expect(md5Hex(readFileSync(dest))).toBe(md5Hex(body));
      rmSync(dest);
      await expect(downloadFile(`${base}/ok.tar.gz`, dest, { md5: "0".repeat(32) })).rejects.toThrow(/x\.tar\.gz: download of .* has md5 [0-9a-f]{32}, expected 0{32}; discarded/);
      await expect(downloadFile(`${base}/partial.tar.gz`, dest, { md5: md5Hex(body) })).rejects.toThrow(/x\.tar\.gz: download of .*(broke off|incomplete)/);
      await expect(downloadFile(`${base}/missing`, dest, { md5: md5Hex(body) })).rejects.toThrow(/HTTP 404/);
      expect(existsSync(dest)).toBe(false);
      expect(readdirSync(dir)).toEqual([]);
      // through a spec: the official md5 cannot match the mirror's bytes, so nothing is kept
      await expect(loadDataset("cifar10:test", { dataDir: dir, downloadDir: join(dir, "dl"), download: true, baseUrl: `${base}/missing-dir/`, cache: false })).rejects.toThrow(/cifar-10-binary\.tar\.gz: cannot download .*HTTP 404/);
      expect(existsSync(join(dir, "dl", "cifar-10-binary.tar.gz"))).toBe(false);
    } finally {
      cleanup();
    }
  });
});
