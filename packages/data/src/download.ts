import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { tempPathFor } from "@ebjdat/runtime";
import { DataError } from "./errors";

export interface DownloadOptions {
  /** Expected md5 (lower-case hex); the file is only renamed into place when it matches. */
  md5: string;
  /** Progress callback: bytes received so far and the total when the server sent it. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Fetch implementation (default: the global `fetch`). */
  fetchImpl?: typeof fetch;
}

/**
 * Downloads `url` to `dest` safely: the body streams to a temporary file beside `dest` while
 * its md5 is computed; only a complete body (Content-Length respected) with the expected md5
 * is renamed to `dest`. Anything else removes the temporary file and throws a `DataError`
 * naming `dest` and the URL. A partial download is never left under the final name.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadOptions): Promise<string> {
  const doFetch = opts.fetchImpl ?? globalThis.fetch;
  mkdirSync(dirname(dest), { recursive: true });
  const tmp = tempPathFor(dest);
  try {
    let res: Response;
    try {
      res = await doFetch(url);
    } catch (e) {
      throw new DataError(dest, `cannot download ${url} (offline?): ${(e as Error).message}`);
    }
    if (!res.ok || !res.body) throw new DataError(dest, `cannot download ${url}: HTTP ${res.status} ${res.statusText}`);
    const lenHeader = res.headers.get("content-length");
    const total = lenHeader ? parseInt(lenHeader, 10) : undefined;
    const h = createHash("md5");
    const out = createWriteStream(tmp);
    let received = 0;
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        h.update(value);
        received += value.length;
        if (!out.write(value)) await new Promise<void>((r) => out.once("drain", () => r()));
        opts.onProgress?.(received, total);
      }
    } catch (e) {
      throw new DataError(dest, `download of ${url} broke off after ${received} bytes: ${(e as Error).message}`);
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (total !== undefined && received !== total) throw new DataError(dest, `download of ${url} is incomplete: ${received} of ${total} bytes`);
    const got = h.digest("hex");
    if (got !== opts.md5.toLowerCase()) throw new DataError(dest, `download of ${url} has md5 ${got}, expected ${opts.md5}; discarded`);
    renameSync(tmp, dest);
    return dest;
  } finally {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
  }
}
