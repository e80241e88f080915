import { readCifarRecords } from "../cifar-bytes";
import type { LoadRequest, WorkerMessage } from "../messages";
import { chooseBackend } from "./backend";
import { modelFromBytes } from "./model";
import { predict, setState } from "./state";

/**
 * The `load` request: picks the backend (reported first), reads the checkpoint (safetensors or
 * torch.save) and the first `n` CIFAR-10 test records, and reports the clean accuracy.
 */
export async function load(r: LoadRequest, post: (m: WorkerMessage) => void): Promise<void> {
  const t0 = performance.now();
  const backend = await chooseBackend(r.backend, r.wasmPath);
  post({ kind: "backend", name: backend.name, notes: backend.notes });
  const { x, y } = readCifarRecords(new Uint8Array(r.images), r.n);
  const model = modelFromBytes(new Uint8Array(r.model), r.modelName);
  setState({ model, x, y });
  const pred = predict(model, x);
  let ok = 0;
  for (let i = 0; i < y.length; i++) ok += pred[i] === y[i] ? 1 : 0;
  post({ kind: "loaded", n: y.length, cleanAccuracy: ok / y.length, seconds: (performance.now() - t0) / 1000 });
}
