import { readFileSync } from "node:fs";

/**
 * Reads CIFAR-10 binary records (1 label byte + 3072 bytes R, G, B planes of 32×32) as NHWC
 * float32 `byte/255` images (spec 0.1) and int32 labels.
 */
export function readCifarRecords(path: string, start: number, count: number): { x: Float32Array; y: Int32Array } {
  const buf = readFileSync(path);
  const rec = 3073;
  const total = Math.floor(buf.byteLength / rec);
  if (start < 0 || start + count > total) throw new Error(`${path} holds ${total} records; asked for ${start}..${start + count - 1}`);
  const x = new Float32Array(count * 3072);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const o = (start + i) * rec;
    y[i] = buf[o]!;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) x[i * 3072 + p * 3 + c] = buf[o + 1 + c * 1024 + p]! / 255;
  }
  return { x, y };
}

/** Reads float32 NCHW `[K, 3, 32, 32]` images (e.g. `adv_standard.bin`) as NHWC. */
export function readNchwF32(path: string): Float32Array {
  const b = readFileSync(path);
  const src = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const k = src.length / 3072;
  const out = new Float32Array(src.length);
  for (let i = 0; i < k; i++)
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) out[i * 3072 + p * 3 + c] = src[i * 3072 + c * 1024 + p]!;
  return out;
}
