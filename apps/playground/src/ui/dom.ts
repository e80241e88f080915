/** The element with id `id` (the page's ids are fixed in index.html); throws naming a missing one. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`index.html has no element #${id}`);
  return e as T;
}

/** Shows a status line; `done` (`done` / `error`) marks it finished for scripts (the browser test waits on `data-done`). */
export function setStatus(id: string, text: string, done?: "done" | "error"): void {
  const e = $(id);
  e.textContent = text;
  if (done) e.setAttribute("data-done", done);
  else e.removeAttribute("data-done");
}

/** The value of a number input, checked: an integer in [lo, hi], else an error naming the field. */
export function intInput(id: string, what: string, lo: number, hi: number): number {
  const v = Number($<HTMLInputElement>(id).value);
  if (!(Number.isInteger(v) && v >= lo && v <= hi)) throw new Error(`${what} must be an integer in [${lo}, ${hi}], got "${$<HTMLInputElement>(id).value}"`);
  return v;
}

/** A percentage with one decimal. */
export const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
