import { describe, expect, it } from "vitest";
import { startBackgroundLoad } from "./background-load";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("background load (benchmark fixture)", () => {
  it("starts busy processes and stops them", async () => {
    const load = startBackgroundLoad(2);
    expect(load.pids).toHaveLength(2);
    expect(load.pids.every(alive)).toBe(true);
    load.stop();
    load.stop();
    for (let i = 0; i < 50 && load.pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
    expect(load.pids.some(alive)).toBe(false);
  });

  it("refuses a bad count, naming it", () => {
    expect(() => startBackgroundLoad(-1)).toThrow(/0\.\.64 busy processes, got -1/);
  });
});
