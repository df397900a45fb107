import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** One request recorded from the real client (mstrio-py). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** Requests recorded from mstrio-py, kept in the repository: a clone alone runs its own suite. */
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/client-requests');

export function recordedRequests(file: string): RecordedRequest[] {
  return readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedRequest);
}

/** Replaces recorded ids by the ones this run got, everywhere in a value. */
export function mapIds<T>(value: T, ids: ReadonlyMap<string, string>): T {
  let text = JSON.stringify(value);
  // Longest first: a package id is also the first half of its migration ids.
  for (const [from, to] of [...ids].sort(([a], [b]) => b.length - a.length)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

export function urlOf(request: RecordedRequest, ids: ReadonlyMap<string, string>): string {
  const query = new URLSearchParams(mapIds(request.query, ids)).toString();
  return mapIds(request.path, ids) + (query ? `?${query}` : '');
}
