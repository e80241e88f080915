import { describe, expect, it } from "vitest";
import { yieldToEventLoop } from "./yield";

describe("yieldToEventLoop", () => {
  it("lets a pending callback run, with setImmediate and without it (browsers)", async () => {
    for (const hide of [false, true]) {
      const g = globalThis as { setImmediate?: unknown };
      const saved = g.setImmediate;
      if (hide) g.setImmediate = undefined;
      try {
        // A timer can only fire when the loop really yields to the event loop (a resolved promise,
        // a microtask, never lets it run): keep yielding for up to a second.
        let ran = false;
        setTimeout(() => (ran = true), 0);
        const t0 = Date.now();
        while (!ran && Date.now() - t0 < 1000) await yieldToEventLoop();
        expect(ran).toBe(true);
      } finally {
        g.setImmediate = saved;
      }
    }
  });
});
