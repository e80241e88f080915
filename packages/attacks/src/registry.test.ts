import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { imageEps, type LogitsFn } from "@ebjdat/runtime";
import { ATTACKS, ATTACK_NAMES } from "./attacks";
import { attackUsage, attacksFor, parseAttackName } from "./registry";
import { runAttack } from "./runAttack";
import { linearModel, selfLabelled, useTinyConvModel } from "./test-helpers";

const model = useTinyConvModel(6);

const dims: [number, number, number] = [8, 8, 3];
const eps = imageEps(0.03);

describe("the attack table (spec 7)", () => {
  it("names, norms and help text derive from the entries", () => {
    expect(ATTACK_NAMES).toEqual(["fgsm", "pgd", "apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square"]);
    expect(ATTACK_NAMES).toEqual(ATTACKS.map((e) => e.name));
    expect(attacksFor("l2")).toEqual(["fgsm", "pgd", "apgd-ce", "apgd-dlr", "apgd-t"]);
    expect(attacksFor("linf")).toEqual(ATTACK_NAMES);
    const usage = attackUsage().split("\n");
    expect(usage).toHaveLength(ATTACKS.length);
    ATTACKS.forEach((e, i) => {
      expect(e.summary.length).toBeGreaterThan(10);
      expect(usage[i]).toContain(e.name);
      expect(usage[i]).toContain(e.norms.join("/"));
      expect(usage[i]).toContain(e.summary);
    });
    expect(usage[1]).toMatch(/^pgd, pgdN +linf\/l2 .*defaults: steps 20, randomStart true, loss ce, paper false$/);
  });

  it("parses names and pgdN", () => {
    expect(parseAttackName("fab-t")).toEqual({ name: "fab-t" });
    expect(parseAttackName("pgd20")).toEqual({ name: "pgd", steps: 20 });
    expect(parseAttackName("pgd-7")).toEqual({ name: "pgd", steps: 7 });
    expect(() => parseAttackName("square20")).toThrow(/unknown attack 'square20'; expected one of fgsm, pgd, .* or pgdN \(e\.g\. pgd20\)/);
    expect(() => parseAttackName("pgdx")).toThrow(/unknown attack 'pgdx'/);
  });

  it("binds the entry's defaults, the name's step count and the options, in that order", async () => {
    const { x, y } = selfLabelled(model, 3, dims, 1);
    const calls = async (name: string, options: object): Promise<number> => {
      let n = 0;
      const counting: LogitsFn = (xi) => (n++, model(xi));
      const r = await runAttack(name, counting, x, y, { eps, batchSize: 3, ...options });
      r.xAdv.dispose();
      return n - 2; // the clean pass and the final prediction
    };
    expect(await calls("pgd", {})).toBe(20);
    expect(await calls("pgd7", {})).toBe(7);
    expect(await calls("pgd7", { steps: 3 })).toBe(3);
    expect(await calls("pgd7", { steps: undefined })).toBe(7);
    expect(await calls("fgsm", { steps: 9 })).toBe(1); // an option the attack does not have is ignored
    x.dispose();
  });

  it("checks the norm and the class count of each entry before any work", async () => {
    const { model: three, vars: v3 } = linearModel(2, 192, 3);
    const x = tf.randomUniform([2, ...dims], 0, 1, "float32", 1) as tf.Tensor4D;
    const y = Int32Array.of(0, 1);
    await expect(runAttack("apgd-t", three, x, y, { eps })).rejects.toThrow(/apgd-t needs more than 3 classes \(the targeted DLR loss uses the fourth largest logit\); the model has 3/);
    const r = await runAttack("apgd-dlr", three, x, y, { eps, steps: 2 });
    await expect(runAttack("fab", three, x, y, { eps, norm: "l2" })).rejects.toThrow(/attack 'fab' supports norm 'linf' only/);
    tf.dispose([x, r.xAdv, ...v3]);
  });
});
