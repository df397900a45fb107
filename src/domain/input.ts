import { InvalidInputError } from './errors.js';
import { isGuid } from './ids.js';

/** Checks for request bodies: each failure is a 400 ERR006 that names the field. */

export type JsonObject = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, field: string): JsonObject {
  if (!isRecord(value)) throw new InvalidInputError(`${field} must be a JSON object.`);
  return value;
}

export function optionalRecord(value: unknown, field: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : record(value, field);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidInputError(`${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value ?? null)}.`);
}

export function text(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInputError(`${field} must be a non-empty string.`);
  if (value.length > maxLength) throw new InvalidInputError(`${field} must be at most ${maxLength} characters long.`);
  return value;
}

export function optionalText(value: unknown, field: string, maxLength: number): string | undefined {
  return value === undefined || value === null ? undefined : text(value, field, maxLength);
}

export function guid(value: unknown, field: string): string {
  if (!isGuid(value)) throw new InvalidInputError(`${field} must be 32 upper-case hexadecimal characters; got ${JSON.stringify(value ?? null)}.`);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new InvalidInputError(`${field} must be true or false.`);
}

export function integer(value: unknown, field: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new InvalidInputError(`${field} must be a whole number from ${min} to ${max}; got ${JSON.stringify(value ?? null)}.`);
  }
  return n;
}

/** A {id, name} pair as Library bodies carry environments and projects. */
export function namedRef(value: unknown, field: string, options: { idIsGuid?: boolean; maxLength?: number } = {}): { id: string; name: string } {
  const ref = record(value, field);
  const id = options.idIsGuid ? guid(ref.id, `${field}.id`) : text(ref.id, `${field}.id`, options.maxLength ?? 2000);
  const name = ref.name === undefined || ref.name === null ? '' : typeof ref.name === 'string' ? ref.name : undefined;
  if (name === undefined || name.length > (options.maxLength ?? 2000)) throw new InvalidInputError(`${field}.name must be a string.`);
  return { id, name };
}

/** Environment ids are URLs; clients send them with or without a trailing slash. */
export function normaliseEnvironmentId(id: string): string {
  return id.replace(/\/+$/, '');
}
