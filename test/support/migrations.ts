import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { writePackage } from '../../src/domain/mmp/index.js';
import type { PackageEntry, PackageHeader, PackageType } from '../../src/domain/mmp/types.js';
import { sampleHeader } from './mmp.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import type { TestServer } from './server.js';
import { createFile, multipartBody, upload } from './shared-files.js';
import { applyPackage, type ApplyResult } from '../../src/services/apply-package.js';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read by deep property access; the tests assert their shapes
export type Json = Record<string, any>;

export const MIGRATIONS = '/api/migrations';
export const FINAL_IMPORT_STATES = ['imported', 'import_failed', 'undo_success', 'undo_failed'];

export async function json(res: Response, status: number): Promise<Json> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  return text ? (JSON.parse(text) as Json) : {};
}

/** Polls GET /api/migrations/{id} until `done` holds (bounded: the job runner is in-process). */
export async function waitForMigration(
  s: TestServer,
  token: string,
  id: string,
  done: (record: Json) => boolean,
  project = TUTORIAL_PROJECT_ID,
): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const record = await json(await s.request('GET', `${MIGRATIONS}/${id}?showContent=default`, { token, headers: { 'X-MSTR-ProjectID': project } }), 200);
    if (done(record)) return record;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`migration ${id} did not reach the expected state`);
}

/** M1 on a source: creates a package of the Tutorial and waits until it is created. */
export async function createPackage(s: TestServer, token: string, packageInfo: Json): Promise<Json> {
  const res = await s.request('POST', MIGRATIONS, {
    token,
    headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
    json: { packageInfo: { name: 'flow', type: 'project', treeView: {}, ...packageInfo }, importInfo: {} },
  });
  const id = (await json(res, 201)).id as string;
  const done = await waitForMigration(s, token, id, (r) => r.packageInfo.status !== 'creating');
  assert.equal(done.packageInfo.status, 'created', done.packageInfo.message);
  return json(await s.request('GET', `${MIGRATIONS}/${id}?showContent=all`, { token }), 200);
}

export function header(overrides: Partial<PackageHeader> = {}): PackageHeader {
  return sampleHeader({
    settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
    ...overrides,
  });
}

/** A real .mmp in memory (test packages are small). */
export async function buildPackage(entries: PackageEntry[], overrides: Partial<PackageHeader> = {}): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  async function* pages() {
    for (let i = 0; i < entries.length; i += 50) yield entries.slice(i, i + 50);
  }
  await writePackage(out, header(overrides), pages());
  await ended;
  return Buffer.concat(chunks);
}

/**
 * The seed's steps 2–4 on a target: file metadata, binary upload, import. Returns the migration id.
 * `beforeImport` runs between the upload and the import.
 */
export async function uploadAndImport(
  s: TestServer,
  token: string,
  bytes: Buffer,
  options: { type?: PackageType; project?: string } = {},
  beforeImport: () => Promise<void> = async () => undefined,
): Promise<{ id: string; fileId: string; path: string }> {
  const type = options.type ?? 'project';
  const file = await createFile(s, token, bytes, { name: 'uploaded', extraInfo: { packageType: type, packagePurpose: 'object_migration' } });
  assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
  await beforeImport();
  const id = await importFile(s, token, file.id, { type, project: options.project });
  return { id, fileId: file.id, path: file.path };
}

/** The seed's step 4 alone: imports an uploaded file (again, if it was imported before). Returns the migration id. */
export async function importFile(s: TestServer, token: string, fileId: string, options: { type?: PackageType; project?: string } = {}): Promise<string> {
  const type = options.type ?? 'project';
  const project = options.project ?? TUTORIAL_PROJECT_ID;
  const res = await s.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
    token,
    headers: type === 'configuration' ? { Prefer: 'respond-async' } : { 'X-MSTR-ProjectID': project, Prefer: 'respond-async' },
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: {
        environment: { id: `${s.url}/`, name: 'target' },
        ...(type === 'configuration' ? {} : { project: { id: project, name: 'MicroStrategy Tutorial' } }),
      },
    },
  });
  return (await json(res, 201)).id as string;
}

export async function importToEnd(s: TestServer, token: string, bytes: Buffer, options: { type?: PackageType; project?: string } = {}): Promise<Json> {
  const { id } = await uploadAndImport(s, token, bytes, options);
  return waitForMigration(s, token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status), options.project);
}

/** PATCH undoRequestStatus requested, then approved, and waits for the undo to end. */
export async function undo(s: TestServer, token: string, id: string, project = TUTORIAL_PROJECT_ID): Promise<Json> {
  for (const status of ['requested', 'approved']) {
    await json(
      await s.request('PATCH', `${MIGRATIONS}/${id}?migrationId=${id}`, {
        token,
        headers: { 'X-MSTR-ProjectID': project, Prefer: 'respond-async' },
        json: { importInfo: { undoRequestStatus: status } },
      }),
      200,
    );
  }
  return waitForMigration(s, token, id, (r) => ['undo_success', 'undo_failed'].includes(r.importInfo.status), project);
}

/** Validation as the import engine runs it (a dry run over the stored package, rolled back), against the Tutorial project. */
export function dryRun(s: TestServer, packagePath: string): Promise<ApplyResult> {
  return s.server.env.ctx.storage.blobs().then((blobs) =>
    applyPackage({
      db: s.server.env.ctx.database.db,
      dialect: s.server.env.ctx.database.dialect,
      blobs,
      packagePath,
      packageSize: 0,
      projectId: TUTORIAL_PROJECT_ID,
      dryRun: true,
      onProgress: () => undefined,
    }),
  );
}
