import { join } from "node:path";
import { writeFileAtomic } from "@ebjdat/runtime";
import { energyHistogram, type HistogramData, type HistogramOptions, type HistogramSetInput } from "./histogram";
import { histogramSvg, type HistogramSvgOptions } from "./svg";

/** Files written by {@link writeEnergyFigure}. */
export interface EnergyFigureFiles {
  svg: string;
  /** One little-endian float32 file of raw energies per set. */
  raw: Record<string, string>;
  hist: HistogramData;
}

/**
 * Writes the paper's Fig. 2 for one model into `dir` (spec 6.3): `<stem>.svg` (overlaid density
 * histograms, 100 pooled bins by default) and the raw energies of each set as little-endian
 * float32 `<stem>.<set>.f32`. Set names must be file-name safe ([A-Za-z0-9_-]).
 */
export function writeEnergyFigure(
  dir: string,
  sets: HistogramSetInput[],
  options: HistogramOptions & HistogramSvgOptions & { stem?: string } = {},
): EnergyFigureFiles {
  const stem = options.stem ?? "energy_hist";
  for (const s of sets) {
    if (!/^[A-Za-z0-9_-]+$/.test(s.name)) throw new Error(`writeEnergyFigure: set name "${s.name}" must match [A-Za-z0-9_-]+`);
  }
  const hist = energyHistogram(sets, options);
  const svg = join(dir, `${stem}.svg`);
  writeFileAtomic(svg, histogramSvg(hist, options));
  const raw: Record<string, string> = {};
  for (const s of sets) {
    const f = Float32Array.from(s.values as ArrayLike<number>);
    const bytes = new Uint8Array(f.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < f.length; i++) view.setFloat32(i * 4, f[i]!, true);
    raw[s.name] = join(dir, `${stem}.${s.name}.f32`);
    writeFileAtomic(raw[s.name]!, bytes);
  }
  return { svg, raw, hist };
}
