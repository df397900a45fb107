import { isGuid } from '../ids.js';
import { PackageFormatError } from './errors.js';

/**
 * Checks the fields of one JSON document from a package. Every failure names the document (`where`) and the
 * field path, e.g. `objects/00000002.ndjson line 7: object.uses[3] must be 32 upper-case hex`.
 */
export class FieldCheck {
  constructor(readonly where: string) {}

  fail(path: string, problem: string): never {
    throw new PackageFormatError(`${this.where}: ${path === '' ? 'the document' : path} ${problem}`);
  }

  record(value: unknown, path: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be a JSON object');
    return value as Record<string, unknown>;
  }

  /** A record with no keys beyond `allowed` (a key holding undefined counts as absent). */
  fields(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
    const object = this.record(value, path);
    // Keys, not entries: this runs for every object and ACL entry of a package, and entries allocate a pair per field.
    for (const key of Object.keys(object)) {
      if (!allowed.includes(key) && object[key] !== undefined) this.fail(join(path, key), 'is not a known field');
    }
    return object;
  }

  string(value: unknown, path: string, maxChars: number): string {
    if (typeof value !== 'string') this.fail(path, 'must be a string');
    if (value.length > maxChars) this.fail(path, `must be at most ${maxChars} characters`);
    return value;
  }

  nonEmptyString(value: unknown, path: string, maxChars: number): string {
    const text = this.string(value, path, maxChars);
    if (text.length === 0) this.fail(path, 'must not be empty');
    return text;
  }

  guid(value: unknown, path: string): string {
    if (!isGuid(value)) this.fail(path, 'must be 32 upper-case hex');
    return value;
  }

  guidOrNull(value: unknown, path: string): string | null {
    return value === null ? null : this.guid(value, path);
  }

  integer(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(path, 'must be an integer');
    if (value < min || value > max) this.fail(path, `must be between ${min} and ${max}`);
    return value;
  }

  boolean(value: unknown, path: string): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: Readonly<Record<T, true>>): T {
    if (typeof value !== 'string' || !Object.hasOwn(allowed, value)) {
      this.fail(path, `must be one of ${Object.keys(allowed).join(', ')}`);
    }
    return value as T;
  }

  list(value: unknown, path: string, maxItems: number): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array');
    if (value.length > maxItems) this.fail(path, `must have at most ${maxItems} items`);
    return value;
  }

  /** Each item of a list, checked by `item` with its indexed path. */
  each<T>(value: unknown, path: string, maxItems: number, item: (value: unknown, path: string) => T): T[] {
    return this.list(value, path, maxItems).map((element, index) => item(element, `${path}[${index}]`));
  }

  optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
    return value === undefined ? undefined : check(value);
  }
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** `{ [key]: value }` when the value is there, `{}` otherwise: optional fields stay absent rather than undefined. */
export function present<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
