/** One difference between two values: where (a dotted path, [i] for array items), and the two sides. */
export interface FieldChange {
  field: string;
  /** null: the side does not have it. */
  before: unknown;
  after: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return false;
}

/**
 * A structured diff of two JSON values: nested objects and arrays are walked, and each leaf that
 * differs (or exists on one side only) is one change, named by its path under `path`.
 */
export function jsonChanges(before: unknown, after: unknown, path: string): FieldChange[] {
  if (same(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => jsonChanges(before[k] ?? null, after[k] ?? null, `${path}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => jsonChanges(before[i] ?? null, after[i] ?? null, `${path}[${i}]`)).flat();
  }
  return [{ field: path, before, after }];
}
