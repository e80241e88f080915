// Data-loading timings (not a test): `pnpm --filter @ebjdat/tools data:load-timing`.
// Times the shared offline specs, the decoded-tensor cache, a full-size (60000-record) synthetic
// cifar-10-binary.tar.gz, and augmented batching. Prints one line per measurement.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, Rng } from "@ebjdat/runtime";
import { CIFAR_TRAIN_AUGMENT, DataLoader, loadDataset, readCifarArchive, resolveDataDir, writeTar } from "@ebjdat/data";

function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  console.log(`${label.padEnd(58)} ${(performance.now() - t0).toFixed(1).padStart(9)} ms`);
  return r;
}
async function timeAsync<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await f();
  console.log(`${label.padEnd(58)} ${(performance.now() - t0).toFixed(1).padStart(9)} ms`);
  return r;
}

async function main(): Promise<void> {
  const info = await initBackend({ quiet: true });
  console.log(`backend ${info.name}, data dir ${resolveDataDir()}`);
  const tmp = mkdtempSync(join(tmpdir(), "ebjdat-load-timing-"));
  try {
    await timeAsync("cifar10-exact-test (1000, md5 checked)", () => loadDataset("cifar10-exact-test", { cache: false }));
    const bal = await timeAsync("cifar10-train-balanced (5000, md5 checked)", () => loadDataset("cifar10-train-balanced", { cache: false }));
    await timeAsync("cifar10-mini: decode 120 PNGs, write cache", () => loadDataset("cifar10-mini", { cacheDir: tmp }));
    await timeAsync("cifar10-mini: cache hit", () => loadDataset("cifar10-mini", { cacheDir: tmp }));

    // full-size synthetic archive: 5 x 10000 train + 10000 test records tiled from train-balanced
    const raw = readFileSync(join(resolveDataDir(), "cifar10/train-balanced.bin"));
    const batch = Buffer.concat([raw, raw]);
    const members = [1, 2, 3, 4, 5].map((k) => ({ path: `cifar-10-batches-bin/data_batch_${k}.bin`, data: batch }));
    members.push({ path: "cifar-10-batches-bin/test_batch.bin", data: batch });
    const gz = time("build a 60000-record cifar-10-binary.tar.gz (gzip -1)", () => gzipSync(writeTar(members), { level: 1 }));
    const archive = join(tmp, "cifar-10-binary.tar.gz");
    writeFileSync(archive, gz);
    const tr = time("readCifarArchive(train): gunzip + untar + 50000 records", () => readCifarArchive(archive, { split: "train" }));
    console.log(`  -> ${tr.n} records`);

    const loader = new DataLoader(bal, { batchSize: 128, rng: new Rng(1), augment: { ...CIFAR_TRAIN_AUGMENT, noiseSigma: 0.03 } });
    const steps = 39;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) tf.dispose(loader.next().x);
    console.log(`${"augmented batch of 128 (crop+flip+noise, to tensor)".padEnd(58)} ${((performance.now() - t0) / steps).toFixed(1).padStart(9)} ms/batch`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
