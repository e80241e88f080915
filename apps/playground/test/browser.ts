// Headless-Chromium test of the built playground (issue 19, part 3): Debian's chromium
// (/usr/bin/chromium, or EBJDAT_CHROMIUM) drives dist/ through puppeteer-core (nothing
// downloaded). The page gets the shared reference model and CIFAR-10 test.bin as dropped files,
// runs PGD-20 on 8 images with seed 0 on the cpu backend in its worker, and must report the same
// accuracy per pass and the same robust accuracy as the Node run of the same code below.
// Run after `pnpm build`: `pnpm --filter @ebjdat/playground test:browser`. Screenshot in
// ../../.cache/playground/.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend } from "@ebjdat/runtime";
import puppeteer, { type ElementHandle } from "puppeteer-core";
import { readCifarRecords } from "../src/cifar-bytes";
import { pgdTrace, type PgdTrace } from "../src/pgd-trace";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "..");
const repo = resolve(root, "..", "..");
const shared = process.env.EBJDAT_SHARED ?? join(repo, "..", "shared");
const modelPath = join(shared, "vectors", "autoattack", "model.safetensors");
const imagesPath = join(process.env.EBJDAT_DATA ?? join(shared, "data"), "cifar10", "test.bin");
const chromium = process.env.EBJDAT_CHROMIUM ?? "/usr/bin/chromium";
const N = 8;
const STEPS = 20;
const SEED = 0;

function fail(msg: string): never {
  console.error(`playground browser test FAILED: ${msg}`);
  process.exit(1);
}

for (const [p, what] of [[modelPath, "the reference model"], [imagesPath, "CIFAR-10 test.bin"], [join(root, "dist", "index.html"), "the built page (run the build first)"], [chromium, "Debian's chromium (apt-get install -y chromium)"]] as const) {
  if (!existsSync(p)) fail(`${what} not found at ${p}`);
}

// 1. The Node run: same code, images, seed and backend.
await initBackend({ quiet: true, backend: "cpu" });
const { x, y } = readCifarRecords(new Uint8Array(readFileSync(imagesPath)).subarray(0, N * 3073), N);
const t0 = Date.now();
const node: PgdTrace = await pgdTrace(new Uint8Array(readFileSync(modelPath)), x, y, STEPS, SEED);
console.log(`node (cpu): clean ${node.cleanAccuracy}, robust ${node.robustAccuracy} after PGD-${STEPS} on ${N} images (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// 2. The page, served from dist/.
const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  const file = resolve(root, "dist", `.${url.pathname === "/" ? "/index.html" : decodeURIComponent(url.pathname)}`);
  if (!file.startsWith(join(root, "dist")) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
});
await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
const port = (server.address() as { port: number }).port;

const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
try {
  const page = await browser.newPage();
  page.on("console", (m) => console.log(`  [page] ${m.text()}`));
  page.on("pageerror", (e) => console.log(`  [page error] ${(e as Error).message}`));
  await page.goto(`http://127.0.0.1:${port}/`);
  const input = async (id: string) => (await page.$(id)) as ElementHandle<HTMLInputElement>;
  await (await input("#model")).uploadFile(modelPath);
  // The whole test.bin is 30 MB; the page reads the first N records of whatever it is given.
  await (await input("#images")).uploadFile(imagesPath);
  await page.$eval("#n", (e, v) => ((e as HTMLInputElement).value = v), String(N));
  await page.$eval("#steps", (e, v) => ((e as HTMLInputElement).value = v), String(STEPS));
  await page.$eval("#seed", (e, v) => ((e as HTMLInputElement).value = v), String(SEED));
  await page.select("#backend", "cpu");
  const t1 = Date.now();
  await page.click("#run");
  await page.waitForSelector("#result[data-done]", { timeout: 15 * 60_000 });
  const done = JSON.parse(await page.$eval("#result", (e) => e.textContent ?? "")) as { kind: string; message?: string; cleanAccuracy: number; robustAccuracy: number; accuracyPerPass: number[] };
  const backend = await page.$eval("#backend-used", (e) => e.textContent ?? "");
  const out = join(repo, ".cache", "playground");
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, "pgd20.png") as `${string}.png`, fullPage: true });
  if (done.kind !== "done") fail(`the page reported ${done.kind}: ${done.message}`);
  console.log(`browser (${backend}): clean ${done.cleanAccuracy}, robust ${done.robustAccuracy} (${((Date.now() - t1) / 1000).toFixed(1)} s); screenshot ${join(out, "pgd20.png")}`);
  if (!backend.startsWith("cpu")) fail(`the page ran on ${backend}, expected cpu (as the Node run)`);
  if (done.cleanAccuracy !== node.cleanAccuracy || done.robustAccuracy !== node.robustAccuracy) {
    fail(`browser clean/robust ${done.cleanAccuracy}/${done.robustAccuracy} differ from Node's ${node.cleanAccuracy}/${node.robustAccuracy}`);
  }
  if (JSON.stringify(done.accuracyPerPass) !== JSON.stringify(node.accuracyPerPass)) {
    fail(`accuracy per pass differs: browser ${JSON.stringify(done.accuracyPerPass)}, Node ${JSON.stringify(node.accuracyPerPass)}`);
  }
  console.log(`playground browser test passed: PGD-${STEPS} on ${N} images, robust accuracy ${done.robustAccuracy} in Chromium and in Node`);
} finally {
  await browser.close();
  server.close();
}
