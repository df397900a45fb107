import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dialects } from './support/env.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/server.js';
import { mapIds, recordedRequests, urlOf, type RecordedRequest } from './support/fixtures.js';
import type { Json } from './support/migrations.js';
import { must } from './support/must.js';

const RECORDED_MIGRATION = '967F829A37514D3CBB5F442BAEF6DFFF:59207E06820A4D58BA2006AF9BD6BDF8';
const RECORDED_REUSE = '967F829A37514D3CBB5F442BAEF6DFFF:6497E8C153474957938074830ABCAAED';
const RECORDED_PACKAGE = '967F829A37514D3CBB5F442BAEF6DFFF';

/** Requests mstrio sends to the target environment (contract §3.4); the rest go to the source. */
const TO_TARGET = new Set([12, 13, 16, 20, 21, 25, 26, 27, 28, 29, 30, 31, 32, 35]);
/** Requests whose body is the source's showContent=all answer of the given earlier row. */
const ECHOES: Record<number, { of: number; replicated: boolean }> = {
  16: { of: 15, replicated: false },
  25: { of: 24, replicated: true },
  35: { of: 34, replicated: true },
};
/** Polls: mstrio repeats these until the state it waits for. */
const WAIT_FOR: Record<number, (body: Json) => boolean> = {
  7: (b) => b.packageInfo.status !== 'creating',
  19: (b) => b.validation?.status !== 'validating',
  26: (b) => !['pending', 'importing'].includes(b.importInfo.status),
  30: (b) => !['undoing'].includes(b.importInfo.status),
};

const NULL_BREAKS = ['creator', 'storage', 'project', 'status', 'purpose', 'type', 'warnings', 'certification'];

/** The [R] fields of a migration record (contract §3.1, §11). */
function assertRecord(body: Json): void {
  const p = body.packageInfo;
  for (const key of ['name', 'creator', 'creationDate', 'lastUpdatedDate', 'type']) assert.ok(p[key] !== undefined, `packageInfo.${key}`);
  for (const key of NULL_BREAKS) assert.notEqual(p[key], null, `packageInfo.${key} is null`);
  if (body.importInfo && Object.keys(body.importInfo).length > 0) {
    assert.ok(body.importInfo.id && body.importInfo.environment, 'importInfo needs id and environment');
    for (const key of ['creator', 'undoStorage', 'project', 'status', 'importRequestStatus', 'undoRequestStatus'])
      assert.notEqual(body.importInfo[key], null, `importInfo.${key}`);
  }
  assert.notEqual(body.validation, null);
  if (p.certification) for (const key of ['status', 'operator', 'lastUpdatedDate']) assert.ok(key in p.certification, `certification.${key}`);
}

for (const dialect of dialects()) {
  describe(`replay of mstrio's public migration flows across two environments sharing storage [${dialect}]`, () => {
    let source: TestServer;
    let target: TestServer;
    let shared: string;
    before(async () => {
      shared = await mkdtemp(path.join(tmpdir(), 'packstore-shared-'));
      [source, target] = await Promise.all([
        startTestServer(dialect, { 'storage.location': shared }),
        startTestServer(dialect, { 'storage.location': shared }),
      ]);
    });
    after(async () => {
      await Promise.all([source?.close(), target?.close()]);
      await rm(shared, { recursive: true, force: true });
    });

    it('answers every request with the status and the [R] fields mstrio needs', async () => {
      const rows = recordedRequests('all-public-migration-flows.jsonl');
      const ids = new Map<string, string>();
      const tokens = new Map<TestServer, string>();
      const answers = new Map<number, Json>();
      const answerTo = (step: number) => must(answers.get(step), `the answer to step ${step}`);
      const send = async (i: number, row: RecordedRequest): Promise<{ status: number; body: Json; headers: Headers }> => {
        const server = TO_TARGET.has(i) ? target : source;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(row.headers)) if (!['Cookie', 'X-MSTR-AuthToken', 'Accept'].includes(k)) headers[k] = v;
        headers.Accept = '*/*';
        const token = tokens.get(server);
        if (token && row.path !== '/api/auth/login') headers['X-MSTR-AuthToken'] = token;
        let body: string | undefined;
        if (row.path === '/api/auth/login') body = new URLSearchParams({ ...(row.body as Record<string, string>), password: ADMIN_PASSWORD }).toString();
        else if (ECHOES[i])
          body = JSON.stringify({ ...answerTo(ECHOES[i].of), packageInfo: { ...answerTo(ECHOES[i].of).packageInfo, replicated: ECHOES[i].replicated } });
        else if (row.body !== null) body = JSON.stringify(mapIds(row.body, ids)).replaceAll('/data/pkgs', shared);
        const res = await fetch(server.url + urlOf(row, ids), { method: row.method, headers, body });
        const text = await res.text();
        return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
      };

      for (const [i, row] of rows.entries()) {
        if (row.path === '/api/auth/login') {
          for (const server of [source, target]) {
            const login = await fetch(`${server.url}/api/auth/login`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ ...(row.body as Record<string, string>), password: ADMIN_PASSWORD }),
            });
            assert.equal(login.status, 204);
            tokens.set(server, must(login.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer'));
          }
          continue;
        }
        let answer = await send(i, row);
        const waitFor = WAIT_FOR[i];
        for (let tries = 0; waitFor && answer.status === 200 && !waitFor(answer.body) && tries < 400; tries++) {
          await new Promise((r) => setTimeout(r, 25));
          answer = await send(i, row);
        }
        const where = `row ${i}: ${row.method} ${row.path}`;
        if (waitFor) assert.ok(waitFor(answer.body), `${where}: never reached the state mstrio waits for`);
        const { status, body } = answer;
        assert.ok(status >= 200 && status < 300, `${where} → ${status} ${JSON.stringify(body)}`);
        answers.set(i, body);
        if (row.method === 'POST' && row.path === '/api/migrations') {
          assert.equal(status, 201, where);
          assert.match(body.id, /^[0-9A-F]{32}:[0-9A-F]{32}$/, where);
          if (i === 5) {
            ids.set(RECORDED_MIGRATION, body.id);
            ids.set(RECORDED_PACKAGE, body.id.split(':')[0]);
          }
          if (i === 33) ids.set(RECORDED_REUSE, body.id);
        }
        if (row.method === 'GET' && row.path.startsWith('/api/migrations/')) assertRecord(body);
        if (row.path === '/api/sessions') assert.equal(typeof body.timeout, 'number', where);
        if (row.path === '/api/status') assert.match(body.iServerVersion, /^11\.\d/, where);
        if (row.path === '/api/projects')
          assert.ok(
            ([] as Json[]).concat(body).some((p) => p.name === 'MicroStrategy Tutorial'),
            where,
          );
        if (row.path.startsWith('/api/objects/')) assert.equal(body.type, 32, where);
        if (row.path.endsWith('/certification')) assert.equal(status, 204, where);
        if (row.path.endsWith('/validation') && row.method === 'PUT') assert.equal(status, 202, where);
        if (row.method === 'PUT' && /^\/api\/migrations\/[^/]+$/.test(row.path)) {
          assert.equal(status, 201, where);
          assert.equal(typeof body.id, 'string', `${where}: reuse() calls .json() on it`);
        }
        if (row.path === '/api/mstrServices/library/storage' && row.method === 'GET')
          assert.ok(['file_system', 'S3', 'unset'].includes(body.sharedFileStore.type), where);
      }

      // What the flows did, as mstrio would see it afterwards.
      assert.equal(answerTo(11).packageInfo.certification.status, 'certified');
      assert.equal(answerTo(19).validation.status, 'validated', JSON.stringify(answerTo(19).validation));
      assert.ok(answerTo(19).validation.lastUpdateDate, 'mstrio reads lastUpdateDate (sic)');
      assert.equal(answerTo(26).importInfo.status, 'imported', answerTo(26).importInfo.message);
      assert.equal(answerTo(30).importInfo.status, 'undo_success', answerTo(30).importInfo.message);
      assert.equal(answerTo(24).packageInfo.status, 'locked', 'approval locks the package');
      assert.equal(answerTo(36).id.split(':')[0], ids.get(RECORDED_PACKAGE), 'reuse keeps the package id');
      assert.notEqual(answerTo(36).id, ids.get(RECORDED_MIGRATION), 'reuse gets a new import id');
      assert.equal(answerTo(40).sharedFileStore.location, shared);

      // Through the shared storage the source sees what the target did, and the target kept the certification.
      assert.equal(answerTo(41).importInfo.status, 'undo_success', 'the source record follows the target');
      assert.deepEqual(answerTo(41).importInfo.undoStorage, {}, 'undo stays with the target');
      assert.equal(answerTo(26).packageInfo.certification.status, 'certified');

      // Deleting the target's record leaves the source's package in the shared storage.
      const [packageId] = must(ids.get(RECORDED_MIGRATION), 'the id the target gave the recorded migration').split(':');
      const del = (server: TestServer) =>
        fetch(`${server.url}/api/migrations?packageId=${packageId}`, {
          method: 'DELETE',
          headers: { 'X-MSTR-AuthToken': must(tokens.get(server), 'a session on that server') },
        });
      await target.server.env.ctx.jobs.runner.whenIdle(); // the reused import may still be running there
      assert.equal((await del(target)).status, 204);
      const download = await fetch(`${source.url}/api/migrations/packages/${packageId}/binary`, {
        headers: { 'X-MSTR-AuthToken': must(tokens.get(source), 'a session on the source') },
      });
      assert.equal(download.status, 200, 'the source still has its package');
      await download.arrayBuffer();
      assert.equal((await del(source)).status, 204);
      const blobs = await source.server.env.ctx.storage.blobs();
      assert.equal(await blobs.head(answerTo(41).packageInfo.storage.path), undefined, 'the source deletes its own package');
      assert.equal(
        await blobs.head(
          `mstr/shared/migrations/status/${packageId}/${must(ids.get(RECORDED_MIGRATION), 'the id the target gave the recorded migration').split(':')[1]}.json`,
        ),
        undefined,
        'and what the target shared about it',
      );
    });
  });
}
