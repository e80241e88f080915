import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "@ebjdat/data";
import { initBackend, Rng } from "@ebjdat/runtime";
import { loadReplayBuffer, saveReplayBuffer } from "./buffer-file";
import { imageGrid } from "./image-grid";
import { saveImageGrid } from "./image-grid-file";
import { uniformInit } from "./initializer";
import { ReplayBuffer } from "./replay-buffer";

let dir: string;
beforeAll(async () => {
  await initBackend({ quiet: true });
  dir = mkdtempSync(join(tmpdir(), "ebjdat-samplers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("replay buffer files", () => {
  it("round-trips contents and the class layout through safetensors", () => {
    const b = ReplayBuffer.create(12, uniformInit([2, 3, 3]), new Rng(1));
    b.numClasses = 4;
    const path = join(dir, "buffer.safetensors");
    saveReplayBuffer(b, path, { model: "test" });
    const c = loadReplayBuffer(path);
    expect(c.size).toBe(12);
    expect(c.imageShape).toEqual([2, 3, 3]);
    expect(c.numClasses).toBe(4);
    expect(Array.from(c.data)).toEqual(Array.from(b.data));
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("image grid", () => {
  it("tiles images row-major with padding and maps [0, 1] to 8 bits", () => {
    // 3 images of 1x2 RGB: image k has value k/2 everywhere
    const data = new Float32Array(3 * 2 * 3);
    for (let k = 0; k < 3; k++) data.fill(k / 2, k * 6, (k + 1) * 6);
    const g = imageGrid({ data, shape: [3, 1, 2, 3] }, { nrow: 2, padding: 1, padValue: 1 });
    expect([g.width, g.height]).toEqual([2 * 2 + 3, 2 * 1 + 3]);
    expect(g.data.length).toBe(g.width * g.height * 3);
    const px = (x: number, y: number): number[] => Array.from(g.data.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3));
    expect(px(0, 0)).toEqual([255, 255, 255]); // padding
    expect(px(1, 1)).toEqual([0, 0, 0]); // image 0
    expect(px(4, 1)).toEqual([128, 128, 128]); // image 1 (0.5)
    expect(px(1, 3)).toEqual([255, 255, 255]); // image 2 (1.0), second row
  });

  it("writes a decodable PNG and an SVG atomically", () => {
    const x = new Rng(2).uniform<tf.Rank.R4>([5, 4, 4, 3], 0, 1);
    const png = join(dir, "grid.png");
    saveImageGrid(x, png, { nrow: 3 });
    const decoded = decodeImage(readFileSync(png), png);
    expect([decoded.width, decoded.height]).toEqual([3 * 4 + 4 * 2, 2 * 4 + 3 * 2]);
    expect(Array.from(decoded.data)).toEqual(Array.from(imageGrid(x, { nrow: 3 }).data));
    const svg = join(dir, "grid.svg");
    saveImageGrid(x, svg);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^]*data:image\/png;base64,/);
    expect(() => saveImageGrid(x, join(dir, "grid.jpg"))).toThrow(/\.png or \.svg/);
    x.dispose();
  });
});
