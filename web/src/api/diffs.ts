import { callJson } from './client.js';
import { listFiles, MIGRATIONS, PAGE_SIZE } from './packstore.js';
import type { Diff, SharedFile } from './types.js';

/** What a diff compares with its target: an uploaded file, a migration's package, or a migration's undo package. */
export type DiffSource = { kind: 'file'; id: string } | { kind: 'migration'; id: string; undo: boolean };

export interface DiffFilters {
  offset: number;
  action?: string;
  type?: string;
  q?: string;
  /** 0 reads the header only (state, summary, staleness), no objects. */
  limit?: number;
}

function query(f: DiffFilters): string {
  const params = new URLSearchParams({ offset: String(f.offset), limit: String(f.limit ?? PAGE_SIZE) });
  for (const [key, value] of [
    ['action', f.action],
    ['type', f.type],
    ['q', f.q?.trim()],
  ] as const)
    if (value) params.set(key, value);
  return params.toString();
}

/** POST /api/migrations/diff: done at once (200, with the first page) or running (202: read it by id until done). */
export function startDiff(source: DiffSource, projectId: string | undefined, filters: DiffFilters): Promise<Diff> {
  const packageInfo = source.kind === 'file' ? { storage: { sharedFileStore: { files: { id: source.id } } } } : { id: source.id };
  return callJson<Diff>('POST', `${MIGRATIONS}/diff?${query(filters)}`, {
    projectId,
    json: {
      packageInfo,
      ...(projectId ? { importInfo: { project: { id: projectId } } } : {}),
      ...(source.kind === 'migration' && source.undo ? { undo: true } : {}),
    },
  });
}

/** One page of a diff, with its staleness measured now. */
export const readDiff = (id: string, filters: DiffFilters) => callJson<Diff>('GET', `${MIGRATIONS}/diff/${id}?${query(filters)}`);

/** An uploaded file by its id: the list finds a whole file id by the GUID inside it. */
export async function findFile(fileId: string): Promise<SharedFile | undefined> {
  const page = await listFiles(0, { q: fileId });
  return page.data.find((f) => f.id === fileId);
}
