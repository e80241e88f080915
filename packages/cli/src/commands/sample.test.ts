import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sharedPath } from "@ebjdat/testing";
import { runCli, signalAfterBackend } from "../../test/cli-process";

const root = mkdtempSync(join(tmpdir(), "ebjdat-cli-sample-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("ebjdat sample interrupts", () => {
  it("SIGTERM stops between batches of chains: exit 143, says nothing was written", async () => {
    const out = join(root, "grid.png");
    const samples = join(root, "s.safetensors");
    const r = await runCli(["sample", "--model", sharedPath("vectors", "models", "ccf_checkpoint_wrn10_1_bn.pt"), "--n", "256", "--steps", "40", "--out", out, "--save-samples", samples], {
      watch: signalAfterBackend("SIGTERM", 1000),
    });
    expect(r.code, r.err).toBe(143);
    expect(r.err).toMatch(/interrupted by SIGTERM after \d+\/256 samples: nothing written \(.*grid\.png, .*s\.safetensors are written at the end\)/);
    expect(existsSync(out) || existsSync(samples)).toBe(false);
  }, 120_000);
});
