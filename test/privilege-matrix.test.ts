import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { hashPassword } from '../src/domain/passwords.js';
import { ADMINISTRATOR_USER_ID, ALL_PRIVILEGES } from '../src/domain/privileges.js';
import { CALLERS, CASES, MATRIX, MATRIX_LOGIN, SERVED, type Caller, type MatrixRow, type Probe } from './privilege-matrix.js';
import { buildPackage, importToEnd } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { holderId } from '../src/domain/migrations/holders.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { must } from './support/must.js';

const ERROR_CODES: Record<number, string> = { 401: 'ERR009', 403: 'ERR014' };

/** HEAD answers like GET, without a body. */
function rowOf(method: string, url: string): MatrixRow | undefined {
  return MATRIX[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

for (const dialect of dialects()) {
  describe(`privilege matrix [${dialect}]`, () => {
    let s: TestServer;
    const userIds = new Map<Caller, string>();

    /** A fresh session per request: the logout row ends the session it is called with. */
    async function tokenFor(caller: Caller): Promise<string | undefined> {
      if (caller === 'anonymous') return undefined;
      const sessions = s.server.env.ctx.sessions;
      if (caller === 'expired') {
        const idleMs = s.files.config.sessionIdleTimeout * 1000;
        return sessions.create(ADMINISTRATOR_USER_ID, Date.now() - idleMs - 60_000);
      }
      return sessions.create(must(userIds.get(caller), 'a user for the caller'));
    }

    before(async () => {
      s = await startTestServer(dialect);
      const users = s.server.env.ctx.users;
      const passwordHash = await hashPassword('matrix-password-unused');
      userIds.set('admin', ADMINISTRATOR_USER_ID);
      userIds.set('none', (await users.create({ login: 'matrix-none', passwordHash })).id);
      for (const privilege of ALL_PRIVILEGES) {
        const user = await users.create({ login: `matrix-${privilege.toLowerCase()}`, passwordHash });
        await users.grant(user.id, [privilege]);
        userIds.set(privilege, user.id);
      }
      await users.create({ login: MATRIX_LOGIN.username, passwordHash: await hashPassword(MATRIX_LOGIN.password) });
    });
    after(() => s.close());

    it('has a row for every route the server registers, and none for routes it does not have', () => {
      const routes = s.server.app.declaredRoutes;
      const missing = routes.filter((r) => !rowOf(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
      assert.deepEqual(missing, [], `routes without a privilege-matrix row: ${missing.join(', ')}`);
      const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
      const stale = Object.keys(MATRIX).filter((key) => !registered.has(key));
      assert.deepEqual(stale, [], `privilege-matrix rows for routes that do not exist: ${stale.join(', ')}`);
    });

    /** Sends the probe as the caller; returns what is wrong with the answer, if anything, and its status. */
    async function probeAs(method: string, label: string, probe: Probe, expected: number, caller: Caller): Promise<{ wrong?: string; status: number }> {
      const res = await s.request(method, probe.path, {
        token: await tokenFor(caller),
        headers: probe.headers,
        ...(probe.json !== undefined ? { json: probe.json } : {}),
        ...(probe.form ? { body: new URLSearchParams(probe.form) } : {}),
      });
      const text = await res.text();
      const matches = expected === SERVED ? res.status !== 401 && res.status !== 403 : res.status === expected;
      if (!matches) return { wrong: `${label} as ${caller}: expected ${expected}, got ${res.status} ${text.slice(0, 160)}`, status: res.status };
      const code = ERROR_CODES[expected];
      if (code && method !== 'HEAD') {
        const body = JSON.parse(text) as { code: string; ticketId: string };
        if (body.code !== code || !/^[0-9a-f]{32}$/.test(body.ticketId)) return { wrong: `${label} as ${caller}: body ${text}`, status: res.status };
      }
      return { status: res.status };
    }

    it('gives every caller of every route the status the matrix names', async () => {
      const wrong: string[] = [];
      for (const route of s.server.app.declaredRoutes) {
        const row = rowOf(route.method, route.url);
        if (!row) continue;
        for (const caller of CALLERS) {
          const answer = await probeAs(route.method, `${route.method} ${route.url}`, row.probe, row.expect[caller], caller);
          if (answer.wrong) wrong.push(answer.wrong);
        }
      }
      assert.deepEqual(wrong, []);
    });

    it('gives every caller the status the matrix names where the body or the target decides', async () => {
      const admin = await s.login();
      let target: Record<string, string> | undefined;
      /** An administrator's import into the Tutorial that can still be undone, with the ids a probe may name. */
      async function undoableImport(): Promise<Record<string, string>> {
        const imported = await importToEnd(s, admin, await buildPackage(newMetrics(1, 'matrix')));
        assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
        const packageId = String(imported.packageInfo.id);
        const importId = String(imported.importInfo.id);
        return { packageId, importId, packageHolderId: holderId(TUTORIAL_PROJECT_ID, packageId), importHolderId: holderId(TUTORIAL_PROJECT_ID, importId) };
      }
      const wrong: string[] = [];
      for (const [name, row] of Object.entries(CASES)) {
        assert.ok(MATRIX[row.route], `case ${name} refines a route of the matrix`);
        const [method] = row.route.split(' ') as [string];
        for (const caller of CALLERS) {
          if (row.target) target ??= await undoableImport();
          const ids = target ?? {};
          const path = row.probe.path.replace(/\{(\w+)\}/g, (_, key: string) => ids[key] ?? key);
          const answer = await probeAs(method, `${row.route} (${name})`, { ...row.probe, path }, row.expect[caller], caller);
          if (answer.wrong) wrong.push(answer.wrong);
          // A caller who got through deleted the target: the next one needs a fresh one.
          if (row.target && answer.status < 300) target = undefined;
        }
      }
      assert.deepEqual(wrong, []);
    });
  });
}
