import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite, startTestServer, type TestServer } from './support/server.js';
import { FILES, metadataFor } from './support/shared-files.js';
import { MIGRATIONS, buildPackage, createPackage, json, undo, uploadAndImport, waitForMigration, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { s3StorageOverrides, startLocalS3, type LocalS3 } from './support/s3.js';
import { recoverStrandedWork } from '../src/services/stranded.js';
import { createPackageHandler } from '../src/services/create-package.js';
import { SupersededError } from '../src/services/apply-package.js';
import { JobQueue } from '../src/jobs/queue.js';
import { packagePath } from '../src/domain/storage-keys.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

/** Polls `check` until it yields a value; bounded, and waiting on state, not on a fixed time. */
async function until<T>(what: string, check: () => Promise<T | undefined>, tries = 2400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function jobsOf(s: TestServer, packageId: string) {
  return s.server.env.ctx.database.db.selectFrom('jobs').selectAll().where('package_id', '=', packageId).execute();
}

for (const dialect of dialects()) {
  describe(`job lifecycle [${dialect}]`, () => {
    const t = serverPerSuite(dialect, { 'storage.sharedFileStore.migrations.packages.maxNumber': '10' });

    it('a final state is final at once: delete succeeds the moment a client sees imported or undo_success', async () => {
      const bytes = await buildPackage(newMetrics(3, 'final'));
      for (let round = 0; round < 4; round++) {
        const { id, fileId } = await uploadAndImport(t.s, t.token, bytes);
        const [packageId] = id.split(':');
        const imported = await waitForMigration(t.s, t.token, id, (r: Json) => r.importInfo.status !== 'importing');
        assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
        if (round % 2 === 1) assert.equal((await undo(t.s, t.token, id)).importInfo.status, 'undo_success');
        const res = await t.s.request('DELETE', `${MIGRATIONS}?packageId=${packageId}`, { token: t.token });
        assert.equal(res.status, 204, await res.text());
        assert.equal((await t.s.request('DELETE', `${FILES}/${fileId}`, { token: t.token })).status, 204);
      }
    });

    it('holds maxNumber against 50 concurrent creates', async () => {
      const answers = await Promise.all(Array.from({ length: 50 }, () => t.s.request('POST', FILES, { token: t.token, json: metadataFor(randomBytes(10)) })));
      const created = answers.filter((r) => r.status === 200).length;
      const listed = (await json(await t.s.request('GET', `${FILES}?limit=1000`, { token: t.token }), 200)) as { total?: number; data: unknown[] };
      assert.equal(listed.data.length, 10, 'the store holds exactly the limit');
      assert.equal(created, 10, 'no create passed the limit');
      for (const refused of answers.filter((r) => r.status !== 200)) {
        const error = await expectLibraryError(refused, 400, 'ERR006');
        assert.match(error.message, /maximum of 10/);
      }
      for (const f of listed.data as Array<{ id: string }>) await t.s.request('DELETE', `${FILES}/${f.id}`, { token: t.token });
    });

    it('gives a record stranded without its job a job again, and fails one whose job failed, with its message', async () => {
      const { ctx } = t.s.server.env;
      await ctx.jobs.runner.stop();
      try {
        const res = await t.s.request('POST', MIGRATIONS, {
          token: t.token,
          headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
          json: { packageInfo: { name: 'stranded', type: 'project', tocView: { content: [{ id: YEAR, type: 12 }] } }, importInfo: {} },
        });
        const stranded = (await json(res, 201)).id as string;
        const res2 = await t.s.request('POST', MIGRATIONS, {
          token: t.token,
          headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
          json: { packageInfo: { name: 'failed', type: 'project', tocView: { content: [{ id: YEAR, type: 12 }] } }, importInfo: {} },
        });
        const failed = (await json(res2, 201)).id as string;
        // What a crash of an older version left: a record in a working state with no job at all, and one whose job failed.
        await ctx.database.db
          .deleteFrom('jobs')
          .where('package_id', '=', must(stranded.split(':')[0], 'a package id before the colon'))
          .execute();
        await ctx.database.db
          .updateTable('jobs')
          .set({ state: 'failed', error: 'The package could not be created (ticket 0123).' })
          .where('package_id', '=', must(failed.split(':')[0], 'a package id before the colon'))
          .execute();

        assert.deepEqual(await recoverStrandedWork(ctx.migrations, ctx.jobs), { requeued: 1, failed: 1 });
        assert.deepEqual(await recoverStrandedWork(ctx.migrations, ctx.jobs), { requeued: 0, failed: 0 }, 'once is enough');
        ctx.jobs.runner.start();
        const created = await waitForMigration(t.s, t.token, stranded, (r: Json) => r.packageInfo.status !== 'creating');
        assert.equal(created.packageInfo.status, 'created', created.packageInfo.message);
        const gaveUp = await waitForMigration(t.s, t.token, failed, (r: Json) => r.packageInfo.status !== 'creating');
        assert.equal(gaveUp.packageInfo.status, 'create_failed');
        assert.equal(gaveUp.packageInfo.message, 'The package could not be created (ticket 0123).');
      } finally {
        ctx.jobs.runner.start();
      }
    });

    it('a creation taken over from a node that lost its lease: the late node writes nothing, the new owner creates the package', async () => {
      const ctx = t.s.server.env.ctx;
      const { db, dialect } = ctx.database;
      const project = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
      await ctx.jobs.runner.stop();
      try {
        const res = await t.s.request('POST', MIGRATIONS, {
          token: t.token,
          headers: project,
          json: {
            packageInfo: {
              name: 'taken over',
              type: 'project',
              treeView: {},
              tocView: { settings: {}, content: [{ id: YEAR, type: 12, includeDependents: true }] },
            },
            importInfo: {},
          },
        });
        const id = (await json(res, 201)).id as string;
        const packageId = must(id.split(':')[0], 'a package id before the colon');
        // One node claims the creation and stalls past its lease (1 ms); another takes the job over a second later. Each runs the
        // job's handler with its own lease, as its runner would.
        const stalled = new JobQueue(db, dialect, 'stalled-node', 1);
        const claimed = must(await stalled.claim(), 'the stalled node claims the creation');
        const owner = new JobQueue(db, dialect, 'new-owner', 60_000);
        const taken = must(await owner.claim(Date.now() + 1_000), 'a second later, the job is taken over: its lease has ended');
        assert.equal(taken.id, claimed.id);
        const deps = {
          db,
          dialect,
          metadata: ctx.metadata,
          migrations: ctx.migrations,
          storage: ctx.storage,
          users: ctx.users,
          signing: ctx.signing,
          log: () => undefined,
        };
        const leaseOf = (queue: JobQueue, job: typeof claimed) => ({
          finishIn: (trx: typeof db) => queue.finishIn(trx, job),
          holdIn: (trx: typeof db) => queue.heartbeat(job, Date.now(), trx),
        });
        const tocOf = () => db.selectFrom('package_toc').select(['seq', 'object_id']).where('package_id', '=', packageId).orderBy('seq').execute();

        // The stalled node wakes while the package is still being created: refused before it writes a row or a byte.
        await assert.rejects(createPackageHandler(deps).run(claimed, leaseOf(stalled, claimed)), SupersededError);
        assert.deepEqual(await tocOf(), []);
        const pending = must(await ctx.migrations.getPackage(packageId), 'the record');
        assert.deepEqual([pending.status, pending.storage], ['creating', undefined]);
        const blobs = await ctx.storage.blobs();
        assert.equal(await blobs.head(packagePath(packageId, new Date(pending.createdAt))), undefined, 'no package bytes were stored');

        await createPackageHandler(deps).run(taken, leaseOf(owner, taken));
        const created = await waitForMigration(t.s, t.token, id, (r) => r.packageInfo.status !== 'creating');
        assert.equal(created.packageInfo.status, 'created', created.packageInfo.message);
        const shown = await json(await t.s.request('GET', `${MIGRATIONS}/${id}?showContent=tocview`, { token: t.token, headers: project }), 200);
        const ids = (shown.packageInfo.tocView.content as Json[]).map((r) => r.id);
        assert.ok(ids.includes(YEAR) && ids.length > 1, 'Year comes with what it uses');
        assert.deepEqual(
          (await tocOf()).map((r) => r.object_id),
          ids,
        );
        await owner.finish(taken);
      } finally {
        ctx.jobs.runner.start();
      }
    });

    it('enqueues a job in the transaction of its record: a record is never written without one', async () => {
      const record = await createPackage(t.s, t.token, { tocView: { content: [{ id: YEAR, type: 12 }] } });
      const jobs = await jobsOf(t.s, record.packageInfo.id as string);
      assert.equal(jobs.length, 1);
      assert.equal(must(jobs[0], 'at least one entry in jobs').state, 'done');
    });
  });

  describe(`transient failures are retried [${dialect}]`, () => {
    let s3: LocalS3;
    let s: TestServer;
    after(async () => {
      await s?.close();
      await s3?.close();
    });

    it('an import whose storage is unreachable is retried with backoff and completes when it is back; health shows no internals', async () => {
      s3 = await startLocalS3();
      s = await startTestServer(dialect, s3StorageOverrides(s3));
      const token = await s.login();
      const bytes = await buildPackage(newMetrics(5, 'retry'));
      await s.server.env.ctx.jobs.runner.stop();
      const { id } = await uploadAndImport(s, token, bytes);
      const [packageId] = id.split(':');
      await s3.pause();
      s.server.env.ctx.jobs.runner.start();

      const retried = await until('a retry to be scheduled', async () => {
        const jobs = await jobsOf(s, must(packageId, 'the package id'));
        return jobs.find((j) => j.state === 'queued' && j.attempts >= 1);
      });
      assert.ok(Number(retried.run_after) > 0);
      assert.equal(
        (await json(await s.request('GET', `${MIGRATIONS}/${id}`, { token, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }), 200)).importInfo.status,
        'importing',
      );

      const health = await s.request('GET', '/api/health');
      assert.equal(health.status, 503);
      const body = await health.text();
      assert.doesNotMatch(body, /ECONNREFUSED|127\.0\.0\.1|stack|at /);

      await s3.resume();
      const done = await until('the import to finish', async () => {
        const record = await json(await s.request('GET', `${MIGRATIONS}/${id}`, { token, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }), 200);
        return record.importInfo.status === 'importing' ? undefined : record;
      });
      assert.equal(done.importInfo.status, 'imported', done.importInfo.message);
    });
  });
}
