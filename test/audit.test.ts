import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectDatabase } from '../src/store/db/connect.js';
import { schemaIsCurrent } from '../src/store/db/migrate.js';
import { createTestEnvironmentFiles, dialects } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { ADMIN_PASSWORD, expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { runCli } from './support/cli.js';
import { FILES, STORAGE, createFile, loginWith, multipartBody, upload } from './support/shared-files.js';
import { AUDITED_ROUTES } from '../src/api/audit-hook.js';
import { AuditLog } from '../src/store/audit-log.js';
import { ADMINISTRATOR_USER_ID } from '../src/domain/privileges.js';
import { must } from './support/must.js';

interface AuditRow {
  id: string;
  time: string;
  action: string;
  outcome: number;
  userId: string | null;
  userName: string | null;
  remoteAddress: string;
  target: string | null;
}

/** Reads routes that change nothing, or whose only effect is the session itself. */
// Searches and diffs are reads sent as POST (they store nothing but their own result).
const NOT_AUDITED = new Set([
  'OPTIONS /api/mstrServices/library/storage/sharedFileStore/files/:fileId/uploads',
  'PUT /api/sessions',
  'POST /api/migrations/diff',
  'POST /api/metadataSearches/results',
  'POST /api/v2/metadataSearches/results',
  'POST /api/searches/objects',
]);

for (const dialect of dialects()) {
  describe(`audit log [${dialect}]`, () => {
    let s: TestServer;
    let admin: string;
    before(async () => {
      s = await startTestServer(dialect);
      admin = await s.login();
    });
    after(() => s.close());

    /** The audit hook writes after the answer is sent: wait until the record is there. */
    async function records(query: string, until: (rows: AuditRow[]) => boolean = (rows) => rows.length > 0): Promise<AuditRow[]> {
      for (let i = 0; ; i++) {
        const res = await s.request('GET', `/api/audit?${query}`, { token: admin });
        assert.equal(res.status, 200);
        const rows = ((await res.json()) as { data: AuditRow[] }).data;
        if (until(rows) || i === 100) return rows;
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    it('decides for every state-changing route whether it is audited', () => {
      const undecided = s.server.app.declaredRoutes
        .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`)
        .filter((key) => !(key in AUDITED_ROUTES) && !NOT_AUDITED.has(key));
      assert.deepEqual(undecided, []);
    });

    it('records successful and failed logins with user, time and remote address', async () => {
      const before = Date.now();
      await expectLibraryError(
        await s.request('POST', '/api/auth/login', { json: { username: 'Administrator', password: 'not-the-password' } }),
        401,
        'ERR003',
      );
      await expectLibraryError(await s.request('POST', '/api/auth/login', { json: { username: 'ghost-user', password: 'x' } }), 401, 'ERR003');
      await s.login('Administrator', ADMIN_PASSWORD);
      const rows = await records('action=login&limit=10', (r) => r.filter((x) => Date.parse(x.time.replace('+0000', 'Z')) >= before - 5).length >= 3);
      const recent = rows.filter((r) => Date.parse(r.time.replace('+0000', 'Z')) >= before - 5);
      const failedAdmin = recent.find((r) => r.outcome === 401 && r.userId === ADMINISTRATOR_USER_ID);
      assert.ok(failedAdmin, JSON.stringify(recent));
      assert.equal(failedAdmin.userName, 'administrator');
      assert.equal(failedAdmin.remoteAddress, '127.0.0.1');
      assert.match(failedAdmin.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
      assert.ok(recent.find((r) => r.outcome === 401 && r.userId === null && r.userName === 'ghost-user'));
      assert.ok(recent.find((r) => r.outcome === 204 && r.userId === ADMINISTRATOR_USER_ID));
    });

    it('records metadata creation, upload, download and delete of a shared file, with the file id as target', async () => {
      const bytes = await packageOfSize(400);
      const file = await createFile(s, admin, bytes);
      assert.equal((await upload(s, admin, file.id, multipartBody(bytes))).status, 200);
      assert.equal((await s.request('GET', `${FILES}/${file.id}/binary`, { token: admin })).status, 200);
      assert.equal((await s.request('DELETE', `${FILES}/${file.id}`, { token: admin })).status, 204);
      const rows = await records(`user=${ADMINISTRATOR_USER_ID}&limit=50`, (r) => r.some((x) => x.action === 'file.delete' && x.target === file.id));
      for (const action of ['file.upload', 'file.download', 'file.delete']) {
        const row = rows.find((r) => r.action === action && r.target === file.id);
        assert.ok(row, `${action} recorded`);
        assert.equal(row.userName, 'administrator');
      }
      assert.ok(rows.find((r) => r.action === 'file.create' && r.outcome === 200));
    });

    it('records refusals too: a download without the privilege', async () => {
      const token = await loginWith(s, []);
      const fileId = Buffer.from(`migrations.packages:${'A'.repeat(32)}`).toString('base64');
      await expectLibraryError(await s.request('GET', `${FILES}/${fileId}/binary`, { token }), 403, 'ERR014');
      const rows = await records('action=file.download&limit=20', (r) => r.some((x) => x.outcome === 403));
      assert.ok(rows.find((r) => r.outcome === 403 && r.target === fileId && r.userName?.startsWith('user_')));
    });

    it('records storage configuration changes', async () => {
      await expectLibraryError(await s.request('PATCH', STORAGE, { token: admin, json: { sharedFileStore: { type: 'no-such-type' } } }), 400, 'ERR006');
      const rows = await records('action=storage.configure');
      assert.equal(must(rows[0], 'at least one entry in rows').outcome, 400);
    });

    it('records privilege changes made with the CLI, and the CLI reads the log', async () => {
      await s.server.env.ctx.users.create({ login: 'audited', passwordHash: 'x' });
      const grant = await runCli(['users', 'grant', 'audited', 'create-package'], s.files.config);
      assert.equal(grant.code, 0, grant.stderr);
      const rows = await records('action=privilege.grant');
      assert.equal(must(rows[0], 'at least one entry in rows').target, 'audited:CREATE_PACKAGE');
      assert.equal(must(rows[0], 'at least one entry in rows').remoteAddress, 'cli');
      const cli = await runCli(['audit', '--action', 'privilege.grant', '--json'], s.files.config);
      assert.equal(cli.code, 0, cli.stderr);
      const printed = JSON.parse(cli.stdout) as { total: number; data: AuditRow[] };
      assert.equal(must(printed.data[0], 'at least one entry in printed.data').target, 'audited:CREATE_PACKAGE');
      const text = await runCli(['audit', '--user', ADMINISTRATOR_USER_ID, '--limit', '3'], s.files.config);
      assert.equal(text.stdout.trim().split('\n').length, 3);
    });

    it('reads without migrating: a read-only command refuses a database that was never set up, and leaves it so', async () => {
      const fresh = await createTestEnvironmentFiles(dialect);
      try {
        for (const args of [['audit'], ['users', 'list']]) {
          const result = await runCli(args, fresh.config);
          assert.notEqual(result.code, 0);
          assert.match(result.stderr, /older schema \(or none\): start the server once/);
        }
        const { db } = connectDatabase(fresh.config.databaseUrl);
        try {
          assert.equal(await schemaIsCurrent(db), false, 'still not migrated');
        } finally {
          await db.destroy();
        }
      } finally {
        await fresh.dispose();
      }
    });

    it('filters by user, action and time, and pages with offset and limit', async () => {
      const all = await records('limit=1000');
      const newest = must(all[0], 'at least one entry in all');
      const at = Date.parse(newest.time.replace('+0000', 'Z'));
      const inWindow = await records(`from=${at}&to=${encodeURIComponent(newest.time)}&limit=1000`);
      assert.ok(inWindow.some((r) => r.id === newest.id));
      assert.ok(inWindow.every((r) => Date.parse(r.time.replace('+0000', 'Z')) === at));
      const page = await records('limit=2&offset=1');
      assert.deepEqual(
        page.map((r) => r.id),
        all.slice(1, 3).map((r) => r.id),
      );
      const logins = await records('action=login&user=administrator&limit=1000');
      assert.ok(logins.length > 0 && logins.every((r) => r.action === 'login' && r.userName === 'administrator'));
      await expectLibraryError(await s.request('GET', '/api/audit?from=yesterday', { token: admin }), 400, 'ERR006');
      await expectLibraryError(await s.request('GET', '/api/audit?limit=0', { token: admin }), 400, 'ERR006');
    });

    it('is append-only: no API verb changes or removes records, and the store has no such method', async () => {
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
        await expectLibraryError(await s.request(method, '/api/audit', { token: admin, json: {} }), 404, 'ERR004');
      }
      const methods = Object.getOwnPropertyNames(AuditLog.prototype)
        .filter((m) => m !== 'constructor')
        .sort();
      assert.deepEqual(methods, ['append', 'query']);
    });
  });
}
