import { describe, expect, it } from "vitest";
import { GLYPH_ASCENT, GLYPH_DESCENT, GLYPH_WIDTH, glyph, hasGlyph, measureText } from "./font";

describe("bitmap font", () => {
  const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));

  it("covers printable ASCII 32-126 with 5x8 glyphs, ink in all but space, all distinct", () => {
    const seen = new Map<string, string>();
    for (const ch of ascii) {
      expect(hasGlyph(ch), JSON.stringify(ch)).toBe(true);
      const g = glyph(ch);
      expect(g.length).toBe(GLYPH_WIDTH * (GLYPH_ASCENT + GLYPH_DESCENT));
      const ink = g.reduce((a, b) => a + b, 0);
      if (ch === " ") expect(ink).toBe(0);
      else expect(ink, JSON.stringify(ch)).toBeGreaterThan(0);
      const key = g.join("");
      expect(seen.get(key), `${JSON.stringify(ch)} duplicates ${JSON.stringify(seen.get(key))}`).toBeUndefined();
      seen.set(key, ch);
    }
  });

  it("uses the descender row only for descending characters", () => {
    const descenders = new Set([..."gjpqy,;_|"]);
    for (const ch of ascii) {
      const g = glyph(ch);
      const row7 = g.slice(GLYPH_ASCENT * GLYPH_WIDTH).reduce((a, b) => a + b, 0);
      expect(row7 > 0, JSON.stringify(ch)).toBe(descenders.has(ch));
    }
  });

  it("draws an empty box for characters it lacks", () => {
    expect(hasGlyph("\u4e2d")).toBe(false);
    const g = glyph("\u4e2d");
    expect(Array.from(g.slice(0, 5))).toEqual([1, 1, 1, 1, 1]);
    expect(g[2 * 5 + 2]).toBe(0);
    expect(hasGlyph("\u2212")).toBe(true);
  });

  it("measures (6n - 1) * scale wide, 7 * scale ascent, by code point", () => {
    expect(measureText("", 2)).toEqual({ width: 0, ascent: 14, descent: 2 });
    expect(measureText("abc", 1).width).toBe(17);
    expect(measureText("abc", 3).width).toBe(51);
    expect(measureText("\u03b5=8", 2).width).toBe(34);
    expect(() => measureText("a", 1.5)).toThrow(/scale must be a positive integer/);
  });
});
