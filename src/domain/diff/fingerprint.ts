import { createHash } from 'node:crypto';

/**
 * The target state a diff was computed against: sha256 over (id, version or "-") of every object
 * the diff read, in id order. An object changed, created or deleted since gives another fingerprint.
 */
export async function targetFingerprint(versions: AsyncIterable<ReadonlyArray<{ id: string; version: string | null }>>): Promise<string> {
  const hash = createHash('sha256');
  for await (const batch of versions) for (const v of batch) hash.update(`${v.id}:${v.version ?? '-'}\n`);
  return hash.digest('hex');
}
