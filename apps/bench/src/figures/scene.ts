import { parseColor } from "./color";
import { GLYPH_ADVANCE } from "./font";
import { Raster, type TextAnchor } from "./raster";

/** One drawing primitive of a {@link Scene}, in layout units (SVG user units). */
export type Shape =
  | { kind: "rect"; x: number; y: number; w: number; h: number; fill: string; opacity?: number; stroke?: string; strokeWidth?: number }
  | { kind: "line"; x1: number; y1: number; x2: number; y2: number; color: string; width: number; opacity?: number; dash?: readonly [number, number]; cap?: "butt" | "square" }
  | { kind: "polygon"; points: number[]; fill?: string; opacity?: number; stroke?: string; strokeWidth?: number }
  | { kind: "polyline"; points: number[]; color: string; width: number }
  | { kind: "circle"; cx: number; cy: number; r: number; fill?: string; stroke?: string; strokeWidth?: number }
  | { kind: "text"; x: number; y: number; text: string; size: number; color?: string; anchor?: TextAnchor; rotate?: boolean };

/** A figure as primitives: what both the SVG and the PNG backends draw, so they share one layout. */
export interface Scene {
  width: number;
  height: number;
  background: string;
  /** Accessible name (the title), written as the SVG `<title>`. */
  title?: string;
  shapes: Shape[];
}

/** Number in SVG: at most 2 decimals, no "-0". */
function n(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function pts(p: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < p.length; i += 2) out.push(`${n(p[i]!)},${n(p[i + 1]!)}`);
  return out.join(" ");
}

/** Opacity attribute (omitted when 1). */
function op(name: string, v: number | undefined): string {
  return v === undefined || v >= 1 ? "" : ` ${name}="${n(v)}"`;
}

/**
 * Writes a scene as a standalone SVG document. Text uses a monospace font at
 * font-size = 10·size, whose 0.6 em advance matches the bitmap font's 6·size advance.
 */
export function sceneToSvg(scene: Scene): string {
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">`,
  );
  if (scene.title) out.push(`<title>${esc(scene.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${scene.width}" height="${scene.height}" fill="${scene.background}"/>`);
  for (const s of scene.shapes) {
    switch (s.kind) {
      case "rect":
        out.push(
          `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"${op("fill-opacity", s.opacity)}${s.stroke ? ` stroke="${s.stroke}" stroke-width="${n(s.strokeWidth ?? 1)}"` : ""}/>`,
        );
        break;
      case "line":
        out.push(
          `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.color}" stroke-width="${n(s.width)}"${op("stroke-opacity", s.opacity)}${s.dash ? ` stroke-dasharray="${n(s.dash[0])} ${n(s.dash[1])}"` : ""}${s.cap === "square" ? ` stroke-linecap="square"` : ""}/>`,
        );
        break;
      case "polygon":
        out.push(
          `<polygon points="${pts(s.points)}" fill="${s.fill ?? "none"}"${op("fill-opacity", s.opacity)}${s.stroke ? ` stroke="${s.stroke}" stroke-width="${n(s.strokeWidth ?? 1)}" stroke-linejoin="miter"` : ""}/>`,
        );
        break;
      case "polyline":
        out.push(`<polyline points="${pts(s.points)}" fill="none" stroke="${s.color}" stroke-width="${n(s.width)}" stroke-linejoin="miter" stroke-linecap="square"/>`);
        break;
      case "circle":
        out.push(
          `<circle cx="${n(s.cx)}" cy="${n(s.cy)}" r="${n(s.r)}" fill="${s.fill ?? "none"}"${s.stroke ? ` stroke="${s.stroke}" stroke-width="${n(s.strokeWidth ?? 1)}"` : ""}/>`,
        );
        break;
      case "text": {
        const anchor = s.anchor && s.anchor !== "start" ? ` text-anchor="${s.anchor}"` : "";
        const rot = s.rotate ? ` transform="rotate(-90 ${n(s.x)} ${n(s.y)})"` : "";
        // textLength pins the run to the bitmap font's width whatever monospace font is used
        const len = [...s.text].length * GLYPH_ADVANCE * s.size;
        out.push(
          `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${10 * s.size}" fill="${s.color ?? "#000000"}"${anchor}${rot} textLength="${n(len)}" lengthAdjust="spacingAndGlyphs">${esc(s.text)}</text>`,
        );
        break;
      }
    }
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function strokePath(r: Raster, p: readonly number[], closed: boolean, color: string, width: number, k: number): void {
  const m = p.length / 2;
  const segs = closed ? m : m - 1;
  for (let i = 0; i < segs; i++) {
    const j = (i + 1) % m;
    r.line(p[2 * i]! * k, p[2 * i + 1]! * k, p[2 * j]! * k, p[2 * j + 1]! * k, { color, width: width * k, cap: "square" });
  }
}

/**
 * Rasterises a scene at `pixelRatio` pixels per layout unit (an integer, so the bitmap font
 * stays sharp): every coordinate and width is multiplied by it, text scale too.
 */
export function sceneToRaster(scene: Scene, pixelRatio = 1): Raster {
  if (!(Number.isInteger(pixelRatio) && pixelRatio >= 1 && pixelRatio <= 8)) throw new Error(`sceneToRaster: pixelRatio must be an integer in [1, 8], got ${pixelRatio}`);
  const k = pixelRatio;
  const r = new Raster(Math.round(scene.width * k), Math.round(scene.height * k), scene.background);
  for (const s of scene.shapes) {
    switch (s.kind) {
      case "rect":
        r.fillRect(s.x * k, s.y * k, s.w * k, s.h * k, s.fill, s.opacity ?? 1);
        if (s.stroke) strokePath(r, [s.x, s.y, s.x + s.w, s.y, s.x + s.w, s.y + s.h, s.x, s.y + s.h], true, s.stroke, s.strokeWidth ?? 1, k);
        break;
      case "line":
        r.line(s.x1 * k, s.y1 * k, s.x2 * k, s.y2 * k, {
          color: s.color,
          width: s.width * k,
          opacity: s.opacity ?? 1,
          dash: s.dash ? [s.dash[0] * k, s.dash[1] * k] : undefined,
          cap: s.cap,
        });
        break;
      case "polygon":
        if (s.fill) r.fillPolygon(s.points.map((v) => v * k), s.fill, s.opacity ?? 1);
        if (s.stroke) strokePath(r, s.points, true, s.stroke, s.strokeWidth ?? 1, k);
        break;
      case "polyline":
        strokePath(r, s.points, false, s.color, s.width, k);
        break;
      case "circle":
        if (s.fill) r.fillCircle(s.cx * k, s.cy * k, s.r * k, s.fill);
        if (s.stroke) r.strokeCircle(s.cx * k, s.cy * k, s.r * k, (s.strokeWidth ?? 1) * k, s.stroke);
        break;
      case "text":
        r.text(s.x * k, s.y * k, s.text, { scale: s.size * k, color: s.color, anchor: s.anchor, rotate: s.rotate });
        break;
    }
  }
  return r;
}

/** Throws unless `c` is a `#rrggbb` colour (used to validate plot specs early). */
export function checkColor(c: string, what: string): string {
  parseColor(c, what);
  return c;
}
