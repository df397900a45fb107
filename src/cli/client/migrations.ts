import { ClientError } from './http.js';
import { StatusLine } from './progress.js';
import type { Session } from './session.js';
import type { Named } from '../../api/contract/common.js';
import type { Migration } from '../../api/contract/migrations.js';
import { MIGRATION_PURPOSES } from '../../api/contract/purposes.js';

export type { Named };
/** A migration as the server declares it; other Library servers may leave out what it marks optional. */
export type MigrationRecord = Migration;

export const MIGRATIONS = '/api/migrations';
export const ALL_PURPOSES = MIGRATION_PURPOSES.join(',');
const POLL_MS = 250;

/** A project by exact name or id, through GET /api/projects (a bare array). */
export async function resolveProject(session: Session, nameOrId: string): Promise<Named> {
  const list = await session.value('GET', '/api/projects');
  if (!Array.isArray(list)) throw new ClientError(`${session.url} answered GET /api/projects with something other than a list`);
  const projects = list as Named[];
  const found = projects.find((p) => p.id === nameOrId) ?? projects.find((p) => p.name === nameOrId);
  if (!found) throw new ClientError(`no project ${JSON.stringify(nameOrId)} on ${session.url}; known: ${projects.map((p) => p.name).join(', ')}`);
  return { id: found.id, name: found.name };
}

export function projectHeader(project: Named | undefined): Record<string, string> {
  return project ? { 'X-MSTR-ProjectID': project.id } : {};
}

export async function listMigrations(session: Session): Promise<MigrationRecord[]> {
  const all: MigrationRecord[] = [];
  for (;;) {
    const page = await session.json('GET', `${MIGRATIONS}?offset=${all.length}&limit=1000&packageInfo.purpose=${ALL_PURPOSES}`);
    const data = Array.isArray(page.data) ? (page.data as MigrationRecord[]) : [];
    all.push(...data);
    const total = typeof page.total === 'number' ? page.total : all.length;
    if (data.length === 0 || all.length >= total) return all;
  }
}

export async function getMigration(session: Session, id: string, showContent = 'default'): Promise<MigrationRecord> {
  return (await session.json('GET', `${MIGRATIONS}/${id}?showContent=${showContent}`)) as unknown as MigrationRecord;
}

/** The record of a package, found by package id in the list (the package id alone names no record). */
export async function findPackage(session: Session, packageId: string): Promise<MigrationRecord> {
  const found = (await listMigrations(session)).find((r) => r.packageInfo.id === packageId);
  if (!found) throw new ClientError(`no package ${packageId} on ${session.url}`);
  return found;
}

/** Still moving: a package being created, an import or undo under way or approved but not yet started. */
export function inProgress(record: MigrationRecord): boolean {
  const pkg = record.packageInfo.status;
  const imp = record.importInfo;
  if (pkg === 'creating') return true;
  if (!imp) return false;
  if (imp.status === 'importing' || imp.status === 'undoing') return true;
  if (imp.status === 'pending' && imp.importRequestStatus === 'approved') return true;
  if (imp.status === 'imported' && imp.undoRequestStatus === 'approved') return true;
  return record.validation?.status === 'validating';
}

/** The failure a final record reports, if any. */
export function failureOf(record: MigrationRecord): string | undefined {
  const pkg = record.packageInfo;
  if (pkg.status === 'create_failed') return `package creation failed: ${pkg.message || 'no message'}`;
  const imp = record.importInfo;
  if (imp?.status === 'import_failed') return `import failed: ${imp.message || 'no message'}`;
  if (imp?.status === 'undo_failed') return `undo failed: ${imp.message || 'no message'}`;
  if (record.validation?.status === 'validation_failed') return `validation failed: ${record.validation.message || 'no message'}`;
  return undefined;
}

export function describeState(record: MigrationRecord): string {
  const pkg = record.packageInfo;
  const imp = record.importInfo;
  const parts = [`package ${pkg.status ?? '?'}${pkg.status === 'creating' ? ` ${Math.round(pkg.progress ?? 0)}%` : ''}`];
  if (imp?.status && (imp.status !== 'pending' || imp.importRequestStatus !== 'pending')) {
    const moving = imp.status === 'importing' || imp.status === 'undoing';
    parts.push(`import ${imp.status}${moving ? ` ${Math.round(imp.progress ?? 0)}%` : ''}`);
  }
  if (record.validation?.status) parts.push(`validation ${record.validation.status}`);
  return parts.join(', ');
}

/** Polls until the record reaches a final state, drawing a live status line on a terminal. */
export async function follow(session: Session, id: string, showStatus: boolean): Promise<MigrationRecord> {
  const line = new StatusLine(showStatus);
  try {
    for (;;) {
      const record = await getMigration(session, id);
      line.show(`${id}: ${describeState(record)}`, true);
      if (!inProgress(record)) return record;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    line.end();
  }
}
