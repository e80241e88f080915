/**
 * The page ⇄ worker protocol: the page sends one request at a time, the worker answers with
 * progress messages and one `…-done` (or `error`) message per request.
 */

/** How the worker picks its TF.js backend: the automatic order WebGPU → WebGL → wasm, or one forced. */
export type BackendChoice = "auto" | "webgpu" | "webgl" | "wasm" | "cpu";

/** The attacks of the page: PGD-k, APGD-CE and the AutoAttack `standard` ensemble (spec 7.1, 7.2, 7.6). */
export type PlaygroundAttack = "pgd" | "apgd-ce" | "aa-standard";

/** Loads the model and the first `n` CIFAR-10 test images (and picks the backend). */
export interface LoadRequest {
  kind: "load";
  model: ArrayBuffer;
  /** File name of the model (`.safetensors`, `.pt`/`.pth`): names it in errors and picks the reader. */
  modelName: string;
  images: ArrayBuffer;
  n: number;
  backend: BackendChoice;
  /** Folder URL of the tfjs-backend-wasm binaries served with the page (ends with `/`). */
  wasmPath: string;
}

/** Attacks the loaded images. */
export interface AttackRequest {
  kind: "attack";
  attack: PlaygroundAttack;
  /** ε in 1/255 units on the [0, 1] image scale (8 = 8/255). */
  eps255: number;
  /** PGD / APGD-CE iterations (AutoAttack `standard` keeps its own). */
  steps: number;
  seed: number;
  /** How many images the perturbation view shows. */
  show: number;
}

/** Draws SGLD samples from the energy, posting a frame every `every` steps. */
export interface SampleRequest {
  kind: "sample";
  n: number;
  steps: number;
  every: number;
  seed: number;
}

/** Energies E(x) of the clean images, the last adversarial images and the last samples. */
export interface EnergiesRequest {
  kind: "energies";
}

export type WorkerRequest = LoadRequest | AttackRequest | SampleRequest | EnergiesRequest;

/** NHWC float32 images in [0, 1] (32×32×3 each) with what the model predicts. */
export interface ImageSet {
  images: Float32Array;
  n: number;
  labels: Int32Array;
  pred: Int32Array;
}

/** One finished stage of an attack (a single attack has one). */
export interface StageAccuracy {
  attack: string;
  robustAccuracy: number;
}

/** What the worker posts back. */
export type WorkerMessage =
  | { kind: "backend"; name: string; notes: string[] }
  | { kind: "loaded"; n: number; cleanAccuracy: number; seconds: number }
  | { kind: "pass"; pass: number; accuracy: number }
  | { kind: "stage"; attack: string; robustAccuracy: number }
  | { kind: "attack-done"; attack: PlaygroundAttack; cleanAccuracy: number; robustAccuracy: number; accuracyPerPass: number[]; stages: StageAccuracy[]; seconds: number; clean: ImageSet; adversarial: ImageSet }
  | { kind: "frame"; step: number; steps: number; samples: ImageSet }
  | { kind: "sample-done"; seconds: number; samples: ImageSet }
  | { kind: "energies-done"; clean: number[]; adversarial: number[]; sampled: number[] }
  | { kind: "error"; request: WorkerRequest["kind"]; message: string };
