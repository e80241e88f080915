/** Colours of the figures: `#rrggbb` strings and the fixed palette. */

/**
 * The fixed series palette (Okabe–Ito, colour-blind safe; the same first six as
 * `@ebjdat/energy`'s `histogramSvg`). Series k gets `PALETTE[k % PALETTE.length]`.
 */
export const PALETTE: readonly string[] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/** An 8-bit RGB colour. */
export type Rgb = readonly [number, number, number];

/** Parses a `#rrggbb` colour; anything else is an error naming `what`. */
export function parseColor(color: string, what = "color"): Rgb {
  const m = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(color);
  if (!m) throw new Error(`${what}: expected a colour as #rrggbb, got ${JSON.stringify(color)}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}
