import assert from 'node:assert/strict';

/**
 * The value, or a failed assertion naming what the test expected to find. It replaces a non-null `!`, which
 * would let a missing value fail later, far away, as a TypeError.
 */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) assert.fail(`Expected ${what}, but it is ${value}`);
  return value;
}
