import type { TopLevelSpec } from "vega-lite";

/**
 * Shows a Vega-Lite spec interactively in `host` with vega-embed (loaded on first use, so the
 * page starts without it): tooltips, and the action menu to save SVG/PNG or open the spec in the
 * Vega editor.
 */
export async function embedSpec(host: HTMLElement, spec: TopLevelSpec): Promise<void> {
  const { default: embed } = await import("vega-embed");
  const div = document.createElement("div");
  host.append(div);
  await embed(div, spec, { renderer: "svg", tooltip: true, actions: { export: true, source: false, compiled: false, editor: true } });
}
