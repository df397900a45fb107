import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startLocalS3, type LocalS3 } from './support/s3.js';
import { FILES, STORAGE, sha256, uploadedFile } from './support/shared-files.js';
import { buildPackage, uploadAndImport, waitForMigration, FINAL_IMPORT_STATES, json } from './support/migrations.js';
import { newMetrics, packageOfSize } from './support/packages.js';
import { JobQueue } from '../src/jobs/queue.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { must } from './support/must.js';

/**
 * Two nodes on one PostgreSQL database and one S3 bucket (s3rver): any node accepts any token,
 * serves any file and runs any job, and a job whose node died is taken over once its lease ends.
 */
const LEASE_SECONDS = 2;

describe('two nodes on PostgreSQL and S3', { skip: !dialects().includes('postgres') && 'needs PostgreSQL' }, () => {
  let s3: LocalS3;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    s3 = await startLocalS3();
    a = await startTestServer('postgres', {
      'cluster.leaseSeconds': String(LEASE_SECONDS),
      'storage.location': `s3://${s3.bucket}/env`,
      'storage.s3.endpoint': s3.endpoint,
      'storage.s3.forcePathStyle': 'true',
      'storage.s3.accessKeyId': s3.connection.awsAccessId,
      'storage.s3.secretAccessKey': s3.connection.awsSecretKey,
    });
    b = await startTestServer('postgres', {}, a.files);
  });
  after(async () => {
    await b.stop();
    await a.close();
    await s3.close();
  });

  it('uses S3 from the configuration, and validation accepts the reachable bucket', async () => {
    const token = await a.login();
    const shown = await json(await b.request('GET', STORAGE, { token }), 200);
    assert.equal(shown.sharedFileStore.type, 'S3');
    assert.equal(shown.sharedFileStore.configured, true);
    assert.equal(shown.sharedFileStore.awsSecretKey, '********');
    assert.equal((await b.request('POST', `${STORAGE}/validation`, { token, json: { sharedFileStore: {} } })).status, 204);
    const bad = await b.request('POST', `${STORAGE}/validation`, { token, json: { sharedFileStore: { location: 's3://no-such-bucket-here' } } });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /no-such-bucket-here/);
  });

  it('accepts a token from either node and serves a file uploaded through the other', async () => {
    const token = await a.login();
    const bytes = await packageOfSize(64 * 1024);
    const file = await uploadedFile(a, token, bytes);
    const download = await b.request('GET', `${FILES}/${file.id}/binary`, { token });
    assert.equal(download.status, 200);
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(bytes));
    assert.equal((await b.request('POST', '/api/auth/logout', { token })).status, 204);
    assert.equal((await a.request('GET', FILES, { token })).status, 401, 'a session ended on one node is gone on all');
  });

  it('runs a job on whichever node is running jobs', async () => {
    const token = await a.login();
    for (const [accepting, running, idle] of [
      [a, b, a],
      [b, a, b],
    ] as const) {
      await idle.server.env.ctx.jobs.runner.stop();
      const { id } = await uploadAndImport(accepting, token, await buildPackage(newMetrics(3, `node-run ${randomBytes(3).toString('hex')}`)));
      const record = await waitForMigration(accepting, token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
      assert.equal(record.importInfo.status, 'imported');
      const importId = must(id.split(':')[1], 'an import id after the colon');
      const job = await running.server.env.ctx.database.db.selectFrom('jobs').select('owner').where('import_id', '=', importId).executeTakeFirstOrThrow();
      assert.equal(job.owner, running.server.env.ctx.jobs.queue.nodeId);
      idle.server.env.ctx.jobs.runner.start();
    }
  });

  it('takes over an import whose node died, and applies it exactly once', async () => {
    const token = await a.login();
    await a.server.env.ctx.jobs.runner.stop();
    await b.server.env.ctx.jobs.runner.stop();
    const before = await a.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
    const entries = newMetrics(5, `takeover ${randomBytes(3).toString('hex')}`);
    const { id } = await uploadAndImport(a, token, await buildPackage(entries));
    // A node claims the job and dies at once: it never heartbeats again.
    const ctx = a.server.env.ctx;
    const dead = new JobQueue(ctx.database.db, ctx.database.dialect, 'dead-node', LEASE_SECONDS * 1000);
    const claimed = await dead.claim();
    assert.ok(claimed, 'the dead node had the job');
    b.server.env.ctx.jobs.runner.start();
    const record = await waitForMigration(a, token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
    assert.equal(record.importInfo.status, 'imported');
    // The job row is finished just after the import's transaction commits.
    const jobRow = () => ctx.database.db.selectFrom('jobs').selectAll().where('id', '=', claimed.id).executeTakeFirstOrThrow();
    for (let i = 0; i < 100 && (await jobRow()).state !== 'done'; i++) await new Promise((r) => setTimeout(r, 20));
    const job = await jobRow();
    assert.equal(job.owner, b.server.env.ctx.jobs.queue.nodeId);
    assert.equal(job.attempts, 2);
    assert.equal(job.state, 'done');
    const objects = await ctx.metadata.getObjects(
      TUTORIAL_PROJECT_ID,
      entries.map((e) => e.object.id),
    );
    assert.equal(objects.size, 5);
    assert.notEqual(await ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), before);
    // The dead node's late finish changes nothing: the job is no longer its own.
    await dead.finish(claimed, 'late');
    assert.equal((await ctx.database.db.selectFrom('jobs').select('state').where('id', '=', claimed.id).executeTakeFirstOrThrow()).state, 'done');
    a.server.env.ctx.jobs.runner.start();
  });

  it('reports readiness and metrics on each node', async () => {
    for (const node of [a, b]) {
      const health = await json(await node.request('GET', '/api/health'), 200);
      assert.deepEqual(health, { status: 'ready', checks: { database: 'ok', storage: 'ok', jobs: 'ok' } });
      const metrics = await node.request('GET', '/metrics');
      assert.equal(metrics.status, 200);
      const text = await metrics.text();
      assert.match(text, /packstore_http_requests_total\{method="GET",route="\/api\/health",status="200"\} [1-9]/);
      assert.match(text, /packstore_job_queue_depth\{state="queued"\} \d+/);
    }
    assert.match(await (await b.request('GET', '/metrics')).text(), /packstore_job_duration_seconds_count\{kind="import",outcome="done"\} [1-9]/);
    await b.server.env.ctx.jobs.runner.stop();
    const down = await b.request('GET', '/api/health');
    assert.equal(down.status, 503);
    const body = (await down.json()) as { code: string; message: string };
    assert.equal(body.code, 'ERR016');
    assert.match(body.message, /jobs: the job runner is not running/);
    b.server.env.ctx.jobs.runner.start();
  });
});
