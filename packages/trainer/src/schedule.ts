/** Learning-rate schedule (spec 9.1): linear warm-up, then step decay at given epochs. */
export interface ScheduleConfig {
  /** Iterations of linear warm-up (lr = base·iter/warmup while iter ≤ warmup; the first update uses 0 as the official code). */
  warmupIters: number;
  /** Epochs (0-based starts) at which lr is multiplied by `decayRate`. */
  decayEpochs: number[];
  decayRate: number;
}

/**
 * The learning rate for iteration `iter` (0-based, counted over the whole run) in epoch
 * `epoch`: base·iter/warmup during warm-up, else base·rate^(number of decay epochs ≤ epoch).
 */
export function learningRate(base: number, schedule: ScheduleConfig, iter: number, epoch: number): number {
  if (schedule.warmupIters > 0 && iter <= schedule.warmupIters) return (base * iter) / schedule.warmupIters;
  const decays = schedule.decayEpochs.filter((e) => epoch >= e).length;
  return base * Math.pow(schedule.decayRate, decays);
}
