import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packageOfSize } from './support/packages.js';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { sha256 } from './support/shared-files.js';
import { cliHome, LIBRARY_ERROR_LINE, type CliHome } from './support/cli-client.js';
import type { Json } from './support/migrations.js';
import { hashPassword } from '../src/domain/passwords.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const TUTORIAL = 'MicroStrategy Tutorial';

function profilePath(home: CliHome, name: string): string {
  return path.join(home.configDir, 'profiles', `${name}.json`);
}

async function profile(home: CliHome, name: string): Promise<Json> {
  return JSON.parse(await readFile(profilePath(home, name), 'utf8')) as Json;
}

async function editProfile(home: CliHome, name: string, change: (p: Json) => void): Promise<void> {
  const p = await profile(home, name);
  change(p);
  await writeFile(profilePath(home, name), JSON.stringify(p));
}

// The CLI is a client; its two servers run on both dialects at once (source on the first
// selected dialect, target on the last), which keeps this file to one pass.
const sourceDialect = must(dialects()[0], 'at least one dialect');
const targetDialect = must(dialects().at(-1), 'at least one dialect');

describe(`the packstore CLI [${sourceDialect} → ${targetDialect}]`, () => {
  let source: TestServer;
  let target: TestServer;
  let home: CliHome;
  before(async () => {
    [source, target, home] = await Promise.all([startTestServer(sourceDialect), startTestServer(targetDialect), cliHome()]);
  });
  after(async () => {
    await Promise.all([source?.close(), target?.close(), home?.dispose()]);
  });

  it('logs in, keeps the token in a private profile file, and never the password', async () => {
    const [a, b] = await Promise.all([
      home.run(['login', `${source.url}/api/`, '--profile', 'src']),
      home.json(['login', target.url, '--profile', 'tgt', '--user', 'administrator']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, `logged in to ${source.url} as Administrator (profile src)\n`);
    assert.deepEqual(b, { profile: 'tgt', url: target.url, user: 'administrator', timeout: 1800 });
    assert.equal((await stat(home.configDir)).mode & 0o777, 0o700);
    for (const name of ['src', 'tgt']) {
      assert.equal((await stat(profilePath(home, name))).mode & 0o777, 0o600);
      assert.doesNotMatch(await readFile(profilePath(home, name), 'utf8'), /admin-password-for-tests/);
    }
    const saved = await profile(home, 'src');
    assert.equal(saved.url, source.url);
    assert.ok(typeof saved.token === 'string' && saved.token.length > 20);
  });

  it('reports a bad password as one line with the server code and ticket, exit 1', async () => {
    const r = await home.run(['login', source.url, '--profile', 'bad'], { PACKSTORE_PASSWORD: 'wrong-password' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, LIBRARY_ERROR_LINE);
    assert.match(r.stderr, /^packstore: ERR003: /);
  });

  it('exits 2 on usage errors', async () => {
    const cases = [
      ['login', 'ftp://example'],
      ['migrations', 'rm', 'not-a-package-id'],
      ['files', 'frobnicate'],
      ['migrations', 'create', '--project', TUTORIAL],
    ];
    const results = await Promise.all(cases.map((args) => home.run(args)));
    for (const [i, args] of cases.entries()) assert.equal(results[i]?.code, 2, `${args.join(' ')}: ${results[i]?.stderr}`);
    const r = await home.run(['migrations', 'create', '--project', TUTORIAL, '--object', 'nonsense', '--profile', 'src']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--object must be <id>:<type>/);
  });

  it('prints the privilege error of the server as one line', async () => {
    const password = 'password-for-cli-tests';
    await source.server.env.ctx.users.create({ login: 'viewer', passwordHash: await hashPassword(password) });
    const env = { PACKSTORE_PASSWORD: password };
    assert.equal((await home.run(['login', source.url, '--user', 'viewer', '--profile', 'viewer'], env)).code, 0);
    const r = await home.run(['files', 'ls', '--profile', 'viewer'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, LIBRARY_ERROR_LINE);
    assert.match(r.stderr, /^packstore: ERR014: .*Manage Migration Packages/);
    assert.equal(r.stdout, '');
  });

  it('uploads, lists, downloads (resuming and verifying) and removes files', async () => {
    const bytes = await packageOfSize(300_000, { packageType: 'configuration' });
    await writeFile(path.join(home.dir, 'local.mmp'), bytes);
    const uploaded = await home.json(['files', 'upload', 'local.mmp', '--profile', 'tgt', '--name', 'cli upload', '--type', 'configuration']);
    assert.equal(uploaded.existing, true);
    assert.equal(uploaded.size, bytes.length);
    assert.equal(uploaded.sha256, sha256(bytes));
    assert.equal(uploaded.extraInfo.packageType, 'configuration');
    assert.equal(uploaded.source.packageType, 'configuration', 'the header agrees with --type');
    const garbage = path.join(home.dir, 'garbage.mmp');
    await writeFile(garbage, randomBytes(50_000));
    const refused = await home.run(['files', 'upload', garbage, '--profile', 'tgt']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^packstore: ERR006: The uploaded bytes are not a migration package \(\.mmp\)/);
    const contradicted = await home.run(['files', 'upload', 'local.mmp', '--profile', 'tgt', '--type', 'project']);
    assert.equal(contradicted.code, 1);
    assert.match(contradicted.stderr, /declared as a project package, but its header says it is a configuration package/);
    const listed = await home.json<Json[]>(['files', 'ls', '--profile', 'tgt']);
    assert.deepEqual(
      listed.map((f) => [f.id, f.name, f.existing]),
      [[uploaded.id, 'cli upload', true]],
    );

    // A broken earlier run left the first part: only the rest is fetched, and the whole is checked.
    const out = path.join(home.dir, 'resumed.mmp');
    await writeFile(`${out}.part`, bytes.subarray(0, 100_000));
    const resumed = await home.json(['files', 'download', uploaded.id, '--profile', 'tgt', '-o', out]);
    assert.equal(resumed.sha256, sha256(bytes));
    assert.deepEqual(await readFile(out), bytes);
    await assert.rejects(stat(`${out}.part`));

    // A damaged partial file is caught by the digest and removed.
    const damaged = path.join(home.dir, 'damaged.mmp');
    await writeFile(`${damaged}.part`, randomBytes(100_000));
    const bad = await home.run(['files', 'download', uploaded.id, '--profile', 'tgt', '-o', damaged]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^packstore: download of .* is damaged: sha256 [0-9a-f]{64} does not match [0-9a-f]{64}; the partial file was removed\n$/);
    await assert.rejects(stat(`${damaged}.part`));
    await assert.rejects(stat(damaged));

    const removed = await home.run(['files', 'rm', uploaded.id, '--profile', 'tgt']);
    assert.equal(removed.code, 0, removed.stderr);
    const again = await home.run(['files', 'rm', uploaded.id, '--profile', 'tgt']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, LIBRARY_ERROR_LINE);
  });

  it("runs the seed's flow: create, download, upload, import, status, undo, rm", async () => {
    const created = await home.json([
      'migrations',
      'create',
      '--profile',
      'src',
      '--project',
      TUTORIAL,
      '--object',
      `${YEAR}:12`,
      '--include-dependents',
      '--name',
      'cli package',
    ]);
    assert.equal(created.packageInfo.status, 'created');
    const pkgId = created.packageInfo.id as string;

    const saved = await home.json(['migrations', 'download', pkgId, '--profile', 'src']);
    assert.equal(saved.path, path.join(home.dir, 'cli package.mmp'));
    assert.equal(saved.size, created.packageInfo.storage.size);

    const file = await home.json(['files', 'upload', saved.path, '--profile', 'tgt']);
    assert.equal(file.sha256, saved.sha256);
    const imported = await home.json(['migrations', 'import', file.id, '--project', TUTORIAL, '--profile', 'tgt']);
    assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
    assert.equal(imported.packageInfo.id, file.extraInfo.packageId);

    const status = await home.run(['migrations', 'status', imported.id, '--watch', '--profile', 'tgt']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(status.stdout, `${imported.id}: status: package locked, import imported\n`);
    assert.equal(status.stderr, '', 'no status line without a terminal');

    const undone = await home.json(['migrations', 'undo', imported.id, '--project', TUTORIAL, '--profile', 'tgt']);
    assert.equal(undone.importInfo.status, 'undo_success', undone.importInfo.message);

    assert.equal((await home.run(['files', 'rm', file.id, '--profile', 'tgt'])).code, 0);
    const removed = await home.json(['migrations', 'rm', imported.packageInfo.id, '--profile', 'tgt']);
    assert.deepEqual(removed, { packageId: imported.packageInfo.id, deleted: true, fileNote: 'its uploaded file was already gone' });
    const again = await home.run(['migrations', 'rm', imported.packageInfo.id, '--profile', 'tgt']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, LIBRARY_ERROR_LINE);
    assert.match(again.stderr, /^packstore: ERR006: /);
  });

  it('renews a token close to the idle timeout, and logs in again only when PACKSTORE_PASSWORD is set', async () => {
    const before = Date.now();
    await editProfile(home, 'src', (p) => {
      p.lastActive = before - 1500 * 1000;
    });
    const renewed = await home.run(['files', 'ls', '--profile', 'src']);
    assert.equal(renewed.code, 0, renewed.stderr);
    const token = (await profile(home, 'src')).token as string;
    assert.ok(((await profile(home, 'src')).lastActive as number) >= before);

    await editProfile(home, 'src', (p) => {
      p.token = 'a-dead-token';
    });
    const dead = await home.run(['files', 'ls', '--profile', 'src'], { PACKSTORE_PASSWORD: undefined });
    assert.equal(dead.code, 1);
    assert.equal(dead.stderr, `packstore: the session of profile src has ended: run packstore login ${source.url} --profile src again\n`);
    const again = await home.run(['files', 'ls', '--profile', 'src']);
    assert.equal(again.code, 0, again.stderr);
    const fresh = (await profile(home, 'src')).token as string;
    assert.notEqual(fresh, 'a-dead-token');
    assert.notEqual(fresh, token);
  });

  it('says clearly when the server has no validation endpoint', async () => {
    const created = await home.json(['migrations', 'create', '--profile', 'src', '--project', TUTORIAL, '--object', `${YEAR}:12`]);
    const r = await home.run(['migrations', 'validate', created.id, '--profile', 'src']);
    if (r.code === 0) return assert.match(r.stdout, /validation/);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^packstore: (validation is not supported by this server|ERR\d{3}: )/);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  });
});
