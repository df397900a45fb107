import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { must } from '../support/must.js';
import type { Database } from '../../src/store/db/schema.js';
import type { MetadataRepository } from '../../src/store/metadata/repository.js';
import type { S3BlobStore } from '../../src/store/blob/s3/s3-blob-store.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import type { LocalS3 } from '../support/s3.js';
import { buildPackage } from '../support/migrations.js';
import { newMetrics } from '../support/packages.js';
import { createFile, describe, slowUpload, startImport, type Json } from './client.js';
import { sleep, type NodeProcess } from './nodes.js';
import type { FaultReport } from './report.js';

/** What every fault round works with: the nodes, the shared database and storage, and the report. */
export interface FaultContext {
  nodes: NodeProcess[];
  urls: string[];
  token: string;
  db: Kysely<Database>;
  databaseUrl: string;
  metadata: MetadataRepository;
  blobs: S3BlobStore;
  s3: LocalS3;
  report: FaultReport;
}

export const pick = <T>(items: readonly T[]): T => must(items[randomInt(items.length)], 'a non-empty list to pick from');

export const fingerprint = (ctx: FaultContext) => ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);

/** Waits until `probe` gives a value, polling; undefined when `timeoutMs` passes first. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  return undefined;
}

/** An import under way: its migration id, the objects its package adds, and the project's state before. */
export interface StartedImport {
  id: string;
  objectIds: string[];
  before: string;
}

/** Uploads a package of new metrics (no fault) and starts its import on a random node. */
export async function startMetricsImport(ctx: FaultContext): Promise<StartedImport> {
  const entries = newMetrics(randomInt(1500, 3000), `fault ${randomBytes(3).toString('hex')}`);
  const bytes = await buildPackage(entries);
  const uploader = pick(ctx.nodes);
  const file = await createFile(uploader.url, ctx.token, bytes);
  const uploaded = await slowUpload(uploader.url, ctx.token, file.id, bytes, 0);
  if (uploaded.status !== 200) throw new Error(`the package upload failed without a fault: ${describe(uploaded)}`);
  const before = await fingerprint(ctx);
  const id = await startImport(pick(ctx.nodes).url, ctx.token, file.id);
  return { id, objectIds: entries.map((e) => e.object.id), before };
}

/** Resolves once a node runs the job of `packageId` (or the job has ended already). */
export async function jobRunning(ctx: FaultContext, packageId: string, kind: string): Promise<void> {
  await until(async () => {
    const job = await ctx.db
      .selectFrom('jobs')
      .select('state')
      .where('package_id', '=', packageId)
      .where('kind', '=', kind)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return job && job.state !== 'queued' ? true : undefined;
  }, 30_000);
}

/**
 * The project after an import ended: all of its objects when imported, none and the project exactly
 * as before when it failed, and a failure message fit for a user (a ticket, no internals).
 */
export async function checkImportOutcome(ctx: FaultContext, started: StartedImport, record: Json): Promise<void> {
  const status = record.importInfo.status as string;
  const present = (await ctx.metadata.getObjects(TUTORIAL_PROJECT_ID, started.objectIds)).size;
  if (status === 'import_failed') {
    if (present !== 0 || (await fingerprint(ctx)) !== started.before)
      ctx.report.fail('projects in a mixed state', `failed import ${started.id} left ${present} of ${started.objectIds.length} objects`);
    checkFailureMessage(ctx, `import ${started.id}`, record.importInfo.message);
    return;
  }
  if (present !== started.objectIds.length)
    ctx.report.fail('projects in a mixed state', `import ${started.id} ended ${status} holding ${present} of ${started.objectIds.length} objects`);
}

/** A failed record tells its user why, with a ticket, and never the internals (those are in the log). */
export function checkFailureMessage(ctx: FaultContext, what: string, message: unknown): void {
  const text = typeof message === 'string' ? message : '';
  const clear = /\(ticket [^)]+\)|given up/.test(text) && !/ECONN|57P0|terminating connection|\bat \S+\.[jt]s|127\.0\.0\.1/.test(text);
  if (!clear) ctx.report.fail('unclear failure messages', `${what} failed with ${JSON.stringify(text)}`);
}
