import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { packageOfSize } from './support/packages.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/server.js';
import { recordedRequests, urlOf, type RecordedRequest as Recorded } from './support/fixtures.js';
import { BOUNDARY, multipartBody, sha256, STORAGE } from './support/shared-files.js';
import { must } from './support/must.js';

/** Of mstrio's recorded upload flow, the requests of sessions, status, storage and shared files. */
const MINE = /^\/api\/(auth\/|sessions|status$|mstrServices\/library\/storage)/;

/** Whatever the answers hand back, carried to the later requests that use it. */
interface Replay {
  token: string;
  cookie: string;
  recordedFileId?: string;
  fileId?: string;
  filePath?: string;
  bytes: Buffer;
}

function withSubstitutions(request: Recorded, state: Replay): { url: string; init: RequestInit } {
  const url = urlOf(request, new Map(state.recordedFileId && state.fileId ? [[state.recordedFileId, state.fileId]] : []));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = value.replace('<token>', state.token).replace('<session cookie>', state.cookie);
  }
  let body: BodyInit | undefined;
  const recorded = request.body as Record<string, unknown> | null;
  if (request.path === '/api/auth/login') {
    body = new URLSearchParams({ ...(recorded as Record<string, string>), password: ADMIN_PASSWORD });
  } else if (recorded && '__multipart__' in recorded) {
    headers['Content-Type'] = `multipart/form-data; boundary=${BOUNDARY}`;
    body = multipartBody(state.bytes);
  } else if (recorded) {
    const json = request.path.endsWith('/sharedFileStore/files') ? { ...recorded, size: state.bytes.length, sha256: sha256(state.bytes) } : recorded;
    body = JSON.stringify(json);
  }
  return { url, init: { method: request.method, headers, body } };
}

type Json = Record<string, unknown>;

/** Checks every field mstrio reads ([R] in the contract) and carries ids forward. */
async function checkAnswer(request: Recorded, res: Response, state: Replay): Promise<void> {
  const what = `${request.method} ${request.path}`;
  const text = await res.text();
  assert.ok(res.status >= 200 && res.status < 300, `${what}: ${res.status} ${text}`);
  const json = text ? (JSON.parse(text) as Json) : undefined;
  const files = request.path.startsWith('/api/mstrServices/library/storage/sharedFileStore/files');
  if (request.path === '/api/auth/login') {
    const token = res.headers.get('x-mstr-authtoken');
    assert.ok(token, 'login answers X-MSTR-AuthToken');
    state.token = token;
    state.cookie = must((res.headers.get('set-cookie') ?? '').split(';')[0], 'a cookie before the first semicolon');
  } else if (request.path === '/api/sessions') {
    assert.ok(Number.isInteger(json?.timeout), 'GET /api/sessions has an integer timeout');
  } else if (request.path === '/api/status') {
    for (const field of ['iServerVersion', 'webVersion']) {
      const version = String(json?.[field]).slice(0, 9);
      assert.match(version, /^\d+\.\d+\.\d{4}$/, `${field} parses as a version`);
      assert.ok(version >= '11.5.0600', `${field} ${version} avoids the second login`);
    }
  } else if (request.path === '/api/sessions/userInfo') {
    assert.equal(typeof json?.id, 'string');
    assert.equal(typeof json?.fullName, 'string');
    assert.equal(typeof json?.initials, 'string');
  } else if (request.path === STORAGE) {
    const store = json?.sharedFileStore as Json;
    assert.ok(['unset', 'unknown', 'file_system', 'S3', 'Azure', 'GCS'].includes(String(store.type)));
    assert.equal(typeof store.configured, 'boolean');
  } else if (files && request.method === 'GET') {
    const data = json?.data as Json[];
    assert.ok(Array.isArray(data), 'the list has data[]');
    for (const file of data) {
      assert.equal(typeof file.id, 'string');
      assert.equal(typeof file.path, 'string');
    }
    if (state.filePath)
      assert.ok(
        data.some((f) => f.id === state.fileId && f.path === state.filePath),
        'the uploaded file is listed by id and path',
      );
  } else if (files && request.method === 'POST') {
    assert.equal(typeof json?.id, 'string');
    state.fileId = json?.id as string;
  } else if (files && request.method === 'PUT') {
    assert.equal(json?.id, state.fileId, 'the upload answers JSON with the id');
    assert.equal(json?.existing, true);
    state.filePath = json?.path as string;
  } else if (files && request.method === 'DELETE') {
    assert.equal(res.status, 204);
    state.filePath = undefined;
  }
}

const recorded = recordedRequests('upload-import-download-delete.jsonl').filter((r) => MINE.test(r.path));

for (const dialect of dialects()) {
  describe(`replay of mstrio's upload flow: sessions, storage, shared files [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(() => s.close());

    it('answers every recorded request with what mstrio reads', async () => {
      const state: Replay = { token: '', cookie: '', bytes: await packageOfSize(90) };
      const put = recorded.find((r) => r.method === 'PUT');
      state.recordedFileId = put?.path.split('/')[7];
      assert.ok(recorded.length >= 10 && state.recordedFileId, 'the recording has the upload flow');
      for (const request of recorded) {
        const { url, init } = withSubstitutions(request, state);
        await checkAnswer(request, await fetch(s.url + url, init), state);
      }
      const methods = recorded.map((r) => `${r.method} ${r.path.replace(must(state.recordedFileId, 'the recorded file id'), '{id}')}`);
      assert.ok(methods.includes('DELETE /api/mstrServices/library/storage/sharedFileStore/files/{id}'));
      assert.ok(methods.includes('POST /api/auth/logout'));
    });
  });
}
