import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { backendInfo, initBackend } from "./backend";

const savedEnv = process.env.EBJDAT_BACKEND;

describe("initBackend", () => {
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.EBJDAT_BACKEND;
    else process.env.EBJDAT_BACKEND = savedEnv;
  });

  it("runs a forced cpu backend and reports it", async () => {
    const info = await initBackend({ backend: "cpu", quiet: true });
    expect(info.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(backendInfo()).toEqual(info);
    expect(info.tfjsVersion).toBe(tf.version_core);
  });

  it("rejects an unknown name with an error naming it and the choices", async () => {
    await expect(initBackend({ backend: "tpu" as never, quiet: true })).rejects.toThrow(/Unknown backend 'tpu'.*node-gpu, node, wasm, cpu, webgpu/);
    process.env.EBJDAT_BACKEND = "gpu";
    await expect(initBackend({ quiet: true })).rejects.toThrow(/'gpu' \(from EBJDAT_BACKEND\)/);
  });

  it("honours EBJDAT_BACKEND", async () => {
    process.env.EBJDAT_BACKEND = "wasm";
    expect((await initBackend({ quiet: true })).name).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    process.env.EBJDAT_BACKEND = "cpu";
    expect((await initBackend({ quiet: true })).name).toBe("cpu");
    // An explicit option wins over the environment.
    expect((await initBackend({ backend: "wasm", quiet: true })).name).toBe("wasm");
  });

  it("reports, without throwing, optional backends that are missing in auto mode", async () => {
    delete process.env.EBJDAT_BACKEND;
    await initBackend({ backend: "cpu", quiet: true });
    const info = await initBackend({ quiet: true });
    // tfjs-node(-gpu) cannot install here; when present they would be chosen first.
    let nodeInstalled = true;
    try {
      await import(/* @vite-ignore */ "@tensorflow/tfjs-node" as string);
    } catch {
      nodeInstalled = false;
    }
    if (!nodeInstalled) {
      expect(info.name).toBe("wasm");
      expect(info.notes.join("\n")).toMatch(/node-gpu: not available/);
      expect(info.notes.join("\n")).toMatch(/node: not available/);
    }
    process.env.EBJDAT_BACKEND = "auto";
    expect((await initBackend({ quiet: true })).name).toBe(info.name);
  });

  it("fails clearly when a forced optional backend is missing", async () => {
    let installed = true;
    try {
      await import(/* @vite-ignore */ "@tensorflow/tfjs-node" as string);
    } catch {
      installed = false;
    }
    if (!installed) await expect(initBackend({ backend: "node", quiet: true })).rejects.toThrow(/Backend 'node' was requested but could not be loaded/);
  });

  it("registers gradients and the wasm kernels (idempotent)", async () => {
    await initBackend({ backend: "wasm", quiet: true });
    await initBackend({ backend: "wasm", quiet: true });
    expect(tf.getGradient("Conv2D")).toBeDefined();
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeDefined();
  });
});
