import { describe, expect, it } from "vitest";
import { PickledArray, readPickle, pickleGet } from "./pickle";
import { NUMPY_PICKLES } from "./test-pickle-fixtures";
import { writePy2Pickle } from "./test-pickle-writer";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));

describe("readPickle", () => {
  for (const proto of [2, 3, 4]) {
    it(`reads a numpy dict pickled by Python 3 with protocol ${proto}`, () => {
      const d = readPickle(hex(NUMPY_PICKLES[proto]!), `p${proto}.pkl`);
      const data = pickleGet(d, "data") as PickledArray;
      expect(data).toBeInstanceOf(PickledArray);
      expect(data.dtype).toBe("u1");
      expect(data.shape).toEqual([3, 4]);
      expect(Array.from(data.bytes)).toEqual(Array.from({ length: 12 }, (_, i) => (i * 20) & 255));
      expect(pickleGet(d, "labels")).toEqual([1, 2, 300]);
      expect(pickleGet(d, "name")).toEqual(new Uint8Array(Buffer.from("xy")));
      expect(pickleGet(d, "u")).toBe("café");
      expect(pickleGet(d, "neg")).toBe(-5);
      expect(pickleGet(d, "big")).toBe(2 ** 40);
      expect(pickleGet(d, "f")).toBe(1.5);
      expect(pickleGet(d, "t")).toEqual([1, null, true]);
    });
  }

  it("reads the Python 2 cPickle form of the official CIFAR batches", () => {
    const data = new Uint8Array(2 * 3072).map((_, i) => (i * 7) & 255);
    const bytes = writePy2Pickle({ dict: [["batch_label", "training batch 1 of 5"], ["labels", [6, 9]], ["data", { bytes: data, shape: [2, 3072] }], ["filenames", ["a.png", "b.png"]]] });
    const d = readPickle(bytes);
    const arr = pickleGet(d, "data") as PickledArray;
    expect(arr.shape).toEqual([2, 3072]);
    expect(Array.from(arr.bytes)).toEqual(Array.from(data));
    expect(pickleGet(d, "labels")).toEqual([6, 9]);
    expect(pickleGet(d, "filenames")).toEqual([Uint8Array.from(Buffer.from("a.png")), Uint8Array.from(Buffer.from("b.png"))]);
  });

  it("rejects code-running globals and truncated input, naming the source", () => {
    const evil = new Uint8Array(Buffer.from("\x80\x02cos\nsystem\nU\x02lsq\x00\x85R.", "latin1"));
    expect(() => readPickle(evil, "evil.pkl")).toThrow(/evil\.pkl: .*unsupported global os\.system/);
    const full = hex(NUMPY_PICKLES[2]!);
    expect(() => readPickle(full.subarray(0, 100), "cut.pkl")).toThrow(/cut\.pkl: .*truncated/);
    const bigEndian = hex(NUMPY_PICKLES[4]!.replace("8c02753194", "8c033e753294"));
    expect(() => readPickle(bigEndian, "be.pkl")).toThrow(/be\.pkl: .*big-endian numpy dtype >u2/);
  });
});
