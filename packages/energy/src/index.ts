/**
 * @ebjdat/energy: energies of any logits model (spec 1), the Table 1 energy-gap statistic
 * (spec 1.1) and the Fig. 2 energy histograms (spec 6.3).
 */
export { energy, jointEnergy, logPYGivenX, labelsTensor, computeEnergies } from "./energy";
export type { Labels, EnergyKind, ComputeEnergiesOptions } from "./energy";
export { energyGapStats, energyGap } from "./gap-stats";
export type { GapStats, GapStatsOptions, EnergyGapOptions } from "./gap-stats";
export { energyHistogram } from "./histogram";
export type { HistogramData, HistogramSet, HistogramSetInput, HistogramOptions } from "./histogram";
export { histogramSvg } from "./svg";
export { writeEnergyFigure } from "./figure";
export type { EnergyFigureFiles } from "./figure";
export type { HistogramSvgOptions } from "./svg";
