import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { ADMINISTRATOR_USER_ID } from '../src/domain/privileges.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { must } from './support/must.js';

/**
 * What mstrio-py (26.07) sent for a Workstation script: `get_connection(connectionData, project_name=
 * 'MicroStrategy Tutorial')` with connectionData = {defaultEnvironment: {url: <server>/MicroStrategyLibrary,
 * headers: {X-MSTR-AuthToken}, cookies: [...]}}, which makes `Connection(base_url, identity_token=…)`, then
 * `conn.validate_identity_token()`, `list_migrations(conn)` and `Environment(conn).storage_service`. Recorded
 * through a proxy in front of this server; placeholders stand for what each run hands out.
 */
interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The status mstrio got (it reads nothing but `ok` from the validation, which finds the token used). */
  status: number;
}

const CONTEXT = '/MicroStrategyLibrary';
const PYTHON = { 'User-Agent': 'python-requests/2.28.1', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*' };
const SIGNED = { ...PYTHON, 'X-MSTR-AuthToken': '<token>', Cookie: '<session cookie>' };
const IN_PROJECT = { ...SIGNED, 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };

const RECORDED: RecordedCall[] = [
  // get_connection: a plain requests.post with Workstation's headers and cookies, no body.
  {
    method: 'POST',
    path: '/api/auth/identityToken',
    headers: { ...PYTHON, 'X-MSTR-AuthToken': '<workstation token>', Cookie: '<workstation cookies>', 'Content-Length': '0' },
    status: 201,
  },
  // Connection(base_url, identity_token=…): delegate, then what every Connection asks.
  {
    method: 'POST',
    path: '/api/auth/delegate',
    headers: { ...PYTHON, 'Content-Type': 'application/json' },
    body: '{"loginMode": "-1", "identityToken": "<identity token>"}',
    status: 204,
  },
  { method: 'GET', path: '/api/sessions', headers: SIGNED, status: 200 },
  { method: 'GET', path: '/api/status', headers: SIGNED, status: 200 },
  { method: 'GET', path: '/api/projects', headers: SIGNED, status: 200 },
  { method: 'GET', path: `/api/objects/${TUTORIAL_PROJECT_ID}?type=32&comments=True`, headers: IN_PROJECT, status: 200 },
  { method: 'GET', path: '/api/sessions/userInfo', headers: IN_PROJECT, status: 200 },
  { method: 'GET', path: '/api/auth/identityToken', headers: { ...IN_PROJECT, 'X-MSTR-IdentityToken': '<identity token>' }, status: 401 },
  {
    method: 'GET',
    path: '/api/migrations?offset=0&limit=1000&packageInfo.purpose=object_migration%2Cproject_merge%2Cmigration_from_shared_file_store',
    headers: IN_PROJECT,
    status: 200,
  },
  { method: 'GET', path: '/api/mstrServices/library/storage', headers: IN_PROJECT, status: 200 },
];

type Json = Record<string, unknown>;

/** What the answers hand out, carried into later calls. */
type Placeholders = Record<'<workstation token>' | '<workstation cookies>' | '<identity token>' | '<token>' | '<session cookie>', string>;

const fill = (text: string, values: Placeholders) => text.replace(/<[a-z ]+>/g, (name) => values[name as keyof Placeholders] ?? name);

/** Checks what mstrio reads from each answer and records what it hands out. */
function readAnswer(call: RecordedCall, res: Response, json: Json | Json[] | undefined, values: Placeholders): void {
  const route = call.path.split('?')[0];
  if (call.method === 'POST' && route === '/api/auth/identityToken') {
    values['<identity token>'] = res.headers.get('x-mstr-identitytoken') ?? assert.fail('no X-MSTR-IdentityToken');
  } else if (route === '/api/auth/delegate') {
    values['<token>'] = res.headers.get('x-mstr-authtoken') ?? assert.fail('no X-MSTR-AuthToken');
    values['<session cookie>'] = must((res.headers.get('set-cookie') ?? '').split(';')[0], 'a cookie before the first semicolon');
  } else if (route === '/api/sessions') {
    assert.ok(Number.isInteger((json as Json).timeout), 'an integer timeout');
  } else if (route === '/api/status') {
    assert.match(String((json as Json).iServerVersion), /^11\.5\.1000/);
  } else if (route === '/api/projects') {
    assert.ok(Array.isArray(json) && json.some((p) => p.name === 'MicroStrategy Tutorial' && p.id === TUTORIAL_PROJECT_ID), 'a bare array with the project');
  } else if (route === '/api/sessions/userInfo') {
    assert.equal((json as Json).id, ADMINISTRATOR_USER_ID, "the session is the Workstation user's");
  } else if (route === '/api/migrations') {
    assert.ok(Array.isArray((json as Json).data));
  } else if (route === '/api/mstrServices/library/storage') {
    assert.ok((json as Json).sharedFileStore);
  }
}

for (const dialect of dialects()) {
  describe(`mstrio get_connection replayed [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(() => s.close());

    async function replay(workstation: { token: string; cookies: string }): Promise<void> {
      const values = { '<workstation token>': workstation.token, '<workstation cookies>': workstation.cookies } as Placeholders;
      for (const call of RECORDED) {
        const headers = Object.fromEntries(Object.entries(call.headers).map(([name, value]) => [name, fill(value, values)]));
        const res = await fetch(s.url + CONTEXT + call.path, { method: call.method, headers, body: call.body && fill(call.body, values) });
        const text = await res.text();
        assert.equal(res.status, call.status, `${call.method} ${call.path}: ${text}`);
        readAnswer(call, res, text ? (JSON.parse(text) as Json) : undefined, values);
      }
    }

    it("serves the calls of get_connection and Connection(identity_token=…) and the client's normal calls after them", async () => {
      const token = await s.login();
      await replay({ token, cookies: `JSESSIONID=0123456789ABCDEF; PACKSTORE_SESSION=${token}` });
    });

    it('works with the token header alone, as Workstation may send no cookie', async () => {
      await replay({ token: await s.login(), cookies: '' });
    });

    it('refuses a Workstation session that has ended, and the cookie without the header (get_connection then returns None)', async () => {
      const token = await s.login();
      await expectLibraryError(await s.request('POST', '/api/auth/identityToken', { headers: { Cookie: `PACKSTORE_SESSION=${token}` } }), 401, 'ERR009');
      await s.request('POST', '/api/auth/logout', { token });
      await expectLibraryError(await s.request('POST', `${CONTEXT}/api/auth/identityToken`, { token }), 401, 'ERR009');
    });
  });
}
