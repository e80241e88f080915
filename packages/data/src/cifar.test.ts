import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readCifarBinaryFile, parseCifarRecords } from "./cifar";
import { classCounts } from "./dataset";
import { DataError } from "./errors";
import { sharedPath, tempDir } from "@ebjdat/testing";

function pixel(images: Uint8Array, n: number, c: number, y: number, x: number): number {
  return images[((n * 32 + y) * 32 + x) * 3 + c]!;
}

describe("CIFAR-10 binary records (shared offline files)", () => {
  it("test.bin: labels, record 0 pixels, sums and class counts from the data README", () => {
    const ds = readCifarBinaryFile(sharedPath("data", "cifar10/test.bin"), { md5: "371f65da31ad652f5e24b3699a3e6515" });
    expect(ds.n).toBe(1000);
    expect([ds.height, ds.width, ds.channels]).toEqual([32, 32, 3]);
    expect(Array.from(ds.labels.subarray(0, 20))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1, 0, 9, 5, 7, 9, 8, 5, 7, 8, 6]);
    const row = (c: number) => Array.from({ length: 8 }, (_, x) => pixel(ds.images, 0, c, 0, x));
    expect(row(0)).toEqual([158, 159, 165, 166, 160, 156, 162, 159]);
    expect(row(1)).toEqual([112, 111, 116, 118, 112, 109, 115, 113]);
    expect(row(2)).toEqual([49, 47, 51, 53, 46, 41, 47, 45]);
    let s0 = 0;
    for (let i = 0; i < 3072; i++) s0 += ds.images[i]!;
    expect(s0).toBe(332962);
    let s = 0;
    for (const v of ds.images) s += v;
    expect(s).toBe(374560331);
    expect(classCounts(ds)).toEqual([103, 89, 100, 103, 90, 86, 112, 102, 106, 109]);
    expect(ds.classNames[3]).toBe("cat");
  });

  it("train-balanced.bin: record 0 is official training image 0 (a frog)", () => {
    const ds = readCifarBinaryFile(sharedPath("data", "cifar10/train-balanced.bin"), { expectedRecords: 5000 });
    expect(ds.labels[0]).toBe(6);
    const row = (c: number) => Array.from({ length: 8 }, (_, x) => pixel(ds.images, 0, c, 0, x));
    expect(row(0)).toEqual([59, 43, 50, 68, 98, 119, 139, 145]);
    expect(row(1)).toEqual([62, 46, 48, 54, 73, 91, 107, 110]);
    expect(row(2)).toEqual([63, 45, 43, 42, 52, 63, 75, 80]);
    expect(Array.from(ds.labels.subarray(0, 20))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3, 4, 7, 7, 2, 9, 9, 9, 3, 2, 6]);
    expect(classCounts(ds)).toEqual(new Array(10).fill(500));
  });
});

describe("CIFAR binary parsing: bad input", () => {
  it("a truncated file names the file and the record size", () => {
    const { dir, cleanup } = tempDir();
    try {
      const bytes = readFileSync(sharedPath("data", "cifar10/test.bin")).subarray(0, 3073 * 3 + 100);
      const f = join(dir, "cut.bin");
      writeFileSync(f, bytes);
      expect(() => readCifarBinaryFile(f)).toThrow(DataError);
      expect(() => readCifarBinaryFile(f)).toThrow(/cut\.bin.*not a whole number of 3073-byte CIFAR-10 records/);
      expect(() => readCifarBinaryFile(f, { expectedRecords: 1000 })).toThrow(/expected 1000 records/);
    } finally {
      cleanup();
    }
  });

  it("a wrong checksum is an error naming both digests", () => {
    const { dir, cleanup } = tempDir();
    try {
      const bytes = new Uint8Array(readFileSync(sharedPath("data", "cifar10/test.bin")));
      bytes[5000] ^= 1;
      const f = join(dir, "test.bin");
      writeFileSync(f, bytes);
      expect(() => readCifarBinaryFile(f, { md5: "371f65da31ad652f5e24b3699a3e6515" })).toThrow(/test\.bin: checksum mismatch: expected md5 371f65da31ad652f5e24b3699a3e6515, got [0-9a-f]{32}/);
    } finally {
      cleanup();
    }
  });

  it("missing file and out-of-range label", () => {
    expect(() => readCifarBinaryFile("/nonexistent/x.bin")).toThrow(/x\.bin: file not found/);
    const rec = new Uint8Array(3073);
    rec[0] = 10;
    expect(() => parseCifarRecords(rec, "cifar10", "fine", "bad.bin")).toThrow(/bad\.bin: record 0 has label 10/);
  });

  it("CIFAR-100 records: coarse and fine label modes", () => {
    const rec = new Uint8Array(3074 * 2);
    rec[0] = 19;
    rec[1] = 99;
    rec[2] = 7; // R(0,0) of record 0
    rec[3074] = 4;
    rec[3075] = 31;
    rec[3074 + 2 + 2048 + 33] = 200; // B(1,1) of record 1
    const fine = parseCifarRecords(rec, "cifar100", "fine");
    const coarse = parseCifarRecords(rec, "cifar100", "coarse");
    expect(Array.from(fine.labels)).toEqual([99, 31]);
    expect(Array.from(coarse.labels)).toEqual([19, 4]);
    expect(fine.images[0]).toBe(7);
    expect(pixel(fine.images, 1, 2, 1, 1)).toBe(200);
  });
});
