import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { checkDataset, type Dataset } from "./dataset";
import { DataError } from "./errors";
import { decodeImage, resizeArea } from "./image";
import { readTarFile } from "./tar";

/** Default image extensions of an ImageFolder (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = [".png", ".jpg", ".jpeg"];

export interface ImageFolderOptions {
  name?: string;
  spec?: string;
  /**
   * Output size. When set, every image is area-resized (see `resizeArea`) to `size x size`
   * (or `[height, width]`); when unset, all images must share the first image's size.
   */
  size?: number | [number, number];
  /** Extensions to load (default `.png .jpg .jpeg`, case-insensitive); other files are ignored. */
  extensions?: readonly string[];
  /** Keep only the first `maxClasses` classes in sorted order. */
  maxClasses?: number;
  /** Inside a tar: the folder holding the class folders (default: detected). */
  root?: string;
}

/** Sorting by UTF-16 code units, like Python's `sorted` on ASCII names (torchvision's order). */
export function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One labelled image file found in a folder or an archive. */
export interface ImageItem {
  /** Display path (file path, or `archive.tar:member`). */
  file: string;
  /** Relative path `class/file` (stored in `Dataset.files`). */
  rel: string;
  label: number;
  read: () => Uint8Array;
}

/**
 * Decodes `items` into one NHWC uint8 dataset. All images must have the size of the first
 * one unless `size` asks for a resize. Errors name the offending file.
 */
export function decodeItems(items: ImageItem[], classNames: string[], meta: { name: string; spec: string; source: string; size?: number | [number, number] }): Dataset {
  if (items.length === 0) throw new DataError(meta.source, "no images found (expected PNG or JPEG files in class folders)");
  let oh = 0;
  let ow = 0;
  if (meta.size !== undefined) [oh, ow] = typeof meta.size === "number" ? [meta.size, meta.size] : meta.size;
  let images: Uint8Array | undefined;
  const labels = new Int32Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const img = decodeImage(it.read(), it.file);
    if (i === 0 && meta.size === undefined) {
      oh = img.height;
      ow = img.width;
    }
    if (!images) images = new Uint8Array(items.length * oh * ow * 3);
    let px = img.data;
    if (img.height !== oh || img.width !== ow) {
      if (meta.size === undefined) throw new DataError(it.file, `image is ${img.width}x${img.height}, expected ${ow}x${oh} like ${items[0]!.file} (pass a size to resize)`);
      px = resizeArea(img.data, img.width, img.height, 3, ow, oh);
    }
    images.set(px, i * oh * ow * 3);
    labels[i] = it.label;
  }
  return checkDataset({
    name: meta.name,
    spec: meta.spec,
    images: images!,
    labels,
    n: items.length,
    height: oh,
    width: ow,
    channels: 3,
    numClasses: classNames.length,
    classNames,
    source: meta.source,
    files: items.map((it) => it.rel),
  });
}

function hasExt(name: string, exts: readonly string[]): boolean {
  const e = extname(name).toLowerCase();
  return exts.includes(e);
}

/** Lists the labelled image files of an ImageFolder directory: `<dir>/<class>/<file>`. */
export function listImageFolder(dir: string, opts: ImageFolderOptions = {}): { items: ImageItem[]; classNames: string[] } {
  if (!existsSync(dir)) throw new DataError(dir, "folder not found (expected an ImageFolder: one sub-folder of images per class)");
  if (!statSync(dir).isDirectory()) throw new DataError(dir, "not a folder (expected an ImageFolder directory or a .tar)");
  const exts = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
  let classes = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort(codePointCompare);
  if (classes.length === 0) throw new DataError(dir, "no class folders (expected <dir>/<class>/<image>.png|jpg)");
  if (opts.maxClasses !== undefined) classes = classes.slice(0, opts.maxClasses);
  const items: ImageItem[] = [];
  classes.forEach((c, label) => {
    const cdir = join(dir, c);
    const files = readdirSync(cdir, { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.startsWith(".") && hasExt(f.name, exts))
      .map((f) => f.name)
      .sort(codePointCompare);
    if (files.length === 0) throw new DataError(cdir, `empty class folder: no images with extensions ${exts.join(" ")}`);
    for (const f of files) {
      const file = join(cdir, f);
      items.push({ file, rel: `${c}/${f}`, label, read: () => readFileSync(file) });
    }
  });
  return { items, classNames: classes };
}

/** Lists the labelled image files of an ImageFolder stored in a `.tar` (or `.tar.gz`). */
export function listImageFolderTar(path: string, opts: ImageFolderOptions = {}): { items: ImageItem[]; classNames: string[] } {
  if (!existsSync(path)) throw new DataError(path, "archive not found (expected a .tar of an ImageFolder)");
  const exts = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
  const entries = readTarFile(path);
  const rootPrefix = opts.root ? opts.root.replace(/^\.?\/+|\/+$/g, "") : undefined;
  const strip = (p: string): string[] | undefined => {
    const parts = p.split("/").filter((s) => s.length > 0);
    if (rootPrefix === undefined) return parts;
    const rp = rootPrefix.split("/");
    if (rp.some((s, i) => parts[i] !== s)) return undefined;
    return parts.slice(rp.length);
  };
  const files = entries
    .filter((e) => e.type === "file" && hasExt(e.path, exts) && !basename(e.path).startsWith("."))
    .map((e) => ({ e, parts: strip(e.path) }))
    .filter((f): f is { e: (typeof entries)[number]; parts: string[] } => f.parts !== undefined);
  if (files.length === 0) throw new DataError(path, `no images in the archive${rootPrefix ? ` under ${rootPrefix}/` : ""} (expected <class>/<image>.png|jpg members)`);
  const depth = files[0]!.parts.length;
  if (depth < 2) throw new DataError(`${path}:${files[0]!.e.path}`, "image outside any class folder (expected <class>/<image>)");
  const prefix = files[0]!.parts.slice(0, depth - 2).join("/");
  for (const f of files) {
    if (f.parts.length !== depth || f.parts.slice(0, depth - 2).join("/") !== prefix) {
      throw new DataError(`${path}:${f.e.path}`, `member not at <root>/<class>/<image> like ${files[0]!.e.path} (pass root to choose the ImageFolder inside the archive)`);
    }
  }
  const byClass = new Map<string, { name: string; member: string; data: Uint8Array }[]>();
  for (const e of entries) {
    if (e.type !== "directory") continue;
    const parts = strip(e.path);
    if (parts && parts.length === depth - 1 && parts.slice(0, depth - 2).join("/") === prefix && !parts[depth - 2]!.startsWith(".")) byClass.set(parts[depth - 2]!, []);
  }
  for (const f of files) {
    const c = f.parts[depth - 2]!;
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push({ name: f.parts[depth - 1]!, member: f.e.path, data: f.e.data });
  }
  let classes = [...byClass.keys()].sort(codePointCompare);
  if (opts.maxClasses !== undefined) classes = classes.slice(0, opts.maxClasses);
  const items: ImageItem[] = [];
  classes.forEach((c, label) => {
    const list = byClass.get(c)!.sort((a, b) => codePointCompare(a.name, b.name));
    if (list.length === 0) throw new DataError(`${path}:${prefix ? prefix + "/" : ""}${c}/`, `empty class folder: no images with extensions ${exts.join(" ")}`);
    for (const m of list) items.push({ file: `${path}:${m.member}`, rel: `${c}/${m.name}`, label, read: () => m.data });
  });
  return { items, classNames: classes };
}

/**
 * Loads an ImageFolder dataset (torchvision layout: one folder per class, classes and files in
 * sorted order, label = index of the class folder) from a directory or straight from a
 * `.tar`/`.tar.gz`. PNG and JPEG are decoded to RGB uint8 NHWC.
 */
export function loadImageFolder(path: string, opts: ImageFolderOptions = {}): Dataset {
  const isArchive = /\.(tar|tar\.gz|tgz)$/i.test(path);
  const { items, classNames } = isArchive ? listImageFolderTar(path, opts) : listImageFolder(path, opts);
  const name = opts.name ?? basename(path).replace(/\.(tar|tar\.gz|tgz)$/i, "");
  return decodeItems(items, classNames, { name, spec: opts.spec ?? `imagefolder:${path}`, source: path, ...(opts.size !== undefined ? { size: opts.size } : {}) });
}
