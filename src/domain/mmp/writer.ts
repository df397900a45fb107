import { createHash } from 'node:crypto';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar from 'tar-stream';
import { parseLibraryDate } from '../dates.js';
import { checkEntry, tocRowOf } from './entry-check.js';
import { PackageFormatError } from './errors.js';
import { FieldCheck } from './fields.js';
import { checkHeader } from './header-check.js';
import { HEADER_ENTRY, MANIFEST_ENTRY, pageName, SIGNATURE_ENTRY } from './layout.js';
import { DEFAULT_PACKAGE_LIMITS, PAGE_MAX_BYTES, PAGE_MAX_ENTRIES } from './limits.js';
import { signManifest, type PackageSigner } from './signature.js';
import { MMP_FORMAT_VERSION, MMP_PLATFORM_VERSION, type PackageEntry, type PackageHeader, type PackageManifest, type TocRow } from './types.js';

/** A header as callers build it: the format and platform versions default to this build's. */
export type PackageHeaderInput = Omit<PackageHeader, 'formatVersion' | 'platformVersion'> & Partial<Pick<PackageHeader, 'formatVersion' | 'platformVersion'>>;

/**
 * Streams a package into `out`: header.json, pages of at most 4 MiB or 2,000 entries, then manifest.json. Only
 * the page being filled and the small toc rows are held in memory, and each entry waits until the output has
 * taken the one before (backpressure). Entries are checked as the reader will check them, so a package this
 * writes is one every reader of this format accepts. With a signer, signature.json follows the manifest.
 * On failure `out` is destroyed and the error rethrown.
 * Returns the table of contents it wrote, the number of objects and the bytes written to `out` (compressed).
 */
export async function writePackage(
  out: Writable,
  header: PackageHeaderInput,
  batches: AsyncIterable<PackageEntry[]>,
  signer?: PackageSigner,
): Promise<{ objects: number; bytes: number; toc: TocRow[] }> {
  const checkedHeader = completeHeader(header);
  const pack = tar.pack();
  // When the output fails (a full disk), the pipeline destroys the iterator over `pack`, which
  // destroys `pack` with that error; the pipeline's outcome reports it, so `pack` must not throw it.
  pack.on('error', () => undefined);
  let bytes = 0;
  const tally = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const flowing = pipeline(Readable.from(pack), createGzip(), tally, out);
  const outcome = flowing.then(
    () => undefined,
    (error: unknown) => error,
  );
  // checkHeader has refused a createdAt that does not parse; tar keeps it as every entry's mtime.
  const pages = new PageWriter(pack, parseLibraryDate(checkedHeader.createdAt) ?? new Date(0), outcome, signer);
  try {
    await pages.addEntry(HEADER_ENTRY, Buffer.from(JSON.stringify(checkedHeader)));
    for await (const batch of batches) {
      for (const entry of batch) await pages.push(entry);
    }
    const toc = await pages.finish();
    await flowing;
    return { objects: toc.length, bytes, toc };
  } catch (error) {
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
    await outcome;
    throw error;
  }
}

function completeHeader(header: PackageHeaderInput): PackageHeader {
  const formatVersion = header.formatVersion ?? MMP_FORMAT_VERSION;
  if (formatVersion !== MMP_FORMAT_VERSION) {
    throw new PackageFormatError(`${HEADER_ENTRY}: format version ${formatVersion} cannot be written; this server writes ${MMP_FORMAT_VERSION}`);
  }
  const complete = { ...header, formatVersion, platformVersion: header.platformVersion ?? MMP_PLATFORM_VERSION };
  return checkHeader(new FieldCheck(HEADER_ENTRY), complete);
}

/** Collects entries into pages and writes each page, then the manifest, as one tar entry of known size. */
class PageWriter {
  private lines: Buffer[] = [];
  private lineBytes = 0;
  private pageNumber = 0;
  private readonly ids = new Set<string>();
  private readonly toc: TocRow[] = [];
  private readonly checksums: Record<string, string> = {};
  private readonly sizes: Record<string, number> = {};

  constructor(
    private readonly pack: tar.Pack,
    private readonly mtime: Date,
    /** Settles with the output's error, if it fails. */
    private readonly outcome: Promise<unknown>,
    private readonly signer: PackageSigner | undefined,
  ) {}

  async push(entry: PackageEntry): Promise<void> {
    const where = `entry ${this.toc.length + 1}`;
    const checked = checkEntry(new FieldCheck(where), entry, MMP_FORMAT_VERSION);
    const { id } = checked.object;
    if (this.ids.has(id)) throw new PackageFormatError(`${where}: object ${id} appears twice in the package`);
    if (this.ids.size >= DEFAULT_PACKAGE_LIMITS.maxEntries) {
      throw new PackageFormatError(`${where}: a package holds at most ${DEFAULT_PACKAGE_LIMITS.maxEntries} objects`);
    }
    const line = Buffer.from(`${JSON.stringify(checked)}\n`);
    if (line.length - 1 > DEFAULT_PACKAGE_LIMITS.maxObjectBytes) {
      throw new PackageFormatError(`${where}: object ${id} takes ${line.length - 1} bytes, over the limit of ${DEFAULT_PACKAGE_LIMITS.maxObjectBytes}`);
    }
    if (this.lines.length > 0 && this.lineBytes + line.length > PAGE_MAX_BYTES) await this.closePage();
    this.ids.add(id);
    this.toc.push(tocRowOf(checked));
    this.lines.push(line);
    this.lineBytes += line.length;
    if (this.lines.length === PAGE_MAX_ENTRIES) await this.closePage();
  }

  /** Writes the last page and the manifest and ends the archive; returns the table of contents. */
  async finish(): Promise<TocRow[]> {
    if (this.lines.length > 0) await this.closePage();
    // Every entry is in: no duplicate can come any more, and a million ids weigh tens of MB.
    this.ids.clear();
    const manifest: PackageManifest = {
      toc: this.toc,
      counts: { objects: this.toc.length, entries: this.pageNumber + 2 },
      checksums: this.checksums,
      sizes: this.sizes,
    };
    const manifestSha256 = await this.addEntry(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest)));
    if (this.signer) {
      // Not listed in the manifest it signs: added after checksums were taken, it names only the manifest's.
      const signature = await signManifest(this.signer, manifestSha256);
      await this.addEntry(SIGNATURE_ENTRY, Buffer.from(JSON.stringify(signature)));
    }
    this.pack.finalize();
    return this.toc;
  }

  private async closePage(): Promise<void> {
    this.pageNumber += 1;
    const body = Buffer.concat(this.lines, this.lineBytes);
    this.lines = [];
    this.lineBytes = 0;
    await this.addEntry(pageName(this.pageNumber), body);
  }

  /** Resolves with the entry's SHA-256 (hex) once the output has taken its bytes. */
  async addEntry(name: string, body: Buffer): Promise<string> {
    const sha256 = createHash('sha256').update(body).digest('hex');
    this.checksums[name] = sha256;
    this.sizes[name] = body.length;
    const header = { name, size: body.length, mtime: this.mtime, mode: 0o644, type: 'file' as const };
    try {
      await new Promise<void>((resolve, reject) => {
        const sink = this.pack.entry(header, body, (error) => (error ? reject(error) : resolve()));
        // A pack destroyed mid-entry (its output failed) destroys the entry too; the callback reports that.
        sink.on('error', () => undefined);
      });
    } catch (error) {
      this.pack.destroy(error instanceof Error ? error : new Error(String(error)));
      throw (await this.outcome) ?? error;
    }
    return sha256;
  }
}
