import type { ByteRange } from '../store/blob/blob-store.js';

export type RangeRequest = { kind: 'whole' } | { kind: 'part'; range: ByteRange } | { kind: 'unsatisfiable' };

/**
 * One `Range: bytes=…` of RFC 9110 against a body of `size` bytes. A header that is malformed,
 * asks for several ranges, or fails its If-Range validator gets the whole body, as the RFC allows.
 */
export function parseRange(header: string | undefined, size: number, ifRange?: string, etag?: string): RangeRequest {
  if (!header) return { kind: 'whole' };
  if (ifRange !== undefined && ifRange !== etag) return { kind: 'whole' };
  const match = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'part', range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return { kind: 'unsatisfiable' };
  if (end < start) return { kind: 'whole' };
  return { kind: 'part', range: { start, end } };
}
