import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "./dataset";
import { DataError } from "./errors";
import { codePointCompare, decodeItems, type ImageItem } from "./imagefolder";

export interface TinyImageNetOptions {
  /** `train` (train/<wnid>/images/*.JPEG) or `val` (val/images + val_annotations.txt). */
  split?: "train" | "val";
  /** Keep the first `numClasses` wnids in sorted order (e.g. 100); default all (200). */
  numClasses?: number;
  /** Output side length; images are area-resized (64 -> 32 is the mean of each 2x2 block). Default 32. */
  size?: number;
  name?: string;
  spec?: string;
}

/** Finds the folder that holds `train/` (the given one or a `tiny-imagenet-200/` inside it). */
export function tinyImageNetRoot(path: string): string {
  if (!existsSync(path)) throw new DataError(path, "folder not found (expected the extracted tiny-imagenet-200 folder with train/ and val/)");
  if (existsSync(join(path, "train"))) return path;
  const inner = join(path, "tiny-imagenet-200");
  if (existsSync(join(inner, "train"))) return inner;
  throw new DataError(path, "no train/ folder (expected the Tiny-ImageNet layout: train/<wnid>/images/*.JPEG, val/images/*.JPEG, val/val_annotations.txt)");
}

function readWords(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const f = join(root, "words.txt");
  if (!existsSync(f)) return out;
  for (const line of readFileSync(f, "utf8").split(/\r?\n/)) {
    const tab = line.indexOf("\t");
    if (tab > 0) out.set(line.slice(0, tab).trim(), line.slice(tab + 1).split(",")[0]!.trim());
  }
  return out;
}

/**
 * Loads Tiny-ImageNet (64x64 JPEG, 200 classes) in its distributed layout, optionally limited
 * to the first `numClasses` wnids (sorted, as torchvision's ImageFolder orders them) and
 * area-resized to `size` (default 32). Class names come from `words.txt` (first synonym) when
 * present, else the wnid. Files are taken in sorted order.
 */
export function loadTinyImageNet(path: string, opts: TinyImageNetOptions = {}): Dataset {
  const root = tinyImageNetRoot(path);
  const split = opts.split ?? "train";
  const trainDir = join(root, "train");
  let wnids = readdirSync(trainDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort(codePointCompare);
  if (wnids.length === 0) throw new DataError(trainDir, "no class folders (expected train/<wnid>/images/*.JPEG)");
  if (opts.numClasses !== undefined) {
    if (opts.numClasses > wnids.length) throw new DataError(trainDir, `asked for ${opts.numClasses} classes, found only ${wnids.length}`);
    wnids = wnids.slice(0, opts.numClasses);
  }
  const labelOf = new Map(wnids.map((w, i) => [w, i] as const));
  const items: ImageItem[] = [];
  const isImage = (f: string) => /\.(jpe?g|png)$/i.test(f) && !f.startsWith(".");
  if (split === "train") {
    for (const w of wnids) {
      const dir = existsSync(join(trainDir, w, "images")) ? join(trainDir, w, "images") : join(trainDir, w);
      const files = readdirSync(dir).filter(isImage).sort(codePointCompare);
      if (files.length === 0) throw new DataError(dir, "empty class folder: no JPEG images");
      for (const f of files) {
        const file = join(dir, f);
        items.push({ file, rel: `train/${w}/${f}`, label: labelOf.get(w)!, read: () => readFileSync(file) });
      }
    }
  } else {
    const ann = join(root, "val", "val_annotations.txt");
    if (!existsSync(ann)) throw new DataError(ann, "missing file (expected val/val_annotations.txt: <file>\\t<wnid>\\t<bbox> per line)");
    const rows: [string, string][] = [];
    readFileSync(ann, "utf8")
      .split(/\r?\n/)
      .forEach((line, i) => {
        if (line.trim() === "") return;
        const parts = line.split("\t");
        if (parts.length < 2) throw new DataError(ann, `line ${i + 1}: expected <file>\\t<wnid>, got "${line}"`);
        rows.push([parts[0]!.trim(), parts[1]!.trim()]);
      });
    rows.sort((a, b) => codePointCompare(a[0], b[0]));
    const imgDir = join(root, "val", "images");
    for (const [f, w] of rows) {
      const label = labelOf.get(w);
      if (label === undefined) continue;
      const file = join(imgDir, f);
      if (!existsSync(file)) throw new DataError(file, `missing image listed in ${ann}`);
      items.push({ file, rel: `val/${f}`, label, read: () => readFileSync(file) });
    }
    if (items.length === 0) throw new DataError(ann, "no validation images for the selected classes");
  }
  const words = readWords(root);
  const classNames = wnids.map((w) => words.get(w) ?? w);
  const size = opts.size ?? 32;
  const k = wnids.length;
  const name = opts.name ?? `tiny-imagenet-${k}${split === "val" ? "-val" : ""}`;
  if (!statSync(root).isDirectory()) throw new DataError(root, "not a folder");
  return decodeItems(items, classNames, { name, spec: opts.spec ?? `${name}:${path}`, source: root, size });
}
