/** What must hold once the faults stop: the queue drains, every record is final, the storage matches the records. */
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { KEY_ROOT, replicaStatusPath } from '../../src/domain/storage-keys.js';
import type { FaultContext } from './context.js';
import { sleep } from './nodes.js';
import { must } from '../support/must.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const WORKING_PACKAGE = ['creating'];
const WORKING_IMPORT = ['importing', 'undoing'];

export async function waitForQueueToDrain(ctx: FaultContext): Promise<void> {
  let active: Array<{ id: string; kind: string; package_id: string; state: string; attempts: number; error: string | null }> = [];
  for (let i = 0; i < 600; i++) {
    active = await ctx.db
      .selectFrom('jobs')
      .select(['id', 'kind', 'package_id', 'state', 'attempts', 'error'])
      .where('state', 'in', ['queued', 'running'])
      .execute();
    if (active.length === 0) return;
    await sleep(200);
  }
  for (const job of active)
    ctx.report.fail(
      'jobs never finished',
      `${job.kind} job ${job.id} of package ${job.package_id} is still ${job.state} after ${job.attempts} attempts (last error: ${job.error ?? 'none'})`,
    );
}

/** Every record in a final state: none left creating, importing, undoing or validating, no import pending without a reason. */
export async function checkFinalStates(ctx: FaultContext): Promise<void> {
  for (const p of await ctx.db.selectFrom('packages').select(['id', 'status']).where('status', 'in', WORKING_PACKAGE).execute()) {
    ctx.report.fail('records left working', `package ${p.id} is still ${p.status}`);
  }
  const imports = ctx.db.selectFrom('imports').innerJoin('packages', 'packages.id', 'imports.package_id');
  for (const i of await imports.select(['imports.id', 'imports.package_id', 'imports.status', 'imports.validation', 'packages.replicated']).execute()) {
    const validation = i.validation ? (JSON.parse(i.validation) as { status?: string }).status : undefined;
    if (WORKING_IMPORT.includes(i.status)) ctx.report.fail('records left working', `migration ${i.package_id}:${i.id} is still ${i.status}`);
    if (validation === 'validating') ctx.report.fail('records left working', `migration ${i.package_id}:${i.id} is still validating`);
    // A created package waits pending for its import; a target's copy (or upload) pending is one nothing will run, unless it was made for a validation.
    if (i.status === 'pending' && i.replicated === 1 && !validation) ctx.report.fail('orphan rows', `migration ${i.package_id}:${i.id} left pending`);
  }
}

/**
 * Every blob a record points at is there, whole (its sha256 matches), and every blob in the
 * storage belongs to a record (or is the environment's marker).
 */
export async function checkStorage(ctx: FaultContext): Promise<void> {
  const referenced = new Map<string, string | null>();
  for (const f of await ctx.db.selectFrom('files').select(['path', 'sha256', 'existing', 'upload_claim']).execute()) {
    if (f.upload_claim) ctx.report.fail('orphan rows', `file ${f.path} still claimed by ${f.upload_claim}`);
    if (f.existing === 1) referenced.set(f.path, f.sha256);
  }
  for (const p of await ctx.db.selectFrom('packages').select(['storage_path', 'sha256']).execute()) {
    if (p.storage_path) referenced.set(p.storage_path, p.sha256 || (referenced.get(p.storage_path) ?? null));
  }
  const replicated = await ctx.db
    .selectFrom('imports')
    .innerJoin('packages', 'packages.id', 'imports.package_id')
    .select(['imports.package_id', 'imports.id'])
    .where('packages.replicated', '=', 1)
    .execute();
  const statusNotes = new Set(replicated.map((r) => replicaStatusPath(r.package_id, r.id)));
  for (const i of await ctx.db.selectFrom('imports').select('undo_path').where('undo_path', 'is not', null).execute())
    referenced.set(must(i.undo_path, 'an undo path (the query selects only set ones)'), null);
  for (const [key, expected] of referenced) {
    const stored = await ctx.blobs.get(key).then(
      (s) => buffer(s),
      () => undefined,
    );
    if (!stored) ctx.report.fail('lost packages', `${key} is referenced by a record but not in the storage`);
    else if (expected && sha256(stored) !== expected)
      ctx.report.fail('half-written packages', `${key}: sha256 ${sha256(stored)}, its metadata says ${expected}`);
    else ctx.report.count('stored blobs verified');
  }
  for await (const blob of ctx.blobs.list('')) {
    // Status notes for a source that shares the storage are optional (best effort) but owned by their record.
    const known = referenced.has(blob.key) || statusNotes.has(blob.key) || blob.key.startsWith(`${KEY_ROOT}owners/`);
    if (!known) ctx.report.fail('orphan blobs', `${blob.key} (${blob.size} bytes) belongs to no record`);
  }
}
