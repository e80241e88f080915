import { parseEps255 } from "../eps";
import type { AttackRequest, ImageSet, WorkerMessage } from "../messages";
import { attackTrace } from "./attack-trace";
import { loaded } from "./state";

function firstImages(x: Float32Array, labels: Int32Array, pred: Int32Array, k: number): ImageSet {
  return { images: x.slice(0, k * 3072), n: k, labels: labels.slice(0, k), pred: pred.slice(0, k) };
}

/**
 * The `attack` request: PGD-k, APGD-CE or AutoAttack `standard` at ε = eps255/255 on the loaded
 * images; accuracy per forward pass and per stage posted live, then the clean and adversarial
 * versions of the first `show` images with their predictions.
 */
export async function attack(r: AttackRequest, post: (m: WorkerMessage) => void): Promise<void> {
  const s = loaded("attack");
  const eps = parseEps255(String(r.eps255));
  if (!(Number.isInteger(r.steps) && r.steps >= 1 && r.steps <= 1000)) throw new Error(`attack: steps must be an integer in [1, 1000], got ${r.steps}`);
  const trace = await attackTrace(s.model.toLogitsFn("eval"), s.x, s.y, { attack: r.attack, eps, steps: r.steps, seed: r.seed }, {
    onPass: (accuracy, pass) => post({ kind: "pass", pass, accuracy }),
    onStage: (stage) => post({ kind: "stage", ...stage }),
  });
  s.xAdv = trace.xAdv;
  const k = Math.min(r.show, s.y.length);
  post({
    kind: "attack-done",
    attack: r.attack,
    cleanAccuracy: trace.cleanAccuracy,
    robustAccuracy: trace.robustAccuracy,
    accuracyPerPass: trace.accuracyPerPass,
    stages: trace.stages,
    seconds: trace.seconds,
    clean: firstImages(s.x, s.y, trace.predClean, k),
    adversarial: firstImages(trace.xAdv, s.y, trace.predAdv, k),
  });
}
