import type { Readable } from 'node:stream';
import { type ArchiveEntry, ArchiveInput } from './archive-input.js';
import { checkEntry, tocRowOf } from './entry-check.js';
import { admit, readHeader, readTrailer, refuseOversize, scanManifest, type Digest } from './entry-steps.js';
import { PackageFormatError } from './errors.js';
import { FieldCheck } from './fields.js';
import { forEachLine, parseJson } from './json-lines.js';
import { HEADER_ENTRY, MANIFEST_ENTRY, pageName } from './layout.js';
import { manifestLimit, resolveLimits } from './limits.js';
import type { PackageSignature } from './signature.js';
import { memorySpool, spooledLines, type Spool } from './spool.js';
import type { PackageEntry, PackageHeader, PackageLimits, PackageManifest, TocRow } from './types.js';
import { TocCheck, verifyBytes, verifyObjectCount, type PackageSeen } from './verify.js';
import { GuidSet } from '../guid-set.js';

export type VerifiedManifest = Omit<PackageManifest, 'toc'>;

export interface PackageReader {
  header: PackageHeader;
  /**
   * The objects, one page at a time. Nothing is trusted until the generator has finished: only then have the
   * manifest, the counts and every checksum been verified and the end of the stream been seen. Callable once.
   */
  entries(): AsyncGenerator<PackageEntry[]>;
  /**
   * The verified manifest but for its table of contents, which is the rows of the objects entries() gave, in
   * their order (a million of them are not held twice); available once entries() has completed.
   */
  manifest(): VerifiedManifest;
  /** signature.json, checked to sign this manifest (not yet against any key); undefined when unsigned. Once entries() has completed. */
  signature(): PackageSignature | undefined;
  /** Stops reading and destroys the input: for a caller that gives up before entries() has finished (or begun). */
  close(): void;
}

/**
 * Reads and checks header.json, then hands back a reader for the rest. On any failure the input is destroyed.
 * The reader notes each object's toc row in `spool` (closed with the reader), to check the manifest's against.
 */
export async function openPackage(input: Readable, limits: Partial<PackageLimits> = {}, spool: Spool = memorySpool()): Promise<PackageReader> {
  const resolved = resolveLimits(limits);
  const archive = new ArchiveInput(input, resolved);
  try {
    const first = await readHeader(archive, resolved);
    return new StreamedPackageReader(archive, first.header, first.digest, resolved, spool);
  } catch (error) {
    archive.close();
    await spool.close();
    throw error;
  }
}

/** Only the header, for callers such as a listing; reads no further than the first entry and destroys the input. */
export async function readPackageHeader(input: Readable, limits: Partial<PackageLimits> = {}): Promise<PackageHeader> {
  const resolved = resolveLimits(limits);
  const archive = new ArchiveInput(input, resolved);
  try {
    return (await readHeader(archive, resolved)).header;
  } finally {
    archive.close();
  }
}

class StreamedPackageReader implements PackageReader {
  private started = false;
  private verified: VerifiedManifest | undefined;
  private signed: PackageSignature | undefined;
  private manifestSha256 = '';
  private readonly seen: PackageSeen = { checksums: new Map(), sizes: new Map() };
  /** Every object id so far, to refuse one given twice (16 bytes each, not a string in a Set). */
  private readonly ids = new GuidSet();
  private pageBytes = 0;

  constructor(
    private readonly archive: ArchiveInput,
    readonly header: PackageHeader,
    headerDigest: Digest,
    private readonly limits: Required<PackageLimits>,
    private readonly spool: Spool,
  ) {
    this.record(HEADER_ENTRY, headerDigest);
  }

  close(): void {
    this.archive.close();
    this.spool.close().catch(() => undefined);
  }

  manifest(): VerifiedManifest {
    if (!this.verified) throw new Error('manifest() is available only after entries() has completed');
    return this.verified;
  }

  signature(): PackageSignature | undefined {
    if (!this.verified) throw new Error('signature() is available only after entries() has completed');
    return this.signed;
  }

  async *entries(): AsyncGenerator<PackageEntry[]> {
    if (this.started) throw new Error('entries() can be read only once');
    this.started = true;
    try {
      let manifest: VerifiedManifest;
      for (let nextPage = 1; ; ) {
        const entry = await this.archive.next();
        if (!entry) throw new PackageFormatError(`package is truncated: it ends before ${MANIFEST_ENTRY}`);
        const name = admit(entry);
        if (name.kind === 'manifest') {
          manifest = await this.readManifest(entry);
          break;
        }
        if (name.kind !== 'page' || name.pageNumber !== nextPage) {
          throw new PackageFormatError(`${entry.name}: out of order; expected ${pageName(nextPage)} or ${MANIFEST_ENTRY}`);
        }
        yield await this.readPage(entry);
        nextPage += 1;
      }
      this.signed = await readTrailer(this.archive, this.manifestSha256);
      this.verified = manifest;
    } finally {
      this.archive.close();
      await this.spool.close();
    }
  }

  private async readPage(entry: ArchiveEntry): Promise<PackageEntry[]> {
    refuseOversize(entry, this.limits.maxEntryBytes, 'maxEntryBytes');
    const page: PackageEntry[] = [];
    const rows: string[] = [];
    await forEachLine(entry.chunks(), entry.name, this.limits.maxObjectBytes, (bytes, lineNumber) => {
      const where = `${entry.name} line ${lineNumber}`;
      const packageEntry = checkEntry(new FieldCheck(where), parseJson(bytes, where), this.header.formatVersion);
      const { id } = packageEntry.object;
      if (this.ids.size >= this.limits.maxEntries) {
        throw new PackageFormatError(`${where}: the package has more than ${this.limits.maxEntries} objects (maxEntries)`);
      }
      if (!this.ids.add(id)) throw new PackageFormatError(`${where}: object ${id} appears twice in the package`);
      rows.push(JSON.stringify(tocRowOf(packageEntry)));
      page.push(packageEntry);
    });
    if (page.length === 0) throw new PackageFormatError(`${entry.name}: an empty page; a page holds at least one object`);
    rows.push('');
    await this.spool.write(Buffer.from(rows.join('\n')));
    const digest = entry.digest();
    this.record(entry.name, digest);
    this.pageBytes += digest.size;
    return page;
  }

  private async readManifest(entry: ArchiveEntry): Promise<VerifiedManifest> {
    const objects = this.ids.size;
    // The pages are all read: no duplicate can come any more.
    this.ids.clear();
    const max = manifestLimit(objects, this.pageBytes);
    const tooLarge = (bytes: number) =>
      new PackageFormatError(
        `${MANIFEST_ENTRY} is ${bytes} bytes; the limit for a package of ${objects} objects in ${this.pageBytes} bytes of pages is ${max}`,
      );
    // Refused by its declared size before a byte is read; counted while read all the same.
    if (entry.size > max) throw tooLarge(entry.size);
    // Scanned as it streams: its toc is checked row by row against the rows the pages gave, which the spool holds.
    const rows = new TocCheck(spooledLines<TocRow>(this.spool), () => spooledLines<TocRow>(this.spool));
    const manifest = await scanManifest(entry, max, tooLarge, this.header.formatVersion, this.limits.maxEntries, (row) => rows.row(row));
    this.manifestSha256 = entry.digest().sha256;
    verifyBytes(manifest, this.seen);
    verifyObjectCount(manifest, objects);
    await rows.end();
    const { toc: _toc, ...verified } = manifest;
    return verified;
  }

  private record(name: string, digest: Digest): void {
    this.seen.checksums.set(name, digest.sha256);
    this.seen.sizes.set(name, digest.size);
  }
}
