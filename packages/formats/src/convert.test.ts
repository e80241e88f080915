import { describe, expect, it } from "vitest";
import { bfloat16ToNumber, float16ToNumber, toFloat32 } from "./convert.js";

describe("toFloat32", () => {
  it("decodes float16 bits exactly", () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0400, 0x0001, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x3555];
    const want = [1, -2, 65504, 2 ** -14, 2 ** -24, 0, -0, Infinity, -Infinity, 0.333251953125];
    expect(bits.map(float16ToNumber)).toEqual(want);
    expect(Number.isNaN(float16ToNumber(0x7e00))).toBe(true);
    expect([...toFloat32({ dtype: "float16", shape: [2], data: Uint16Array.from([0x3c00, 0xc000]) })]).toEqual([1, -2]);
  });

  it("decodes bfloat16 as the upper half of float32", () => {
    expect(bfloat16ToNumber(0x3f80)).toBe(1);
    expect(bfloat16ToNumber(0xc049)).toBe(Math.fround(-3.140625));
    expect([...toFloat32({ dtype: "bfloat16", shape: [1], data: Uint16Array.from([0x4049]) })]).toEqual([3.140625]);
  });

  it("converts every other dtype and never aliases the input", () => {
    const f32 = Float32Array.from([1.5, -2]);
    const out = toFloat32({ dtype: "float32", shape: [2], data: f32 });
    expect(out).not.toBe(f32);
    expect([...out]).toEqual([1.5, -2]);
    expect([...toFloat32({ dtype: "float64", shape: [1], data: Float64Array.from([0.1]) })]).toEqual([Math.fround(0.1)]);
    expect([...toFloat32({ dtype: "int64", shape: [2], data: BigInt64Array.from([-3n, 2n ** 40n]) })]).toEqual([-3, 2 ** 40]);
    expect([...toFloat32({ dtype: "int32", shape: [1], data: Int32Array.from([-7]) })]).toEqual([-7]);
    expect([...toFloat32({ dtype: "int16", shape: [1], data: Int16Array.from([-300]) })]).toEqual([-300]);
    expect([...toFloat32({ dtype: "int8", shape: [1], data: Int8Array.from([-128]) })]).toEqual([-128]);
    expect([...toFloat32({ dtype: "uint8", shape: [1], data: Uint8Array.from([255]) })]).toEqual([255]);
    expect([...toFloat32({ dtype: "bool", shape: [2], data: Uint8Array.from([1, 0]) })]).toEqual([1, 0]);
  });
});
