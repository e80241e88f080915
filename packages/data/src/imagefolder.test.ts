import { describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadImageFolder } from "./imagefolder";
import { readCifarBinaryFile } from "./cifar";
import { classCounts, imageSize } from "./dataset";
import { encodeJpeg, encodePng, resizeArea, decodeImage } from "./image";
import { md5Hex } from "./md5";
import { readTarFile, writeTar } from "./tar";
import { loadTinyImageNet } from "./tinyimagenet";
import { sharedPath, tempDir } from "@ebjdat/testing";
import { loadDataset } from "./specs";

function solid(w: number, h: number, f: (x: number, y: number, c: number) => number): Uint8Array {
  const d = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) d[(y * w + x) * 3 + c] = f(x, y, c);
  return d;
}

describe("ImageFolder: the shared cifar10-mini tree and tar", () => {
  it("the tree's files match the README md5 of their sorted concatenation", () => {
    const root = sharedPath("data", "imagefolder/cifar10-mini");
    const parts: Buffer[] = [];
    for (const c of readdirSync(root).sort()) for (const f of readdirSync(join(root, c)).sort()) parts.push(readFileSync(join(root, c, f)));
    expect(parts.length).toBe(120);
    expect(md5Hex(Buffer.concat(parts))).toBe("d01cfd324d833abf11cf5d0a16c25767");
    expect(md5Hex(readFileSync(sharedPath("data", "imagefolder/cifar10-mini.tar")))).toBe("aeda78ee4f9444c6184cc53218bf64b2");
    expect(readTarFile(sharedPath("data", "imagefolder/cifar10-mini.tar")).length).toBe(131);
  });

  it("PNG tree == tar == train-balanced records with the same official index", () => {
    const tree = loadImageFolder(sharedPath("data", "imagefolder/cifar10-mini"));
    const tar = loadImageFolder(sharedPath("data", "imagefolder/cifar10-mini.tar"));
    const bal = readCifarBinaryFile(sharedPath("data", "cifar10/train-balanced.bin"));
    expect(tree.n).toBe(120);
    expect(tree.classNames).toEqual(bal.classNames);
    expect(classCounts(tree)).toEqual(new Array(10).fill(12));
    expect(tar.files).toEqual(tree.files);
    expect(Array.from(tar.labels)).toEqual(Array.from(tree.labels));
    expect(Buffer.compare(tar.images, tree.images)).toBe(0);
    expect(tree.files![0]).toBe("airplane/00029.png");
    const size = imageSize(tree);
    for (let i = 0; i < tree.n; i++) {
      const idx = parseInt(tree.files![i]!.split("/")[1]!, 10);
      expect(bal.labels[idx]).toBe(tree.labels[i]);
      expect(Buffer.compare(tree.images.subarray(i * size, (i + 1) * size), bal.images.subarray(idx * size, (idx + 1) * size))).toBe(0);
    }
  });
});

describe("ImageFolder: bad input", () => {
  it("empty class folder, undecodable image, size mismatch, missing folder", () => {
    const { dir, cleanup } = tempDir();
    try {
      const png = encodePng({ width: 4, height: 4, data: solid(4, 4, () => 9) });
      mkdirSync(join(dir, "a"));
      mkdirSync(join(dir, "b"));
      writeFileSync(join(dir, "a", "0.png"), png);
      expect(() => loadImageFolder(dir)).toThrow(/[/\\]b: empty class folder/);
      writeFileSync(join(dir, "b", "0.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5]));
      expect(() => loadImageFolder(dir)).toThrow(/b[/\\]0\.png: cannot decode image/);
      writeFileSync(join(dir, "b", "0.png"), encodePng({ width: 8, height: 8, data: solid(8, 8, () => 1) }));
      expect(() => loadImageFolder(dir)).toThrow(/b[/\\]0\.png: image is 8x8, expected 4x4/);
      const ds = loadImageFolder(dir, { size: 4 });
      expect(ds.n).toBe(2);
      expect(loadImageFolder(dir, { maxClasses: 1 }).n).toBe(1);
      expect(() => loadImageFolder(join(dir, "nope"))).toThrow(/nope: folder not found/);
      const tarPath = join(dir, "x.tar");
      writeFileSync(tarPath, writeTar([{ path: "r", directory: true }, { path: "r/a", directory: true }, { path: "r/a/0.png", data: png }, { path: "r/b", directory: true }]));
      expect(() => loadImageFolder(tarPath)).toThrow(/x\.tar:r\/b\/: empty class folder/);
      const good = writeTar([{ path: "r/a/0.png", data: png }, { path: "r/b/1.png", data: png }]);
      writeFileSync(tarPath, good.subarray(0, 700));
      expect(() => loadImageFolder(tarPath)).toThrow(/x\.tar: truncated tar archive/);
    } finally {
      cleanup();
    }
  });
});

describe("image decoding and area resize", () => {
  it("PNG round-trips exactly; JPEG is close; area resize 2x is the 2x2 block mean (half up)", () => {
    const data = solid(8, 6, (x, y, c) => (x * 31 + y * 17 + c * 50) & 255);
    const png = decodeImage(encodePng({ width: 8, height: 6, data }), "x.png");
    expect([png.width, png.height]).toEqual([8, 6]);
    expect(png.data).toEqual(data);
    const jpg = decodeImage(encodeJpeg({ width: 8, height: 6, data: solid(8, 6, () => 120) }, 95), "x.jpg");
    expect(Math.max(...Array.from(jpg.data, (v) => Math.abs(v - 120)))).toBeLessThanOrEqual(2);
    const src = new Uint8Array([0, 1, 2, 4, 10, 10, 10, 11, 5, 5, 5, 5, 200, 201, 202, 203]); // 4x4 grey
    expect(Array.from(resizeArea(src, 4, 4, 1, 2, 2))).toEqual([5, 7, 103, 104]);
    expect(Array.from(resizeArea(new Uint8Array([1, 2, 5, 6]), 4, 1, 1, 2, 1))).toEqual([2, 6]); // 1.5 -> 2, 5.5 -> 6
    expect(Array.from(resizeArea(new Uint8Array([0, 3, 6]), 3, 1, 1, 2, 1))).toEqual([1, 5]); // (0+1.5)/1.5, (1.5+6)/1.5
  });
});

describe("Tiny-ImageNet layout", () => {
  it("train/val with class limit and 64 -> 32 area resize, also through the spec and cache", async () => {
    const { dir, cleanup } = tempDir();
    try {
      const root = join(dir, "tiny-imagenet-200");
      const wnids = ["n02", "n01", "n03"];
      const words: string[] = [];
      const ann: string[] = [];
      wnids.forEach((w, k) => {
        mkdirSync(join(root, "train", w, "images"), { recursive: true });
        words.push(`${w}\tthing${w}, other`);
        for (let i = 0; i < 2; i++) {
          const v = 40 * k + 10 * i;
          const img = solid(64, 64, (x, y) => ((x >> 1) + (y >> 1)) % 2 === 0 ? v : v + 2);
          writeFileSync(join(root, "train", w, "images", `${w}_${i}.JPEG`), encodePng({ width: 64, height: 64, data: img }));
        }
      });
      mkdirSync(join(root, "val", "images"), { recursive: true });
      for (let i = 0; i < 3; i++) {
        writeFileSync(join(root, "val", "images", `val_${i}.JPEG`), encodeJpeg({ width: 64, height: 64, data: solid(64, 64, () => 100) }));
        ann.push(`val_${i}.JPEG\t${wnids[i]}\t0\t0\t10\t10`);
      }
      writeFileSync(join(root, "words.txt"), words.join("\n"));
      writeFileSync(join(root, "val", "val_annotations.txt"), ann.join("\n"));
      const tr = loadTinyImageNet(dir, { numClasses: 2 });
      expect(tr.name).toBe("tiny-imagenet-2");
      expect([tr.n, tr.height, tr.width, tr.channels]).toEqual([4, 32, 32, 3]);
      expect(tr.classNames).toEqual(["thingn01", "thingn02"]);
      expect(Array.from(tr.labels)).toEqual([0, 0, 1, 1]);
      // n01 is wnid index 1 -> v = 40 (+10 for image 1); each 2x2 block is constant
      expect(tr.images[0]).toBe(40);
      expect(tr.images[3]).toBe(42);
      expect(tr.images[3 * 32 * 32 + 0]).toBe(50);
      const va = loadTinyImageNet(root, { split: "val", numClasses: 2 });
      expect(va.n).toBe(2);
      expect(Array.from(va.labels)).toEqual([1, 0]);
      expect(Math.abs(va.images[0]! - 100)).toBeLessThanOrEqual(2);
      expect(() => loadTinyImageNet(root, { numClasses: 5 })).toThrow(/asked for 5 classes, found only 3/);
      expect(() => loadTinyImageNet(join(dir, "none"))).toThrow(/none: folder not found/);
      const cacheDir = join(dir, "cache");
      const s1 = await loadDataset(`tiny-imagenet-2:${dir}`, { cacheDir });
      const s2 = await loadDataset(`tiny-imagenet-2:${dir}`, { cacheDir });
      expect([s1.cache?.hit, s2.cache?.hit]).toEqual([false, true]);
      expect(Buffer.compare(s2.images, tr.images)).toBe(0);
      expect(s2.classNames).toEqual(tr.classNames);
      const sv = await loadDataset(`tiny-imagenet-2-val:${root}`, { cacheDir });
      expect(Array.from(sv.labels)).toEqual([1, 0]);
      await expect(loadDataset("tiny-imagenet-100", { dataDir: join(dir, "elsewhere"), cacheDir })).rejects.toThrow(/tiny-imagenet-200: not found/);
    } finally {
      cleanup();
    }
  });
});
