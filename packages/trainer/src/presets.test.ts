import { describe, expect, it } from "vitest";
import { METHODS, PRESETS, resolveConfig } from "./config";

// Guards the per-method numbers of every preset (spec 9.2, 9.3): the resolved config of each
// preset, the preset names in order and the method list are snapshotted; any change to a
// preset's value shows up as a snapshot diff.
describe("presets (snapshot)", () => {
  it("keeps the method list and the preset names in order", () => {
    expect([...METHODS]).toMatchSnapshot();
    expect(Object.keys(PRESETS)).toMatchSnapshot();
  });

  for (const name of Object.keys(PRESETS)) {
    it(`keeps the resolved config of ${name}`, () => {
      expect(resolveConfig({}, name)).toMatchSnapshot();
    });
  }
});
