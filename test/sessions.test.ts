import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { ADMIN_PASSWORD, expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { must } from './support/must.js';

for (const dialect of dialects()) {
  describe(`sessions [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'auth.login.maxFailures': '3', 'auth.login.lockSeconds': '30' });
    });
    after(() => s.close());

    it('logs in with a form body and answers 204 with a token header and a session cookie', async () => {
      const res = await s.request('POST', '/api/auth/login', {
        body: new URLSearchParams({ loginMode: '1', applicationType: '76', username: 'administrator', password: ADMIN_PASSWORD }),
      });
      assert.equal(res.status, 204);
      const token = res.headers.get('x-mstr-authtoken');
      assert.ok(token && token.length >= 43, 'token of at least 256 bits in base64url');
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/, 'no Secure flag on plain HTTP');
    });

    it('logs in with a JSON body', async () => {
      const res = await s.request('POST', '/api/auth/login', { json: { loginMode: 1, username: 'Administrator', password: ADMIN_PASSWORD } });
      assert.equal(res.status, 204);
    });

    it('rejects a wrong password with 401 ERR003', async () => {
      const res = await s.request('POST', '/api/auth/login', { json: { loginMode: 1, username: 'nobody', password: 'x' } });
      await expectLibraryError(res, 401, 'ERR003');
    });

    it('answers GET /api/sessions with an integer timeout', async () => {
      const token = await s.login();
      const res = await s.request('GET', '/api/sessions', { token });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { timeout: unknown };
      assert.equal(body.timeout, 1800);
    });

    it('renews with PUT /api/sessions and tells who is signed in', async () => {
      const token = await s.login();
      assert.equal((await s.request('PUT', '/api/sessions', { token })).status, 204);
      const info = (await (await s.request('GET', '/api/sessions/userInfo', { token })).json()) as Record<string, unknown>;
      assert.equal(info.id, '54F3D26011D2896560009A8E67019608');
      assert.equal(info.fullName, 'Administrator');
      assert.equal(info.initials, 'A');
    });

    it('reports Library versions mstrio can parse', async () => {
      const body = (await (await s.request('GET', '/api/status')).json()) as Record<string, string>;
      assert.match(must(body.iServerVersion, 'an iServer version'), /^11\.5\.1000\.\d{4}$/);
      assert.match(must(body.webVersion, 'a web version'), /^11\.5\.1000\.\d{4}$/);
    });

    it('serves the API under a context path too', async () => {
      const res = await s.request('GET', '/MicroStrategyLibrary/api/status');
      assert.equal(res.status, 200);
    });

    it('answers unknown routes with 404 ERR004 "HTTP 404 Not Found"', async () => {
      const body = await expectLibraryError(await s.request('GET', '/api/no/such/route'), 404, 'ERR004');
      assert.equal(body.message, 'HTTP 404 Not Found');
    });

    it('rejects a missing or unknown token with 401 ERR009', async () => {
      await expectLibraryError(await s.request('GET', '/api/sessions'), 401, 'ERR009');
      await expectLibraryError(await s.request('GET', '/api/sessions', { token: 'forged' }), 401, 'ERR009');
    });

    it('ends the session on logout', async () => {
      const token = await s.login();
      assert.equal((await s.request('POST', '/api/auth/logout', { token })).status, 204);
      await expectLibraryError(await s.request('GET', '/api/sessions', { token }), 401, 'ERR009');
      await expectLibraryError(await s.request('POST', '/api/auth/logout', { token }), 401, 'ERR009');
    });

    it('does not accept the cookie alone on state-changing requests', async () => {
      const token = await s.login();
      const cookie = { Cookie: `PACKSTORE_SESSION=${token}` };
      assert.equal((await s.request('GET', '/api/sessions', { headers: cookie })).status, 200);
      await expectLibraryError(await s.request('PUT', '/api/sessions', { headers: cookie }), 401, 'ERR009');
    });

    it('throttles repeated failed logins, even with the right password afterwards', async () => {
      const creds = (password: string) => ({ json: { loginMode: 1, username: 'administrator', password } });
      for (let i = 0; i < 3; i++) await expectLibraryError(await s.request('POST', '/api/auth/login', creds('wrong')), 401, 'ERR003');
      const locked = await s.request('POST', '/api/auth/login', creds(ADMIN_PASSWORD));
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      await expectLibraryError(locked, 429, 'ERR003');
      await s.server.env.ctx.loginThrottle.clear('Administrator');
    });
  });

  describe(`session expiry [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'session.idleTimeoutSeconds': '1' });
    });
    after(() => s.close());

    it('expires a session after the configured idle timeout', async () => {
      const token = await s.login();
      const res = await s.request('GET', '/api/sessions', { token });
      assert.equal(((await res.json()) as { timeout: number }).timeout, 1);
      await new Promise((r) => setTimeout(r, 1500));
      await expectLibraryError(await s.request('GET', '/api/sessions', { token }), 401, 'ERR009');
    });
  });
}
