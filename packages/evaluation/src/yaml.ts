/** A value a YAML document written by {@link toYaml} can hold. */
export type YamlValue = string | number | boolean | null | readonly YamlValue[] | { readonly [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function scalar(v: string | number | boolean | null): string {
  // JSON strings are YAML double-quoted scalars: every string is quoted, so none changes type
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function isScalar(v: YamlValue): v is string | number | boolean | null {
  return v === null || typeof v !== "object";
}

function lines(v: YamlValue, indent: string): string[] {
  if (isScalar(v)) return [indent + scalar(v)];
  if (Array.isArray(v)) {
    if (v.length === 0) return [`${indent}[]`];
    return (v as readonly YamlValue[]).flatMap((item) => {
      if (isScalar(item)) return [`${indent}- ${scalar(item)}`];
      const inner = lines(item, `${indent}  `);
      if (inner[0]!.trim() === "[]" || inner[0]!.trim() === "{}") return [`${indent}- ${inner[0]!.trim()}`];
      return [`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1)];
    });
  }
  const entries = Object.entries(v as Record<string, YamlValue | undefined>).filter((e): e is [string, YamlValue] => e[1] !== undefined);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.flatMap(([k, val]) => {
    const key = PLAIN_KEY.test(k) ? k : JSON.stringify(k);
    if (isScalar(val)) return [`${indent}${key}: ${scalar(val)}`];
    const inner = lines(val, `${indent}  `);
    if (inner.length === 1 && (inner[0]!.trim() === "[]" || inner[0]!.trim() === "{}")) return [`${indent}${key}: ${inner[0]!.trim()}`];
    return [`${indent}${key}:`, ...inner];
  });
}

/**
 * A YAML document (block style) of a plain value: mappings, sequences, strings (always double
 * quoted, as JSON), numbers, booleans and null; `undefined` mapping values are left out. Enough
 * for Kubernetes manifests, with no dependency.
 */
export function toYaml(value: YamlValue): string {
  return lines(value, "").join("\n") + "\n";
}
