import type { ArchiveEntry, ArchiveInput } from './archive-input.js';
import { PackageFormatError, quoteName } from './errors.js';
import { FieldCheck, itemOf } from './fields.js';
import { checkTocRow } from './entry-check.js';
import { checkHeader } from './header-check.js';
import { checkManifest } from './manifest-check.js';
import { ManifestScanner } from './manifest-scan.js';
import { parseJson } from './json-lines.js';
import { classifyEntryName, HEADER_ENTRY, MANIFEST_ENTRY, SIGNATURE_ENTRY, type EntryNameKind } from './layout.js';
import { checkSignature, SIGNATURE_MAX_BYTES, type PackageSignature } from './signature.js';
import type { PackageHeader, PackageLimits, PackageManifest, TocRow } from './types.js';

/** The steps every reading of a package shares: the header first, the checks on each entry, the end. */
export type Digest = ReturnType<ArchiveEntry['digest']>;

export async function readHeader(archive: ArchiveInput, limits: Required<PackageLimits>): Promise<{ header: PackageHeader; digest: Digest }> {
  const entry = await archive.next();
  if (!entry) throw new PackageFormatError(`package is empty: ${HEADER_ENTRY} is missing`);
  if (admit(entry).kind !== 'header') {
    throw new PackageFormatError(`${HEADER_ENTRY} is missing: it must be the first entry, but the package starts with ${quoteName(entry.name)}`);
  }
  refuseOversize(entry, limits.maxObjectBytes, 'maxObjectBytes');
  const bytes = await entry.readAll(limits.maxObjectBytes, (read) => oversize(HEADER_ENTRY, read, limits.maxObjectBytes, 'maxObjectBytes'));
  const header = checkHeader(new FieldCheck(HEADER_ENTRY), parseJson(bytes, HEADER_ENTRY));
  return { header, digest: entry.digest() };
}

/** The checks every entry passes before a byte of it is read: a safe name, a regular file. */
export function admit(entry: ArchiveEntry): EntryNameKind {
  const name = classifyEntryName(entry.name);
  if (name.kind === 'escaping') throw new PackageFormatError(`${quoteName(entry.name)}: the entry name escapes the package (path traversal)`);
  if (entry.type !== 'file') throw new PackageFormatError(`${quoteName(entry.name)}: a ${entry.type} entry; a package holds only regular files`);
  if (name.kind === 'unknown') throw new PackageFormatError(`${quoteName(entry.name)}: not an entry a package may have`);
  return name;
}

export function oversize(name: string, bytes: number, max: number, limitName: string): PackageFormatError {
  return new PackageFormatError(`${name}: ${bytes} bytes is over the limit of ${max} bytes (${limitName})`);
}

export function refuseOversize(entry: ArchiveEntry, max: number, limitName: string): void {
  if (entry.size > max) throw oversize(entry.name, entry.size, max, limitName);
}

/**
 * What may follow manifest.json: signature.json (over the manifest whose sha256 is given), then the end of the
 * archive. Returns the signature, or undefined for an unsigned package.
 */
export async function readTrailer(archive: ArchiveInput, manifestSha256: string): Promise<PackageSignature | undefined> {
  let entry = await archive.next();
  let signature: PackageSignature | undefined;
  if (entry && admit(entry).kind === 'signature') {
    refuseOversize(entry, SIGNATURE_MAX_BYTES, 'the size of a signature');
    const bytes = await entry.readAll(SIGNATURE_MAX_BYTES, (read) => oversize(SIGNATURE_ENTRY, read, SIGNATURE_MAX_BYTES, 'the size of a signature'));
    signature = checkSignature(parseJson(bytes, SIGNATURE_ENTRY), manifestSha256);
    entry = await archive.next();
  }
  if (entry) throw new PackageFormatError(`${quoteName(entry.name)}: no entry may follow ${signature ? SIGNATURE_ENTRY : MANIFEST_ENTRY}`);
  return signature;
}

/**
 * Reads manifest.json as it streams past (ManifestScanner), handing each toc row, checked, to `onRow` in order,
 * and stopping the moment its bytes pass `max`. Returns the rest of the manifest, checked for shape; its `toc`
 * is empty: the rows went to `onRow`.
 */
export async function scanManifest(
  entry: ArchiveEntry,
  max: number,
  tooLarge: (bytes: number) => Error,
  formatVersion: number,
  maxObjects: number,
  onRow: (row: TocRow) => Promise<void> | void,
): Promise<PackageManifest> {
  const check = new FieldCheck(MANIFEST_ENTRY);
  const scanner = new ManifestScanner();
  let index = 0;
  let read = 0;
  for await (const chunk of entry.chunks()) {
    read += chunk.length;
    if (read > max) throw tooLarge(read);
    for (const row of scanner.push(chunk)) {
      if (index >= maxObjects) check.fail('toc', `must have at most ${maxObjects} items`);
      await onRow(checkTocRow(check.within(itemOf('toc', index)), row, formatVersion));
      index += 1;
    }
  }
  const scanned = scanner.end();
  if (scanned.kind === 'object') return checkManifest(check, scanned.members, formatVersion, maxObjects);
  // Not scanned piece by piece (not an object, or one after a byte-order mark, which the decoder drops): checked
  // whole, and its rows handed over all the same, or a toc listing objects the package lacks would pass unseen.
  const manifest = checkManifest(check, scanned.value, formatVersion, maxObjects);
  for (const row of manifest.toc) await onRow(row);
  return { ...manifest, toc: [] };
}
