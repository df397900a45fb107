import { Readable } from 'node:stream';
import { ownerMarkerPath } from '../../domain/storage-keys.js';
import type { OwnedBlobRepository } from '../owned-blobs.js';
import type { BlobListing, BlobStore, ByteRange, PutOptions, StoredBlob } from './blob-store.js';

/**
 * A blob store that records what this environment writes. Every put is recorded in the
 * environment's database before a byte is written, every delete forgotten after the bytes are
 * gone, and the first put leaves the environment's marker in the store. Recovery works from that
 * record only: several environments can share one folder or bucket without touching each
 * other's files, whatever their ages.
 */
export class OwnedBlobStore implements BlobStore {
  readonly kind: BlobStore['kind'];
  private markerWritten = false;

  constructor(
    readonly inner: BlobStore,
    private readonly ledger: OwnedBlobRepository,
    readonly ownerId: string,
  ) {
    this.kind = inner.kind;
  }

  async put(key: string, body: Readable, options?: PutOptions): Promise<StoredBlob> {
    await this.ledger.record(key);
    await this.writeMarker();
    return this.inner.put(key, body, options);
  }

  get(key: string, options?: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable> {
    return this.inner.get(key, options);
  }

  head(key: string): Promise<Omit<BlobListing, 'key'> | undefined> {
    return this.inner.head(key);
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
    await this.ledger.forget(key);
  }

  list(prefix: string): AsyncIterable<BlobListing> {
    return this.inner.list(prefix);
  }

  cleanupTemporary(staleBefore: Date, keys: ReadonlySet<string>): Promise<number> {
    return this.inner.cleanupTemporary(staleBefore, keys);
  }

  check(): Promise<void> {
    return this.inner.check();
  }

  /** True when the store holds this environment's marker: it is the store the records describe. */
  async holdsMarker(): Promise<boolean> {
    return (await this.inner.head(ownerMarkerPath(this.ownerId))) !== undefined;
  }

  private async writeMarker(): Promise<void> {
    if (this.markerWritten) return;
    if (!(await this.holdsMarker())) {
      const marker = JSON.stringify({ owner: this.ownerId, writtenAt: new Date().toISOString() });
      await this.inner.put(ownerMarkerPath(this.ownerId), Readable.from([Buffer.from(marker)]));
    }
    this.markerWritten = true;
  }
}
