/**
 * Vega-Lite → Vega compilation with a logger that keeps warnings: what the figure tests check
 * (a spec must compile without warnings) and what a page or a renderer compiles. Portable: only
 * `vega-lite`, no Node built-ins.
 */
import { compile, type TopLevelSpec } from "vega-lite";

type Compiled = ReturnType<typeof compile>;
/** Vega's logger interface (vega-util), as Vega-Lite's compiler and Vega's View take it. */
export type FigureLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>["logger"]>;
/** The Vega spec a Vega-Lite spec compiles to. */
export type VegaSpec = Compiled["spec"];

/** vega-util's Warn level (None 0, Error 1, Warn 2, Info 3, Debug 4). */
const WARN = 2;

/**
 * A Vega logger that appends warnings to `warnings` and throws errors (Vega's `LoggerInterface`),
 * for Vega-Lite's compiler and for a Vega `View`.
 */
export function collectingLogger(warnings: string[]): FigureLogger {
  let lvl = WARN;
  const text = (args: readonly unknown[]): string => args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  const logger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(text(args));
    },
    warn(...args: readonly unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as FigureLogger;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec; compiler warnings are appended to `warnings`, an
 * invalid spec throws with Vega-Lite's message.
 */
export function compileSpec(spec: TopLevelSpec, warnings: string[] = []): VegaSpec {
  if (spec === null || typeof spec !== "object") throw new Error(`compileSpec: spec must be a Vega-Lite spec object, got ${spec === null ? "null" : typeof spec}`);
  try {
    return compile(spec, { logger: collectingLogger(warnings) }).spec;
  } catch (e) {
    throw new Error(`compileSpec: invalid Vega-Lite spec: ${(e as Error).message}`);
  }
}
