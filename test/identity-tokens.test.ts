import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { FILES, STORAGE } from './support/shared-files.js';
import { delegate, delegatedSession, identityTokenOf, validate } from './support/identity-tokens.js';
import { hashPassword } from '../src/domain/passwords.js';
import { ADMINISTRATOR_USER_ID, type Privilege } from '../src/domain/privileges.js';
import { SESSION_COOKIE } from '../src/api/access.js';
import { must } from './support/must.js';

const USER_PASSWORD = 'identity-token-user-password';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const unknownToken = () => randomBytes(32).toString('base64url');

/** A user holding exactly `privileges`, signed in: its login, id and session token. */
async function signedInUser(s: TestServer, privileges: Privilege[]): Promise<{ login: string; id: string; token: string }> {
  const login = `idtok_${randomBytes(4).toString('hex')}`;
  const user = await s.server.env.ctx.users.create({ login, passwordHash: await hashPassword(USER_PASSWORD) });
  await s.server.env.ctx.users.grant(user.id, privileges);
  return { login, id: user.id, token: await s.login(login, USER_PASSWORD) };
}

/** A standard login as mstrio sends it, whatever its answer. */
function loginAttempt(s: TestServer, username: string, password: string): Promise<Response> {
  return s.request('POST', '/api/auth/login', { body: new URLSearchParams({ loginMode: '1', username, password }) });
}

async function userInfo(s: TestServer, token: string): Promise<{ id: string; name: string; privileges: string[] }> {
  const res = await s.request('GET', '/api/sessions/userInfo', { token });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { id: string; name: string; privileges: string[] };
}

/** What a session may do, by the status of calls that need different privileges. */
async function reach(s: TestServer, token: string): Promise<Record<string, number>> {
  const statusOf = async (path: string) => (await s.request('GET', path, { token })).status;
  return { files: await statusOf(FILES), storage: await statusOf(STORAGE), migrations: await statusOf('/api/migrations'), audit: await statusOf('/api/audit') };
}

for (const dialect of dialects()) {
  describe(`identity tokens [${dialect}]`, () => {
    let s: TestServer;
    let admin: string;
    before(async () => {
      // A high limit: the failures these tests provoke must not lock anything out.
      s = await startTestServer(dialect, { 'auth.login.maxFailures': '100' });
      admin = await s.login();
    });
    after(() => s.close());

    it('makes a token from a session (201), validates it (204) and delegates it to a new session of the same user (204, token and cookie)', async () => {
      const identityToken = await identityTokenOf(s, admin);
      assert.match(identityToken, /^[A-Za-z0-9_-]{43}$/, '256 random bits in base64url');
      assert.equal((await validate(s, admin, identityToken)).status, 204);
      const res = await delegate(s, identityToken);
      assert.equal(res.status, 204, await res.clone().text());
      const session = must(res.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer');
      assert.ok(session && session !== admin && session !== identityToken, 'a session of its own');
      const cookie = res.headers.get('set-cookie') ?? '';
      assert.ok(cookie.startsWith(`${SESSION_COOKIE}=${session};`), cookie);
      assert.match(cookie, /; HttpOnly/);
      assert.equal((await userInfo(s, session)).id, ADMINISTRATOR_USER_ID);
      assert.equal((await s.request('GET', '/api/sessions', { token: session })).status, 200);
      assert.equal((await s.request('GET', '/api/sessions', { token: admin })).status, 200, 'the first session goes on');
    });

    it('stores tokens only as hashes', async () => {
      const identityToken = await identityTokenOf(s, admin);
      const rows = await s.server.env.ctx.database.db.selectFrom('identity_tokens').selectAll().execute();
      const row = rows.find((r) => r.token_hash === sha256(identityToken));
      assert.ok(row, 'the row is found by the hash');
      assert.equal(row.user_id, ADMINISTRATOR_USER_ID);
      assert.ok(!JSON.stringify(rows).includes(identityToken), 'no column holds the token');
      assert.equal(row.expires_at - row.created_at, 300_000, 'five minutes by default');
    });

    it('redeems a token once: a second delegation is 401 and says the token was used; validation does not use it up', async () => {
      const identityToken = await identityTokenOf(s, admin);
      assert.equal((await validate(s, admin, identityToken)).status, 204);
      assert.equal((await validate(s, admin, identityToken)).status, 204);
      await delegatedSession(s, identityToken);
      const again = await expectLibraryError(await delegate(s, identityToken), 401, 'ERR003');
      assert.match(again.message, /already been used/);
      assert.match((await expectLibraryError(await validate(s, admin, identityToken), 401, 'ERR003')).message, /already been used/);
    });

    it('gives one session for one token when ten connections redeem it at once', async () => {
      const identityToken = await identityTokenOf(s, admin);
      const answers = await Promise.all(Array.from({ length: 10 }, () => delegate(s, identityToken)));
      assert.deepEqual(answers.map((r) => r.status).sort(), [204, ...Array<number>(9).fill(401)]);
    });

    it('carries privileges over exactly, and never more than the user has when the token is redeemed', async () => {
      for (const privileges of [[], ['MANAGE_MIGRATION_PACKAGES'], ['CREATE_PACKAGE', 'ADMINISTER_ENVIRONMENT']] as Privilege[][]) {
        const user = await signedInUser(s, privileges);
        const delegated = await delegatedSession(s, await identityTokenOf(s, user.token));
        const [own, theirs] = [await userInfo(s, user.token), await userInfo(s, delegated)];
        assert.equal(theirs.id, user.id);
        assert.deepEqual(theirs.privileges, [...privileges].sort());
        assert.deepEqual(theirs, own);
        assert.deepEqual(await reach(s, delegated), await reach(s, user.token), `same answers for ${privileges.join(',') || 'no privileges'}`);
      }
      const user = await signedInUser(s, ['MANAGE_MIGRATION_PACKAGES', 'ADMINISTER_ENVIRONMENT']);
      const identityToken = await identityTokenOf(s, user.token);
      await s.server.env.ctx.users.revoke(user.id, ['ADMINISTER_ENVIRONMENT']);
      const delegated = await delegatedSession(s, identityToken);
      assert.deepEqual((await userInfo(s, delegated)).privileges, ['MANAGE_MIGRATION_PACKAGES']);
      await expectLibraryError(await s.request('GET', STORAGE, { token: delegated }), 403, 'ERR014');
    });

    it("ends a user's tokens with the user, and with a changed password", async () => {
      const gone = await signedInUser(s, []);
      const goneToken = await identityTokenOf(s, gone.token);
      await s.server.env.ctx.database.db.deleteFrom('users').where('id', '=', gone.id).execute();
      assert.match((await expectLibraryError(await delegate(s, goneToken), 401, 'ERR003')).message, /unknown/);
      const changed = await signedInUser(s, []);
      const changedToken = await identityTokenOf(s, changed.token);
      await s.server.env.ctx.users.setPassword(changed.id, await hashPassword('another-password-for-tests'));
      assert.match((await expectLibraryError(await delegate(s, changedToken), 401, 'ERR003')).message, /unknown/);
    });

    it('answers unknown and malformed tokens with 401 and a clear message, other bad input with 400, and never a 500', async () => {
      const unknown = await expectLibraryError(await delegate(s, unknownToken()), 401, 'ERR003');
      assert.match(unknown.message, /identity token is unknown/);
      for (const malformed of ['abc', 12345, `${'x'.repeat(42)}!`, 'y'.repeat(10_000), admin.slice(0, 20)]) {
        assert.match((await expectLibraryError(await delegate(s, malformed), 401, 'ERR003')).message, /malformed/, String(malformed).slice(0, 40));
      }
      assert.match((await expectLibraryError(await validate(s, admin, 'abc'), 401, 'ERR003')).message, /malformed/);
      assert.match((await expectLibraryError(await validate(s, admin, unknownToken()), 401, 'ERR003')).message, /unknown/);
      // A session token is no identity token.
      assert.match((await expectLibraryError(await delegate(s, admin), 401, 'ERR003')).message, /unknown/);
      await expectLibraryError(await s.request('POST', '/api/auth/delegate', { json: { loginMode: '-1' } }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', '/api/auth/delegate', { json: [unknownToken()] }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', '/api/auth/delegate', { json: { loginMode: '-1', identityToken: { token: 'x' } } }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', '/api/auth/delegate', { json: { loginMode: '-1', identityToken: 'a\u0000b' } }), 400, 'ERR006');
      await expectLibraryError(
        await s.request('POST', '/api/auth/delegate', { body: '{"loginMode":', headers: { 'Content-Type': 'application/json' } }),
        400,
        'ERR006',
      );
      const standard = await expectLibraryError(
        await s.request('POST', '/api/auth/delegate', { json: { loginMode: '1', identityToken: unknownToken() } }),
        401,
        'ERR003',
      );
      assert.match(standard.message, /loginMode -1/);
      await expectLibraryError(await s.request('GET', '/api/auth/identityToken', { token: admin }), 400, 'ERR006');
      await expectLibraryError(await s.request('POST', '/api/auth/identityToken'), 401, 'ERR009');
      await expectLibraryError(await s.request('POST', '/api/auth/identityToken', { headers: { Cookie: `${SESSION_COOKIE}=${admin}` } }), 401, 'ERR009');
    });

    it('audits making, validating and redeeming tokens, naming the token by a prefix of its hash only', async () => {
      const user = await signedInUser(s, []);
      const identityToken = await identityTokenOf(s, user.token);
      const target = `identityToken:${sha256(identityToken).slice(0, 16)}`;
      await validate(s, admin, identityToken);
      await delegatedSession(s, identityToken);
      await expectLibraryError(await delegate(s, identityToken), 401, 'ERR003');
      const stranger = unknownToken();
      await expectLibraryError(await delegate(s, stranger), 401, 'ERR003');
      const rows = await auditUntil(s, admin, (all) => all.some((r) => r.target === `identityToken:${sha256(stranger).slice(0, 16)}`));
      const about = rows.filter((r) => r.target === target).map((r) => ({ action: r.action, outcome: r.outcome, userName: r.userName }));
      assert.deepEqual(
        about.sort((a, b) => `${a.action}${a.outcome}`.localeCompare(`${b.action}${b.outcome}`)),
        [
          { action: 'identityToken.create', outcome: 201, userName: user.login },
          { action: 'identityToken.delegate', outcome: 204, userName: user.login },
          { action: 'identityToken.delegate', outcome: 401, userName: user.login },
          { action: 'identityToken.validate', outcome: 204, userName: 'administrator' },
        ],
      );
      const unknownRow = rows.find((r) => r.target === `identityToken:${sha256(stranger).slice(0, 16)}`);
      assert.equal(unknownRow?.outcome, 401);
      assert.equal(unknownRow?.userId, null, 'an unknown token names no user');
      assert.ok(!JSON.stringify(rows).includes(identityToken), 'the log holds no token');
    });
  });
}

interface AuditRow {
  action: string;
  outcome: number;
  userId: string | null;
  userName: string | null;
  target: string | null;
}

/** The audit hook writes after the answer is sent: reads the identity-token records until `done` holds. */
async function auditUntil(s: TestServer, admin: string, done: (rows: AuditRow[]) => boolean): Promise<AuditRow[]> {
  for (let i = 0; ; i++) {
    const rows: AuditRow[] = [];
    for (const action of ['identityToken.create', 'identityToken.validate', 'identityToken.delegate']) {
      const res = await s.request('GET', `/api/audit?action=${action}&limit=1000`, { token: admin });
      rows.push(...((await res.json()) as { data: AuditRow[] }).data);
    }
    if (done(rows) || i === 100) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const dialect of dialects()) {
  describe(`identity tokens and the login lockout [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'auth.login.maxFailures': '3', 'auth.login.lockSeconds': '3600' });
    });
    after(() => s.close());

    it("counts failed redemptions toward the user's login lockout; a locked-out user's token dies", async () => {
      const user = await signedInUser(s, []);
      const used = await identityTokenOf(s, user.token);
      await delegatedSession(s, used);
      for (let i = 0; i < 3; i++) await expectLibraryError(await delegate(s, used), 401, 'ERR003');
      const locked = await delegate(s, used);
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      await expectLibraryError(locked, 429, 'ERR003');
      await expectLibraryError(await loginAttempt(s, user.login, USER_PASSWORD), 429, 'ERR003');
      const fresh = await identityTokenOf(s, user.token);
      await expectLibraryError(await delegate(s, fresh), 429, 'ERR003');
      await s.server.env.ctx.loginThrottle.clear(user.login);
      assert.match((await expectLibraryError(await validate(s, user.token, fresh), 401, 'ERR003')).message, /unknown/, 'the token died with the lockout');
      assert.equal((await loginAttempt(s, user.login, USER_PASSWORD)).status, 204);
    });

    it('refuses to delegate for a user that failed logins locked out', async () => {
      const user = await signedInUser(s, []);
      const identityToken = await identityTokenOf(s, user.token);
      for (let i = 0; i < 3; i++) await expectLibraryError(await loginAttempt(s, user.login, 'not-the-password'), 401, 'ERR003');
      await expectLibraryError(await delegate(s, identityToken), 429, 'ERR003');
    });

    it('counts tokens that name no user per address, without locking out any user', async () => {
      for (const token of [unknownToken(), 'malformed', unknownToken()]) await expectLibraryError(await delegate(s, token), 401, 'ERR003');
      const locked = await expectLibraryError(await delegate(s, unknownToken()), 429, 'ERR003');
      assert.match(locked.message, /failed identity tokens from this address/);
      const admin = await s.login();
      await delegatedSession(s, await identityTokenOf(s, admin));
    });
  });

  describe(`identity token lifetime and reuse, configured [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect, { 'auth.identityToken.lifetimeSeconds': '1', 'auth.identityToken.singleUse': 'false' });
    });
    after(() => s.close());

    it('redeems a token again and again until it expires, then answers 401 saying it expired', async () => {
      const admin = await s.login();
      const identityToken = await identityTokenOf(s, admin);
      const first = await delegatedSession(s, identityToken);
      const second = await delegatedSession(s, identityToken);
      assert.notEqual(first, second, 'each redemption is a session of its own');
      // Waits for the state (the token's end), bounded well past its one-second lifetime.
      let answer = await validate(s, admin, identityToken);
      for (let i = 0; answer.status === 204 && i < 200; i++) {
        await new Promise((r) => setTimeout(r, 25));
        answer = await validate(s, admin, identityToken);
      }
      assert.match((await expectLibraryError(answer, 401, 'ERR003')).message, /expired/);
      assert.match((await expectLibraryError(await delegate(s, identityToken), 401, 'ERR003')).message, /expired/);
    });
  });
}
