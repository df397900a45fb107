import { PackageFormatError, quoteName } from './errors.js';
import { MANIFEST_ENTRY } from './layout.js';
import type { PackageManifest, TocRow } from './types.js';

/** What a reader saw before manifest.json, to hold the manifest's checksums and sizes against. */
export interface PackageSeen {
  /** Entry name → sha256 and size, for every entry before manifest.json, in package order. */
  checksums: Map<string, string>;
  sizes: Map<string, number>;
}

const TOC_COMPARED: ReadonlyArray<keyof TocRow> = ['version', 'action', 'type', 'subtype', 'name', 'explicitIncluded', 'level'];

function lie(problem: string): never {
  throw new PackageFormatError(`${MANIFEST_ENTRY}: ${problem}`);
}

/** The manifest's count of objects against the objects the pages held. */
export function verifyObjectCount(manifest: PackageManifest, objects: number): void {
  if (manifest.counts.objects !== objects) lie(`counts.objects is ${manifest.counts.objects} but the package holds ${objects} objects`);
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

/**
 * Holds a manifest's toc, row by row as it is read, against the rows the reader saw in the pages (read back in
 * package order): neither side is held whole. A toc in package order needs nothing more. When its ids part from
 * the package's, only the ids are gathered, to name what is wrong as a whole toc would (a toc row twice, an
 * object missing from either side, a row out of place); a field that differs is told only when every id is in its place.
 */
export class TocCheck {
  private rows = 0;
  private fieldLie: string | undefined;
  /** From the first row whose id is not the package's: where, and the toc's ids from there on. */
  private parted: { at: number; ids: string[] } | undefined;

  constructor(
    private readonly seen: AsyncIterator<TocRow>,
    /** The package's rows again from the start, to gather its ids once the toc's part from them. */
    private readonly seenAgain: () => AsyncIterable<TocRow>,
  ) {}

  async row(row: TocRow): Promise<void> {
    const index = this.rows;
    this.rows += 1;
    if (this.parted) {
      this.parted.ids.push(row.id);
      return;
    }
    const next = await this.seen.next();
    const object = next.done ? undefined : next.value;
    if (object?.id !== row.id) {
      this.parted = { at: index, ids: [row.id] };
      return;
    }
    if (this.fieldLie) return;
    for (const field of TOC_COMPARED) {
      if (row[field] !== object[field]) {
        this.fieldLie = `the toc gives object ${row.id} ${field} ${JSON.stringify(row[field])}, but its entry has ${JSON.stringify(object[field])}`;
        return;
      }
    }
  }

  /** After the toc's last row: throws what is wrong with it, if anything. */
  async end(): Promise<void> {
    if (!this.parted && !(await this.seen.next()).done) this.parted = { at: this.rows, ids: [] };
    await this.seen.return?.();
    if (this.parted) {
      const seenIds: string[] = [];
      for await (const object of this.seenAgain()) seenIds.push(object.id);
      diagnoseTocIds([...seenIds.slice(0, this.parted.at), ...this.parted.ids], seenIds);
    }
    if (this.fieldLie) lie(this.fieldLie);
  }
}

/** Names what is wrong with a toc whose ids are not the package's, in package order. */
function diagnoseTocIds(toc: string[], seen: string[]): never {
  const tocIds = new Set<string>();
  for (const id of toc) {
    if (tocIds.has(id)) lie(`the toc lists object ${id} twice`);
    tocIds.add(id);
  }
  const seenIds = new Set(seen);
  for (const id of seen) if (!tocIds.has(id)) lie(`object ${id} is in the package but not in the toc`);
  for (const id of toc) if (!seenIds.has(id)) lie(`the toc lists object ${id}, which is not in the package`);
  seen.forEach((id, index) => {
    const tocId = toc[index];
    if (tocId === undefined) lie(`object ${id} is in the package but has no toc row ${index + 1}`);
    if (tocId !== id) lie(`toc row ${index + 1} is object ${tocId}, but object ${index + 1} of the package is ${id}`);
  });
  throw new Error('diagnoseTocIds found nothing wrong with a toc it was called for');
}
