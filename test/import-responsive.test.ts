import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { dialects } from './support/env.js';
import { heldImport, holdingProxy, type HoldingProxy } from './support/held-package.js';
import { s3StorageOverrides, startLocalS3, type LocalS3 } from './support/s3.js';
import { buildPackage, json, MIGRATIONS, waitForMigration, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { startTestServer, type TestServer } from './support/server.js';
import { hashToken } from '../src/domain/tokens.js';
import { TOUCH_SLACK_MS } from '../src/store/sessions.js';

/** Enough pages (50 objects each) that the import is well inside its transaction when the package is held. */
const OBJECTS = 4000;

const running = (r: Json) => r.importInfo.status === 'importing' && r.importInfo.progress > 0;

for (const dialect of dialects()) {
  describe(`the API answers during a large import [${dialect}]`, () => {
    let s3: LocalS3;
    let proxy: HoldingProxy;
    let s: TestServer;
    let token = '';
    before(async () => {
      s3 = await startLocalS3();
      proxy = await holdingProxy(s3.endpoint);
      s = await startTestServer(dialect, s3StorageOverrides(s3, proxy.url));
      token = await s.login();
    });
    after(async () => {
      await s.close();
      await proxy.close();
      await s3.close();
    });

    it('answers polls, lists and logins while the import holds its transaction, with its progress between 0 and 100', async () => {
      const bytes = await buildPackage(newMetrics(OBJECTS, 'held'));
      const before = await s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID);
      const leaving = await s.login(); // stored before the import holds the writer
      // A session last active a minute ago: its next request renews its idle timer (a write).
      const idle = await s.login();
      const { db, writeBehind } = s.server.env.ctx.database;
      await db
        .updateTable('sessions')
        .set({ last_active_at: Date.now() - 60_000 })
        .where('token_hash', '=', hashToken(idle))
        .execute();
      const held = await heldImport(s, token, proxy, bytes, Math.floor(bytes.length * 0.6));
      // A failure while the package is held cuts it: the import ends, and the server can close.
      let fresh = '';
      try {
        const during = await waitForMigration(s, token, held.id, running);
        assert.ok(during.importInfo.progress > 0 && during.importInfo.progress < 100, `progress ${during.importInfo.progress}`);

        // A login (a session written, login throttle counted) and calls with the new session, all while the import is held.
        fresh = await s.login();
        const list = await json(await s.request('GET', `${MIGRATIONS}?packageInfo.purpose=migration_from_shared_file_store&limit=10`, { token: fresh }), 200);
        assert.ok(
          list.data.some((m: Json) => m.id === held.id),
          'the list shows the running import',
        );
        const polled = await json(
          await s.request('GET', `${MIGRATIONS}/${held.id}`, { token: fresh, headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }),
          200,
        );
        assert.equal(polled.importInfo.status, 'importing');
        assert.equal(await s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID), before, 'nothing is visible before the commit');
        // Twenty requests of the idle session while the writer is held queue one renewal of its timer (one more per
        // slack that passes meanwhile, on a slow machine), not twenty. On PostgreSQL nothing waits, nothing is queued.
        assert.equal(writeBehind.deferring, dialect === 'sqlite');
        const queued = writeBehind.pending;
        const started = Date.now();
        for (let i = 0; i < 20; i++) assert.equal((await s.request('GET', `${MIGRATIONS}?limit=1`, { token: idle })).status, 200);
        const renewals = writeBehind.pending - queued;
        if (dialect === 'sqlite')
          assert.ok(renewals >= 1 && renewals <= 1 + Math.floor((Date.now() - started) / TOUCH_SLACK_MS), `${renewals} renewals queued`);
        else assert.equal(renewals, 0);
        // A logout while the import is held takes effect at once, though its delete waits for the writer.
        assert.equal((await s.request('POST', '/api/auth/logout', { token: leaving })).status, 204);
        assert.equal((await s.request('GET', `${MIGRATIONS}?limit=1`, { token: leaving })).status, 401);
      } catch (error) {
        held.cut();
        throw error;
      }
      held.release();
      const done = await waitForMigration(s, fresh, held.id, (r) => r.importInfo.status !== 'importing');
      assert.equal(done.importInfo.status, 'imported', done.importInfo.message);
      assert.equal(await s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID), before + OBJECTS);
      // The session made during the import outlives it (it was written once the writer was free).
      assert.equal((await s.request('GET', `${MIGRATIONS}?limit=1`, { token: fresh })).status, 200);
      assert.equal((await s.request('GET', `${MIGRATIONS}?limit=1`, { token: leaving })).status, 401, 'the logged-out session stays gone');
      // The renewal was written once the writer was free.
      await writeBehind.settled();
      const renewed = await db.selectFrom('sessions').select('last_active_at').where('token_hash', '=', hashToken(idle)).executeTakeFirstOrThrow();
      assert.ok(Date.now() - Number(renewed.last_active_at) < 60_000, 'the idle timer was renewed in the database');
    });

    it('leaves the project untouched when the package held mid-import turns out damaged', async () => {
      const bytes = await buildPackage(newMetrics(OBJECTS, 'damaged'));
      const fingerprint = await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);
      const held = await heldImport(s, token, proxy, bytes, Math.floor(bytes.length * 0.6));
      await waitForMigration(s, token, held.id, running);
      held.corrupt();
      const failed = await waitForMigration(s, token, held.id, (r) => r.importInfo.status !== 'importing');
      assert.equal(failed.importInfo.status, 'import_failed');
      assert.equal(await s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID), fingerprint);
    });

    it('starts over cleanly when the storage fails mid-import, and imports each object once', async () => {
      const bytes = await buildPackage(newMetrics(OBJECTS, 'retried'));
      const before = await s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID);
      const held = await heldImport(s, token, proxy, bytes, Math.floor(bytes.length * 0.6));
      await waitForMigration(s, token, held.id, running);
      held.cut();
      // The next attempt reads the package again, whole (only one read is held).
      const done = await waitForMigration(s, token, held.id, (r) => r.importInfo.status !== 'importing' && r.importInfo.status !== 'pending');
      assert.equal(done.importInfo.status, 'imported', done.importInfo.message);
      assert.equal(await s.server.env.ctx.metadata.countObjects(TUTORIAL_PROJECT_ID), before + OBJECTS);
    });
  });
}
