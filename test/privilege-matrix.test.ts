import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { hashPassword } from '../src/domain/passwords.js';
import { ADMINISTRATOR_USER_ID, ALL_PRIVILEGES } from '../src/domain/privileges.js';
import { CALLERS, MATRIX, MATRIX_LOGIN, SERVED, type Caller, type MatrixRow } from './privilege-matrix.js';

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
      return sessions.create(userIds.get(caller)!);
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

    it('gives every caller of every route the status the matrix names', async () => {
      const wrong: string[] = [];
      for (const route of s.server.app.declaredRoutes) {
        const row = rowOf(route.method, route.url);
        if (!row) continue;
        for (const caller of CALLERS) {
          const token = await tokenFor(caller);
          const { probe } = row;
          const res = await s.request(route.method, probe.path, {
            token,
            headers: probe.headers,
            ...(probe.json !== undefined ? { json: probe.json } : {}),
            ...(probe.form ? { body: new URLSearchParams(probe.form) } : {}),
          });
          const text = await res.text();
          const expected = row.expect[caller];
          const matches = expected === SERVED ? res.status !== 401 && res.status !== 403 : res.status === expected;
          if (!matches) {
            wrong.push(`${route.method} ${route.url} as ${caller}: expected ${expected}, got ${res.status} ${text.slice(0, 160)}`);
            continue;
          }
          const code = ERROR_CODES[expected];
          if (code && route.method !== 'HEAD') {
            const body = JSON.parse(text) as { code: string; ticketId: string };
            if (body.code !== code || !/^[0-9a-f]{32}$/.test(body.ticketId)) wrong.push(`${route.method} ${route.url} as ${caller}: body ${text}`);
          }
        }
      }
      assert.deepEqual(wrong, []);
    });
  });
}
