import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import {
  MMP_FORMAT_VERSION,
  MMP_PLATFORM_VERSION,
  openPackage,
  PackageFormatError,
  writePackage,
  type PackageEntry,
  type PackageHeader,
  type PackageLimits,
  type PackageManifest,
  type TocRow,
} from '../../src/domain/mmp/index.js';

export function guid(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function sampleHeader(overrides: Partial<PackageHeader> = {}): PackageHeader {
  return {
    formatVersion: MMP_FORMAT_VERSION,
    platformVersion: MMP_PLATFORM_VERSION,
    packageId: guid(),
    packageType: 'project',
    purpose: 'object_migration',
    name: 'Quarterly reports',
    createdAt: '2026-03-01T10:20:30.456+0000',
    creator: { id: '54F3D26011D2896560009A8E67019608', name: 'Administrator' },
    sourceEnvironment: { id: 'https://source.example.com/MicroStrategyLibrary/', name: 'Source' },
    sourceProject: { id: 'B19DEDCC11D4E0EFC000EB9495D0F44F', name: 'MicroStrategy Tutorial' },
    settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'use_existing', aclOnNewObjects: ['keep_acl_as_source_object'] },
    ...overrides,
  };
}

export function sampleEntry(overrides: Partial<PackageEntry> = {}, definition: Record<string, unknown> = { formula: 'Sum(Revenue)' }): PackageEntry {
  return {
    action: 'replace',
    explicitIncluded: true,
    level: 'project_object',
    object: {
      id: guid(),
      type: 4,
      subtype: 1024,
      name: 'Revenue',
      description: '',
      folderId: guid(),
      version: guid(),
      dateCreated: 1_700_000_000_000,
      dateModified: 1_700_000_100_000,
      ownerId: guid(),
      ownerName: 'Administrator',
      acl: [],
      definition,
      uses: [],
      hidden: false,
    },
    ...overrides,
  };
}

export function tocRow(entry: PackageEntry): TocRow {
  const { id, type, subtype, name, version } = entry.object;
  return { id, type, subtype, name, version, action: entry.action, explicitIncluded: entry.explicitIncluded, level: entry.level };
}

export async function* batchesOf<T>(batches: T[][]): AsyncGenerator<T[]> {
  yield* batches;
}

export async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** A package written by writePackage, in memory (test packages are small). */
export async function written(header: PackageHeader, batches: PackageEntry[][]): Promise<Buffer> {
  const out = new PassThrough();
  const [bytes] = await Promise.all([collect(out), writePackage(out, header, batchesOf(batches))]);
  return bytes;
}

/** Feeds bytes in small chunks, as a file or a socket would. */
export function streamOf(bytes: Buffer, chunkSize = 16 * 1024): Readable {
  return Readable.from(
    (function* chunks() {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) yield bytes.subarray(offset, offset + chunkSize);
    })(),
  );
}

export interface ReadBack {
  header: PackageHeader;
  pages: PackageEntry[][];
  /** The verified manifest, without its toc (the reader does not hold it) … */
  manifest: Omit<PackageManifest, 'toc'>;
  /** … and manifest.json as the archive holds it, parsed. */
  rawManifest: PackageManifest;
}

/** One entry's bytes, from a gzip-compressed package. */
export async function entryBytes(bytes: Buffer, name: string): Promise<Buffer> {
  const extract = tar.extract();
  let found: Buffer | undefined;
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    });
    stream.on('end', () => {
      if (header.name === name) found = Buffer.concat(chunks);
      next();
    });
  });
  Readable.from(gunzipSync(bytes)).pipe(extract);
  await once(extract, 'finish');
  if (!found) throw new Error(`the package has no ${name}`);
  return found;
}

export async function readBack(bytes: Buffer, limits: Partial<PackageLimits> = {}): Promise<ReadBack> {
  const reader = await openPackage(streamOf(bytes), limits);
  const pages: PackageEntry[][] = [];
  for await (const page of reader.entries()) pages.push(page);
  const rawManifest = JSON.parse((await entryBytes(bytes, 'manifest.json')).toString('utf8')) as PackageManifest;
  return { header: reader.header, pages, manifest: reader.manifest(), rawManifest };
}

/** Reading the package fails with a PackageFormatError whose message matches. */
export async function assertRefused(bytes: Buffer, message: RegExp, limits: Partial<PackageLimits> = {}): Promise<void> {
  await assert.rejects(readBack(bytes, limits), (error: unknown) => {
    assert.ok(error instanceof PackageFormatError, `expected a PackageFormatError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

// ---- Hand-made archives, for packages no honest writer produces ----

export interface Part {
  name: string;
  body?: Buffer;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  linkname?: string;
}

export function jsonPart(name: string, value: unknown): Part {
  return { name, body: Buffer.from(JSON.stringify(value)) };
}

export function pagePart(pageNumber: number, entries: unknown[]): Part {
  const name = `objects/${String(pageNumber).padStart(8, '0')}.ndjson`;
  return { name, body: Buffer.from(entries.map((entry) => `${JSON.stringify(entry)}\n`).join('')) };
}

/** The true manifest of `parts` (header and pages), then changed by `edit` to make it lie. */
export function manifestPart(parts: Part[], edit: (manifest: PackageManifest) => void = () => undefined): Part {
  const toc: TocRow[] = [];
  for (const part of parts.filter((p) => /^objects\/\d{8}\.ndjson$/.test(p.name))) {
    for (const line of (part.body ?? Buffer.alloc(0)).toString().split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as PackageEntry;
      if (typeof entry.object === 'object' && entry.object !== null) toc.push(tocRow(entry));
    }
  }
  const manifest: PackageManifest = {
    toc,
    counts: { objects: toc.length, entries: parts.length + 1 },
    checksums: Object.fromEntries(
      parts.map((p) => [
        p.name,
        createHash('sha256')
          .update(p.body ?? '')
          .digest('hex'),
      ]),
    ),
    sizes: Object.fromEntries(parts.map((p) => [p.name, p.body?.length ?? 0])),
  };
  edit(manifest);
  return jsonPart('manifest.json', manifest);
}

/** A valid package's parts: header, one page per batch, manifest. */
export function validParts(batches: PackageEntry[][], header: unknown = sampleHeader()): Part[] {
  const parts = [jsonPart('header.json', header), ...batches.map((batch, i) => pagePart(i + 1, batch))];
  return [...parts, manifestPart(parts)];
}

export function tarOf(parts: Part[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const part of parts) {
    const type = part.type ?? 'file';
    if (type === 'file') pack.entry({ name: part.name }, part.body ?? Buffer.alloc(0));
    else pack.entry({ name: part.name, type, linkname: part.linkname ?? '' });
  }
  pack.finalize();
  return collect(Readable.from(pack));
}

export async function archiveOf(parts: Part[]): Promise<Buffer> {
  return gzipSync(await tarOf(parts));
}

/** The tar inside a gzip-compressed package, cut after `keep` bytes and compressed again. */
export function truncatedTar(bytes: Buffer, keep: number): Buffer {
  return gzipSync(gunzipSync(bytes).subarray(0, keep));
}

/**
 * A package whose first page declares `size` bytes of spaces: compressed it stays tiny, and it is built through
 * a stream so that the test never holds the uncompressed bytes either.
 */
export async function bombOf(size: number): Promise<Buffer> {
  const pack = tar.pack();
  const compressed = collect(Readable.from(pack).pipe(createGzip()));
  pack.entry({ name: 'header.json' }, Buffer.from(JSON.stringify(sampleHeader())));
  const sink = pack.entry({ name: 'objects/00000001.ndjson', size });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let left = size;
  for (; left > chunk.length; left -= chunk.length) {
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  sink.end(chunk.subarray(0, left));
  pack.finalize();
  return compressed;
}
