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

/**
 * A true manifest repeats a part of every object line and adds one checksum per entry, so it is never larger
 * than the pages before it plus this allowance; a forged one cannot grow past what it claims to describe.
 */
export const MANIFEST_ALLOWANCE_BYTES = MiB;

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
