import { PackageFormatError, quoteName } from './errors.js';
import { MANIFEST_ENTRY } from './layout.js';
import type { PackageManifest, TocRow } from './types.js';

/** What a reader saw before manifest.json, to hold the manifest against. */
export interface PackageSeen {
  /** One row per object, in package order. */
  toc: TocRow[];
  /** Entry name → sha256 and size, for every entry before manifest.json, in package order. */
  checksums: Map<string, string>;
  sizes: Map<string, number>;
}

const TOC_COMPARED: ReadonlyArray<keyof TocRow> = ['version', 'action', 'type', 'subtype', 'name', 'explicitIncluded', 'level'];

function lie(problem: string): never {
  throw new PackageFormatError(`${MANIFEST_ENTRY}: ${problem}`);
}

/** Content first (checksums and sizes name the tampered entry), then counts, then the table of contents. */
export function verifyManifest(manifest: PackageManifest, seen: PackageSeen): void {
  verifyBytes(manifest, seen);
  if (manifest.counts.objects !== seen.toc.length) {
    lie(`counts.objects is ${manifest.counts.objects} but the package holds ${seen.toc.length} objects`);
  }
  verifyToc(manifest.toc, seen.toc);
}

/** Only what proves every entry's bytes are the ones the manifest lists: checksums, sizes, the number of entries. */
export function verifyBytes(manifest: PackageManifest, seen: Omit<PackageSeen, 'toc'>): void {
  verifyPerEntry(manifest.checksums, seen.checksums, 'checksum');
  if (manifest.sizes) verifyPerEntry(manifest.sizes, seen.sizes, 'size');
  const entries = seen.checksums.size + 1;
  if (manifest.counts.entries !== entries) lie(`counts.entries is ${manifest.counts.entries} but the package holds ${entries} entries`);
}

function verifyPerEntry<T>(claimed: Record<string, T>, actual: Map<string, T>, what: 'checksum' | 'size'): void {
  for (const [name, value] of actual) {
    if (!Object.hasOwn(claimed, name)) lie(`has no ${what} for ${name}`);
    if (claimed[name] !== value) {
      throw new PackageFormatError(`${name}: ${what} mismatch (${MANIFEST_ENTRY} says ${String(claimed[name])}, the entry has ${String(value)})`);
    }
  }
  for (const name of Object.keys(claimed)) {
    if (!actual.has(name)) lie(`lists a ${what} for ${quoteName(name)}, which is not an entry before it`);
  }
}

function verifyToc(toc: TocRow[], seen: TocRow[]): void {
  // The common case, a toc in package order, needs no sets of ids (two of a million ids weigh tens of MB).
  if (toc.length !== seen.length || seen.some((object, index) => toc[index]?.id !== object.id)) diagnoseTocIds(toc, seen);
  seen.forEach((object, index) => {
    const row = toc[index];
    if (!row) lie(`object ${object.id} is in the package but has no toc row ${index + 1}`);
    for (const field of TOC_COMPARED) {
      if (row[field] !== object[field]) {
        lie(`the toc gives object ${row.id} ${field} ${JSON.stringify(row[field])}, but its entry has ${JSON.stringify(object[field])}`);
      }
    }
  });
}

/** Names what is wrong with a toc whose ids are not the package's, in package order. */
function diagnoseTocIds(toc: TocRow[], seen: TocRow[]): never {
  const tocIds = new Set<string>();
  for (const row of toc) {
    if (tocIds.has(row.id)) lie(`the toc lists object ${row.id} twice`);
    tocIds.add(row.id);
  }
  const seenIds = new Set(seen.map((row) => row.id));
  for (const row of seen) if (!tocIds.has(row.id)) lie(`object ${row.id} is in the package but not in the toc`);
  for (const row of toc) if (!seenIds.has(row.id)) lie(`the toc lists object ${row.id}, which is not in the package`);
  seen.forEach((object, index) => {
    const row = toc[index];
    if (!row) lie(`object ${object.id} is in the package but has no toc row ${index + 1}`);
    if (row.id !== object.id) lie(`toc row ${index + 1} is object ${row.id}, but object ${index + 1} of the package is ${object.id}`);
  });
  throw new Error('diagnoseTocIds found nothing wrong with a toc it was called for');
}
