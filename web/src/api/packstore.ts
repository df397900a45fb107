import { call, callJson, storeToken } from './client.js';
import type { EnvironmentBadge, Migration, Page, Project, ReadAt, Report, SharedFile, UserInfo } from './types.js';
import { MIGRATION_PURPOSES } from '../../../src/api/contract/purposes.js';

export const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
export const MIGRATIONS = '/api/migrations';
const ALL_PURPOSES = MIGRATION_PURPOSES.join(',');
export const PAGE_SIZE = 100;

/** Tags a read (a page, a report, a diff) with the offset it was made at. */
export const readAt =
  (offset: number) =>
  <T extends object>(read: T): ReadAt<T> => ({ ...read, offset });

export async function signIn(username: string, password: string): Promise<void> {
  const response = await call('POST', '/api/auth/login', { form: new URLSearchParams({ loginMode: '1', username, password }) });
  const token = response.headers.get('X-MSTR-AuthToken');
  if (!token) throw new Error('The server accepted the sign-in but sent no X-MSTR-AuthToken header.');
  storeToken(token);
}

export async function signOut(): Promise<void> {
  try {
    await call('POST', '/api/auth/logout');
  } finally {
    storeToken(null);
  }
}

export const userInfo = () => callJson<UserInfo>('GET', '/api/sessions/userInfo');

/** Query parameters, the empty ones left out (the server reads an empty one as absent anyway). */
function query(params: Record<string, string | number | undefined>): string {
  const kept = Object.entries(params).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  return new URLSearchParams(kept.map(([k, v]) => [k, String(v)])).toString();
}

/** The filters the package and migration lists share; `type` is a package type. */
export interface ListFilters {
  q?: string;
  type?: string;
  creator?: string;
  /** yyyy-mm-dd, in the browser's time zone: from the start of that day, to its end. */
  from?: string;
  to?: string;
  sort?: string;
}

/** A day picked in a date input, as the bound the server takes (epoch milliseconds). */
function dayBound(day: string | undefined, end: boolean): number | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.getTime();
}

function filterParams(f: ListFilters) {
  return { q: f.q, creator: f.creator, from: dayBound(f.from, false), to: dayBound(f.to, true), sort: f.sort };
}

export const listFiles = (offset: number, filters: ListFilters & { purpose?: string } = {}) =>
  callJson<Page<SharedFile>>(
    'GET',
    `${FILES}?${query({ type: 'migrations.packages', offset, limit: PAGE_SIZE, ...filterParams(filters), packageType: filters.type, purpose: filters.purpose })}`,
  ).then(readAt(offset));

export async function deleteFile(fileId: string): Promise<void> {
  await call('DELETE', `${FILES}/${fileId}`);
}

/** A browser download goes by link: the session cookie is accepted on GET so the bytes stream to disk. */
export const fileDownloadUrl = (fileId: string) => `${FILES}/${fileId}/binary`;
export const packageDownloadUrl = (packageId: string) => `${MIGRATIONS}/packages/${packageId}/binary`;

export const listProjects = () => callJson<Project[]>('GET', '/api/projects');

export const listMigrations = (offset: number, filters: ListFilters & { purpose?: string; status?: string; origin?: string } = {}) =>
  callJson<Page<Migration>>(
    'GET',
    `${MIGRATIONS}?${query({ 'packageInfo.purpose': filters.purpose || ALL_PURPOSES, offset, limit: PAGE_SIZE, ...filterParams(filters), type: filters.type, status: filters.status, origin: filters.origin })}`,
  ).then(readAt(offset));

/** The record without its table of contents: a package of a million objects is read a page at a time, from the report. */
export const getMigration = (id: string) => callJson<Migration>('GET', `${MIGRATIONS}/${id}`);

export interface ReportFilters {
  offset: number;
  limit: number;
  action?: string;
  type?: string;
  q?: string;
  sort?: string;
}

/** One page of the per-object outcomes of the last import or validation, with counts of the whole (a Packstore extension). */
export const getReport = (id: string, f: ReportFilters) =>
  callJson<Report>('GET', `${MIGRATIONS}/${id}/report?${query({ offset: f.offset, limit: f.limit, action: f.action, type: f.type, q: f.q, sort: f.sort })}`);

/** Where you are: the environment's name, colour and production mark (public, for the sign-in page too). */
export const getEnvironment = () => callJson<EnvironmentBadge>('GET', '/api/environment');

/** The seed's step 4: import an uploaded package; configuration packages go without a project. */
export function startImport(file: SharedFile, project: Project | undefined): Promise<Migration> {
  const environment = { id: `${window.location.origin}/`, name: window.location.origin };
  return callJson<Migration>('POST', `${MIGRATIONS}?unlockOnStart=True`, {
    projectId: project?.id,
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: { environment, ...(project ? { project: { id: project.id, name: project.name } } : {}) },
    },
  });
}

/** Undo is a request and its approval; the approval needs the target project in X-MSTR-ProjectID. */
export async function undoImport(migration: Migration): Promise<void> {
  const projectId = migration.importInfo?.project?.id;
  for (const undoRequestStatus of ['requested', 'approved']) {
    await call('PATCH', `${MIGRATIONS}/${migration.id}?migrationId=${migration.id}`, { projectId, json: { importInfo: { undoRequestStatus } } });
  }
}

/** The seed's order: the uploaded file first (found by its path), then the migration record. */
export async function deleteMigration(migration: Migration): Promise<void> {
  const path = migration.packageInfo.storage?.path;
  if (migration.packageInfo.purpose === 'migration_from_shared_file_store' && path) {
    const file = await findFileByPath(path);
    if (file) await deleteFile(file.id);
  }
  await call('DELETE', `${MIGRATIONS}?packageId=${migration.packageInfo.id}`);
}

async function findFileByPath(path: string): Promise<SharedFile | undefined> {
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = await listFiles(offset);
    const found = page.data.find((f) => f.path === path);
    if (found || page.data.length === 0 || offset + page.data.length >= page.total) return found;
  }
}
