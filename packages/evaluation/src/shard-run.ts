import type { Dataset } from "@ebjdat/data";
import { rangeContentHash } from "./content-key";
import { evaluate } from "./evaluate";
import { ShardPlanError, shardResultsPath, type ShardPlan } from "./shard-plan";
import type { EvaluatedModel, EvaluateOptions, EvaluationFile } from "./types";

/**
 * Runs shard `index` of `plan` (spec 7.6 / 7.7 / 7.9 through `evaluate`) into
 * `dir/shard-<index>.json`: the plan's settings on the shard's images, resumed when that file
 * exists. Checks first that `model` has the plan's weights (hash) and that `data` holds the
 * planned images (data hash), and names what differs; `evaluate` refuses a shard file of another
 * key. Interrupts like `evaluate` (EvaluationInterrupted, finished chunks saved).
 */
export async function evaluateShard(model: EvaluatedModel, data: Dataset, plan: ShardPlan, dir: string, index: number, options: Omit<EvaluateOptions, "resultsPath"> = {}): Promise<EvaluationFile> {
  const shard = plan.shards[index];
  if (!shard) throw new ShardPlanError(`shard ${index} is not in the plan (it has shards 0-${plan.shards.length - 1})`);
  if (model.hash !== plan.model.hash) {
    throw new ShardPlanError(`the model ${model.label ?? ""} has other weights than the planned one ${plan.model.label ?? ""}: weight hash ${model.hash.slice(0, 16)}… instead of ${plan.model.hash.slice(0, 16)}…; evaluate the planned checkpoint, or plan again`);
  }
  if (data.name !== plan.data.name) throw new ShardPlanError(`the data are '${data.name}', the plan evaluates '${plan.data.name}' (${plan.data.spec})`);
  if (shard.range[1] > data.n || rangeContentHash(data, shard.range) !== shard.dataHash) {
    throw new ShardPlanError(`images ${shard.range[0]}-${shard.range[1]} of ${data.spec} (${data.source}) are not the planned ones (their content hash differs); use the data the plan was made with`);
  }
  return evaluate(model, data, { ...plan.settings, range: shard.range }, { ...options, resultsPath: shardResultsPath(dir, index) });
}
