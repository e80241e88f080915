import * as tf from "@tensorflow/tfjs-core";
import type { FeatureMatrix } from "@ebjdat/linalg";
import type { FeatureFn } from "../feature-distance";
import { collectFeatures, type ImageSource, type MetricsProgress } from "../images";
import type { FidInception } from "../inception/network";
import type { FeatureContext, FeaturePipeline, InceptionInput } from "./types";

/** The parts of the FID Inception the feature pipelines use. */
export type InceptionNet = Pick<FidInception, "forwardAsync" | "logitsUnbiased">;

/** Where the feature pipelines run: network, feature model, which image set, batching. */
export interface ExtractEnv {
  net?: InceptionNet;
  featureModel?: { name: string; fn: FeatureFn };
  fake: boolean;
  batchSize: number;
  onProgress?: (p: MetricsProgress) => void;
}

/**
 * Runs `pipelines` over every batch of `source` and collects each pipeline's features under its key.
 * Within a batch each Inception input runs once (pool3 and logits of one pass are shared by the
 * pipelines that read them); tensors no pipeline returned are disposed after the batch.
 */
export async function extractFeatures(source: ImageSource, pipelines: readonly FeaturePipeline[], env: ExtractEnv): Promise<Map<string, FeatureMatrix>> {
  const what = env.fake ? "fake images" : "real images";
  const network = (): InceptionNet => {
    if (!env.net) throw new Error(`${what}: a feature pipeline needs the FID Inception, but none was loaded`);
    return env.net;
  };
  return collectFeatures(
    source,
    async (x) => {
      const made: tf.Tensor[] = [];
      const pool3 = new Map<InceptionInput, Promise<tf.Tensor2D>>();
      const logits = new Map<InceptionInput, Promise<tf.Tensor2D>>();
      const once = (memo: Map<InceptionInput, Promise<tf.Tensor2D>>, input: InceptionInput, run: () => Promise<tf.Tensor2D>) => {
        let p = memo.get(input);
        if (!p) {
          p = run().then((t) => (made.push(t), t));
          memo.set(input, p);
        }
        return p;
      };
      const ctx: FeatureContext = {
        fake: env.fake,
        featureModel: env.featureModel,
        pool3: (input) =>
          once(pool3, input, async () => {
            const pre = tf.tidy(() => input.preprocess(x, env.fake));
            try {
              return (await network().forwardAsync(pre)).pool3;
            } finally {
              pre.dispose();
            }
          }),
        logitsUnbiased: (input) => once(logits, input, async () => network().logitsUnbiased(await ctx.pool3(input))),
      };
      const out: Record<string, tf.Tensor2D> = {};
      try {
        for (const p of pipelines) out[p.key] = await p.extract(x, ctx);
      } catch (e) {
        tf.dispose([...made, ...Object.values(out)]);
        throw e;
      }
      const returned = new Set<tf.Tensor>(Object.values(out));
      tf.dispose(made.filter((t) => !returned.has(t)));
      return out;
    },
    { batchSize: env.batchSize, what, onProgress: env.onProgress },
  );
}
