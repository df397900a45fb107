import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD } from './support/server.js';
import { CLI_FROM_SOURCES } from './support/cli.js';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';
import { FILES, MULTIPART_TYPE, metadataFor, multipartBody, sha256 } from './support/shared-files.js';
import { must } from './support/must.js';
import { packageOfSize } from './support/packages.js';

const PUT_IN_FLIGHT = /"method":"PUT","url":"[^"]*\/binary"/;
const DRAINING = /readiness answers 503, no new connections accepted/;

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: ADMIN_PASSWORD }),
  });
  assert.equal(res.status, 204);
  return must(res.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer');
}

/** An upload whose body is sent in two halves: the second only when the test says so. */
async function startSlowUpload(url: string, token: string, bytes: Buffer) {
  const created = await fetch(`${url}${FILES}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-mstr-authtoken': token },
    body: JSON.stringify(metadataFor(bytes)),
  });
  assert.equal(created.status, 200, await created.clone().text());
  const { id } = (await created.json()) as { id: string };
  const body = multipartBody(bytes);
  const half = Math.floor(body.length / 2);
  const request = httpRequest(new URL(`${FILES}/${id}/binary`, url), {
    method: 'PUT',
    agent: false,
    headers: { ...MULTIPART_TYPE, 'content-length': String(body.length), 'x-mstr-authtoken': token },
  });
  // Settles either way at once, so that a cut connection is a result the test reads, never an unhandled rejection.
  const answer = new Promise<{ status: number; text: string } | { error: Error }>((resolve) => {
    const reject = (error: Error) => resolve({ error });
    request.on('error', reject);
    request.on('response', (res: IncomingMessage) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
  });
  request.write(body.subarray(0, half));
  return { answer, finish: () => request.end(body.subarray(half)) };
}

/** A new TCP connection to `url`: refused once the server stopped listening. */
function connects(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    httpRequest(new URL('/api/health/live', url), { agent: false }, (res) => {
      res.resume();
      resolve(true);
    })
      .on('error', () => resolve(false))
      .end();
  });
}

for (const dialect of dialects()) {
  describe(`graceful shutdown [${dialect}]`, () => {
    let files: TestEnvironmentFiles;
    let server: ServeProcess | undefined;
    before(async () => {
      files = await createTestEnvironmentFiles(dialect);
    });
    after(async () => {
      await server?.kill();
      await files.dispose();
    });

    const serve = (env: Record<string, string> = {}) =>
      startServeProcess(process.execPath, [...CLI_FROM_SOURCES, 'serve', '--port', '0', '--data-dir', files.dataDir], {
        PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        PACKSTORE_DATABASE_URL: files.config.databaseUrl,
        ...env,
      });

    it('SIGTERM during a slow upload: no new connections, the upload ends 200, each step is logged, the process exits 0', async () => {
      server = await serve();
      const bytes = await packageOfSize(256 * 1024);
      const upload = await startSlowUpload(server.url, await login(server.url), bytes);
      await server.waitForOutput(PUT_IN_FLIGHT);
      server.child.kill('SIGTERM');
      await server.waitForOutput(DRAINING);
      assert.equal(await connects(server.url), false, 'the listener is closed');
      upload.finish();
      const answer = await upload.answer;
      assert.ok('status' in answer, `the upload failed: ${'error' in answer ? answer.error.message : ''}`);
      assert.equal(answer.status, 200, answer.text);
      assert.equal((JSON.parse(answer.text) as { sha256: string }).sha256, sha256(bytes));
      assert.equal(await server.exited, 0);
      for (const step of [/signal received/, DRAINING, /every request and upload has finished/, /job runner stopped/, /database is closed/]) {
        assert.match(server.output(), step);
      }
    });

    it('a second signal exits at once, without waiting for the upload', async () => {
      server = await serve();
      const upload = await startSlowUpload(server.url, await login(server.url), await packageOfSize(64 * 1024));
      await server.waitForOutput(PUT_IN_FLIGHT);
      server.child.kill('SIGTERM');
      await server.waitForOutput(DRAINING);
      server.child.kill('SIGINT');
      assert.equal(await server.exited, 1);
      assert.match(server.output(), /second signal, exiting now/);
      assert.ok('error' in (await upload.answer), 'the upload was cut');
    });

    it('shutdown.graceSeconds bounds the wait: a stalled upload is cut and the process exits 1', async () => {
      server = await serve({ PACKSTORE_SHUTDOWN_GRACESECONDS: '1' });
      const upload = await startSlowUpload(server.url, await login(server.url), await packageOfSize(64 * 1024));
      await server.waitForOutput(PUT_IN_FLIGHT);
      server.child.kill('SIGTERM');
      assert.equal(await server.exited, 1);
      assert.match(server.output(), /the deadline passed/);
      assert.ok('error' in (await upload.answer), 'the upload was cut');
    });
  });
}
