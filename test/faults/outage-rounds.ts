/**
 * Rounds where what the nodes depend on goes away while they work: every PostgreSQL backend of the
 * suite's database is terminated (what a database restart does to its clients), or the S3 server
 * stops and comes back on the same port with the same data.
 */
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { createFile, describe, slowUpload, waitForState, type Exchange } from './client.js';
import { checkImportOutcome, jobRunning, pick, startMetricsImport, until, type FaultContext } from './context.js';
import { sleep } from './nodes.js';
import { must } from '../support/must.js';

const FINISH_MS = 120_000;
const TERMINATE = 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()';

/** Cuts every connection to the suite's database, from a connection of its own; the server itself keeps running. */
async function terminateBackends(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query(TERMINATE, [new URL(databaseUrl).pathname.slice(1)]);
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

export async function databaseRestartRound(ctx: FaultContext): Promise<void> {
  const started = await startMetricsImport(ctx);
  await jobRunning(ctx, must(started.id.split(':')[0], 'a package id before the colon'), 'import');
  await sleep(randomInt(0, 400));
  ctx.report.count('database connections cut', await terminateBackends(ctx.databaseUrl));
  const record = await waitForState(ctx.urls, ctx.token, started.id, 'import', ['imported', 'import_failed'], FINISH_MS);
  ctx.report.count(`imports ended ${record.importInfo.status} after a database restart`);
  await checkImportOutcome(ctx, started, record);
}

/** A Library error answer: a 5xx with {code, message, ticketId}. */
function isLibraryServerError(answer: Exchange): boolean {
  if (answer.status < 500 || answer.status > 599) return false;
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    return typeof body.code === 'string' && typeof body.message === 'string' && typeof body.ticketId === 'string';
  } catch {
    return false;
  }
}

/**
 * The storage stops while an upload streams to it (more than one 8 MiB part, so mid-transfer):
 * the upload fails cleanly, nothing of it is visible, and sending the same file again works.
 */
export async function storageDuringUploadRound(ctx: FaultContext): Promise<void> {
  const node = pick(ctx.nodes);
  const bytes = randomBytes(randomInt(9, 14) * 1024 * 1024);
  const file = await createFile(node.url, ctx.token, bytes);
  let settled = false;
  const upload = slowUpload(node.url, ctx.token, file.id, bytes, 4).finally(() => (settled = true));
  const fileRow = () => ctx.db.selectFrom('files').select(['existing', 'upload_claim']).where('path', '=', file.path).executeTakeFirstOrThrow();
  await until(async () => ((await fileRow()).upload_claim ? true : undefined), 30_000);
  await sleep(randomInt(0, 500));
  if (settled) {
    ctx.report.count('uploads finished before the storage stopped');
    return;
  }
  await ctx.s3.pause();
  ctx.report.count('storage stops');
  const answer = await upload;
  await ctx.s3.resume();
  if (!isLibraryServerError(answer)) ctx.report.fail('unclean upload failures', `the storage stopped mid-upload; ${describe(answer)}`);
  else ctx.report.count(`uploads failed with ${answer.status} while the storage was down`);
  const row = await fileRow();
  if (row.existing === 1) ctx.report.fail('half-visible uploads', `file ${file.id} is existing after its upload failed`);
  if (await ctx.blobs.head(file.path)) ctx.report.fail('half-visible uploads', `${file.path} is in the storage after its upload failed`);
  const retried = await slowUpload(node.url, ctx.token, file.id, bytes, 0);
  if (retried.status !== 200) ctx.report.fail('uploads not retryable', `the same file again after the storage came back: ${describe(retried)}`);
  else ctx.report.count('uploads retried after the storage came back');
}

/**
 * The storage stops while an import runs, until the job has failed once (or ended); it must end
 * imported once the storage is back, or import_failed, never stuck, the project never mixed.
 */
export async function storageDuringImportRound(ctx: FaultContext): Promise<void> {
  const started = await startMetricsImport(ctx);
  const packageId = must(started.id.split(':')[0], 'a package id before the colon');
  await jobRunning(ctx, packageId, 'import');
  await ctx.s3.pause();
  ctx.report.count('storage stops');
  const failedOnce = await until(async () => {
    const job = await ctx.db.selectFrom('jobs').select(['state', 'error']).where('package_id', '=', packageId).where('kind', '=', 'import').executeTakeFirst();
    return job && (job.error || job.state !== 'running') ? job : undefined;
  }, 30_000);
  await ctx.s3.resume();
  if (failedOnce?.state === 'queued') ctx.report.count('imports retried after a storage stop');
  const record = await waitForState(ctx.urls, ctx.token, started.id, 'import', ['imported', 'import_failed'], FINISH_MS);
  ctx.report.count(`imports ended ${record.importInfo.status} after a storage stop`);
  await checkImportOutcome(ctx, started, record);
}
