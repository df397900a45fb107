import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { sha256 } from './support/shared-files.js';
import { cliHome, type CliHome } from './support/cli-client.js';
import { cuttingProxy, type CuttingProxy } from './support/cutting-proxy.js';
import { sampleHeader, written } from './support/mmp.js';
import { newMetrics } from './support/packages.js';
import { UPLOADS_ROOT } from '../src/domain/storage-keys.js';
import type { Json } from './support/migrations.js';
import { must } from './support/must.js';

// The CLI is a client: one server, on the first selected dialect.
const dialect = must(dialects()[0], 'a dialect to run on');

describe(`packstore files upload, resumable [${dialect}]`, () => {
  let s: TestServer;
  let proxy: CuttingProxy;
  let home: CliHome;
  let bytes: Buffer;
  before(async () => {
    [s, home, bytes] = await Promise.all([startTestServer(dialect), cliHome(), written(sampleHeader(), [newMetrics(3000, 'cli resumable')])]);
    // The first PATCH is cut half-way; the connections after it pass.
    proxy = await cuttingProxy(Number(new URL(s.url).port), Math.floor(bytes.length / 2), { upload: /PATCH [^ ]*\/uploads\/[0-9a-f]{32} /, maxCuts: 1 });
    await home.json(['login', proxy.url, '--profile', 'flaky']);
  });
  after(async () => {
    await proxy?.close();
    await Promise.all([s?.close(), home?.dispose()]);
  });

  it('resumes after a cut connection and stores the file whole, checked', async () => {
    await writeFile(path.join(home.dir, 'package.mmp'), bytes);
    const uploaded = await home.json(['files', 'upload', 'package.mmp', '--profile', 'flaky', '--name', 'resumed upload']);
    assert.equal(proxy.cuts, 1, 'the proxy cut the upload');
    assert.equal(uploaded.existing, true);
    assert.equal(uploaded.size, bytes.length);
    assert.equal(uploaded.sha256, sha256(bytes));
    const listed = await home.json<Json[]>(['files', 'ls', '--profile', 'flaky']);
    assert.deepEqual(
      listed.map((f) => [f.name, f.existing]),
      [['resumed upload', true]],
    );
    const download = await s.request('GET', `/api/mstrServices/library/storage/sharedFileStore/files/${uploaded.id}/binary`, { token: await s.login() });
    assert.equal(sha256(Buffer.from(await download.arrayBuffer())), sha256(bytes));
    const parts: string[] = [];
    for await (const blob of (await s.server.env.ctx.storage.blobs()).list(UPLOADS_ROOT)) parts.push(blob.key);
    assert.deepEqual(parts, [], 'no part left behind');
  });
});
