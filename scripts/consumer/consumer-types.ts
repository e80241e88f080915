// TypeScript consumer (type check only, `tsc --noEmit`): the shipped declaration files must
// resolve and type this code for ESM (.mts, `import` condition -> dist/index.d.ts), CommonJS
// (.cts, `require` condition -> dist/index.d.cts) and bundler consumers. ../consumer-test.mjs
// copies this file to consumer.mts, consumer.cts and consumer.ts in the fresh project.
import * as tf from "@tensorflow/tfjs-core";
import { runAttack, type AttackOptions, type AttackResult } from "@ebjdat/attacks";
import { kernelInceptionDistance, type FeatureMatrix, type KidResult } from "@ebjdat/metrics";
import { loadModel, type LoadedModel, type WideResNet } from "@ebjdat/models";
import { imageEps, initBackend, type BackendInfo, type LogitsFn } from "@ebjdat/runtime";

export async function typedConsumer(checkpoint: string): Promise<number> {
  const backend: BackendInfo = await initBackend({ backend: "cpu" });
  const loaded: LoadedModel = await loadModel(checkpoint);
  const model: WideResNet = loaded.model;
  const logits: LogitsFn = model.toLogitsFn("eval");

  const x: tf.Tensor4D = tf.zeros([2, 32, 32, 3]);
  const y = new Int32Array([0, 1]);
  const options: AttackOptions = { eps: imageEps(8 / 255), norm: "linf", steps: 2, seed: 0 };
  const result: AttackResult = await runAttack("pgd", logits, x, y, options);
  const robust: number = result.robustAccuracy;
  const adv: tf.Tensor4D = result.xAdv;

  const features: FeatureMatrix = { rows: 4, cols: 2, data: new Float32Array(8) };
  const kid: KidResult = kernelInceptionDistance(features, features, { subsets: 2, subsetSize: 2 });
  const mean: number = kid.mean;

  // @ts-expect-error the shipped types reject an unknown attack option
  await runAttack("pgd", logits, x, y, { eps: 0.03, notAnOption: true });
  // @ts-expect-error KID takes feature matrices, not strings
  kernelInceptionDistance("a", features);

  tf.dispose([x, adv]);
  model.dispose();
  return robust + mean + backend.name.length;
}
