/**
 * The FID Inception-v3 (pytorch-fid `fid_inception_v3`, spec 8.1) as a table of its 94
 * BasicConv2d modules (conv without bias + BatchNorm eps 1e-3 + ReLU) and the order of its blocks.
 * The PyTorch key of each module is `<name>.conv.weight`, `<name>.bn.{weight,bias,running_mean,running_var}`.
 */

/** One BasicConv2d: kernel kh × kw, `inC → outC`, stride, and TF padding ('same' = symmetric here). */
export interface ConvSpec {
  name: string;
  inC: number;
  outC: number;
  kh: number;
  kw: number;
  stride: 1 | 2;
  pad: "same" | "valid";
}

/** Mixed block kinds: A = FIDInceptionA, B = InceptionB (6a), C = FIDInceptionC, D = InceptionD (7a), E1/E2 = FIDInceptionE_1/_2. */
export type MixedKind = "A" | "B" | "C" | "D" | "E1" | "E2";

/** Mixed blocks in forward order with their input channels and kind-specific size. */
export const MIXED_BLOCKS: readonly { name: string; kind: MixedKind; inC: number; size: number }[] = [
  { name: "Mixed_5b", kind: "A", inC: 192, size: 32 },
  { name: "Mixed_5c", kind: "A", inC: 256, size: 64 },
  { name: "Mixed_5d", kind: "A", inC: 288, size: 64 },
  { name: "Mixed_6a", kind: "B", inC: 288, size: 0 },
  { name: "Mixed_6b", kind: "C", inC: 768, size: 128 },
  { name: "Mixed_6c", kind: "C", inC: 768, size: 160 },
  { name: "Mixed_6d", kind: "C", inC: 768, size: 160 },
  { name: "Mixed_6e", kind: "C", inC: 768, size: 192 },
  { name: "Mixed_7a", kind: "D", inC: 768, size: 0 },
  { name: "Mixed_7b", kind: "E1", inC: 1280, size: 0 },
  { name: "Mixed_7c", kind: "E2", inC: 2048, size: 0 },
];

const c = (name: string, inC: number, outC: number, kh: number, kw: number, stride: 1 | 2 = 1, pad: "same" | "valid" = "same"): ConvSpec => ({ name, inC, outC, kh, kw, stride, pad });

/** The BasicConv2d modules of one Mixed block. */
export function mixedConvs(block: { name: string; kind: MixedKind; inC: number; size: number }): ConvSpec[] {
  const p = block.name + ".", i = block.inC, s = block.size;
  switch (block.kind) {
    case "A":
      return [
        c(p + "branch1x1", i, 64, 1, 1),
        c(p + "branch5x5_1", i, 48, 1, 1),
        c(p + "branch5x5_2", 48, 64, 5, 5),
        c(p + "branch3x3dbl_1", i, 64, 1, 1),
        c(p + "branch3x3dbl_2", 64, 96, 3, 3),
        c(p + "branch3x3dbl_3", 96, 96, 3, 3),
        c(p + "branch_pool", i, s, 1, 1),
      ];
    case "B":
      return [
        c(p + "branch3x3", i, 384, 3, 3, 2, "valid"),
        c(p + "branch3x3dbl_1", i, 64, 1, 1),
        c(p + "branch3x3dbl_2", 64, 96, 3, 3),
        c(p + "branch3x3dbl_3", 96, 96, 3, 3, 2, "valid"),
      ];
    case "C":
      return [
        c(p + "branch1x1", i, 192, 1, 1),
        c(p + "branch7x7_1", i, s, 1, 1),
        c(p + "branch7x7_2", s, s, 1, 7),
        c(p + "branch7x7_3", s, 192, 7, 1),
        c(p + "branch7x7dbl_1", i, s, 1, 1),
        c(p + "branch7x7dbl_2", s, s, 7, 1),
        c(p + "branch7x7dbl_3", s, s, 1, 7),
        c(p + "branch7x7dbl_4", s, s, 7, 1),
        c(p + "branch7x7dbl_5", s, 192, 1, 7),
        c(p + "branch_pool", i, 192, 1, 1),
      ];
    case "D":
      return [
        c(p + "branch3x3_1", i, 192, 1, 1),
        c(p + "branch3x3_2", 192, 320, 3, 3, 2, "valid"),
        c(p + "branch7x7x3_1", i, 192, 1, 1),
        c(p + "branch7x7x3_2", 192, 192, 1, 7),
        c(p + "branch7x7x3_3", 192, 192, 7, 1),
        c(p + "branch7x7x3_4", 192, 192, 3, 3, 2, "valid"),
      ];
    case "E1":
    case "E2":
      return [
        c(p + "branch1x1", i, 320, 1, 1),
        c(p + "branch3x3_1", i, 384, 1, 1),
        c(p + "branch3x3_2a", 384, 384, 1, 3),
        c(p + "branch3x3_2b", 384, 384, 3, 1),
        c(p + "branch3x3dbl_1", i, 448, 1, 1),
        c(p + "branch3x3dbl_2", 448, 384, 3, 3),
        c(p + "branch3x3dbl_3a", 384, 384, 1, 3),
        c(p + "branch3x3dbl_3b", 384, 384, 3, 1),
        c(p + "branch_pool", i, 192, 1, 1),
      ];
  }
}

/** The stem convolutions, in forward order. */
export const STEM_CONVS: readonly ConvSpec[] = [
  c("Conv2d_1a_3x3", 3, 32, 3, 3, 2, "valid"),
  c("Conv2d_2a_3x3", 32, 32, 3, 3, 1, "valid"),
  c("Conv2d_2b_3x3", 32, 64, 3, 3),
  c("Conv2d_3b_1x1", 64, 80, 1, 1),
  c("Conv2d_4a_3x3", 80, 192, 3, 3, 1, "valid"),
];

/** All 94 BasicConv2d modules. */
export function allConvs(): ConvSpec[] {
  return [...STEM_CONVS, ...MIXED_BLOCKS.flatMap((b) => mixedConvs(b))];
}

/** Number of classes of the 2015-12-05 graph's fc layer. */
export const FC_OUT = 1008;
/** pool3 feature size. */
export const POOL3_DIM = 2048;
/** BatchNorm epsilon of the FID Inception. */
export const BN_EPS = 1e-3;

/** Every float tensor key of the state dict with its PyTorch shape (472 entries, unsorted). */
export function stateDictShapes(): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const cv of allConvs()) {
    m.set(`${cv.name}.conv.weight`, [cv.outC, cv.inC, cv.kh, cv.kw]);
    for (const k of ["weight", "bias", "running_mean", "running_var"]) m.set(`${cv.name}.bn.${k}`, [cv.outC]);
  }
  m.set("fc.weight", [FC_OUT, POOL3_DIM]);
  m.set("fc.bias", [FC_OUT]);
  return m;
}
