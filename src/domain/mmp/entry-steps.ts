import type { ArchiveEntry, ArchiveInput } from './archive-input.js';
import { PackageFormatError, quoteName } from './errors.js';
import { FieldCheck } from './fields.js';
import { checkHeader } from './header-check.js';
import { parseJson } from './json-lines.js';
import { classifyEntryName, HEADER_ENTRY, MANIFEST_ENTRY, SIGNATURE_ENTRY, type EntryNameKind } from './layout.js';
import { checkSignature, SIGNATURE_MAX_BYTES, type PackageSignature } from './signature.js';
import type { PackageHeader, PackageLimits } from './types.js';

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
