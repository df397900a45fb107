import { after, before } from 'node:test';
import type { DialectName } from '../../src/store/db/connect.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestEnvironmentFiles, type TestEnvironmentFiles } from './env.js';
import { must } from './must.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestServer {
  url: string;
  dialect: DialectName;
  files: TestEnvironmentFiles;
  server: RunningServer;
  /** Logs in and returns the token. */
  login(username?: string, password?: string): Promise<string>;
  /** fetch against the server; `token` adds X-MSTR-AuthToken, `json` sends a JSON body. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Stops the server but keeps its data, for restart tests. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** A real server on a random loopback port, on its own data dir and database. */
export async function startTestServer(dialect: DialectName, overrides: Record<string, string> = {}, reuse?: TestEnvironmentFiles): Promise<TestServer> {
  const files = reuse ?? (await createTestEnvironmentFiles(dialect, overrides));
  const server = await startServer(files.config, { port: 0, host: '127.0.0.1' }, { env: { PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  let stopped = false;
  const request = (method: string, path: string, options: RequestOptions = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['X-MSTR-AuthToken'] = options.token;
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    return fetch(server.url + path, { method, headers, body, duplex: 'half' } as RequestInit);
  };
  return {
    url: server.url,
    dialect,
    files,
    server,
    request,
    async login(username = 'Administrator', password = ADMIN_PASSWORD) {
      const res = await request('POST', '/api/auth/login', {
        body: new URLSearchParams({ loginMode: '1', username, password }),
      });
      if (res.status !== 204) throw new Error(`login failed: ${res.status} ${await res.text()}`);
      return must(res.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer');
    },
    async stop() {
      if (!stopped) await server.close();
      stopped = true;
    },
    async close() {
      if (!stopped) await server.close();
      stopped = true;
      if (!reuse) await files.dispose();
    },
  };
}

/** Asserts the Library error shape and returns the body. */
export async function expectLibraryError(res: Response, status: number, code: string): Promise<{ code: string; message: string; ticketId: string }> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status} ${code}, got ${res.status}: ${text}`);
  const body = JSON.parse(text) as { code: string; message: string; ticketId: string };
  if (body.code !== code) throw new Error(`expected code ${code}, got ${body.code}: ${body.message}`);
  if (typeof body.message !== 'string' || body.message.length === 0) throw new Error('error without message');
  if (!/^[0-9a-f]{32}$/.test(body.ticketId)) throw new Error(`bad ticketId ${body.ticketId}`);
  return body;
}

export interface SuiteServer {
  readonly s: TestServer;
  /** An administrator's token. */
  readonly token: string;
}

/** One server for the tests of a describe block, started before them and closed after them. */
export function serverPerSuite(dialect: DialectName, overrides: Record<string, string> = {}): SuiteServer {
  let server: TestServer | undefined;
  let token = '';
  before(async () => {
    server = await startTestServer(dialect, overrides);
    token = await server.login();
  });
  after(() => server?.close());
  return {
    get s() {
      if (!server) throw new Error('the suite server starts in before()');
      return server;
    },
    get token() {
      return token;
    },
  };
}
