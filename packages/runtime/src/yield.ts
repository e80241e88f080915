/**
 * Lets pending events run (signal handlers, progress output, a page's UI) between batches of
 * synchronous tensor work: `setImmediate` where it exists (Node), else `setTimeout(0)` (browsers
 * and Web Workers have no `setImmediate`). Not an algorithm of the spec; the one yield every
 * long-running loop of the packages uses.
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => {
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });
}
