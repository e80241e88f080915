import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readCifarArchive, readCifarBinaryFile, readCifarDirectory } from "./cifar";
import { writeTar } from "./tar";
import { writePy2Pickle } from "./test-pickle-writer";
import { loadDataset } from "./specs";
import { sharedPath, tempDir } from "@ebjdat/testing";

const REC = 3073;
/** Records [a, b) of the shared exact test file. */
function records(a: number, b: number): Uint8Array {
  return readFileSync(sharedPath("data", "cifar10/test.bin")).subarray(a * REC, b * REC);
}
function split(recs: Uint8Array): { labels: number[]; data: Uint8Array } {
  const n = recs.length / REC;
  const data = new Uint8Array(n * 3072);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(recs[i * REC]!);
    data.set(recs.subarray(i * REC + 1, (i + 1) * REC), i * 3072);
  }
  return { labels, data };
}
const enc = (s: string) => new Uint8Array(Buffer.from(s));
const names10 = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

function cifar10Binary(): Uint8Array {
  const m = [{ path: "cifar-10-batches-bin", directory: true }, { path: "cifar-10-batches-bin/batches.meta.txt", data: enc(names10) }];
  for (let k = 1; k <= 5; k++) m.push({ path: `cifar-10-batches-bin/data_batch_${k}.bin`, data: records(3 * (k - 1), 3 * k) } as never);
  m.push({ path: "cifar-10-batches-bin/test_batch.bin", data: records(100, 104) } as never);
  return gzipSync(writeTar(m));
}

function cifar10Python(): Uint8Array {
  const m: { path: string; data?: Uint8Array; directory?: boolean }[] = [{ path: "cifar-10-batches-py", directory: true }];
  const batch = (recs: Uint8Array, label: string) => {
    const { labels, data } = split(recs);
    return writePy2Pickle({ dict: [["batch_label", label], ["labels", labels], ["data", { bytes: data, shape: [labels.length, 3072] }], ["filenames", labels.map((_, i) => `f${i}.png`)]] });
  };
  for (let k = 1; k <= 5; k++) m.push({ path: `cifar-10-batches-py/data_batch_${k}`, data: batch(records(3 * (k - 1), 3 * k), `training batch ${k} of 5`) });
  m.push({ path: "cifar-10-batches-py/test_batch", data: batch(records(100, 104), "testing batch 1 of 1") });
  m.push({ path: "cifar-10-batches-py/batches.meta", data: writePy2Pickle({ dict: [["num_cases_per_batch", 10000], ["label_names", names10.trim().split("\n")], ["num_vis", 3072]] }) });
  return gzipSync(writeTar(m));
}

/** CIFAR-100 records built from the CIFAR-10 pixels with made-up coarse/fine labels. */
function c100(recs: Uint8Array): { bin: Uint8Array; fine: number[]; coarse: number[]; data: Uint8Array } {
  const { labels, data } = split(recs);
  const fine = labels.map((l, i) => (l * 10 + i) % 100);
  const coarse = fine.map((f) => f % 20);
  const bin = new Uint8Array(labels.length * 3074);
  labels.forEach((_, i) => {
    bin[i * 3074] = coarse[i]!;
    bin[i * 3074 + 1] = fine[i]!;
    bin.set(data.subarray(i * 3072, (i + 1) * 3072), i * 3074 + 2);
  });
  return { bin, fine, coarse, data };
}

describe("CIFAR archives (synthetic, official layouts)", () => {
  it("cifar-10 binary .tar.gz, cifar-10 python .tar.gz and extracted folder agree with the records", () => {
    const { dir, cleanup } = tempDir();
    try {
      const bin = join(dir, "cifar-10-binary.tar.gz");
      const py = join(dir, "cifar-10-python.tar.gz");
      writeFileSync(bin, cifar10Binary());
      writeFileSync(py, cifar10Python());
      const ref = join(dir, "ref.bin");
      writeFileSync(ref, records(0, 15));
      const want = readCifarBinaryFile(ref);
      for (const f of [bin, py]) {
        const tr = readCifarArchive(f, { split: "train" });
        expect(tr.n).toBe(15);
        expect(tr.name).toBe("cifar10:train");
        expect(Array.from(tr.labels)).toEqual(Array.from(want.labels));
        expect(Buffer.compare(tr.images, want.images)).toBe(0);
        expect(tr.classNames).toEqual(want.classNames);
        const te = readCifarArchive(f, { split: "test" });
        expect(te.n).toBe(4);
        expect(Array.from(te.labels)).toEqual(Array.from(readFileSync(sharedPath("data", "cifar10/test.bin")).filter((_, i) => i % REC === 0).subarray(100, 104)));
      }
      // extracted python folder
      mkdirSync(join(dir, "x", "cifar-10-batches-py"), { recursive: true });
      const { labels, data } = split(records(100, 104));
      writeFileSync(join(dir, "x", "cifar-10-batches-py", "test_batch"), writePy2Pickle({ dict: [["labels", labels], ["data", { bytes: data, shape: [4, 3072] }]] }));
      const te = readCifarDirectory(join(dir, "x"), { split: "test" });
      expect(Buffer.compare(te.images, readCifarArchive(bin, { split: "test" }).images)).toBe(0);
      expect(() => readCifarDirectory(join(dir, "x"), { split: "train" })).toThrow(/data_batch_1: missing archive member/);
      expect(() => readCifarDirectory(join(dir, "x"), { split: "test", verifyMembers: true })).toThrow(/test_batch: checksum mismatch: expected md5 40351d587109b95175f43aff81a1287e/);
    } finally {
      cleanup();
    }
  });

  it("cifar-100 binary and python archives, fine and coarse labels", () => {
    const { dir, cleanup } = tempDir();
    try {
      const tr = c100(records(0, 6));
      const te = c100(records(6, 9));
      const fineNames = Array.from({ length: 100 }, (_, i) => `f${i}`);
      const coarseNames = Array.from({ length: 20 }, (_, i) => `c${i}`);
      const bin = join(dir, "cifar-100-binary.tar.gz");
      writeFileSync(bin, gzipSync(writeTar([
        { path: "cifar-100-binary/train.bin", data: tr.bin },
        { path: "cifar-100-binary/test.bin", data: te.bin },
        { path: "cifar-100-binary/fine_label_names.txt", data: enc(fineNames.join("\n")) },
        { path: "cifar-100-binary/coarse_label_names.txt", data: enc(coarseNames.join("\n")) },
      ])));
      const pk = (r: ReturnType<typeof c100>) => writePy2Pickle({ dict: [["filenames", r.fine.map(() => "x.png")], ["batch_label", "b"], ["fine_labels", r.fine], ["coarse_labels", r.coarse], ["data", { bytes: r.data, shape: [r.fine.length, 3072] }]] });
      const py = join(dir, "cifar-100-python.tar.gz");
      writeFileSync(py, gzipSync(writeTar([
        { path: "cifar-100-python/train", data: pk(tr) },
        { path: "cifar-100-python/test", data: pk(te) },
        { path: "cifar-100-python/meta", data: writePy2Pickle({ dict: [["fine_label_names", fineNames], ["coarse_label_names", coarseNames]] }) },
      ])));
      for (const f of [bin, py]) {
        const fine = readCifarArchive(f, { split: "train" });
        expect(fine.numClasses).toBe(100);
        expect(Array.from(fine.labels)).toEqual(tr.fine);
        expect(fine.classNames[7]).toBe("f7");
        const coarse = readCifarArchive(f, { split: "test", labelMode: "coarse" });
        expect(coarse.numClasses).toBe(20);
        expect(coarse.classNames[3]).toBe("c3");
        expect(Array.from(coarse.labels)).toEqual(te.coarse);
        expect(coarse.images[0]).toBe(records(6, 7)[1]); // R(0,0) of record 6
        expect(coarse.images[2]).toBe(records(6, 7)[1 + 2048]); // B(0,0)
        expect(() => readCifarArchive(f, { split: "test", kind: "cifar10" })).toThrow(/not a CIFAR archive or folder: expected cifar-10-batches-bin/);
      }
    } finally {
      cleanup();
    }
  });

  it("cifar10:test through the spec: official md5 enforced, record count checked", async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, "cifar-10-binary.tar.gz"), cifar10Binary());
      const o = { dataDir: dir, downloadDir: join(dir, "dl"), cacheDir: join(dir, "cache") };
      await expect(loadDataset("cifar10:test", o)).rejects.toThrow(/cifar-10-binary\.tar\.gz: checksum mismatch: expected md5 c32a1d4ab5d03f1284b67883e8d87530/);
      await expect(loadDataset("cifar10:test", { ...o, verify: false })).rejects.toThrow(/cifar10:test has 4 records, expected 10000/);
    } finally {
      cleanup();
    }
  });

  it("a truncated or corrupt .tar.gz is an error naming the archive", () => {
    const { dir, cleanup } = tempDir();
    try {
      const gz = cifar10Binary();
      const f = join(dir, "cifar-10-binary.tar.gz");
      writeFileSync(f, gz.subarray(0, gz.length - 40));
      expect(() => readCifarArchive(f, { split: "test" })).toThrow(/cifar-10-binary\.tar\.gz: cannot gunzip/);
      writeFileSync(f, gzipSync(writeTar([{ path: "cifar-10-batches-bin/test_batch.bin", data: records(0, 2).subarray(0, 5000) }])));
      expect(() => readCifarArchive(f, { split: "test" })).toThrow(/cifar-10-binary\.tar\.gz:cifar-10-batches-bin\/test_batch\.bin: truncated or wrong-size file/);
      expect(() => readCifarArchive(join(dir, "missing.tar.gz"), { split: "test" })).toThrow(/missing\.tar\.gz: archive not found/);
    } finally {
      cleanup();
    }
  });
});
