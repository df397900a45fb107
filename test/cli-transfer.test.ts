import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { sha256 } from './support/shared-files.js';
import { cliHome, filesUnder, type CliHome } from './support/cli-client.js';
import { cuttingProxy, type CuttingProxy } from './support/cutting-proxy.js';
import type { Json } from './support/migrations.js';
import { must } from './support/must.js';

const TUTORIAL = 'MicroStrategy Tutorial';
const OBJECTS = ['8D679D5111D3E4981000E787EC6DE8A4:12', '8D679D3711D3E4981000E787EC6DE8A4:12', '8D679D3811D3E4981000E787EC6DE8A4:12'];

/** Packages only: the uploads' temporary files (.tmp) are checked on their own. */
async function storedPackages(s: TestServer): Promise<string[]> {
  return (await filesUnder(s.files.config.storageLocation)).filter((f) => f.startsWith('mstr/shared/migrations/packages/'));
}

async function waitUntil(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// The CLI is a client; its servers run on both dialects at once (source on the first selected
// dialect, target on the last), which keeps this file to one pass.
const sourceDialect = must(dialects()[0], 'at least one dialect');
const targetDialect = must(dialects().at(-1), 'at least one dialect');

describe(`packstore transfer [${sourceDialect} → ${targetDialect}]`, () => {
  let source: TestServer;
  let target: TestServer;
  let proxy: CuttingProxy;
  let home: CliHome;
  let packageId: string;
  let packageSha: string;
  before(async () => {
    [source, target, home] = await Promise.all([startTestServer(sourceDialect), startTestServer(targetDialect), cliHome()]);
    proxy = await cuttingProxy(Number(new URL(target.url).port), 1200);
    await Promise.all([
      home.json(['login', source.url, '--profile', 'src']),
      home.json(['login', target.url, '--profile', 'tgt']),
      home.json(['login', proxy.url, '--profile', 'flaky']),
    ]);
    const created = await home.json([
      'migrations',
      'create',
      '--profile',
      'src',
      '--project',
      TUTORIAL,
      '--include-dependents',
      '--name',
      'transfer me',
      ...OBJECTS.flatMap((o) => ['--object', o]),
    ]);
    packageId = created.packageInfo.id;
    packageSha = created.packageInfo.storage.sha256;
    assert.ok(created.packageInfo.storage.size > 1200, 'the package is larger than what the proxy lets through');
  });
  after(async () => {
    await proxy?.close();
    await Promise.all([source?.close(), target?.close(), home?.dispose()]);
  });

  it('moves a package from one environment to another and imports it', async () => {
    const result = await home.json(['transfer', packageId, '--from', 'src', '--to', 'tgt', '--project', TUTORIAL]);
    assert.equal(result.migration.importInfo.status, 'imported', result.migration.importInfo.message);
    assert.equal(result.migration.packageInfo.purpose, 'migration_from_shared_file_store');
    assert.equal(result.file.existing, true);
    assert.equal(result.file.sha256, packageSha);
    assert.equal(result.file.name, 'transfer me');
    // Where the package came from is what its header says: the source environment and its package id.
    assert.equal(result.file.environment.id, source.url);
    assert.deepEqual(result.file.source.environment, result.file.environment);
    assert.equal(result.file.source.packageId, packageId);
    assert.deepEqual(result.migration.packageInfo.source, result.file.source);

    const files = await home.json<Json[]>(['files', 'ls', '--profile', 'tgt']);
    assert.deepEqual(
      files.map((f) => f.id),
      [result.file.id],
    );
    const saved = await home.json(['files', 'download', result.file.id, '--profile', 'tgt', '-o', 'copy.mmp']);
    assert.equal(sha256(await readFile(path.join(home.dir, 'copy.mmp'))), packageSha);
    assert.equal(saved.sha256, packageSha);
  });

  it('fails cleanly when the connection breaks during the upload, and leaves nothing half stored', async () => {
    const filesBefore = await home.json<Json[]>(['files', 'ls', '--profile', 'tgt']);
    const migrationsBefore = await home.json<Json[]>(['migrations', 'ls', '--profile', 'tgt']);
    const packagesBefore = await storedPackages(target);
    const homeBefore = await filesUnder(home.dir);

    const r = await home.run(['transfer', packageId, '--from', 'src', '--to', 'flaky', '--project', TUTORIAL]);
    assert.equal(r.code, 1, r.stdout);
    assert.ok(proxy.cuts >= 1, 'the proxy cut the upload');
    assert.match(
      must(r.stderr.split('\n').filter(Boolean).at(-1), 'a last line on stderr'),
      /^packstore: connection to http:\/\/127\.0\.0\.1:\d+ failed \(PUT \/api\/mstrServices\/library\/storage\/sharedFileStore\/files\/\S+\/binary\): \S+$/,
    );
    assert.match(r.stderr, /\n$/);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('packstore:')).length, 1, 'one error line');

    const filesAfter = await home.json<Json[]>(['files', 'ls', '--profile', 'tgt']);
    assert.deepEqual(
      filesAfter.filter((f) => f.existing).map((f) => f.id),
      filesBefore.map((f) => f.id),
      'no new file with its binary',
    );
    assert.deepEqual(
      filesAfter.map((f) => f.id),
      filesBefore.map((f) => f.id),
      'the CLI removed the metadata of the failed upload',
    );
    assert.equal((await home.json<Json[]>(['migrations', 'ls', '--profile', 'tgt'])).length, migrationsBefore.length, 'no import started');
    assert.deepEqual(await storedPackages(target), packagesBefore, 'no blob');
    assert.ok(
      await waitUntil(async () => (await filesUnder(path.join(target.files.config.storageLocation, '.tmp'))).length === 0),
      'no temporary upload file on the server',
    );
    assert.deepEqual(await filesUnder(home.dir), homeBefore, 'no temporary file on the client');
  });

  it('refuses an unknown package with one line and exit 1', async () => {
    const r = await home.run(['transfer', '0123456789ABCDEF0123456789ABCDEF', '--from', 'src', '--to', 'tgt', '--project', TUTORIAL]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `packstore: no package 0123456789ABCDEF0123456789ABCDEF on ${source.url}\n`);
    const usage = await home.run(['transfer', packageId, '--from', 'src', '--project', TUTORIAL]);
    assert.equal(usage.code, 2);
  });
});
