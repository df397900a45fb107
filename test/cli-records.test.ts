import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { cliHome, LIBRARY_ERROR_LINE, type CliHome } from './support/cli-client.js';
import { must } from './support/must.js';
import { json, type Json } from './support/migrations.js';
import { readPackageHeader } from '../src/domain/mmp/index.js';

const TUTORIAL = 'MicroStrategy Tutorial';
const OBJECTS = ['8D679D5111D3E4981000E787EC6DE8A4:12', '8D679D3711D3E4981000E787EC6DE8A4:12', '8D679D3811D3E4981000E787EC6DE8A4:12'];
const DEMO = fileURLToPath(new URL('../src/cli/demo.ts', import.meta.url));

/** The start of each column in a line of an aligned table: where a run of two spaces ends. */
function columnStarts(line: string): number[] {
  return [...line.matchAll(/ {2,}(?=\S)/g)].map((m) => must(m.index, 'the position of a match') + m[0].length);
}

function assertAligned(text: string): string[] {
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.length >= 2, `a header and rows: ${text}`);
  const header = columnStarts(must(lines[0], 'a header line'));
  // Every row has a gap just before each header column: its cells start where the header's do.
  for (const line of lines.slice(1)) {
    for (const start of header) assert.equal(line[start - 1], ' ', `column at ${start} in: ${line}`);
  }
  return lines;
}

// Source on the first selected dialect, target on the last, as cli-transfer.test.ts does.
const sourceDialect = must(dialects()[0], 'at least one dialect');
const targetDialect = must(dialects().at(-1), 'at least one dialect');

describe(`packstore CLI shows the records truthfully [${sourceDialect} → ${targetDialect}]`, () => {
  let source: TestServer;
  let target: TestServer;
  let home: CliHome;
  let workDir: string;
  let migrationId: string;
  let packageId: string;
  before(async () => {
    [source, target, home] = await Promise.all([
      startTestServer(sourceDialect, { 'server.recordBodyLimit': '8192' }),
      startTestServer(targetDialect),
      cliHome(),
    ]);
    workDir = await mkdtemp(path.join(tmpdir(), 'packstore-cli-records-'));
    await Promise.all([home.json(['login', source.url, '--profile', 'src']), home.json(['login', target.url, '--profile', 'tgt'])]);
  });
  after(async () => {
    await Promise.all([source?.close(), target?.close(), home?.dispose(), workDir ? rm(workDir, { recursive: true, force: true }) : undefined]);
  });

  it('says in words that a list is empty', async () => {
    const files = await home.run(['files', 'ls', '--profile', 'tgt']);
    assert.equal(files.code, 0, files.stderr);
    assert.equal(files.stdout, `No package files on ${target.url}.\n`);
    const migrations = await home.run(['migrations', 'ls', '--profile', 'tgt']);
    assert.equal(migrations.stdout, `No migrations on ${target.url}.\n`);
    assert.deepEqual(await home.json(['files', 'ls', '--profile', 'tgt']), []);
  });

  it('creates a package from --objects-from FILE and transfers it by the PKG:IMP id that create printed, ending with counts by action', async () => {
    const list = path.join(workDir, 'objects.txt');
    await writeFile(list, `# the Year, Month and Quarter attributes\n${OBJECTS[0]}\n\n${OBJECTS[1]}  # month\n${OBJECTS[2]}\n`);
    const created = await home.run(['migrations', 'create', '--profile', 'src', '--project', TUTORIAL, '--objects-from', list, '--name', 'records']);
    assert.equal(created.code, 0, created.stderr);
    const printed = /^([0-9A-F]{32}:[0-9A-F]{32}): created: /.exec(created.stdout);
    assert.ok(printed, created.stdout);
    const record = await json(await source.request('GET', `/api/migrations/${printed[1]}?showContent=tocview`, { token: await source.login() }), 200);
    assert.deepEqual(new Set(record.packageInfo.tocView.content.map((r: Json) => `${r.id}:${r.type}`)), new Set(OBJECTS));
    packageId = record.packageInfo.id;

    const moved = await home.run(['transfer', must(printed[1], 'the id create printed'), '--from', 'src', '--to', 'tgt', '--project', TUTORIAL]);
    assert.equal(moved.code, 0, moved.stderr);
    const [first, counts] = moved.stdout.trimEnd().split('\n');
    migrationId = must(/^([0-9A-F]{32}:[0-9A-F]{32}): /.exec(first ?? '')?.[1], `the migration id first in: ${moved.stdout}`);
    const report = await json(await target.request('GET', `/api/migrations/${migrationId}/report`, { token: await target.login() }), 200);
    const byAction = new Map<string, number>();
    for (const row of report.data as Json[]) byAction.set(row.action, (byAction.get(row.action) ?? 0) + 1);
    assert.ok(report.total > 0);
    assert.match(counts ?? '', /^objects: \d+ [A-Z]/);
    const said = [...(counts ?? '').slice('objects: '.length).matchAll(/(\d+) ([^,]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.equal(said, report.total, `${counts} counts every object of the report`);
    const asJson = await home.json(['transfer', packageId, '--from', 'src', '--to', 'tgt', '--project', TUTORIAL]);
    assert.deepEqual(asJson.actions, Object.fromEntries(byAction), 'the raw actions under --json');
  });

  it('lists files and migrations in aligned columns, with human statuses (raw under --json) and the source', async () => {
    const files = await home.run(['files', 'ls', '--profile', 'tgt']);
    const fileLines = assertAligned(files.stdout);
    assert.match(must(fileLines[0], 'a header line'), /^ID +NAME +TYPE +SIZE +STATE +SOURCE +PACKAGE +SIGNATURE$/);
    const [bytes] = await Promise.all([
      source
        .request('GET', `/api/migrations/packages/${packageId}/binary`, { token: await source.login() })
        .then(async (r) => Buffer.from(await r.arrayBuffer())),
    ]);
    const header = await readPackageHeader(Readable.from([bytes]));
    assert.ok(
      fileLines.slice(1).every((l) => l.includes('Uploaded') && l.includes(`(package ${header.packageId})`)),
      files.stdout,
    );

    const migrations = await home.run(['migrations', 'ls', '--profile', 'tgt']);
    const lines = assertAligned(migrations.stdout);
    const row = lines.find((l) => l.startsWith(migrationId));
    assert.ok(row, migrations.stdout);
    assert.match(row, /Uploaded package +Locked +Imported$/);
    assert.doesNotMatch(migrations.stdout, /migration_from_shared_file_store|imported$/m);
    const raw = (await home.json(['migrations', 'ls', '--profile', 'tgt'])) as unknown as Json[];
    assert.equal(raw.find((r) => r.id === migrationId)?.importInfo.status, 'imported');
  });

  it('shows one record readably, traced to its source; --json gives the record', async () => {
    const shown = await home.run(['migrations', 'show', migrationId, '--profile', 'tgt']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.doesNotMatch(shown.stdout, /^\{/);
    assert.match(shown.stdout, new RegExp(`^Migration: +${migrationId}$`, 'm'));
    assert.match(shown.stdout, /^Import: +Imported$/m);
    assert.match(shown.stdout, /^Source package: +[0-9A-F]{32}$/m);
    const record = await home.json(['migrations', 'show', migrationId, '--profile', 'tgt']);
    assert.equal(record.id, migrationId);
    assert.match(shown.stdout, new RegExp(`^Source package: +${record.packageInfo.source.packageId}$`, 'm'));
    assert.equal(record.packageInfo.source.packageId, packageId, 'the source package id is the id the source gave it');
  });

  it('prints every error in one format', async () => {
    const usage = await home.run(['migrations', 'show', 'not-an-id', '--profile', 'tgt']);
    assert.equal(usage.code, 2);
    assert.match(must(usage.stderr.split('\n')[0], 'a first line of stderr'), /^packstore: <migrationId> must be <packageId>:<importId>/);
    const unknown = await home.run(['files', 'ls', '--no-such-option']);
    assert.equal(unknown.code, 2);
    assert.match(must(unknown.stderr.split('\n')[0], 'a first line of stderr'), /^packstore: unknown option '--no-such-option'$/);
    const server = await home.run(['migrations', 'status', `${'A'.repeat(32)}:${'B'.repeat(32)}`, '--profile', 'tgt']);
    assert.equal(server.code, 1);
    assert.match(server.stderr, LIBRARY_ERROR_LINE);
    for (const r of [usage, unknown, server]) assert.doesNotMatch(r.stderr, /^(error|Error):/m);
  });

  it('names the body limit it hit, and the setting that raises it', async () => {
    const list = path.join(workDir, 'many.txt');
    await writeFile(list, Array.from({ length: 400 }, (_, i) => `${i.toString(16).toUpperCase().padStart(32, '0')}:4`).join('\n'));
    const r = await home.run(['migrations', 'create', '--profile', 'src', '--project', TUTORIAL, '--objects-from', list]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^packstore: ERR006: The request body is larger than the limit of 8192 bytes \(server\.recordBodyLimit\)\./m);
  });

  it('removes the uploaded file with the migration, and says so', async () => {
    const before = (await home.json(['files', 'ls', '--profile', 'tgt'])) as unknown as Json[];
    const record = await home.json(['migrations', 'show', migrationId, '--profile', 'tgt']);
    const file = before.find((f) => f.path === record.packageInfo.storage.path);
    assert.ok(file, 'the imported package came from an uploaded file');
    const removed = await home.run(['migrations', 'rm', migrationId, '--profile', 'tgt']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, new RegExp(`^deleted package ${migrationId.slice(0, 32)}\\ndeleted its uploaded file .+ \\(${file.id}\\)\\n$`));
    const after = (await home.json(['files', 'ls', '--profile', 'tgt'])) as unknown as Json[];
    assert.equal(
      after.find((f) => f.id === file.id),
      undefined,
    );
  });
});

describe('npm run demo checks before it starts', () => {
  it('refuses ports that are taken, names them, and starts nothing', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const data = await mkdtemp(path.join(tmpdir(), 'packstore-demo-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', DEMO], {
        env: { ...process.env, PACKSTORE_DEMO_PORTS: `${port},${port + 1 === 65536 ? port - 1 : port + 1}`, PACKSTORE_DEMO_DATA: path.join(data, 'demo') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 1, stderr);
      assert.match(
        stderr,
        new RegExp(
          `^packstore: demo: cannot start:\\n  port ${port} \\(the source environment\\) is taken: another server is already answering on it\\. .*PACKSTORE_DEMO_PORTS=`,
        ),
      );
      assert.equal(existsSync(path.join(data, 'demo')), false, 'nothing was started or written');
    } finally {
      taken.close();
      await rm(data, { recursive: true, force: true });
    }
  });
});
