import { InvalidInputError } from './errors.js';

/** Library wire dates: yyyy-MM-dd'T'HH:mm:ss.SSS+0000, always UTC. */
export function formatLibraryDate(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** The storage-path day folder: YYYY-MM-DD in UTC. */
export function dayFolder(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Accepts the date forms clients send (with or without ms, `Z`, `+0000`, `+00:00`). */
export function parseLibraryDate(value: string): Date | undefined {
  const normalised = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(normalised)) return undefined;
  const date = new Date(normalised);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A time bound of the audit log (API and CLI): a Library or ISO date, or epoch milliseconds; empty is none. */
export function parseTimeBound(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (/^\d{1,15}$/.test(raw)) return Number(raw);
  const date = parseLibraryDate(raw);
  if (!date) throw new InvalidInputError(`${field} must be a date such as 2026-03-01T10:20:30.456+0000 or epoch milliseconds, not ${JSON.stringify(raw)}.`);
  return date.getTime();
}
