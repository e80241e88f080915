import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** md5 of a byte array, lower-case hex. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** md5 of a file, streamed (for archives of hundreds of MB), lower-case hex. */
export async function md5File(path: string): Promise<string> {
  const h = createHash("md5");
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(path);
    s.on("data", (chunk) => h.update(chunk));
    s.on("error", reject);
    s.on("end", () => resolve());
  });
  return h.digest("hex");
}
