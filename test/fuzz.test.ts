import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type RequestOptions, type TestServer } from './support/server.js';
import { BOUNDARY, FILES, MULTIPART_TYPE, createFile, metadataFor, multipartBody, upload } from './support/shared-files.js';
import { ADMINISTRATOR_USER_ID } from '../src/domain/privileges.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { MAX_JSON_DEPTH } from '../src/api/json-body.js';
import type { SharedFileStoreSettings } from '../src/store/storage-settings.js';
import { must } from './support/must.js';
import { packageOfSize } from './support/packages.js';

/** A real package: an upload of other bytes is refused as soon as its header is read. */
const PACKAGE_BYTES = await packageOfSize(300);

type Json = unknown;

/** The invariant of every answer: never a 5xx, and every error in the Library shape. */
async function assertWellFormed(res: Response, what: string): Promise<void> {
  const text = await res.text();
  assert.ok(res.status < 500, `${what}: ${res.status} ${text}`);
  if (res.status < 400 || what.startsWith('HEAD ')) return;
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.match(String(body.code), /^ERR\d{3}$/, `${what}: ${text}`);
  assert.ok(typeof body.message === 'string' && body.message.length > 0, `${what}: ${text}`);
  assert.match(String(body.ticketId), /^[0-9a-f]{32}$/, `${what}: ${text}`);
}

/** Bodies close to what clients send, so that fuzzing gets past the first check of each route. */
function templates(fileBytes: Buffer): Record<string, Json> {
  return {
    [`POST ${FILES}`]: metadataFor(fileBytes),
    'POST /api/migrations': {
      packageInfo: {
        name: 'fuzz',
        type: 'project',
        tocView: { settings: { defaultAction: 'replace' }, content: [{ id: TUTORIAL_PROJECT_ID, type: 32 }] },
        treeView: {},
      },
      importInfo: {},
    },
    'PATCH /api/migrations/:id': {
      importInfo: { undoRequestStatus: 'requested', importRequestStatus: 'approved' },
      validation: { status: 'validating' },
      packageInfo: { name: 'x' },
    },
    'POST /api/folders': { name: 'fuzz folder', description: '', parent: 'D3C7D461F69C4610AA6BAA5EF51F4125' },
    'PUT /api/objects/:id': { name: 'renamed', description: 'd', folderId: 'D3C7D461F69C4610AA6BAA5EF51F4125' },
    'POST /api/objects/:id/copy': { name: 'copy', folderId: 'D3C7D461F69C4610AA6BAA5EF51F4125' },
    'POST /api/mstrServices/library/storage/validation': { sharedFileStore: { type: 'file_system', alias: 'x', location: '/nonexistent/fuzz' } },
    'POST /api/auth/login': { loginMode: 1, username: 'fuzz-user', password: 'x' },
  };
}

/** Every path inside a JSON value, so one of them can be replaced. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) for (const [i, v] of value.entries()) paths.push(...pathsOf(v, [...prefix, i]));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths.push(...pathsOf(v, [...prefix, k]));
  return paths;
}

function replaceAt(value: Json, path: (string | number)[], replacement: Json): Json {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) }) as Record<string | number, Json>;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
}

const printable = fc.stringMatching(/^[ -~]{0,40}$/);
const guidLike = fc.oneof(
  fc.constant(TUTORIAL_PROJECT_ID),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex').toUpperCase()),
  printable,
);
/** NUL and other control characters: PostgreSQL refuses NUL in text, so each must be a 400 long before a query. */
const controlText = fc.constantFrom('\0', 'a\u0000b', '\x1b[0m', '\x7f', 'tab\there');
const paramValue = fc.oneof(
  controlText,
  guidLike,
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  guidLike.chain((a) => guidLike.map((b) => `${a}:${b}`)),
);
const QUERY_KEYS = [
  'type',
  'offset',
  'limit',
  'name',
  'root',
  'hidden',
  'showContent',
  'packageId',
  'packageInfo.purpose',
  'generateUndo',
  'autoSync',
  'user',
  'action',
  'from',
  'to',
  'fields',
];
const queryValue = fc.oneof(controlText, printable, guidLike, fc.integer().map(String), fc.constantFrom('True', 'false', '-1', '1e400', ''));
const queryKey = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: printable });
/** Some queries repeat every key: a repeated parameter arrives as an array, which handlers must not trip over. */
const queryString = fc
  .tuple(fc.array(fc.tuple(queryKey, queryValue), { maxLength: 6 }), fc.boolean(), queryValue)
  .map(([pairs, repeat, again]) => (repeat ? [...pairs, ...pairs.map(([k]) => [k, again] as const)] : pairs))
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'))
  .map((query) => (query ? `?${query}` : ''));
const headerSets = fc.record(
  {
    'X-MSTR-ProjectID': guidLike,
    Range: fc.oneof(
      printable,
      fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `bytes=${a}-${b}`),
      fc.constant('bytes=-5,0-,5-1'),
    ),
    'If-Range': printable,
    Prefer: fc.constantFrom('respond-async', 'return=minimal', ''),
    'Content-Type': fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data',
        `multipart/form-data; boundary=${BOUNDARY}`,
        'text/plain',
        'application/octet-stream',
        'application/json; charset=latin1',
      ),
      printable,
    ),
    Accept: fc.constantFrom('*/*', 'application/json', 'text/html', ''),
  },
  { requiredKeys: [] },
);

for (const dialect of dialects()) {
  describe(`fuzzing every endpoint [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    let fileId: string;
    let storageBefore: SharedFileStoreSettings;
    const fileBytes = PACKAGE_BYTES;

    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
      fileId = (await createFile(s, token, fileBytes)).id;
      storageBefore = await s.server.env.ctx.storage.settings();
    });
    after(async () => {
      await s.close();
    });

    it('answers random bodies, queries, headers and path parameters without a 5xx, always in the Library error shape', async () => {
      // The API; the console's static files are checked below.
      const routes = s.server.app.declaredRoutes.filter((r) => r.url.startsWith('/api/'));
      const bodies = templates(fileBytes);
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        const template = bodies[key];
        const body = fc.oneof(
          fc.constant(undefined),
          fc.jsonValue({ maxDepth: 4 }),
          fc.string({ maxLength: 200 }),
          template === undefined
            ? fc.constant({})
            : fc.nat().chain((n) => {
                const paths = pathsOf(template);
                return fc.jsonValue({ maxDepth: 3 }).map((v) => replaceAt(template, must(paths[n % paths.length], 'at least one path in the template'), v));
              }),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.array(paramValue, { minLength: 3, maxLength: 3 }),
            queryString,
            headerSets,
            body,
            fc.oneof({ weight: 8, arbitrary: fc.constant('admin') }, fc.constantFrom('none', 'garbage')),
            async (params, query, headers, payload, who) => {
              let i = 0;
              const path = route.url.replace(/:[A-Za-z]+/g, () => encodeURIComponent(must(params[i++], 'a value for each path parameter'))) + query;
              // Never lock out or log out the session the fuzzer works with.
              const callerToken =
                key === 'POST /api/auth/logout'
                  ? await s.server.env.ctx.sessions.create(ADMINISTRATOR_USER_ID)
                  : who === 'admin'
                    ? token
                    : who === 'garbage'
                      ? randomBytes(8).toString('hex')
                      : undefined;
              const isLogin = key === 'POST /api/auth/login';
              const sent =
                isLogin && typeof payload === 'object' && payload !== null && !Array.isArray(payload)
                  ? { ...payload, username: `fuzz-${String((payload as Record<string, unknown>).username)}` }
                  : payload;
              const hasBody = sent !== undefined && route.method !== 'GET' && route.method !== 'HEAD';
              const res = await s.request(route.method, path, {
                token: callerToken,
                headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
                ...(hasBody ? { body: typeof sent === 'string' ? sent : JSON.stringify(sent) } : {}),
              });
              await assertWellFormed(res, `${route.method} ${path} ${JSON.stringify(headers)} ${JSON.stringify(sent)?.slice(0, 200)}`);
            },
          ),
          { numRuns: 40, seed: 42 ^ key.length, endOnFailure: true, includeErrorInReport: true },
        );
      }
      await s.server.env.ctx.storage.save(storageBefore);
      assert.equal((await s.request('GET', '/api/status')).status, 200);
    });

    it('never serves a file outside the console for any path, and never fails with a 500', async () => {
      const traversal = fc.oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom(
          '../../../../etc/passwd',
          '..%2f..%2f..%2fetc%2fpasswd',
          '%2e%2e/%2e%2e/package.json',
          'assets/../../../package.json',
          '/etc/passwd',
          '%00',
          '..\\..\\package.json',
        ),
      );
      await fc.assert(
        fc.asyncProperty(traversal, async (tail) => {
          const res = await s.request('GET', `/console/${tail}`);
          const text = await res.text();
          assert.notEqual(res.status, 500, text);
          assert.doesNotMatch(text, /root:x:0:0|"name": "packstore"/);
        }),
        { numRuns: 60, seed: 7 },
      );
    });

    it('refuses JSON nested too deep, by depth, with a 400', async () => {
      const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
      await expectLibraryError(await s.request('POST', '/api/folders', { token, headers: { 'Content-Type': 'application/json' }, body: deep }), 400, 'ERR006');
      const bomb = ['{"a":'.repeat(150_000), '1', '}'.repeat(150_000)].join('');
      await expectLibraryError(
        await s.request('POST', '/api/migrations', { token, headers: { 'Content-Type': 'application/json' }, body: bomb }),
        400,
        'ERR006',
      );
      const inStrings = JSON.stringify({ name: '['.repeat(5000), description: '{'.repeat(5000), parent: 'D3C7D461F69C4610AA6BAA5EF51F4125' });
      const res = await s.request('POST', '/api/folders', {
        token,
        headers: { 'Content-Type': 'application/json', 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
        body: inStrings,
      });
      await assertWellFormed(res, 'brackets inside strings');
      assert.notEqual(res.status, 413);
    });

    it('refuses JSON bodies over the size limit with a 413, and wide bodies within it without a 5xx', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) });
      await expectLibraryError(await s.request('POST', '/api/folders', { token, headers: { 'Content-Type': 'application/json' }, body: big }), 413, 'ERR006');
      const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i])));
      await assertWellFormed(await s.request('POST', '/api/migrations', { token, json: JSON.parse(wide) }), 'wide object');
      await assertWellFormed(await s.request('POST', FILES, { token, json: Array.from({ length: 100_000 }, () => 0) }), 'long array');
    });

    it("takes migration records over 1 MiB where mstrio sends a large package's whole table of contents", async () => {
      const content = Array.from({ length: 12_000 }, (_, i) => ({
        id: `${i}`.padStart(32, '0'),
        type: 4,
        name: `metric ${i}`,
        action: 'use_existing',
        level: 'explicit',
      }));
      const record = { id: 'X', packageInfo: { id: 'X', name: 'large', type: 'project', status: 'created', tocView: { content } }, importInfo: {} };
      assert.ok(JSON.stringify(record).length > 1024 * 1024);
      for (const [method, path] of [
        ['PUT', `/api/migrations/${'A'.repeat(32)}:${'B'.repeat(32)}/validation`],
        ['PUT', `/api/migrations/${'A'.repeat(32)}:${'B'.repeat(32)}`],
        ['POST', '/api/migrations'],
      ] as const) {
        const res = await s.request(method, path, { token, json: record });
        assert.notEqual(res.status, 413, `${method} ${path}`);
        await assertWellFormed(res, `${method} ${path} with a large record`);
      }
    });

    it('refuses prototype pollution and bodies that are not UTF-8 JSON', async () => {
      await expectLibraryError(
        await s.request('POST', '/api/folders', { token, headers: { 'Content-Type': 'application/json' }, body: '{"__proto__":{"admin":true}}' }),
        400,
        'ERR006',
      );
      await expectLibraryError(
        await s.request('POST', '/api/folders', { token, headers: { 'Content-Type': 'application/json' }, body: '{"constructor":{"prototype":{"x":1}}}' }),
        400,
        'ERR006',
      );
      await assertWellFormed(
        await s.request('POST', '/api/folders', { token, headers: { 'Content-Type': 'application/json' }, body: Buffer.from([0xff, 0xfe, 0x7b, 0x00]) }),
        'not UTF-8',
      );
      assert.equal(({} as Record<string, unknown>).admin, undefined);
    });

    it('answers oversized headers with 431 in the Library shape, and keeps serving', async () => {
      const res = await s.request('GET', '/api/status', { headers: { 'X-Filler': 'x'.repeat(40 * 1024) } });
      await expectLibraryError(res, 431, 'ERR006');
      assert.equal((await s.request('GET', '/api/status')).status, 200);
    });

    it('answers bytes that are not HTTP with 400 in the Library shape', async () => {
      const reply = await rawExchange(s.url, 'GARBAGE \x00\x01 NOT-HTTP\r\n\r\n');
      assert.match(reply, /^HTTP\/1\.1 400 /);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as Record<string, string>;
      assert.equal(body.code, 'ERR006');
      assert.match(must(body.ticketId, 'a ticket id'), /^[0-9a-f]{32}$/);
    });

    describe('control characters', () => {
      const PUBLIC_OBJECTS = 'D3C7D461F69C4610AA6BAA5EF51F4125';
      const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
      const packageBody = (name: string) => ({
        packageInfo: {
          name,
          type: 'project',
          tocView: { settings: { defaultAction: 'replace' }, content: [{ id: TUTORIAL_PROJECT_ID, type: 32 }] },
          treeView: {},
        },
        importInfo: {},
      });
      // [what, method, path, request options (token added), the field the error must name]
      const cases: Array<[string, string, string, RequestOptions, string]> = [
        [
          'NUL in a login name (form)',
          'POST',
          '/api/auth/login',
          { body: new URLSearchParams({ loginMode: '1', username: 'Admin\0istrator', password: 'x' }) },
          'username',
        ],
        ['NUL in a login name (JSON)', 'POST', '/api/auth/login', { json: { loginMode: 1, username: '\0', password: 'x' } }, 'username'],
        ['NUL in a file name', 'POST', FILES, { json: metadataFor(fileBytes, { name: 'a\0b' }) }, 'name'],
        ['NUL in environment.id', 'POST', FILES, { json: metadataFor(fileBytes, { environment: { id: 'http://x\0', name: 'e' } }) }, 'environment.id'],
        ['NUL in a package name', 'POST', '/api/migrations', { json: packageBody('p\0') }, 'packageInfo.name'],
        ['NUL in a search name', 'GET', '/api/searches/results?name=a%00b', { headers: tutorial }, 'query parameter name'],
        ['NUL in an audit user', 'GET', '/api/audit?user=%00', {}, 'query parameter user'],
        ['NUL in a repeated query parameter', 'GET', '/api/audit?user=a&user=%00', {}, 'query parameter user[1]'],
        ['ESC in a path parameter', 'GET', '/api/migrations/%1B', {}, 'path parameter id'],
        ['NUL in a field name', 'POST', '/api/folders', { json: { 'na\0me': 'x', parent: PUBLIC_OBJECTS }, headers: tutorial }, 'na'],
        ['NUL in a description', 'POST', '/api/folders', { json: { name: 'f', description: 'a\0', parent: PUBLIC_OBJECTS }, headers: tutorial }, 'description'],
        ['DEL in a folder name', 'POST', '/api/folders', { json: { name: 'f\x7f', parent: PUBLIC_OBJECTS }, headers: tutorial }, 'name'],
        ['a line feed in a folder name', 'POST', '/api/folders', { json: { name: 'f\ng', parent: PUBLIC_OBJECTS }, headers: tutorial }, 'name'],
        ['an escape in a nested array', 'POST', '/api/migrations', { json: { ...packageBody('p'), extra: [{ a: '\x1b[2J' }] } }, 'extra[0].a'],
      ];
      for (const [what, method, path, options, field] of cases) {
        it(`refuses ${what} with 400 ERR006 naming ${field}`, async () => {
          const sent = { ...options, token: path === '/api/auth/login' ? undefined : token };
          const error = await expectLibraryError(await s.request(method, path, sent), 400, 'ERR006');
          assert.ok(error.message.includes(field) && error.message.includes('control characters'), error.message);
        });
      }

      it('accepts tab, line feed and carriage return in a description, and records a refused login name escaped', async () => {
        const res = await s.request('POST', '/api/folders', {
          token,
          json: { name: 'layout', description: 'a\tb\r\nc', parent: PUBLIC_OBJECTS },
          headers: tutorial,
        });
        assert.equal(res.status, 201, await res.text());
        // The audit hook writes after the answer is sent: wait until the refused login's record is there.
        const escaped = encodeURIComponent('admin\\u0000istrator');
        let total = 0;
        for (let i = 0; total === 0 && i < 100; i++) {
          if (i > 0) await new Promise((r) => setTimeout(r, 20));
          total = ((await (await s.request('GET', `/api/audit?action=login&user=${escaped}`, { token })).json()) as { total: number }).total;
        }
        assert.ok(total > 0, 'the refused login is in the audit log, its NUL escaped');
      });
    });

    describe('malformed multipart uploads', () => {
      const whole = multipartBody(fileBytes);
      const LONG_BOUNDARY = 'b'.repeat(300);
      const twoFiles = Buffer.concat([whole.subarray(0, whole.length - BOUNDARY.length - 6), multipartBody(fileBytes)]);
      const hugePartHeader = Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\nX-Huge: ${'h'.repeat(200 * 1024)}\r\n\r\n`),
        fileBytes,
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]);
      const manyPartHeaders = Buffer.concat([
        Buffer.from(
          `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n${Array.from({ length: 500 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`,
        ),
        fileBytes,
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ]);
      const cases: Array<[string, Buffer, Record<string, string>]> = [
        ['no boundary', whole, { 'Content-Type': 'multipart/form-data' }],
        ['a truncated body', whole.subarray(0, 200), MULTIPART_TYPE],
        ['a body cut before the closing boundary', whole.subarray(0, whole.length - BOUNDARY.length - 8), MULTIPART_TYPE],
        ['two file parts', twoFiles, MULTIPART_TYPE],
        ['a wrong field name', multipartBody(fileBytes, 'package'), MULTIPART_TYPE],
        [
          'a field instead of a file',
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`),
          MULTIPART_TYPE,
        ],
        ['no parts', Buffer.from(`--${BOUNDARY}--\r\n`), MULTIPART_TYPE],
        ['a JSON body', Buffer.from('{}'), { 'Content-Type': 'application/json' }],
        [
          'a boundary over 200 characters (RFC 2046 allows 70)',
          multipartBody(fileBytes, 'file', LONG_BOUNDARY),
          { 'Content-Type': `multipart/form-data; boundary=${LONG_BOUNDARY}` },
        ],
      ];
      const existing = async (id: string) => {
        const listed = (await (await s.request('GET', FILES, { token })).json()) as { data: Array<{ id: string; existing: boolean }> };
        return listed.data.find((f) => f.id === id)?.existing;
      };
      for (const [what, body, headers] of cases) {
        it(`refuses ${what} with a 4xx in the Library shape and stores nothing`, async () => {
          const file = await createFile(s, token, fileBytes, { name: 'malformed' });
          const res = await upload(s, token, file.id, body, headers);
          assert.ok(res.status >= 400 && res.status < 500, `${what}: ${res.status}`);
          await assertWellFormed(res, what);
          assert.equal(await existing(file.id), false);
        });
      }

      // Busboy keeps at most 80 KiB of a part's headers and 16 pairs, and drops the rest: memory stays bounded.
      for (const [what, body] of [
        ['a huge part header', hugePartHeader],
        ['very many part headers', manyPartHeaders],
      ] as const) {
        it(`bounds ${what}: the upload is refused, or stored with exactly the file's bytes`, async () => {
          const file = await createFile(s, token, fileBytes, { name: 'big-headers' });
          const res = await upload(s, token, file.id, body);
          await assertWellFormed(res, what);
          if (res.status === 200) {
            const download = await s.request('GET', `${FILES}/${file.id}/binary`, { token });
            assert.deepEqual(Buffer.from(await download.arrayBuffer()), fileBytes);
          } else {
            assert.equal(await existing(file.id), false);
          }
        });
      }

      it('survives a client that closes the connection in the middle of an upload, and accepts the upload afterwards', async () => {
        const partial = whole.subarray(0, 150);
        const head = `PUT ${FILES}/${fileId}/binary HTTP/1.1\r\nHost: x\r\nX-MSTR-AuthToken: ${token}\r\nContent-Type: ${MULTIPART_TYPE['Content-Type']}\r\nContent-Length: ${whole.length}\r\n\r\n`;
        await rawExchange(s.url, Buffer.concat([Buffer.from(head), partial]), { closeAfterWrite: true });
        // The server notices the close asynchronously; until then the first upload still holds the file (409).
        let res = await upload(s, token, fileId, whole);
        for (let i = 0; i < 100 && res.status === 409; i++) {
          await new Promise((r) => setTimeout(r, 50));
          res = await upload(s, token, fileId, whole);
        }
        assert.equal(res.status, 200, await res.text());
      });
    });
  });
}

/** Writes raw bytes to the server and returns everything it answers until it closes. */
function rawExchange(url: string, data: string | Buffer, options: { closeAfterWrite?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(data);
      if (options.closeAfterWrite) setTimeout(() => socket.destroy(), 100);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(e)));
  });
}
