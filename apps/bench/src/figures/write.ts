import { extname } from "node:path";
import { writeFileAtomic } from "@ebjdat/runtime";
import { plotToPng, plotToSvg, type Plot, type PngOptions } from "./plots";

/** Paths {@link writeFigure} wrote. */
export interface FigurePaths {
  png: string;
  svg: string;
}

/**
 * Writes a plot as `<pathWithoutExt>.png` and `<pathWithoutExt>.svg` (same layout), each to a
 * temporary name then renamed (parent folders are created). Both are rendered before either is
 * written, so a rendering error leaves no file.
 */
export function writeFigure(pathWithoutExt: string, plot: Plot, options: PngOptions = {}): FigurePaths {
  if (typeof pathWithoutExt !== "string" || pathWithoutExt.length === 0) throw new Error("writeFigure: pathWithoutExt must be a non-empty path");
  const ext = extname(pathWithoutExt).toLowerCase();
  if (ext === ".png" || ext === ".svg") throw new Error(`writeFigure: pass the path without extension (both .png and .svg are written), got ${pathWithoutExt}`);
  const png = plotToPng(plot, options);
  const svg = plotToSvg(plot);
  const paths = { png: `${pathWithoutExt}.png`, svg: `${pathWithoutExt}.svg` };
  writeFileAtomic(paths.png, png);
  writeFileAtomic(paths.svg, svg);
  return paths;
}
