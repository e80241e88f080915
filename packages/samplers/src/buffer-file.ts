import { readFileSync } from "node:fs";
import { writeFileAtomic } from "@ebjdat/runtime";
import { replayBufferFromSafetensors, replayBufferToSafetensors } from "./buffer-io";
import type { Initializer } from "./initializer";
import type { ReplayBuffer } from "./replay-buffer";

// Node only (files): the browser entry (index.browser.ts) leaves these out.

/** Saves the replay buffer beside a checkpoint (safetensors, atomic write). */
export function saveReplayBuffer(buffer: ReplayBuffer, path: string, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, replayBufferToSafetensors(buffer, metadata));
}

/** Loads a replay buffer saved by {@link saveReplayBuffer}. */
export function loadReplayBuffer(path: string, options: { init?: Initializer } = {}): ReplayBuffer {
  return replayBufferFromSafetensors(new Uint8Array(readFileSync(path)), { ...options, source: path });
}
