/**
 * Stable ascending argsort of float64 values by LSD radix sort on their bit patterns: the result
 * equals sorting the indices with `(i, j) => p[i] - p[j] || i - j` (ties in index order; -0 and
 * +0 tie), which FAB's `projection_linf` uses to order the distances to the box faces (spec 7.4),
 * in O(8·(n + 256)) instead of a comparison sort calling back into JS. NaN is not supported.
 * Reuses the caller's buffers: `order` receives the indices, `scratch` has the same length.
 */
export function argsortAscending(p: Float64Array, order: Int32Array, scratch: Int32Array): void {
  const n = p.length;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  for (let i = 0; i < n; i++) {
    bits[0] = p[i]! + 0; // -0 -> +0, so that both tie as in the comparison sort
    const h = words[1]!;
    const l = words[0]!;
    // order-preserving map of IEEE-754 doubles to unsigned integers
    if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
    order[i] = i;
  }
  const count = new Int32Array(256);
  let src = order;
  let dst = scratch;
  for (let pass = 0; pass < 8; pass++) {
    const key = pass < 4 ? lo : hi;
    const shift = (pass % 4) * 8;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i]! >>> shift) & 255]!++;
    if (count[(key[0]! >>> shift) & 255] === n) continue; // every key has this digit: the pass keeps the order
    let sum = 0;
    for (let b = 0; b < 256; b++) {
      const c = count[b]!;
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const idx = src[i]!;
      dst[count[(key[idx]! >>> shift) & 255]!++] = idx;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== order) order.set(src);
}
