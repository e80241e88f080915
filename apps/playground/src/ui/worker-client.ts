import type { WorkerMessage, WorkerRequest } from "../messages";

const DONE: readonly WorkerMessage["kind"][] = ["loaded", "attack-done", "sample-done", "energies-done", "error"];

/**
 * The page's one Web Worker: `request` sends a request, hands every progress message to
 * `onMessage` and resolves with the request's final message (`…-done`), rejecting on `error`.
 * One request at a time: a second one while the first runs is refused.
 */
export class WorkerClient {
  private readonly worker = new Worker(new URL("../worker.ts", import.meta.url), { type: "module" });
  private busy = false;

  async request<K extends WorkerMessage["kind"]>(req: WorkerRequest, onMessage: (m: WorkerMessage) => void, transfer: Transferable[] = []): Promise<Extract<WorkerMessage, { kind: K }>> {
    if (this.busy) throw new Error("the worker is busy with another task; wait for it to finish");
    this.busy = true;
    try {
      return await new Promise((resolve, reject) => {
        this.worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          const m = e.data;
          if (m.kind === "error") reject(new Error(m.message));
          else if (DONE.includes(m.kind)) resolve(m as Extract<WorkerMessage, { kind: K }>);
          else onMessage(m);
        };
        this.worker.onerror = (e) => reject(new Error(`worker: ${e.message}`));
        this.worker.postMessage(req, transfer);
      });
    } finally {
      this.busy = false;
    }
  }
}
