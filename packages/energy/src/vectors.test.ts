// Parity with the official energies: shared/vectors/models/*.outputs (vectors README 3, 4.6, 5).
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "@ebjdat/runtime";
import { loadVectors, maxAbsRelError, tensorOf } from "@ebjdat/testing";
import { energy, jointEnergy, logPYGivenX } from "./energy";

const TOL = 1e-4; // energies: max abs / (1 + max|ref|), README section 5

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const MODELS: [string, "y10" | "y100"][] = [
  ["jem_wrn16_2_none", "y10"],
  ["sadajem_wrn16_2_bn", "y10"],
  ["jempp_yopo_wrn10_1_bn_c100", "y100"],
  ["sadajem_wrn10_1_bn_stats", "y10"],
];

describe("energies of the official logits", () => {
  for (const [name, labels] of MODELS) {
    it(`${name}: E(x) = -LSE and E(x, y) = -f[y] match energy_eval / energy_xy_eval`, () => {
      const ref = loadVectors(`vectors/models/${name}.outputs.safetensors`).tensors;
      const y = Array.from(loadVectors("vectors/models/input_batch.safetensors").tensors.get(labels)!.data as Int32Array);
      const logits = tensorOf(ref.get("logits_eval")!) as tf.Tensor2D;
      const e = energy(logits);
      const ej = jointEnergy(logits, y);
      const lp = logPYGivenX(logits, y);
      expect(maxAbsRelError(e, ref.get("energy_eval")!)).toBeLessThanOrEqual(TOL);
      expect(maxAbsRelError(ej, ref.get("energy_xy_eval")!)).toBeLessThanOrEqual(TOL);
      // log p(y|x) = E(x) - E(x, y)
      const expected = tf.tidy(() => tf.sub(tensorOf(ref.get("energy_eval")!), tensorOf(ref.get("energy_xy_eval")!)));
      expect(maxAbsRelError(lp, expected)).toBeLessThanOrEqual(TOL);
      tf.dispose([logits, e, ej, lp, expected]);
    });
  }
});
