const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Library dates end in "+0000"; Date.parse only promises to read "+00:00". */
export function parseLibraryDate(text: string | null | undefined): Date | undefined {
  if (!text) return undefined;
  const date = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function formatDate(text: string | null | undefined): string {
  const date = parseLibraryDate(text);
  return date ? date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** To the second, with the time zone: two administrators in two countries read the same moment. */
export function formatDateTime(text: string | null | undefined): string {
  const date = parseLibraryDate(text);
  return date
    ? date.toLocaleString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        timeZoneName: 'short',
      })
    : '—';
}

/** From one Library date to another: "850 ms", "42 s", "3 min 5 s", "2 h 4 min". */
export function formatDuration(from: string | null | undefined, to: string | null | undefined): string {
  const start = parseLibraryDate(from);
  const end = parseLibraryDate(to);
  if (!start || !end) return '—';
  const ms = Math.max(0, end.getTime() - start.getTime());
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.floor((done / total) * 100) : 100;
}

export { rightsWords, signatureWords, words } from '../../src/api/contract/labels.js';

/** Metadata object types by number (the ones a package usually holds). */
export const OBJECT_TYPES: Record<number, string> = {
  1: 'Filter',
  2: 'Template',
  3: 'Report',
  4: 'Metric',
  6: 'Autostyle',
  7: 'Base formula',
  8: 'Folder',
  10: 'Prompt',
  11: 'Function',
  12: 'Attribute',
  13: 'Fact',
  14: 'Hierarchy',
  15: 'Logical table',
  21: 'Attribute form',
  26: 'Column',
  29: 'Database instance',
  32: 'Project',
  34: 'User or group',
  39: 'Search',
  43: 'Transformation',
  44: 'Security role',
  47: 'Consolidation',
  53: 'Physical table',
  55: 'Document',
  56: 'Drill map',
  58: 'Security filter',
};

export function objectTypeName(type: number): string {
  return OBJECT_TYPES[type] ?? `Type ${type}`;
}

/** "1 package", "3 packages". */
export function counted(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
