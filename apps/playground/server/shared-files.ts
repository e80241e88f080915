// Node only (Vite dev/preview server and the browser test): the shared reference checkpoints and
// CIFAR-10 test.bin of EBJDAT_SHARED, served to the page under /shared/.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Plugin } from "vite";

/** What `/shared/index.json` lists: paths relative to `/shared/`. */
export interface SharedIndex {
  models: { name: string; path: string; bytes: number }[];
  /** CIFAR-10 test.bin, when the shared folder has it. */
  images?: string;
}

/** The shared folder: EBJDAT_SHARED, else `../shared` next to the repository. */
export function sharedRoot(repo: string): string {
  return process.env.EBJDAT_SHARED ?? join(repo, "..", "shared");
}

const isCheckpoint = (name: string): boolean => /\.(pt|pth|safetensors)$/.test(name) && !/(\.outputs|\.activations|input_batch)/.test(name);

/** The reference checkpoints (vectors/autoattack, vectors/models) and test.bin under `root`. */
export function sharedIndex(root: string): SharedIndex {
  const models: SharedIndex["models"] = [];
  for (const sub of ["vectors/autoattack", "vectors/models"]) {
    const dir = join(root, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!isCheckpoint(name)) continue;
      const path = `${sub}/${name}`;
      models.push({ name: path.replace(/^vectors\//, ""), path, bytes: statSync(join(dir, name)).size });
    }
  }
  const bin = join(process.env.EBJDAT_DATA ?? join(root, "data"), "cifar10", "test.bin");
  return { models, ...(existsSync(bin) ? { images: "data/cifar10/test.bin" } : {}) };
}

/**
 * Answers `GET /shared/index.json` and `GET /shared/<a listed file>` from `root`; returns false for
 * any other URL (nothing outside the index is served).
 */
export function serveShared(root: string, req: IncomingMessage, res: ServerResponse): boolean {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (!path.startsWith("/shared/")) return false;
  const index = sharedIndex(root);
  const rel = path.slice("/shared/".length);
  if (rel === "index.json") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(index));
    return true;
  }
  const listed = index.models.some((m) => m.path === rel) || rel === index.images;
  if (!listed) return false;
  const file = rel === index.images ? join(process.env.EBJDAT_DATA ?? join(root, "data"), "cifar10", "test.bin") : join(root, rel);
  res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(file));
  return true;
}

/** A Vite plugin serving the shared files in `vite dev` and `vite preview`. */
export function sharedFiles(repo: string): Plugin {
  const use = (mw: { use: (fn: (req: IncomingMessage, res: ServerResponse, next: () => void) => void) => void }): void => {
    mw.use((req, res, next) => {
      if (!serveShared(sharedRoot(repo), req, res)) next();
    });
  };
  return {
    name: "ebjdat-shared-files",
    configureServer: (server) => use(server.middlewares),
    configurePreviewServer: (server) => use(server.middlewares),
  };
}
