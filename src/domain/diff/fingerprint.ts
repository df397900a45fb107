import { createHash } from 'node:crypto';

/** An object the diff read, and its version in the target (null: absent); listed: the package holds it (not a destination folder). */
export interface ReadVersion {
  id: string;
  version: string | null;
  listed: boolean;
}

/**
 * The target state a diff was computed against: sha256 over the digests of (id, version or "-") of
 * the destination folders the diff read, then of the package's objects, each in the order read. An
 * object changed, created or deleted since gives another fingerprint. Two parts, so that it can be
 * taken while the diff streams (folders turn up between objects) and again from the stored rows.
 */
export class TargetFingerprint {
  private readonly folders = createHash('sha256');
  private readonly objects = createHash('sha256');

  add(versions: Iterable<ReadVersion>): void {
    for (const v of versions) (v.listed ? this.objects : this.folders).update(`${v.id}:${v.version ?? '-'}\n`);
  }

  digest(): string {
    return createHash('sha256').update(this.folders.digest()).update(this.objects.digest()).digest('hex');
  }
}

export async function targetFingerprint(versions: AsyncIterable<readonly ReadVersion[]>): Promise<string> {
  const fingerprint = new TargetFingerprint();
  for await (const batch of versions) fingerprint.add(batch);
  return fingerprint.digest();
}
