/** Limits of the divergence guard (issue 7, spec 2.2: the official runs stop at |L| > 1e5 or 1e8). */
export interface GuardLimits {
  lossLimit: number;
  energyLimit: number;
}

/**
 * Why a step counts as diverged, or undefined when it is healthy: a non-finite loss, |L| above
 * `lossLimit` (the official JEM/JEM++ guard 1e8, SADA-JEM 1e5; spec 2.2), or an energy explosion
 * (|E| of a batch mean above `energyLimit`, or not finite).
 */
export function divergenceReason(loss: number, maxEnergy: number, limits: GuardLimits): string | undefined {
  if (!Number.isFinite(loss)) return `the loss is ${loss}`;
  if (Math.abs(loss) > limits.lossLimit) return `|loss| = ${Math.abs(loss).toExponential(3)} exceeds ${limits.lossLimit}`;
  if (!Number.isFinite(maxEnergy)) return `an energy is ${maxEnergy}`;
  if (maxEnergy > limits.energyLimit) return `|energy| = ${maxEnergy.toExponential(3)} exceeds ${limits.energyLimit} (energy explosion)`;
  return undefined;
}
