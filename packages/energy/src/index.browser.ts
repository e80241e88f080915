/**
 * @ebjdat/energy in a browser (package.json `exports["."].browser`): everything but
 * `writeEnergyFigure` (it writes files; `histogramSvg` gives the same figure as a string). See
 * DEVELOPING.md, "Browser builds".
 */
export { energy, jointEnergy, logPYGivenX, labelsTensor, computeEnergies } from "./energy";
export type { Labels, EnergyKind, ComputeEnergiesOptions } from "./energy";
export { energyGapStats, energyGap } from "./gap-stats";
export type { GapStats, GapStatsOptions, EnergyGapOptions } from "./gap-stats";
export { energyHistogram } from "./histogram";
export type { HistogramData, HistogramSet, HistogramSetInput, HistogramOptions } from "./histogram";
export { histogramSvg } from "./svg";
export type { HistogramSvgOptions } from "./svg";
