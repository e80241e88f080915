import { extname } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "@ebjdat/runtime";
import type { TopLevelSpec } from "vega-lite";
import { renderFigure, type RenderedFigure, type RenderOptions } from "./render";

/** Paths {@link writeFigure} wrote. */
export interface FigurePaths {
  /** The Vega-Lite spec (`.vl.json`), openable in any Vega editor. */
  vegaLite: string;
  svg: string;
  png: string;
}

/**
 * Writes a figure as `<pathWithoutExt>.vl.json` (its Vega-Lite spec), `.svg` and `.png` side by
 * side. All three are rendered before any is written, and each is written to a temporary name and
 * renamed (parent folders are created), so a failing spec leaves no file and no file is ever
 * half-written.
 */
export async function writeFigure(pathWithoutExt: string, spec: TopLevelSpec, options: RenderOptions = {}): Promise<FigurePaths & { figure: RenderedFigure }> {
  if (typeof pathWithoutExt !== "string" || pathWithoutExt.length === 0) throw new Error("writeFigure: pathWithoutExt must be a non-empty path");
  const ext = extname(pathWithoutExt).toLowerCase();
  if ([".png", ".svg", ".json"].includes(ext)) throw new Error(`writeFigure: pass the path without extension (.vl.json, .svg and .png are written), got ${pathWithoutExt}`);
  const figure = await renderFigure(spec, options);
  const paths: FigurePaths = { vegaLite: `${pathWithoutExt}.vl.json`, svg: `${pathWithoutExt}.svg`, png: `${pathWithoutExt}.png` };
  writeJsonAtomic(paths.vegaLite, spec);
  writeFileAtomic(paths.svg, figure.svg);
  writeFileAtomic(paths.png, figure.png);
  return { ...paths, figure };
}
