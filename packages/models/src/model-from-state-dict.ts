import type { WideResNetConfig } from "./config";
import { inferConfig, type StateDict } from "./state-dict";
import { createWideResNet, type WideResNet } from "./wide-resnet";

/** Options of `loadModel` and {@link modelFromStateDict}. */
export interface LoadModelOptions {
  /** Overrides of the inferred config (e.g. `bnMomentum`, `leak`); architecture fields must agree with the weights. */
  config?: Partial<WideResNetConfig>;
}

/**
 * Builds a WRN from an official state dict: architecture from {@link inferConfig} (plus
 * `options.config`), then all weights loaded with strict key/shape checks (spec 2.1).
 */
export function modelFromStateDict(dict: StateDict, source = "state dict", options: LoadModelOptions = {}): WideResNet {
  const config = { ...inferConfig(dict), ...options.config };
  const model = createWideResNet(config);
  try {
    model.loadStateDict(dict, source);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
