import { describe, expect, it } from "vitest";
import { yieldToEventLoop } from "./yield";

describe("yieldToEventLoop", () => {
  it("lets a pending callback run, with setImmediate and without it (browsers)", async () => {
    for (const hide of [false, true]) {
      const g = globalThis as { setImmediate?: unknown };
      const saved = g.setImmediate;
      if (hide) g.setImmediate = undefined;
      try {
        let ran = false;
        setTimeout(() => (ran = true), 0);
        await yieldToEventLoop();
        if (!ran) await yieldToEventLoop();
        expect(ran).toBe(true);
      } finally {
        g.setImmediate = saved;
      }
    }
  });
});
