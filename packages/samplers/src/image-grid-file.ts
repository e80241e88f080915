import { extname } from "node:path";
import { encodePng, type RgbImage } from "@ebjdat/data";
import { writeFileAtomic } from "@ebjdat/runtime";
import { imageGrid, type GridImages, type ImageGridOptions } from "./image-grid";

// Node only (PNG encoding of @ebjdat/data, files): the browser entry (index.browser.ts) leaves these out.

/** A standalone SVG embedding the grid as a PNG (pixelated scaling). */
export function gridSvg(img: RgbImage, scale = 1): string {
  const b64 = Buffer.from(encodePng(img)).toString("base64");
  const w = img.width * scale;
  const h = img.height * scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${img.width} ${img.height}">\n<image width="${img.width}" height="${img.height}" style="image-rendering:pixelated" href="data:image/png;base64,${b64}"/>\n</svg>\n`;
}

/**
 * Saves images (NHWC in [0, 1]) as a grid: `.png` (default) or `.svg` (PNG embedded) by the
 * path's extension, written atomically. For model-space samples pass (x + 1) / 2.
 */
export function saveImageGrid(images: GridImages, path: string, options: ImageGridOptions & { svgScale?: number } = {}): void {
  const ext = extname(path).toLowerCase();
  if (ext !== ".png" && ext !== ".svg") throw new Error(`saveImageGrid: path must end in .png or .svg, got ${path}`);
  const img = imageGrid(images, options);
  writeFileAtomic(path, ext === ".png" ? encodePng(img) : gridSvg(img, options.svgScale ?? 1));
}
