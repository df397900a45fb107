import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { dialects } from './support/env.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/server.js';
import { hashPassword } from '../src/domain/passwords.js';

const LIMIT = 5;

interface LoginAnswer {
  status: number;
  body: { code?: string; message?: string };
  retryAfter?: string;
}

/** A login sent from a chosen loopback address (any of 127.0.0.0/8), as a client elsewhere would. */
function loginFrom(s: TestServer, localAddress: string, username: string, password: string): Promise<LoginAnswer> {
  const form = new URLSearchParams({ loginMode: '1', username, password }).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${s.url}/api/auth/login`,
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as LoginAnswer['body']) : {},
            retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(form);
  });
}

const statuses = (answers: LoginAnswer[]) => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

for (const dialect of dialects()) {
  describe(`login throttling [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'auth.login.maxFailures': String(LIMIT), 'auth.login.lockSeconds': '3600' });
    });
    after(() => s.close());

    const addUser = async (login: string, password: string) => s.server.env.ctx.users.create({ login, passwordHash: await hashPassword(password) });

    it('checks at most the limit of passwords when 60 attempts arrive at once', async () => {
      await addUser('concurrent', 'concurrent-right-password');
      const answers = await Promise.all(Array.from({ length: 60 }, () => loginFrom(s, '127.0.0.2', 'concurrent', 'wrong-password')));
      assert.deepEqual(statuses(answers), { 401: LIMIT, 429: 60 - LIMIT });
      const late = await loginFrom(s, '127.0.0.2', 'concurrent', 'concurrent-right-password');
      assert.equal(late.status, 429, 'the right password is not checked once the limit is reached');
      assert.equal(late.body.code, 'ERR003');
      assert.ok(Number(late.retryAfter) > 0);
    });

    it('does the same for a name that is no user', async () => {
      const answers = await Promise.all(Array.from({ length: 60 }, () => loginFrom(s, '127.0.0.2', 'no-such-user', 'wrong-password')));
      assert.deepEqual(statuses(answers), { 401: LIMIT, 429: 60 - LIMIT });
    });

    it('lets the administrator in from their usual address while an attacker elsewhere is locked out', async () => {
      await s.login(); // 127.0.0.1 becomes a known good address of Administrator
      for (let i = 0; i < LIMIT; i++) assert.equal((await loginFrom(s, '127.0.0.3', 'Administrator', 'wrong-password')).status, 401);
      assert.equal((await loginFrom(s, '127.0.0.3', 'Administrator', ADMIN_PASSWORD)).status, 429);
      assert.equal((await loginFrom(s, '127.0.0.1', 'Administrator', ADMIN_PASSWORD)).status, 204);
      assert.equal((await loginFrom(s, '127.0.0.4', 'Administrator', ADMIN_PASSWORD)).status, 204, 'another address is not locked either');
    });

    it('stops guessing spread over many addresses, except from an address the user signed in from', async () => {
      await addUser('spread', 'spread-right-password');
      assert.equal((await loginFrom(s, '127.0.1.1', 'spread', 'spread-right-password')).status, 204);
      // The ceiling across addresses is ten times the limit per address.
      const attackers = Array.from({ length: 10 }, (_, i) => `127.0.2.${i + 1}`);
      const answers = await Promise.all(attackers.flatMap((address) => Array.from({ length: LIMIT }, () => loginFrom(s, address, 'spread', 'wrong-password'))));
      assert.deepEqual(statuses(answers), { 401: 10 * LIMIT });
      assert.equal((await loginFrom(s, '127.0.2.99', 'spread', 'spread-right-password')).status, 429, 'a new address meets the ceiling');
      assert.equal((await loginFrom(s, '127.0.1.1', 'spread', 'spread-right-password')).status, 204, 'the known address is exempt');
    });

    it('answers a real user and an unknown name identically, before and after the lockout', async () => {
      await addUser('realperson', 'realperson-right-password');
      const tries = async (username: string) => {
        const answers: LoginAnswer[] = [];
        for (let i = 0; i <= LIMIT; i++) answers.push(await loginFrom(s, '127.0.0.5', username, 'wrong-password'));
        return answers.map((a) => ({
          status: a.status,
          code: a.body.code,
          message: a.body.message?.replace(/\d+/g, 'N'),
          retryAfter: a.retryAfter !== undefined,
        }));
      };
      const real = await tries('realperson');
      const unknown = await tries('unknownperson');
      assert.deepEqual(real, unknown);
      assert.deepEqual(
        real.map((a) => a.status),
        [...Array<number>(LIMIT).fill(401), 429],
      );
    });

    it('keeps counts in the database, under a hash of the login', async () => {
      const rows = await s.server.env.ctx.database.db.selectFrom('login_throttle').selectAll().execute();
      assert.ok(rows.length > 0);
      for (const row of rows) assert.match(row.login_key, /^[0-9a-f]{64}$/);
    });
  });
}
