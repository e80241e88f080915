// Test-only: writes pickles in the form Python 2 cPickle (protocol 2) gave the official CIFAR
// python archives: dicts of str keys, numpy uint8 arrays via numpy.core.multiarray._reconstruct,
// lists of ints and of str.

export type PyOut = number | string | { bytes: Uint8Array; shape: number[] } | PyOut[] | { dict: [string, PyOut][] };

export function writePy2Pickle(value: PyOut): Uint8Array {
  const out: number[] = [];
  const chunks: Uint8Array[] = [];
  let memo = 1;
  const flush = () => {
    if (out.length) {
      chunks.push(Uint8Array.from(out));
      out.length = 0;
    }
  };
  const u32 = (n: number) => out.push(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
  const put = () => {
    if (memo < 256) out.push(0x71, memo++);
    else {
      out.push(0x72);
      u32(memo++);
    }
  };
  const str = (s: string) => {
    const b = Buffer.from(s, "latin1");
    if (b.length < 256) out.push(0x55, b.length);
    else {
      out.push(0x54);
      u32(b.length);
    }
    out.push(...b);
  };
  const int = (n: number) => {
    if (n >= 0 && n < 256) out.push(0x4b, n);
    else if (n >= 0 && n < 65536) out.push(0x4d, n & 255, n >>> 8);
    else {
      out.push(0x4a);
      u32(n);
    }
  };
  const glob = (m: string, n: string) => {
    out.push(0x63, ...Buffer.from(`${m}\n${n}\n`, "latin1"));
    put();
  };
  const emit = (v: PyOut): void => {
    if (typeof v === "number") int(v);
    else if (typeof v === "string") {
      str(v);
      put();
    } else if (Array.isArray(v)) {
      out.push(0x5d);
      put();
      for (let i = 0; i < v.length; i += 1000) {
        out.push(0x28);
        for (const x of v.slice(i, i + 1000)) emit(x);
        out.push(0x65);
      }
    } else if ("dict" in v) {
      out.push(0x7d);
      put();
      out.push(0x28);
      for (const [k, x] of v.dict) {
        str(k);
        put();
        emit(x);
      }
      out.push(0x75);
    } else {
      glob("numpy.core.multiarray", "_reconstruct");
      glob("numpy", "ndarray");
      out.push(0x4b, 0, 0x85);
      str("b");
      out.push(0x87, 0x52);
      put();
      out.push(0x28, 0x4b, 1);
      for (const d of v.shape) int(d);
      out.push(v.shape.length === 1 ? 0x85 : v.shape.length === 2 ? 0x86 : 0x87);
      glob("numpy", "dtype");
      str("u1");
      out.push(0x4b, 0, 0x4b, 1, 0x87, 0x52);
      put();
      out.push(0x28, 0x4b, 3);
      str("|");
      out.push(0x4e, 0x4e, 0x4e, 0x4a, 255, 255, 255, 255, 0x4a, 255, 255, 255, 255, 0x4b, 0, 0x74, 0x62);
      out.push(0x89, 0x54);
      u32(v.bytes.length);
      flush();
      chunks.push(v.bytes);
      out.push(0x74, 0x62);
    }
  };
  out.push(0x80, 2);
  emit(value);
  out.push(0x2e);
  flush();
  return Buffer.concat(chunks);
}
