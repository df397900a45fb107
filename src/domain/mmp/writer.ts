import { createHash, type Hash } from 'node:crypto';
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
import { memorySpool, type Spool } from './spool.js';
import { MMP_FORMAT_VERSION, MMP_PLATFORM_VERSION, type PackageEntry, type PackageHeader, type PackageManifest, type TocRow } from './types.js';
import { GuidSet } from '../guid-set.js';

/** A header as callers build it: the format and platform versions default to this build's. */
export type PackageHeaderInput = Omit<PackageHeader, 'formatVersion' | 'platformVersion'> & Partial<Pick<PackageHeader, 'formatVersion' | 'platformVersion'>>;

export interface WriteOptions {
  /** Holds the toc rows, as the manifest's JSON, until the manifest is written; in memory by default. Closed by the writer. */
  spool?: Spool;
  /** Called with each page's toc rows once the page is written, before the next page is taken. */
  onRows?: (rows: TocRow[]) => Promise<void>;
}

/**
 * Streams a package into `out`: header.json, pages of at most 4 MiB or 2,000 entries, then manifest.json. Only
 * the page being filled is held in memory: each toc row goes to the spool as the manifest's JSON (its size is
 * counted on the way), and the manifest is streamed from there. Each entry waits until the output has taken the
 * one before (backpressure). Entries are checked as the reader will check them, so a package this writes is one
 * every reader of this format accepts. With a signer, signature.json follows the manifest.
 * On failure `out` is destroyed and the error rethrown.
 * Returns the number of objects and the bytes written to `out` (compressed).
 */
export async function writePackage(
  out: Writable,
  header: PackageHeaderInput,
  batches: AsyncIterable<PackageEntry[]>,
  signer?: PackageSigner,
  options: WriteOptions = {},
): Promise<{ objects: number; bytes: number }> {
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
  const spool = options.spool ?? memorySpool();
  const pages = new PageWriter(pack, parseLibraryDate(checkedHeader.createdAt) ?? new Date(0), outcome, signer, spool, options.onRows);
  try {
    await pages.addEntry(HEADER_ENTRY, Buffer.from(JSON.stringify(checkedHeader)));
    for await (const batch of batches) {
      for (const entry of batch) await pages.push(entry);
    }
    const objects = await pages.finish();
    await flowing;
    return { objects, bytes };
  } catch (error) {
    pack.destroy(error instanceof Error ? error : new Error(String(error)));
    await outcome;
    throw error;
  } finally {
    await spool.close();
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
  /** Every object id so far, to refuse one given twice (16 bytes each, not a string in a Set). */
  private readonly ids = new GuidSet();
  /** The page's toc rows, and as JSON, comma-separated as the manifest will hold them. */
  private rows: TocRow[] = [];
  private rowsJson: string[] = [];
  private objects = 0;
  /** The bytes of the toc rows in the spool, commas included. */
  private tocBytes = 0;
  private readonly checksums: Record<string, string> = {};
  private readonly sizes: Record<string, number> = {};

  constructor(
    private readonly pack: tar.Pack,
    private readonly mtime: Date,
    /** Settles with the output's error, if it fails. */
    private readonly outcome: Promise<unknown>,
    private readonly signer: PackageSigner | undefined,
    private readonly spool: Spool,
    private readonly onRows: WriteOptions['onRows'],
  ) {}

  async push(entry: PackageEntry): Promise<void> {
    const where = `entry ${this.objects + 1}`;
    const checked = checkEntry(new FieldCheck(where), entry, MMP_FORMAT_VERSION);
    const { id } = checked.object;
    if (this.ids.size >= DEFAULT_PACKAGE_LIMITS.maxEntries) {
      throw new PackageFormatError(`${where}: a package holds at most ${DEFAULT_PACKAGE_LIMITS.maxEntries} objects`);
    }
    const line = Buffer.from(`${JSON.stringify(checked)}\n`);
    if (line.length - 1 > DEFAULT_PACKAGE_LIMITS.maxObjectBytes) {
      throw new PackageFormatError(`${where}: object ${id} takes ${line.length - 1} bytes, over the limit of ${DEFAULT_PACKAGE_LIMITS.maxObjectBytes}`);
    }
    if (!this.ids.add(id)) throw new PackageFormatError(`${where}: object ${id} appears twice in the package`);
    if (this.lines.length > 0 && this.lineBytes + line.length > PAGE_MAX_BYTES) await this.closePage();
    const row = tocRowOf(checked);
    this.rows.push(row);
    this.rowsJson.push(JSON.stringify(row));
    this.objects += 1;
    this.lines.push(line);
    this.lineBytes += line.length;
    if (this.lines.length === PAGE_MAX_ENTRIES) await this.closePage();
  }

  /** Writes the last page and the manifest and ends the archive; returns the number of objects. */
  async finish(): Promise<number> {
    if (this.lines.length > 0) await this.closePage();
    // Every entry is in: no duplicate can come any more.
    this.ids.clear();
    // The bytes JSON.stringify gives a PackageManifest ({ toc, counts, checksums, sizes }), with the toc's rows
    // streamed from the spool: a signature and older readers see the manifest they always did.
    const rest: Omit<PackageManifest, 'toc'> = {
      counts: { objects: this.objects, entries: this.pageNumber + 2 },
      checksums: this.checksums,
      sizes: this.sizes,
    };
    const head = Buffer.from('{"toc":[');
    const tail = Buffer.from(`],${JSON.stringify(rest).slice(1)}`);
    const spool = this.spool;
    async function* manifest(): AsyncGenerator<Buffer> {
      yield head;
      yield* spool.read();
      yield tail;
    }
    const manifestSha256 = await this.addEntry(MANIFEST_ENTRY, manifest(), head.length + this.tocBytes + tail.length);
    if (this.signer) {
      // Not listed in the manifest it signs: added after checksums were taken, it names only the manifest's.
      const signature = await signManifest(this.signer, manifestSha256);
      await this.addEntry(SIGNATURE_ENTRY, Buffer.from(JSON.stringify(signature)));
    }
    this.pack.finalize();
    return this.objects;
  }

  private async closePage(): Promise<void> {
    this.pageNumber += 1;
    const body = Buffer.concat(this.lines, this.lineBytes);
    this.lines = [];
    this.lineBytes = 0;
    await this.addEntry(pageName(this.pageNumber), body);
    const json = Buffer.from((this.tocBytes > 0 ? ',' : '') + this.rowsJson.join(','));
    const rows = this.rows;
    this.rows = [];
    this.rowsJson = [];
    await this.spool.write(json);
    this.tocBytes += json.length;
    await this.onRows?.(rows);
  }

  /**
   * Adds one entry, whole or, for the manifest, as pieces of a size counted in advance; resolves with its SHA-256
   * (hex) once the output has taken its bytes.
   */
  async addEntry(name: string, body: Buffer): Promise<string>;
  async addEntry(name: string, body: AsyncIterable<Buffer>, size: number): Promise<string>;
  async addEntry(name: string, body: Buffer | AsyncIterable<Buffer>, declared?: number): Promise<string> {
    const size = Buffer.isBuffer(body) ? body.length : (declared ?? 0);
    const hash = createHash('sha256');
    const header = { name, size, mtime: this.mtime, mode: 0o644, type: 'file' as const };
    try {
      await new Promise<void>((resolve, reject) => {
        if (Buffer.isBuffer(body)) hash.update(body);
        const sink = Buffer.isBuffer(body)
          ? this.pack.entry(header, body, (error) => (error ? reject(error) : resolve()))
          : this.pack.entry(header, (error) => (error ? reject(error) : resolve()));
        // A pack destroyed mid-entry (its output failed) destroys the entry too; the callback reports that.
        sink.on('error', () => undefined);
        if (!Buffer.isBuffer(body)) streamInto(sink, body, hash).catch(reject);
      });
    } catch (error) {
      this.pack.destroy(error instanceof Error ? error : new Error(String(error)));
      throw (await this.outcome) ?? error;
    }
    const sha256 = hash.digest('hex');
    this.checksums[name] = sha256;
    this.sizes[name] = size;
    return sha256;
  }
}

/** Writes `pieces` into a tar entry's sink, hashing them, waiting whenever the sink is full; then ends it. */
async function streamInto(sink: ReturnType<tar.Pack['entry']>, pieces: AsyncIterable<Buffer>, hash: Hash): Promise<void> {
  for await (const piece of pieces) {
    if (sink.destroyed) return; // the pack failed: its callback reports why
    hash.update(piece);
    if (!sink.write(piece)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          sink.off('drain', go);
          sink.off('close', go);
          resolve();
        };
        sink.on('drain', go);
        sink.on('close', go);
      });
    }
  }
  sink.end(undefined);
}
