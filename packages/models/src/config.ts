/** Normalisation layers of the WRN: `batch` (BatchNorm2d) or `none` (identity, JEM). */
export type NormKind = "none" | "batch";

/**
 * Architecture of a JEM-layout WideResNet-d-k (spec 2.1). `depth = 6n + 4`, channels
 * `[16, 16k, 32k, 64k]`.
 */
export interface WideResNetConfig {
  /** Depth d = 6n + 4 (n blocks per stage), e.g. 10, 16, 28. */
  depth: number;
  /** Widen factor k (>= 1). */
  width: number;
  /** Number of classes of the `class_output` head. */
  numClasses: number;
  /** `batch` for BatchNorm2d with PyTorch semantics, `none` for identity. */
  norm: NormKind;
  /** LeakyReLU negative slope (official 0.2). */
  leak?: number;
  /** BatchNorm momentum in the PyTorch convention: running = (1-m) running + m batch (official 0.9). */
  bnMomentum?: number;
  /** BatchNorm epsilon (official 1e-5). */
  bnEps?: number;
}

/** A config with every optional field filled in. */
export type ResolvedWideResNetConfig = Required<WideResNetConfig>;

/** Official defaults of the JEM family (spec 0.2, 2.1). */
export const WRN_DEFAULTS = { leak: 0.2, bnMomentum: 0.9, bnEps: 1e-5 } as const;

/**
 * Validates a config and fills the defaults (leak 0.2, bnMomentum 0.9, bnEps 1e-5).
 * Throws an error naming the field and what was expected.
 */
export function resolveConfig(config: WideResNetConfig): ResolvedWideResNetConfig {
  const c = { ...WRN_DEFAULTS, ...config } as ResolvedWideResNetConfig;
  const problems: string[] = [];
  const isPosInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v) && v > 0;
  if (!isPosInt(c.depth) || (c.depth - 4) % 6 !== 0 || c.depth < 10) {
    problems.push(`depth ${String(c.depth)} (expected 6n+4 with n >= 1: 10, 16, 22, 28, ...)`);
  }
  if (!isPosInt(c.width)) problems.push(`width ${String(c.width)} (expected a positive integer)`);
  if (!isPosInt(c.numClasses)) problems.push(`numClasses ${String(c.numClasses)} (expected a positive integer)`);
  if (c.norm !== "none" && c.norm !== "batch") problems.push(`norm '${String(c.norm)}' (expected 'none' or 'batch')`);
  if (typeof c.leak !== "number" || !Number.isFinite(c.leak) || c.leak < 0) problems.push(`leak ${String(c.leak)} (expected a number >= 0)`);
  if (typeof c.bnMomentum !== "number" || !(c.bnMomentum >= 0 && c.bnMomentum <= 1)) {
    problems.push(`bnMomentum ${String(c.bnMomentum)} (expected a number in [0, 1], PyTorch convention)`);
  }
  if (typeof c.bnEps !== "number" || !(c.bnEps > 0)) problems.push(`bnEps ${String(c.bnEps)} (expected a number > 0)`);
  if (problems.length > 0) throw new Error(`Invalid WideResNet config: ${problems.join("; ")}.`);
  return { depth: c.depth, width: c.width, numClasses: c.numClasses, norm: c.norm, leak: c.leak, bnMomentum: c.bnMomentum, bnEps: c.bnEps };
}

/** Blocks per stage n = (depth - 4) / 6. */
export function blocksPerStage(depth: number): number {
  return (depth - 4) / 6;
}

/** Stage widths `[16, 16k, 32k, 64k]` (spec 2.1). */
export function stageWidths(width: number): [number, number, number, number] {
  return [16, 16 * width, 32 * width, 64 * width];
}
