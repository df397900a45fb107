import { checkTocRow } from './entry-check.js';
import { type FieldCheck, present } from './fields.js';
import type { PackageManifest } from './types.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The shape of manifest.json; whether it tells the truth is for verifyManifest. */
export function checkManifest(check: FieldCheck, value: unknown, formatVersion: number, maxObjects: number): PackageManifest {
  const raw = check.fields(value, '', ['toc', 'counts', 'checksums', 'sizes']);
  const counts = check.fields(raw.counts, 'counts', ['objects', 'entries']);
  const checksums = checkNameMap(check, raw.checksums, 'checksums', (v, path) => {
    if (typeof v !== 'string' || !SHA256_HEX.test(v)) check.fail(path, 'must be a lower-case hex sha256');
    return v;
  });
  const sizes = formatVersion < 2 ? check.optional(raw.sizes, (v) => checkSizes(check, v)) : checkSizes(check, raw.sizes);
  return {
    toc: check.each(raw.toc, 'toc', maxObjects, (row, path) => checkTocRow(check.within(path), row, formatVersion)),
    counts: {
      objects: check.integer(counts.objects, 'counts.objects', 0, Number.MAX_SAFE_INTEGER),
      entries: check.integer(counts.entries, 'counts.entries', 0, Number.MAX_SAFE_INTEGER),
    },
    checksums,
    ...present('sizes', sizes),
  };
}

function checkSizes(check: FieldCheck, value: unknown): Record<string, number> {
  return checkNameMap(check, value, 'sizes', (v, path) => check.integer(v, path, 0, Number.MAX_SAFE_INTEGER));
}

/** A map from entry name to a value. fromEntries defines own properties, so even a `__proto__` name stays data. */
function checkNameMap<T>(check: FieldCheck, value: unknown, path: string, item: (value: unknown, path: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(check.record(value, path)).map(([name, v]) => [name, item(v, `${path}[${JSON.stringify(name)}]`)]));
}
