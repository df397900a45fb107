import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD, expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { runCli } from './support/cli.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { startServer, type RunningServer } from '../src/server.js';
import { checkPasswordPolicy, hashPassword } from '../src/domain/passwords.js';
import { SESSION_COOKIE } from '../src/api/access.js';
import { hashToken } from '../src/domain/tokens.js';
import { must } from './support/must.js';
import { packageOfSize } from './support/packages.js';

const login = (s: TestServer, username: string, password: string) =>
  s.request('POST', '/api/auth/login', { body: new URLSearchParams({ loginMode: '1', username, password }) });

describe('password policy', () => {
  it('refuses short, common, trivial and login-containing passwords, and accepts a long passphrase', () => {
    assert.equal(checkPasswordPolicy('short').ok, false);
    assert.equal(checkPasswordPolicy('password1234').ok, false);
    assert.equal(checkPasswordPolicy('aaaaaaaaaaaaaaaa').ok, false);
    assert.equal(checkPasswordPolicy('abcdefghijklmnop').ok, false);
    assert.equal(checkPasswordPolicy('9876543210987').ok, true, 'a descending run that restarts is not one run');
    assert.equal(checkPasswordPolicy('mallory-was-here-2026', 'mallory').ok, false);
    assert.equal(checkPasswordPolicy('x'.repeat(1025)).ok, false);
    assert.equal(checkPasswordPolicy('correct horse battery staple').ok, true);
  });
});

for (const dialect of dialects()) {
  describe(`auth hardening [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'auth.login.maxFailures': '3', 'auth.login.lockSeconds': '3600' });
    });
    after(() => s.close());

    it('issues 256-bit random tokens and stores only their hash', async () => {
      const tokens: string[] = [];
      for (let i = 0; i < 24; i++) tokens.push(await s.login());
      assert.equal(new Set(tokens).size, tokens.length);
      let ones = 0;
      for (const token of tokens) {
        const bytes = Buffer.from(token, 'base64url');
        assert.equal(bytes.length, 32, 'a token is 32 random bytes');
        assert.equal(bytes.toString('base64url'), token);
        for (const byte of bytes) for (let bit = 0; bit < 8; bit++) ones += (byte >> bit) & 1;
      }
      const share = ones / (tokens.length * 256);
      assert.ok(share > 0.45 && share < 0.55, `bits are balanced (${share})`);
      const rows = await s.server.env.ctx.database.db.selectFrom('sessions').select('token_hash').execute();
      const stored = new Set(rows.map((r) => r.token_hash));
      for (const token of tokens) {
        assert.ok(stored.has(hashToken(token)));
        assert.ok(!stored.has(token));
      }
    });

    it('sets the session cookie HttpOnly and SameSite, without Secure on plain HTTP', async () => {
      const res = await login(s, 'Administrator', ADMIN_PASSWORD);
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, new RegExp(`^${SESSION_COOKIE}=`));
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/);
    });

    it('accepts the session cookie alone on GET and HEAD only: no state-changing route takes it (CSRF)', async () => {
      const token = await s.login();
      const cookie = { Cookie: `${SESSION_COOKIE}=${token}` };
      assert.equal((await s.request('GET', '/api/sessions', { headers: cookie })).status, 200);
      assert.equal((await s.request('HEAD', '/api/sessions', { headers: cookie })).status, 200);
      const unsafe = s.server.app.declaredRoutes.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !('public' in r.access));
      assert.ok(unsafe.length > 10);
      for (const route of unsafe) {
        const path = route.url.replace(/:[A-Za-z]+/g, '0123456789ABCDEF0123456789ABCDEF');
        await expectLibraryError(await s.request(route.method, path, { headers: cookie, json: {} }), 401, 'ERR009');
      }
      assert.equal((await s.request('GET', '/api/sessions', { token })).status, 200, 'the session is still alive');
    });

    it('never hashes an over-long password: it is refused like a wrong one', async () => {
      await expectLibraryError(await login(s, 'nobody-at-all', 'p'.repeat(50_000)), 401, 'ERR003');
    });

    it('locks a user out after repeated failures, and `packstore users unlock` lets them in again', async () => {
      await s.server.env.ctx.users.create({ login: 'lockme', passwordHash: await hashPassword('lockme-right-password') });
      for (let i = 0; i < 3; i++) await expectLibraryError(await login(s, 'lockme', 'wrong-password'), 401, 'ERR003');
      await expectLibraryError(await login(s, 'lockme', 'lockme-right-password'), 429, 'ERR003');
      const result = await runCli(['users', 'unlock', 'lockme'], s.files.config);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /unlocked lockme/);
      assert.equal((await login(s, 'lockme', 'lockme-right-password')).status, 204);
    });

    it('applies the password policy in `users add` and `users passwd`', async () => {
      const weak = await runCli(['users', 'add', 'weakling'], s.files.config, { PACKSTORE_USER_PASSWORD: 'short' });
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /at least 12 characters/);
      assert.equal(await s.server.env.ctx.users.findByLogin('weakling'), undefined);
      const named = await runCli(['users', 'add', 'weakling'], s.files.config, { PACKSTORE_USER_PASSWORD: 'weakling-forever-1' });
      assert.match(named.stderr, /login name/);
      const strong = await runCli(['users', 'add', 'weakling'], s.files.config, { PACKSTORE_USER_PASSWORD: 'tangerine owls at dawn' });
      assert.equal(strong.code, 0, strong.stderr);
      assert.equal((await login(s, 'weakling', 'tangerine owls at dawn')).status, 204);
      const passwd = await runCli(['users', 'passwd', 'weakling'], s.files.config, { PACKSTORE_USER_PASSWORD: 'password1234' });
      assert.equal(passwd.code, 1);
      assert.match(passwd.stderr, /too easy/);
    });
  });

  describe(`logs hold no secrets [${dialect}]`, () => {
    let files: TestEnvironmentFiles;
    let server: RunningServer;
    const lines: string[] = [];
    before(async () => {
      files = await createTestEnvironmentFiles(dialect);
      const capture = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      server = await startServer(
        files.config,
        { port: 0, host: '127.0.0.1' },
        { env: { PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD }, logger: { level: 'trace', stream: capture } },
      );
    });
    after(async () => {
      await server.close();
      await files.dispose();
    });

    it('logs no password and no token across login, requests, upload, a failed login and logout', async () => {
      const s = { url: server.url, server } as TestServer;
      const request: TestServer['request'] = (method, path, options = {}) => {
        const headers: Record<string, string> = { ...options.headers };
        if (options.token) headers['X-MSTR-AuthToken'] = options.token;
        const body = options.json !== undefined ? JSON.stringify(options.json) : options.body;
        if (options.json !== undefined) headers['Content-Type'] = 'application/json';
        return fetch(server.url + path, { method, headers, body, duplex: 'half' } as RequestInit);
      };
      s.request = request;
      const wrongPassword = 'wrong-password-that-must-not-be-logged';
      const ok = await login(s, 'Administrator', ADMIN_PASSWORD);
      const token = must(ok.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer');
      for (const path of ['/api/sessions', '/api/sessions/userInfo', '/api/projects', '/api/mstrServices/library/storage', '/api/migrations']) {
        assert.equal((await request('GET', path, { token })).status, 200);
      }
      assert.equal((await request('GET', '/api/sessions', { headers: { Cookie: `${SESSION_COOKIE}=${token}` } })).status, 200);
      const bytes = await packageOfSize(1024);
      const file = await createFile(s, token, bytes);
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      await expectLibraryError(await request('GET', '/api/sessions', { token: `${token}x` }), 401, 'ERR009');
      await expectLibraryError(await login(s, 'Administrator', wrongPassword), 401, 'ERR003');
      await expectLibraryError(await request('POST', '/api/auth/login', { json: { username: 'Administrator', password: wrongPassword } }), 401, 'ERR003');
      assert.equal((await request('POST', '/api/auth/logout', { token })).status, 204);
      await new Promise((r) => setTimeout(r, 100));

      const log = lines.join('');
      assert.ok(lines.length > 20, 'the server logged at trace level');
      assert.match(log, /incoming request/);
      for (const secret of [ADMIN_PASSWORD, wrongPassword, token, hashToken(token)]) {
        assert.ok(!log.includes(secret), `a log line contains a secret: ${lines.find((l) => l.includes(secret))?.slice(0, 300)}`);
      }
    });
  });
}
