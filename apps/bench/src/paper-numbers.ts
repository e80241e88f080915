/**
 * The paper's numbers (spec Appendix A). All CIFAR-10 with WRN-28-10 unless stated; robustness
 * under the authors' protocol (spec 7.9: ε = 8/255 in [-1, 1] space, i.e. 4/255 on [0, 1]),
 * FID/IS under their evaluation (spec 8.4: uint8 wrap-around, not standard FID).
 */

/** Table 1: energy-gap mean / variance and PGD accuracy (%) per model. */
export const PAPER_TABLE1: Readonly<Record<string, { mean: number; variance: number; pgd: number }>> = {
  standard: { mean: 10.18, variance: 3.27, pgd: 0.06 },
  "pgd-at": { mean: 1.46, variance: 0.83, pgd: 55.08 },
  trades: { mean: 1.01, variance: 0.45, pgd: 56.1 },
  jem: { mean: 5.93, variance: 7.3, pgd: 7.28 },
  sadajem: { mean: 2.66, variance: 3.83, pgd: 43.64 },
  ebjdat: { mean: 0.89, variance: 0.31, pgd: 66.12 },
};

/** Table 2: clean / PGD-20 / AA (%) on CIFAR-10 and CIFAR-100 (the rows this project can train). */
export const PAPER_TABLE2: Readonly<Record<string, { c10: [number, number, number]; c100: [number, number, number] }>> = {
  standard: { c10: [96.1, 0.06, 0], c100: [80.73, 0, 0] },
  mart: { c10: [82.99, 55.48, 50.67], c100: [54.69, 31.9, 27.25] },
  "ebjdat-jempp": { c10: [90.37, 64.88, 64.61], c100: [68.09, 37.14, 35.21] },
  "ebjdat-sadajem": { c10: [90.39, 68.76, 66.3], c100: [68.35, 38.38, 35.63] },
};

/** Table 2 rows quoted from other papers (not trainable here; shown for context). */
export const PAPER_TABLE2_QUOTED: readonly { method: string; c10: [number, number, number]; c100: [number, number, number] }[] = [
  { method: "AWP", c10: [82.67, 57.21, 51.9], c100: [57.94, 33.75, 28.9] },
  { method: "LBGAT", c10: [86.22, 52.66, 50.23], c100: [58.64, 32.75, 28.33] },
  { method: "LAS-AWP", c10: [87.74, 60.16, 55.52], c100: [64.89, 36.36, 30.77] },
  { method: "UIAT", c10: [82.94, 58.12, 52.17], c100: [57.65, 33.91, 29.03] },
  { method: "SGLR", c10: [85.72, 56.1, 53.4], c100: [61.02, 32.98, 28.5] },
  { method: "TDAT", c10: [82.25, 56.03, 54.06], c100: [57.32, 33.17, 26.61] },
  { method: "AGR-TRADES", c10: [86.5, 52.56, 52.56], c100: [58.17, 28.34, 25.84] },
  { method: "DHAT-CFA", c10: [84.49, 62.38, 54.05], c100: [61.54, 37.15, 30.93] },
];

/** Table 3: EB-JDAT training cost (RTX 3090 GPU hours, 100 epochs) and the generated-data AT baselines. */
export const PAPER_TABLE3 = {
  ebjdat: { "ebjdat-jempp": { hours: 31.66, epochs: 100 }, "ebjdat-sadajem": { hours: 66.64, epochs: 100 } },
  quoted: [
    { method: "SCORE (1M generated)", epochs: 400, hours: 1438, c10: [88.1, 61.51] },
    { method: "[12] (100M generated)", epochs: 2000, hours: 719460, c10: [87.5, 63.38] },
    { method: "Better DM (1M generated)", epochs: 400, hours: 1438, c10: [91.12, 63.35] },
  ],
} as const;

/** Table 4: ImageNet subset (first 100 classes, downsampled): acc / PGD / AA (%). */
export const PAPER_TABLE4: Readonly<Record<string, [number, number, number]>> = {
  mart: [49.3, 21.84, 17.4],
  "LAS-AT": [50.66, 27.34, 21.78],
  WEAT: [61.9, 30.27, 24.52],
  "ebjdat-jempp": [63.02, 34.5, 32.4],
};

/** Table 5: acc / AA (%) / FID / IS of the JEMs and EB-JDAT (FID/IS under spec 8.4). */
export const PAPER_TABLE5: Readonly<Record<string, { acc: number; aa: number; fid: number; is: number }>> = {
  jem: { acc: 92.9, aa: 4.28, fid: 38.4, is: 8.76 },
  jempp: { acc: 93.73, aa: 41.06, fid: 37.12, is: 8.29 },
  sadajem: { acc: 96.03, aa: 29.63, fid: 17.38, is: 8.07 },
  "ebjdat-jempp": { acc: 90.37, aa: 64.61, fid: 39.67, is: 7.66 },
  "ebjdat-sadajem": { acc: 90.39, aa: 66.3, fid: 27.42, is: 8.05 },
};

/** Table 6: weight ablation on EB-JDAT-JEM++: (w1, w2, w3) and clean / AA / FID. */
export const PAPER_TABLE6: Readonly<Record<1 | 2 | 3 | 4, { w: [number, number, number]; clean: number; aa: number; fid: number }>> = {
  1: { w: [0, 0, 1], clean: 88.95, aa: 62.96, fid: 173.53 },
  2: { w: [0, 1, 1], clean: 89.84, aa: 64.69, fid: 42.57 },
  3: { w: [1, 0.5, 1], clean: 90.39, aa: 64.09, fid: 40.12 },
  4: { w: [1, 1, 1], clean: 90.37, aa: 64.61, fid: 39.67 },
};
