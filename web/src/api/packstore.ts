import { call, callJson, storeToken } from './client.js';
import type { Migration, ObjectOutcome, Page, Project, SharedFile, UserInfo } from './types.js';
import { MIGRATION_PURPOSES } from '../../../src/api/contract/purposes.js';

export const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
export const MIGRATIONS = '/api/migrations';
const ALL_PURPOSES = MIGRATION_PURPOSES.join(',');
export const PAGE_SIZE = 100;

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

export const listFiles = (offset: number) => callJson<Page<SharedFile>>('GET', `${FILES}?type=migrations.packages&offset=${offset}&limit=${PAGE_SIZE}`);

export async function deleteFile(fileId: string): Promise<void> {
  await call('DELETE', `${FILES}/${fileId}`);
}

/** A browser download goes by link: the session cookie is accepted on GET so the bytes stream to disk. */
export const fileDownloadUrl = (fileId: string) => `${FILES}/${fileId}/binary`;
export const packageDownloadUrl = (packageId: string) => `${MIGRATIONS}/packages/${packageId}/binary`;

export const listProjects = () => callJson<Project[]>('GET', '/api/projects');

export const listMigrations = (offset: number) =>
  callJson<Page<Migration>>('GET', `${MIGRATIONS}?packageInfo.purpose=${ALL_PURPOSES}&offset=${offset}&limit=${PAGE_SIZE}`);

export const getMigration = (id: string) => callJson<Migration>('GET', `${MIGRATIONS}/${id}?showContent=all`);

/** Per-object outcomes of the last import or validation (a Packstore extension of the Library API). */
export const getReport = (id: string) => callJson<Page<ObjectOutcome>>('GET', `${MIGRATIONS}/${id}/report`);

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
