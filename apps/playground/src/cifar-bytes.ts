/**
 * CIFAR-10 binary records (`test.bin`: per image 1 label byte, then 3072 bytes of the 32×32
 * red, green and blue planes) read from bytes in the page: the first `n` images as NHWC float32
 * in [0, 1] (the attacks' image space, spec 0.1) and their labels.
 */
export function readCifarRecords(bytes: Uint8Array, n: number): { x: Float32Array; y: Int32Array } {
  const record = 1 + 3072;
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`readCifarRecords: n must be a positive integer, got ${n}`);
  if (bytes.length % record !== 0 || bytes.length < n * record) {
    throw new Error(`readCifarRecords: expected a CIFAR-10 binary file of at least ${n} records of ${record} bytes, got ${bytes.length} bytes`);
  }
  const x = new Float32Array(n * 3072);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * record;
    y[i] = bytes[base]!;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) x[i * 3072 + p * 3 + c] = bytes[base + 1 + c * 1024 + p]! / 255;
    }
  }
  return { x, y };
}
