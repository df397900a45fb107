import { constants } from 'node:buffer';
import type { PackageLimits } from './types.js';

const MiB = 1024 * 1024;

/** The limits a reader enforces unless its caller passes others. */
export const DEFAULT_PACKAGE_LIMITS: Required<PackageLimits> = {
  maxEntryBytes: 64 * MiB,
  maxTotalBytes: 4 * 1024 * MiB,
  maxCompressionRatio: 200,
  maxEntries: 1_000_000,
  maxObjectBytes: 16 * MiB,
};

/** The compression ratio is only judged past this many uncompressed bytes: tiny packages compress wildly. */
export const RATIO_CHECK_AFTER_BYTES = MiB;

/** A writer closes a page when the next line would pass this size … */
export const PAGE_MAX_BYTES = 4 * MiB;
/** … or when it holds this many entries. */
export const PAGE_MAX_ENTRIES = 2_000;

/** The part of a manifest that does not grow with the objects: braces, counts, the header's checksum and size. */
const MANIFEST_ALLOWANCE_BYTES = MiB;

/**
 * What one object may add to a manifest: its toc row (about 250 bytes, but a name of 1,024 characters that
 * JSON has to escape as \u0000 takes 6,144) and the checksum and size of at most one page (about 130 bytes).
 * 8 KiB is above that worst case, and far below what padding (whitespace, long strings, ignored fields) needs
 * to make a small package take gigabytes.
 */
const MANIFEST_BYTES_PER_OBJECT = 8 * 1024;

/**
 * The largest manifest.json a reader accepts after `objects` objects in `pageBytes` bytes of pages. A true
 * manifest repeats a part of every object line, so it is never larger than the pages either; and it must
 * decode to one string for JSON.parse, which V8 caps. The manifest is read whole, so this bounds its memory.
 */
export function manifestLimit(objects: number, pageBytes: number): number {
  return Math.min(MANIFEST_ALLOWANCE_BYTES + Math.min(pageBytes, objects * MANIFEST_BYTES_PER_OBJECT), constants.MAX_STRING_LENGTH);
}

/** Bounds on the strings and lists inside entries and the header (they end up in database columns). */
export const FIELD_LIMITS = {
  nameChars: 1_024,
  descriptionChars: 65_536,
  /** Environment ids are the environment's base URL. */
  environmentIdChars: 2_048,
  keywordChars: 64,
  listItems: 100_000,
} as const;

export function resolveLimits(limits: Partial<PackageLimits> = {}): Required<PackageLimits> {
  const resolved = { ...DEFAULT_PACKAGE_LIMITS };
  for (const key of Object.keys(resolved) as Array<keyof PackageLimits>) {
    const value = limits[key];
    if (value !== undefined) {
      if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`package limit ${key} must be a positive number`);
      resolved[key] = value;
    }
  }
  return resolved;
}
