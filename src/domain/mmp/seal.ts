import type { Readable } from 'node:stream';
import { ArchiveInput } from './archive-input.js';
import { admit, oversize, readHeader, readTrailer, refuseOversize, scanManifest, type Digest } from './entry-steps.js';
import { PackageFormatError } from './errors.js';
import { HEADER_ENTRY, MANIFEST_ENTRY, pageName } from './layout.js';
import { manifestLimit, resolveLimits } from './limits.js';
import type { PackageSignature } from './signature.js';
import type { PackageHeader, PackageLimits } from './types.js';
import { verifyBytes } from './verify.js';

/**
 * What a package's bytes prove about it, without parsing its objects: whether it is a package at all, whether
 * every entry matches its manifest (and the signature, when there is one, signs that manifest), and who signed it.
 */
export type PackageSeal =
  | { kind: 'not-a-package'; problem: string }
  | { kind: 'broken'; header: PackageHeader; problem: string }
  | { kind: 'sound'; header: PackageHeader; signature?: PackageSignature };

/**
 * Streams the whole package once, hashing each entry as it passes; only header.json, manifest.json and
 * signature.json are held (each within its limit). The objects are checked by the import, not here.
 * `onHeader` sees the header as soon as it is read, while the rest still streams (an upload refuses a wrong
 * header at once); what it throws ends the reading and rejects the seal.
 */
export async function readPackageSeal(
  input: Readable,
  limits: Partial<PackageLimits> = {},
  onHeader: (header: PackageHeader) => void = () => undefined,
): Promise<PackageSeal> {
  const resolved = resolveLimits(limits);
  const archive = new ArchiveInput(input, resolved);
  try {
    let first: Awaited<ReturnType<typeof readHeader>>;
    try {
      first = await readHeader(archive, resolved);
    } catch (error) {
      if (error instanceof PackageFormatError) return { kind: 'not-a-package', problem: error.message };
      throw error;
    }
    onHeader(first.header);
    try {
      const signature = await readSealedRest(archive, first.header, first.digest, resolved);
      return { kind: 'sound', header: first.header, ...(signature ? { signature } : {}) };
    } catch (error) {
      if (error instanceof PackageFormatError) return { kind: 'broken', header: first.header, problem: error.message };
      throw error;
    }
  } finally {
    archive.close();
  }
}

async function readSealedRest(
  archive: ArchiveInput,
  header: PackageHeader,
  headerDigest: Digest,
  limits: Required<PackageLimits>,
): Promise<PackageSignature | undefined> {
  const checksums = new Map([[HEADER_ENTRY, headerDigest.sha256]]);
  const sizes = new Map([[HEADER_ENTRY, headerDigest.size]]);
  let pageBytes = 0;
  for (let nextPage = 1; ; nextPage += 1) {
    const entry = await archive.next();
    if (!entry) throw new PackageFormatError(`package is truncated: it ends before ${MANIFEST_ENTRY}`);
    const name = admit(entry);
    if (name.kind === 'manifest') {
      // Every object takes at least a byte of a page: the page bytes bound the object count from above.
      const max = manifestLimit(pageBytes, pageBytes);
      const tooLarge = (read: number) => oversize(MANIFEST_ENTRY, read, max, 'the manifest limit for its pages');
      // Its rows are checked for shape as they pass, and not held: only the reader holds them against the pages.
      const manifest = await scanManifest(entry, max, tooLarge, header.formatVersion, limits.maxEntries, () => undefined);
      verifyBytes(manifest, { checksums, sizes });
      return readTrailer(archive, entry.digest().sha256);
    }
    if (name.kind !== 'page' || name.pageNumber !== nextPage) {
      throw new PackageFormatError(`${entry.name}: out of order; expected ${pageName(nextPage)} or ${MANIFEST_ENTRY}`);
    }
    refuseOversize(entry, limits.maxEntryBytes, 'maxEntryBytes');
    for await (const _chunk of entry.chunks()); // hashed and counted on the way
    const digest = entry.digest();
    checksums.set(entry.name, digest.sha256);
    sizes.set(entry.name, digest.size);
    pageBytes += digest.size;
  }
}
