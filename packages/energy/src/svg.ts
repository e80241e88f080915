import type { HistogramData } from "./histogram";

/** Options of {@link histogramSvg}. */
export interface HistogramSvgOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  /** One CSS colour per set (defaults cycle through a colour-blind-safe palette). */
  colors?: string[];
  /** Bar opacity (default 0.5, so overlapping sets stay visible). */
  opacity?: number;
}

const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, "");
}

/**
 * Renders histogram densities (the paper's Fig. 2 layout: overlaid semi-transparent bars per
 * set, energy on x, density on y) as a standalone SVG string, no dependencies (spec 6.3).
 */
export function histogramSvg(hist: HistogramData, options: HistogramSvgOptions = {}): string {
  const W = options.width ?? 640;
  const H = options.height ?? 400;
  const colors = options.colors ?? PALETTE;
  const opacity = options.opacity ?? 0.5;
  const m = { l: 60, r: 20, t: options.title ? 36 : 16, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const bins = hist.edges.length - 1;
  const lo = hist.edges[0]!;
  const hi = hist.edges[bins]!;
  let ymax = 0;
  for (const s of hist.sets) for (let i = 0; i < bins; i++) ymax = Math.max(ymax, s.density[i]!);
  if (!(ymax > 0)) ymax = 1;
  const sx = (v: number): number => m.l + ((v - lo) / (hi - lo)) * pw;
  const sy = (d: number): number => m.t + ph - (d / ymax) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  if (options.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  hist.sets.forEach((s, k) => {
    const c = colors[k % colors.length]!;
    const rects: string[] = [];
    for (let i = 0; i < bins; i++) {
      const d = s.density[i]!;
      if (d <= 0) continue;
      const x0 = sx(hist.edges[i]!);
      const x1 = sx(hist.edges[i + 1]!);
      const y = sy(d);
      rects.push(`<rect x="${x0.toFixed(2)}" y="${y.toFixed(2)}" width="${Math.max(0, x1 - x0).toFixed(2)}" height="${(m.t + ph - y).toFixed(2)}"/>`);
    }
    parts.push(`<g fill="${esc(c)}" fill-opacity="${opacity}" data-set="${esc(s.name)}">${rects.join("")}</g>`);
  });
  // axes and ticks
  parts.push(`<g stroke="black" fill="none"><line x1="${m.l}" y1="${m.t + ph}" x2="${m.l + pw}" y2="${m.t + ph}"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + ph}"/></g>`);
  const ticks = 5;
  for (let i = 0; i <= ticks; i++) {
    const v = lo + ((hi - lo) * i) / ticks;
    const x = sx(v);
    parts.push(`<line x1="${x.toFixed(2)}" y1="${m.t + ph}" x2="${x.toFixed(2)}" y2="${m.t + ph + 4}" stroke="black"/>`);
    parts.push(`<text x="${x.toFixed(2)}" y="${m.t + ph + 16}" text-anchor="middle">${fmt(v)}</text>`);
    const d = (ymax * i) / ticks;
    const y = sy(d);
    parts.push(`<line x1="${m.l - 4}" y1="${y.toFixed(2)}" x2="${m.l}" y2="${y.toFixed(2)}" stroke="black"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(y + 4).toFixed(2)}" text-anchor="end">${fmt(d)}</text>`);
  }
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(options.xLabel ?? "E(x) = -LogSumExp f(x)")}</text>`);
  parts.push(`<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">density</text>`);
  // legend
  hist.sets.forEach((s, k) => {
    const c = colors[k % colors.length]!;
    const y = m.t + 8 + k * 18;
    parts.push(`<rect x="${m.l + pw - 140}" y="${y - 9}" width="12" height="12" fill="${esc(c)}" fill-opacity="${Math.max(opacity, 0.7)}"/>`);
    parts.push(`<text x="${m.l + pw - 122}" y="${y + 1}">${esc(s.name)} (n=${s.n})</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
