import type { Readable } from 'node:stream';
import { openPackage, type PackageReader } from '../../domain/mmp/reader.js';
import type { PackageSignature } from '../../domain/mmp/signature.js';
import type { PackageEntry, PackageHeader, PackageLimits, PackageManifest } from '../../domain/mmp/types.js';
import { ReaderThread } from './reader-thread.js';

/**
 * openPackage on another thread: the same reader, checks and errors, while the caller's thread only
 * parses each checked page's JSON. Inflating, hashing and checking every field of a large package
 * then run beside the database work instead of before it (a diff or an import of 100,000 objects
 * spent about a third of its time there), and the event loop stays free for other requests.
 */
export async function openPackageInThread(input: Readable, limits: Partial<PackageLimits> = {}): Promise<PackageReader> {
  const thread = new ReaderThread(input, limits);
  try {
    const reply = await thread.receive();
    if (reply.kind !== 'header') throw new Error(`the package reading thread answered ${reply.kind} before the header`);
    return new ThreadedPackageReader(thread, reply.header);
  } catch (error) {
    thread.close(false);
    throw error;
  }
}

class ThreadedPackageReader implements PackageReader {
  private finished: { manifest: PackageManifest; signature: PackageSignature | undefined } | undefined;
  private started = false;

  constructor(
    private readonly thread: ReaderThread,
    readonly header: PackageHeader,
  ) {}

  async *entries(): AsyncGenerator<PackageEntry[]> {
    if (this.started) throw new Error('entries() can be read only once');
    this.started = true;
    try {
      let reply = await this.thread.receive();
      while (reply.kind === 'page') {
        this.thread.taken();
        yield JSON.parse(reply.json) as PackageEntry[];
        reply = await this.thread.receive();
      }
      if (reply.kind !== 'done') throw new Error(`the package reading thread answered ${reply.kind} for a page`);
      this.finished = reply;
    } finally {
      this.close();
    }
  }

  manifest(): PackageManifest {
    if (!this.finished) throw new Error('manifest() is available only after entries() has completed');
    return this.finished.manifest;
  }

  signature(): PackageSignature | undefined {
    if (!this.finished) throw new Error('signature() is available only after entries() has completed');
    return this.finished.signature;
  }

  close(): void {
    this.thread.close(this.finished !== undefined);
  }
}

/**
 * Smaller packages are read on the caller's thread: a thread costs tens of milliseconds to start and
 * some memory, which a package of a few thousand objects (a second's import) does not win back.
 */
const THREAD_MIN_BYTES = 256 * 1024;

/** A stored package of `size` bytes, read on its own thread when it is large. */
export function openStoredPackage(input: Readable, size: number, limits: Partial<PackageLimits> = {}): Promise<PackageReader> {
  return size >= THREAD_MIN_BYTES ? openPackageInThread(input, limits) : openPackage(input, limits);
}
