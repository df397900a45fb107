import { createHash } from 'node:crypto';

/**
 * A GUID derived from a seed string: the same seed gives the same id in every environment.
 * Demo content and generated test data use it so that fresh environments are identical.
 */
export function stableGuid(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32).toUpperCase();
}
