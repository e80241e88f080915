import { $ } from "./dom";

/** `/shared/index.json` of the dev/preview server (server/shared-files.ts); absent on a static host. */
interface SharedIndex {
  models: { name: string; path: string; bytes: number }[];
  images?: string;
}

let shared: SharedIndex | undefined;

/**
 * Fills the picker of shared reference checkpoints from the server's `/shared/index.json`; on a
 * static host (no index) the picker says so and only dropped files work.
 */
export async function loadSharedIndex(): Promise<void> {
  const select = $<HTMLSelectElement>("shared-model");
  try {
    const res = await fetch(new URL("shared/index.json", document.baseURI));
    if (!res.ok) throw new Error(String(res.status));
    shared = (await res.json()) as SharedIndex;
    for (const m of shared.models) select.append(new Option(`${m.name} (${(m.bytes / 1e6).toFixed(1)} MB)`, m.path));
    $("shared-images").textContent = shared.images ? `shared ${shared.images} is used when no file is chosen` : "no shared test.bin: choose one";
  } catch {
    select.disabled = true;
    $("shared-images").textContent = "no shared files on this server: choose the files";
  }
}

async function fetchShared(path: string): Promise<ArrayBuffer> {
  const res = await fetch(new URL(`shared/${path}`, document.baseURI));
  if (!res.ok) throw new Error(`could not fetch the shared file ${path}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

/** The model's bytes and file name: the chosen/dropped file, else the picked shared checkpoint. */
export async function modelSource(): Promise<{ bytes: ArrayBuffer; name: string }> {
  const file = $<HTMLInputElement>("model").files?.[0];
  if (file) return { bytes: await file.arrayBuffer(), name: file.name };
  const path = $<HTMLSelectElement>("shared-model").value;
  if (!path) throw new Error("choose a model: drop a .safetensors / .pt file or pick a shared checkpoint");
  return { bytes: await fetchShared(path), name: path.split("/").pop() ?? path };
}

/** The CIFAR-10 test.bin bytes: the chosen/dropped file, else the shared one. */
export async function imagesSource(): Promise<ArrayBuffer> {
  const file = $<HTMLInputElement>("images").files?.[0];
  if (file) return file.arrayBuffer();
  if (shared?.images) return fetchShared(shared.images);
  throw new Error("choose the CIFAR-10 test.bin (data_batch format: 1 label byte + 3072 pixel bytes per image)");
}

/** Dropping files on `#drop` puts a checkpoint into the model input and a .bin into the images input. */
export function wireDrop(): void {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => e.preventDefault());
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    for (const f of Array.from(e.dataTransfer?.files ?? [])) {
      const id = /\.(safetensors|pt|pth)$/i.test(f.name) ? "model" : "images";
      const dt = new DataTransfer();
      dt.items.add(f);
      $<HTMLInputElement>(id).files = dt.files;
    }
  });
}
