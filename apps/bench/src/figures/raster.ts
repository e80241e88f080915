import { encodePng } from "@ebjdat/data";
import { parseColor, type Rgb } from "./color";
import { GLYPH_ADVANCE, GLYPH_ASCENT, GLYPH_DESCENT, GLYPH_WIDTH, glyph, measureText } from "./font";

/** Horizontal placement of text relative to its anchor point. */
export type TextAnchor = "start" | "middle" | "end";

/** Options of {@link Raster.line}. */
export interface LineStyle {
  /** Colour `#rrggbb`. */
  color: string;
  /** Stroke width in pixels (default 1). */
  width?: number;
  /** Opacity in [0, 1] (default 1). */
  opacity?: number;
  /** Dash pattern [on, off] in pixels (default solid). */
  dash?: readonly [number, number];
  /** `butt` ends at the end points, `square` extends by half the width (default `butt`). */
  cap?: "butt" | "square";
}

/** Options of {@link Raster.text}. */
export interface TextStyle {
  /** Colour `#rrggbb` (default black). */
  color?: string;
  /** Integer glyph scale: 1 = 5x7 pixel glyphs (default 1). */
  scale?: number;
  /** Placement relative to x (default `start`). */
  anchor?: TextAnchor;
  /** Rotate −90° (reads bottom to top) about the anchor point (default false). */
  rotate?: boolean;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

function checkFinite(what: string, values: Record<string, number>): void {
  for (const [k, v] of Object.entries(values)) if (!Number.isFinite(v)) throw new Error(`Raster.${what}: ${k} must be finite, got ${v}`);
}

/**
 * An RGBA8 canvas on an opaque background with anti-aliased primitives (coverage-weighted
 * "over" blending, so results are deterministic: same calls → same bytes) and the built-in
 * bitmap font. Coordinates are pixels, (0, 0) the top-left corner, pixel (i, j) covers
 * [i, i+1) × [j, j+1).
 */
export class Raster {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Pixels, row-major RGBA8 (alpha is always 255: the background is opaque). */
  readonly data: Uint8Array;

  /** A `width` x `height` canvas filled with `background` (`#rrggbb`, default white). */
  constructor(width: number, height: number, background = "#ffffff") {
    if (!(Number.isInteger(width) && width >= 1 && width <= 16384)) throw new Error(`Raster: width must be an integer in [1, 16384], got ${width}`);
    if (!(Number.isInteger(height) && height >= 1 && height <= 16384)) throw new Error(`Raster: height must be an integer in [1, 16384], got ${height}`);
    const [r, g, b] = parseColor(background, "Raster background");
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 4);
    for (let i = 0; i < this.data.length; i += 4) {
      this.data[i] = r;
      this.data[i + 1] = g;
      this.data[i + 2] = b;
      this.data[i + 3] = 255;
    }
  }

  /** The RGBA of pixel (x, y). */
  pixel(x: number, y: number): [number, number, number, number] {
    if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < this.width && y < this.height)) {
      throw new Error(`Raster.pixel: (${x}, ${y}) is outside the ${this.width}x${this.height} canvas`);
    }
    const i = (y * this.width + x) * 4;
    return [this.data[i]!, this.data[i + 1]!, this.data[i + 2]!, this.data[i + 3]!];
  }

  /** Blends `rgb` over pixel (x, y) with weight `a` in [0, 1]: dst ← dst + (src − dst)·a. */
  private blend(x: number, y: number, rgb: Rgb, a: number): void {
    if (a <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    const d = this.data;
    if (a >= 1) {
      d[i] = rgb[0];
      d[i + 1] = rgb[1];
      d[i + 2] = rgb[2];
      return;
    }
    d[i] = Math.round(d[i]! + (rgb[0] - d[i]!) * a);
    d[i + 1] = Math.round(d[i + 1]! + (rgb[1] - d[i + 1]!) * a);
    d[i + 2] = Math.round(d[i + 2]! + (rgb[2] - d[i + 2]!) * a);
  }

  /** Fills the rectangle [x, x+w) × [y, y+h); partly covered edge pixels are blended by coverage. */
  fillRect(x: number, y: number, w: number, h: number, color: string, opacity = 1): void {
    checkFinite("fillRect", { x, y, w, h, opacity });
    const rgb = parseColor(color, "Raster.fillRect color");
    if (w < 0) [x, w] = [x + w, -w];
    if (h < 0) [y, h] = [y + h, -h];
    const x1 = x + w;
    const y1 = y + h;
    const i0 = Math.max(0, Math.floor(x));
    const i1 = Math.min(this.width - 1, Math.ceil(x1) - 1);
    const j0 = Math.max(0, Math.floor(y));
    const j1 = Math.min(this.height - 1, Math.ceil(y1) - 1);
    const op = clamp01(opacity);
    for (let j = j0; j <= j1; j++) {
      const cy = Math.min(j + 1, y1) - Math.max(j, y);
      if (cy <= 0) continue;
      for (let i = i0; i <= i1; i++) {
        const cx = Math.min(i + 1, x1) - Math.max(i, x);
        if (cx > 0) this.blend(i, j, rgb, cx * cy * op);
      }
    }
  }

  /**
   * Draws the segment (x1, y1)–(x2, y2). Coverage of a pixel centre at distance d across and t
   * along the segment is clamp(w/2 + ½ − |d|)·clamp(min(t, len − t) + ½). Axis-aligned lines are
   * snapped to the pixel grid so 1-pixel lines stay crisp.
   */
  line(x1: number, y1: number, x2: number, y2: number, style: LineStyle): void {
    checkFinite("line", { x1, y1, x2, y2 });
    const w = style.width ?? 1;
    if (!(Number.isFinite(w) && w > 0)) throw new Error(`Raster.line: width must be > 0, got ${w}`);
    const rgb = parseColor(style.color, "Raster.line color");
    const op = clamp01(style.opacity ?? 1);
    const snap = (c: number): number => (Math.round(w) % 2 === 1 ? Math.floor(c) + 0.5 : Math.round(c));
    if (y1 === y2 && Number.isInteger(w)) y1 = y2 = snap(y1);
    if (x1 === x2 && Number.isInteger(w)) x1 = x2 = snap(x1);
    let len = Math.sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)); // sqrt is correctly rounded: same bytes everywhere
    if (len === 0) return;
    const ux = (x2 - x1) / len;
    const uy = (y2 - y1) / len;
    if (style.cap === "square") {
      x1 -= (ux * w) / 2;
      y1 -= (uy * w) / 2;
      len += w;
    }
    const pieces: [number, number][] = [];
    if (style.dash) {
      const [on, off] = style.dash;
      if (!(on > 0 && off >= 0)) throw new Error(`Raster.line: dash must be [on > 0, off >= 0], got [${on}, ${off}]`);
      for (let s = 0; s < len; s += on + off) pieces.push([s, Math.min(len, s + on)]);
    } else {
      pieces.push([0, len]);
    }
    const hw = w / 2;
    for (const [s0, s1] of pieces) {
      const ax = x1 + ux * s0;
      const ay = y1 + uy * s0;
      const plen = s1 - s0;
      const bx = ax + ux * plen;
      const by = ay + uy * plen;
      const i0 = Math.max(0, Math.floor(Math.min(ax, bx) - hw - 1));
      const i1 = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + hw + 1));
      const j0 = Math.max(0, Math.floor(Math.min(ay, by) - hw - 1));
      const j1 = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + hw + 1));
      for (let j = j0; j <= j1; j++) {
        for (let i = i0; i <= i1; i++) {
          const px = i + 0.5 - ax;
          const py = j + 0.5 - ay;
          const t = px * ux + py * uy;
          const d = Math.abs(px * uy - py * ux);
          const across = clamp01(Math.min(hw + 0.5 - d, w));
          const along = clamp01(Math.min(t, plen - t) + 0.5);
          this.blend(i, j, rgb, across * along * op);
        }
      }
    }
  }

  /** Fills the disc of radius r at (cx, cy); coverage clamp(r + ½ − distance). */
  fillCircle(cx: number, cy: number, r: number, color: string, opacity = 1): void {
    checkFinite("fillCircle", { cx, cy, r });
    const rgb = parseColor(color, "Raster.fillCircle color");
    const op = clamp01(opacity);
    for (let j = Math.max(0, Math.floor(cy - r - 1)); j <= Math.min(this.height - 1, Math.ceil(cy + r + 1)); j++) {
      for (let i = Math.max(0, Math.floor(cx - r - 1)); i <= Math.min(this.width - 1, Math.ceil(cx + r + 1)); i++) {
        const dx = i + 0.5 - cx;
        const dy = j + 0.5 - cy;
        const d = Math.sqrt(dx * dx + dy * dy);
        this.blend(i, j, rgb, clamp01(r + 0.5 - d) * op);
      }
    }
  }

  /** Strokes the circle of radius r at (cx, cy) with a ring of width `width`. */
  strokeCircle(cx: number, cy: number, r: number, width: number, color: string, opacity = 1): void {
    checkFinite("strokeCircle", { cx, cy, r, width });
    const rgb = parseColor(color, "Raster.strokeCircle color");
    const op = clamp01(opacity);
    const hw = width / 2;
    const R = r + hw + 1;
    for (let j = Math.max(0, Math.floor(cy - R)); j <= Math.min(this.height - 1, Math.ceil(cy + R)); j++) {
      for (let i = Math.max(0, Math.floor(cx - R)); i <= Math.min(this.width - 1, Math.ceil(cx + R)); i++) {
        const dx = i + 0.5 - cx;
        const dy = j + 0.5 - cy;
        const d = Math.abs(Math.sqrt(dx * dx + dy * dy) - r);
        this.blend(i, j, rgb, clamp01(Math.min(hw + 0.5 - d, width)) * op);
      }
    }
  }

  /**
   * Fills a polygon (flat [x0, y0, x1, y1, ...], even-odd rule) by scanlines: 4 sub-scanlines per
   * pixel row, exact horizontal coverage, so each pixel is blended once (no seams between parts).
   */
  fillPolygon(points: readonly number[], color: string, opacity = 1): void {
    if (points.length < 6 || points.length % 2 !== 0) throw new Error(`Raster.fillPolygon: need at least 3 points as [x0, y0, x1, y1, ...], got ${points.length} numbers`);
    for (let k = 0; k < points.length; k++) if (!Number.isFinite(points[k]!)) throw new Error(`Raster.fillPolygon: point ${k >> 1} is not finite`);
    const rgb = parseColor(color, "Raster.fillPolygon color");
    const op = clamp01(opacity);
    const n = points.length / 2;
    let ymin = Infinity;
    let ymax = -Infinity;
    for (let k = 0; k < n; k++) {
      ymin = Math.min(ymin, points[2 * k + 1]!);
      ymax = Math.max(ymax, points[2 * k + 1]!);
    }
    const SUB = 4;
    const acc = new Float64Array(this.width);
    const xs: number[] = [];
    for (let j = Math.max(0, Math.floor(ymin)); j <= Math.min(this.height - 1, Math.ceil(ymax)); j++) {
      acc.fill(0);
      let touched = false;
      for (let s = 0; s < SUB; s++) {
        const sy = j + (s + 0.5) / SUB;
        xs.length = 0;
        for (let k = 0; k < n; k++) {
          const xa = points[2 * k]!;
          const ya = points[2 * k + 1]!;
          const xb = points[(2 * k + 2) % (2 * n)]!;
          const yb = points[(2 * k + 3) % (2 * n)]!;
          if ((ya <= sy && yb > sy) || (yb <= sy && ya > sy)) xs.push(xa + ((sy - ya) / (yb - ya)) * (xb - xa));
        }
        xs.sort((a, b) => a - b);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          const a = Math.max(0, xs[k]!);
          const b = Math.min(this.width, xs[k + 1]!);
          for (let i = Math.floor(a); i < b; i++) {
            const c = Math.min(i + 1, b) - Math.max(i, a);
            if (c > 0) {
              acc[i]! += c / SUB;
              touched = true;
            }
          }
        }
      }
      if (!touched) continue;
      for (let i = 0; i < this.width; i++) if (acc[i]! > 0) this.blend(i, j, rgb, Math.min(1, acc[i]!) * op);
    }
  }

  /**
   * Draws `text` in the built-in bitmap font with its baseline at y (glyph pixels are
   * `scale` x `scale` blocks; positions are rounded to whole pixels, no anti-aliasing).
   */
  text(x: number, y: number, text: string, style: TextStyle = {}): void {
    checkFinite("text", { x, y });
    const scale = style.scale ?? 1;
    const rgb = parseColor(style.color ?? "#000000", "Raster.text color");
    const { width } = measureText(text, scale);
    const anchor = style.anchor ?? "start";
    const shift = anchor === "start" ? 0 : anchor === "middle" ? -width / 2 : -width;
    const ox = Math.round(x);
    const oy = Math.round(y);
    const start = Math.round(shift);
    const rows = GLYPH_ASCENT + GLYPH_DESCENT;
    let k = 0;
    for (const ch of text) {
      const bits = glyph(ch);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < GLYPH_WIDTH; c++) {
          if (!bits[r * GLYPH_WIDTH + c]) continue;
          // local coordinates: lx along the text, ly down from the baseline
          const lx = start + (k * GLYPH_ADVANCE + c) * scale;
          const ly = (r - GLYPH_ASCENT) * scale;
          if (style.rotate) this.block(ox + ly, oy - lx - scale, scale, rgb);
          else this.block(ox + lx, oy + ly, scale, rgb);
        }
      }
      k++;
    }
  }

  private block(x: number, y: number, size: number, rgb: Rgb): void {
    for (let j = y; j < y + size; j++) for (let i = x; i < x + size; i++) this.blend(i, j, rgb, 1);
  }

  /** Encodes the canvas as an 8-bit RGB PNG (alpha is always opaque, so nothing is lost). */
  toPng(): Uint8Array {
    const rgb = new Uint8Array(this.width * this.height * 3);
    for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
      rgb[j] = this.data[i]!;
      rgb[j + 1] = this.data[i + 1]!;
      rgb[j + 2] = this.data[i + 2]!;
    }
    return encodePng({ width: this.width, height: this.height, data: rgb });
  }
}
