import * as tf from "@tensorflow/tfjs-core";
import { definePipeline } from "./types";

/** `fm`: the caller's feature model on the [0, 1] images (FD-WRN / KID-WRN features, issue 5). */
export const fm = definePipeline({
  key: "fm",
  needsInception: false,
  needsFeatureModel: true,
  extract: (x, ctx) => {
    const model = ctx.featureModel;
    if (!model) throw new Error("feature pipeline fm: no featureModel {name, fn} was given");
    return tf.tidy(() => model.fn(x));
  },
  describe: ({ dim, featureModelName }) => `${featureModelName} features (${dim}-d) of [0, 1] images`,
});
