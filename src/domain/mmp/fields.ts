import { isGuid } from '../ids.js';
import { PackageFormatError } from './errors.js';

/**
 * Where a field sits in its document: a name (`object.name`), or a part of a list or object below another path
 * (`object.acl[2]`). Built into text only when a check fails: composing `object.acl[2].rights` for every field
 * of every object was a tenth of all that a diff of a package allocated.
 */
export type FieldPath = string | Subpath;

class Subpath {
  constructor(
    readonly parent: FieldPath,
    readonly child: FieldPath | number,
  ) {}
}

function render(path: FieldPath): string {
  if (typeof path === 'string') return path;
  const parent = render(path.parent);
  if (typeof path.child === 'number') return `${parent}[${path.child}]`;
  const child = render(path.child);
  return parent === '' ? child : child === '' ? parent : `${parent}.${child}`;
}

/** The path of the item at `index` of the list at `path`. */
export function itemOf(path: FieldPath, index: number): FieldPath {
  return new Subpath(path, index);
}

/** The path of `child` (a key, or a path of keys) under `path`. */
function join(path: FieldPath, child: FieldPath): FieldPath {
  return path === '' ? child : new Subpath(path, child);
}

/**
 * Checks the fields of one JSON document from a package. Every failure names the document (`where`) and the
 * field path, e.g. `objects/00000002.ndjson line 7: object.uses[3] must be 32 upper-case hex`. A check made
 * `within` a path names its fields below that path.
 */
export class FieldCheck {
  constructor(
    readonly where: string,
    private readonly scope: FieldPath = '',
  ) {}

  /** The same checks for the fields of the value at `path`, whose paths are then given relative to it. */
  within(path: FieldPath): FieldCheck {
    return new FieldCheck(this.where, join(this.scope, path));
  }

  fail(path: FieldPath, problem: string): never {
    const name = render(join(this.scope, path));
    throw new PackageFormatError(`${this.where}: ${name === '' ? 'the document' : name} ${problem}`);
  }

  record(value: unknown, path: FieldPath): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(path, 'must be a JSON object');
    return value as Record<string, unknown>;
  }

  /** A record with no keys beyond `allowed` (a key holding undefined counts as absent). */
  fields(value: unknown, path: FieldPath, allowed: readonly string[]): Record<string, unknown> {
    const object = this.record(value, path);
    // for…in, not Object.keys or entries: this runs for every object and ACL entry of a package, and those
    // allocate an array (and a pair per field). A parsed document's prototype has no enumerable keys.
    for (const key in object) {
      // An empty key is named `""`: an empty path stands for the record itself.
      if (!allowed.includes(key) && object[key] !== undefined) this.fail(join(path, key === '' ? '""' : key), 'is not a known field');
    }
    return object;
  }

  string(value: unknown, path: FieldPath, maxChars: number): string {
    if (typeof value !== 'string') this.fail(path, 'must be a string');
    if (value.length > maxChars) this.fail(path, `must be at most ${maxChars} characters`);
    return value;
  }

  nonEmptyString(value: unknown, path: FieldPath, maxChars: number): string {
    const text = this.string(value, path, maxChars);
    if (text.length === 0) this.fail(path, 'must not be empty');
    return text;
  }

  guid(value: unknown, path: FieldPath): string {
    if (!isGuid(value)) this.fail(path, 'must be 32 upper-case hex');
    return value;
  }

  guidOrNull(value: unknown, path: FieldPath): string | null {
    return value === null ? null : this.guid(value, path);
  }

  integer(value: unknown, path: FieldPath, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(path, 'must be an integer');
    if (value < min || value > max) this.fail(path, `must be between ${min} and ${max}`);
    return value;
  }

  boolean(value: unknown, path: FieldPath): boolean {
    if (typeof value !== 'boolean') this.fail(path, 'must be true or false');
    return value;
  }

  oneOf<T extends string>(value: unknown, path: FieldPath, allowed: Readonly<Record<T, true>>): T {
    if (typeof value !== 'string' || !Object.hasOwn(allowed, value)) {
      this.fail(path, `must be one of ${Object.keys(allowed).join(', ')}`);
    }
    return value as T;
  }

  list(value: unknown, path: FieldPath, maxItems: number): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'must be an array');
    if (value.length > maxItems) this.fail(path, `must have at most ${maxItems} items`);
    return value;
  }

  /** Each item of a list, checked by `item` with its indexed path. */
  each<T>(value: unknown, path: FieldPath, maxItems: number, item: (value: unknown, path: FieldPath) => T): T[] {
    return this.list(value, path, maxItems).map((element, index) => item(element, itemOf(path, index)));
  }

  optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
    return value === undefined ? undefined : check(value);
  }
}

/** `{ [key]: value }` when the value is there, `{}` otherwise: optional fields stay absent rather than undefined. */
export function present<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
