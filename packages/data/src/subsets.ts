import type { Rng } from "@ebjdat/runtime";
import { classCounts, subset, type Dataset } from "./dataset";
import { DataError } from "./errors";

/**
 * A class-balanced subset with `perClass` records of every class. Without `rng`: the first
 * `perClass` of each class in record order (how `cifar10-train-balanced` was made); with `rng`:
 * a uniform random choice per class. Records keep their original relative order.
 */
export function classBalancedSubset(ds: Dataset, perClass: number, rng?: Rng): Dataset {
  if (!Number.isInteger(perClass) || perClass < 1) throw new DataError(ds.name, `perClass must be a positive integer, got ${perClass}`);
  const counts = classCounts(ds);
  counts.forEach((c, k) => {
    if (c < perClass) throw new DataError(ds.name, `class ${k} (${ds.classNames[k]}) has ${c} records, fewer than perClass = ${perClass}`);
  });
  const byClass: number[][] = Array.from({ length: ds.numClasses }, () => []);
  for (let i = 0; i < ds.n; i++) byClass[ds.labels[i]!]!.push(i);
  const keep: number[] = [];
  for (const list of byClass) {
    if (rng) {
      const p = rng.permutation(list.length);
      for (let j = 0; j < perClass; j++) keep.push(list[p[j]!]!);
    } else keep.push(...list.slice(0, perClass));
  }
  keep.sort((a, b) => a - b);
  return subset(ds, keep, `${ds.name}[${perClass}/class]`);
}

/**
 * Splits `ds` into two datasets: the first holds `size` records (an integer count, or a fraction
 * in (0, 1) of n, rounded), the second the rest. Without `rng` the split is the first `size`
 * records; with `rng` a uniform random subset. Both keep the original order.
 */
export function split(ds: Dataset, size: number, rng?: Rng): [Dataset, Dataset] {
  const k = size > 0 && size < 1 ? Math.round(size * ds.n) : size;
  if (!Number.isInteger(k) || k < 0 || k > ds.n) throw new DataError(ds.name, `split size must be a count in [0, ${ds.n}] or a fraction in (0, 1), got ${size}`);
  const order = rng ? Array.from(rng.permutation(ds.n)) : Array.from({ length: ds.n }, (_, i) => i);
  const a = order.slice(0, k).sort((x, y) => x - y);
  const b = order.slice(k).sort((x, y) => x - y);
  return [subset(ds, a, `${ds.name}[split:0]`), subset(ds, b, `${ds.name}[split:1]`)];
}
