/** The entry names of a package, in the only order a package may have them. */
export const HEADER_ENTRY = 'header.json';
export const MANIFEST_ENTRY = 'manifest.json';
/** Optional, after the manifest: the writing environment's signature over it (signature.ts). */
export const SIGNATURE_ENTRY = 'signature.json';

const PAGE_NAME = /^objects\/(\d{8})\.ndjson$/;

export function pageName(pageNumber: number): string {
  return `objects/${String(pageNumber).padStart(8, '0')}.ndjson`;
}

export type EntryNameKind =
  | { kind: 'header' }
  | { kind: 'page'; pageNumber: number }
  | { kind: 'manifest' }
  | { kind: 'signature' }
  /** Absolute, drive-letter, backslash or `..` names: extracted naively they would land outside the target folder. */
  | { kind: 'escaping' }
  | { kind: 'unknown' };

export function classifyEntryName(name: string): EntryNameKind {
  if (name === HEADER_ENTRY) return { kind: 'header' };
  if (name === MANIFEST_ENTRY) return { kind: 'manifest' };
  if (name === SIGNATURE_ENTRY) return { kind: 'signature' };
  const page = PAGE_NAME.exec(name);
  if (page) {
    const pageNumber = Number(page[1]);
    return pageNumber >= 1 ? { kind: 'page', pageNumber } : { kind: 'unknown' };
  }
  const escaping = name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.split('/').includes('..');
  return escaping ? { kind: 'escaping' } : { kind: 'unknown' };
}
