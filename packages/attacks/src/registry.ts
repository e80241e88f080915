import type { Rng } from "@ebjdat/runtime";
import { apgdBatch, apgdTargetedBatch, type ApgdSettings } from "./apgd";
import { fabBatch } from "./fab";
import { fgsmBatch, pgdBatch } from "./pgd";
import { squareBatch } from "./square";
import { ATTACK_NAMES, type AttackContext, type AttackName, type AttackOptions } from "./types";

/** An attack bound to its settings: maps one batch to adversarial images (flat NHWC). */
export type BatchAttack = (ctx: AttackContext, x: Float32Array, y: Int32Array, rng: Rng, offset: number) => Float32Array;

/**
 * Parses an attack name; `pgd20`/`pgd-7` set PGD's step count. Throws on unknown names.
 */
export function parseAttackName(name: string): { name: AttackName; steps?: number } {
  const m = /^pgd-?(\d+)$/.exec(name);
  if (m) return { name: "pgd", steps: Number(m[1]) };
  if ((ATTACK_NAMES as readonly string[]).includes(name)) return { name: name as AttackName };
  throw new Error(`unknown attack '${name}'; expected one of ${ATTACK_NAMES.join(", ")} or pgdN (e.g. pgd20)`);
}

function apgdSettings(o: AttackOptions, loss: ApgdSettings["loss"], k: number): ApgdSettings {
  return {
    eps: o.eps,
    norm: o.norm ?? "linf",
    steps: o.steps ?? 100,
    restarts: o.restarts ?? 1,
    loss,
    rho: o.rho ?? 0.75,
    eotIter: o.eotIter ?? 1,
    targetClasses: Math.min(o.targetClasses ?? 9, k - 1),
  };
}

function linfOnly(name: string, o: AttackOptions): void {
  if ((o.norm ?? "linf") !== "linf") throw new Error(`attack '${name}' supports norm 'linf' only (spec 7), got '${o.norm}'`);
}

/**
 * Binds an attack name and options to a batch function with the defaults of spec 7
 * (AutoAttack's per-attack settings, 7.6; PGD-20 project defaults, 7.7).
 */
export function makeAttack(name: AttackName, o: AttackOptions, numClasses: number): BatchAttack {
  const norm = o.norm ?? "linf";
  switch (name) {
    case "fgsm":
      return (ctx, x, y) => fgsmBatch(ctx, x, y, o.eps, norm);
    case "pgd": {
      const steps = o.steps ?? 20;
      const s = {
        eps: o.eps,
        norm,
        steps,
        stepSize: o.stepSize ?? o.eps / 4,
        randomStart: o.randomStart ?? true,
        loss: o.loss ?? "ce",
        meanLoss: o.paper ?? false,
        targets: o.targets,
      } as const;
      return (ctx, x, y, rng, offset) => pgdBatch(ctx, x, y, rng, s, offset);
    }
    case "apgd-ce": {
      const s = apgdSettings(o, o.loss === "dlr" ? "dlr" : "ce", numClasses);
      return (ctx, x, y, rng) => apgdBatch(ctx, x, y, rng, s);
    }
    case "apgd-dlr": {
      if (numClasses <= 2) throw new Error("apgd-dlr needs more than 2 classes (the DLR loss uses the third largest logit)");
      const s = apgdSettings(o, "dlr", numClasses);
      return (ctx, x, y, rng) => apgdBatch(ctx, x, y, rng, s);
    }
    case "apgd-t": {
      if (numClasses <= 3) throw new Error("apgd-t needs more than 3 classes (the targeted DLR loss uses the fourth largest logit)");
      const s = apgdSettings(o, "dlr-targeted", numClasses);
      return (ctx, x, y, rng) => apgdTargetedBatch(ctx, x, y, rng, s);
    }
    case "fab":
    case "fab-t": {
      linfOnly(name, o);
      const targeted = name === "fab-t";
      const s = {
        eps: o.eps,
        steps: o.steps ?? 100,
        restarts: o.restarts ?? 1,
        targeted,
        targetClasses: Math.min(o.targetClasses ?? 9, numClasses - 1),
        alphaMax: o.fab?.alphaMax ?? 0.1,
        eta: o.fab?.eta ?? 1.05,
        beta: o.fab?.beta ?? 0.9,
      };
      return (ctx, x, y, rng) => fabBatch(ctx, x, y, rng, { ...s, box: o.fabBox ?? ctx.box });
    }
    case "square": {
      linfOnly(name, o);
      const s = {
        eps: o.eps,
        queries: o.steps ?? 5000,
        restarts: o.restarts ?? 1,
        pInit: o.pInit ?? 0.8,
        rescaleSchedule: o.rescaleSchedule ?? false,
        loss: "margin" as const,
      };
      return (ctx, x, y, rng) => squareBatch(ctx, x, y, rng, s);
    }
  }
}
