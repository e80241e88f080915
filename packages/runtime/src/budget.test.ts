import { describe, expect, it } from "vitest";
import { convertLength, imageEps, modelEps } from "./budget";

describe("budget scales (spec 0.1)", () => {
  it("converts the official model-space 8/255 to 4/255 on the image scale and back", () => {
    const m = modelEps(8 / 255);
    const i = convertLength(m, "image");
    expect(i).toBeCloseTo(4 / 255, 12);
    expect(convertLength(i, "model")).toBeCloseTo(8 / 255, 12);
    expect(convertLength(imageEps(0.5), "model")).toBe(1);
  });
  it("rejects negative, NaN and infinite lengths, naming the space", () => {
    expect(() => imageEps(-1)).toThrow(/image-space length.*-1/);
    expect(() => modelEps(Number.NaN)).toThrow(/model-space length.*NaN/);
    expect(() => imageEps(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
  it("keeps the scale in the type: an image-space length is not a model-space one", () => {
    const i = imageEps(8 / 255);
    // @ts-expect-error an ImageEps is not a ModelEps
    const wrong: import("./budget").ModelEps = i;
    expect(typeof wrong).toBe("number");
  });
});
