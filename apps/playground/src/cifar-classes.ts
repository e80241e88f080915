/** The CIFAR-10 class names, by label (0 = airplane … 9 = truck). */
export const CIFAR10_CLASSES: readonly string[] = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

/** The name of a CIFAR-10 label, or `class k` for a label outside 0..9 (e.g. a CIFAR-100 model). */
export function className(label: number): string {
  return CIFAR10_CLASSES[label] ?? `class ${label}`;
}
