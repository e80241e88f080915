/// <reference lib="webworker" />
// The page's Web Worker: every tensor op runs here, so the page never freezes. One request at a
// time; each module under ./worker/ handles one kind.
import type { WorkerMessage, WorkerRequest } from "./messages";
import { attack } from "./worker/attack";
import { energies } from "./worker/energies";
import { load } from "./worker/load";
import { sampleChains } from "./worker/sample";

const post = (m: WorkerMessage): void => postMessage(m);

onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const r = e.data;
  try {
    if (r.kind === "load") await load(r, post);
    else if (r.kind === "attack") await attack(r, post);
    else if (r.kind === "sample") await sampleChains(r, post);
    else energies(post);
  } catch (err) {
    post({ kind: "error", request: r.kind, message: (err as Error).message });
  }
};
