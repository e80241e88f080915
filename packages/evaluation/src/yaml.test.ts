import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { toYaml } from "./yaml";

describe("toYaml", () => {
  it("writes YAML that a YAML parser reads back as the same value, strings never retyped", () => {
    const value = {
      apiVersion: "batch/v1",
      n: 3,
      f: 0.5,
      ok: true,
      none: null,
      tricky: ["yes", "no", "1", "0x10", "a: b", "# c", "'q'", '"dq"', "ünï", "", "~", "null", "-", "line\nbreak"],
      "app.kubernetes.io/name": "ebjdat",
      "needs quotes": { "x y": 1 },
      empty: [],
      emptyObject: {},
      list: [{ name: "a", value: "1" }, { name: "b", nested: [[1, 2], []] }, [3]],
      skipped: undefined,
    };
    const back = parse(toYaml(value)) as Record<string, unknown>;
    const { skipped: _skipped, ...expected } = value;
    expect(back).toEqual(expected);
    expect(toYaml({ a: { b: ["c"] } })).toBe('a:\n  b:\n    - "c"\n');
  });
});
