import { readSafetensors, toFloat32, writeSafetensors } from "@ebjdat/formats";
import { ReplayBuffer } from "./replay-buffer";
import type { Initializer } from "./initializer";

/** Tensor name of the buffer inside the safetensors file. */
export const REPLAY_BUFFER_KEY = "replay_buffer";

/**
 * The replay buffer as safetensors bytes: one F32 tensor `replay_buffer` `[N, H, W, C]`
 * (NHWC, model space [-1, 1]) and metadata `format=ebjdat-replay-buffer`, `layout=NHWC`,
 * `space=model`, `num_classes` when class-ordered, `init` (the initialiser kind).
 */
export function replayBufferToSafetensors(buffer: ReplayBuffer, metadata: Record<string, string> = {}): Uint8Array {
  const meta: Record<string, string> = { ...metadata, format: "ebjdat-replay-buffer", layout: "NHWC", space: "model" };
  if (buffer.numClasses !== undefined) meta.num_classes = String(buffer.numClasses);
  if (buffer.init) meta.init = buffer.init.kind;
  return writeSafetensors({ [REPLAY_BUFFER_KEY]: { dtype: "float32", shape: [buffer.size, ...buffer.imageShape], data: buffer.data } }, meta);
}

/**
 * Reads a replay buffer from safetensors bytes: the tensor `replay_buffer` (or the only
 * tensor), NHWC `[N, H, W, C]`. `num_classes` metadata restores the class layout.
 */
export function replayBufferFromSafetensors(bytes: Uint8Array, options: { init?: Initializer; source?: string } = {}): ReplayBuffer {
  const source = options.source ?? "<replay buffer bytes>";
  const { tensors, metadata } = readSafetensors(bytes, source);
  const raw = tensors.get(REPLAY_BUFFER_KEY) ?? (tensors.size === 1 ? [...tensors.values()][0] : undefined);
  if (!raw) throw new Error(`loadReplayBuffer: ${source} has no tensor "${REPLAY_BUFFER_KEY}" (found ${[...tensors.keys()].join(", ") || "none"})`);
  if (raw.shape.length !== 4) throw new Error(`loadReplayBuffer: ${source}: expected an NHWC [N, H, W, C] tensor, got shape [${raw.shape.join(", ")}]`);
  const k = metadata.num_classes !== undefined ? Number(metadata.num_classes) : undefined;
  return new ReplayBuffer(Float32Array.from(toFloat32(raw)), raw.shape.slice(1), { numClasses: k, init: options.init });
}
