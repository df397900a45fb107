import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD } from './support/server.js';
import { CLI_FROM_SOURCES } from './support/cli.js';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';

// The process's start and its log format do not depend on the database: SQLite is enough.
describe('where you are: environment badge, root redirect, console URL, log format [sqlite]', () => {
  let files: TestEnvironmentFiles;
  let server: ServeProcess | undefined;
  before(async () => {
    files = await createTestEnvironmentFiles('sqlite');
  });
  after(async () => {
    await server?.kill();
    await files.dispose();
  });

  const args = () => [...CLI_FROM_SOURCES, 'serve', '--port', '0', '--data-dir', files.dataDir];
  const env = (more: Record<string, string>) => ({ PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD, PACKSTORE_DATABASE_URL: files.config.databaseUrl, ...more });

  it('prints the console URL, logs JSON lines into a pipe, leads / to the console and names the environment', async () => {
    server = await startServeProcess(
      process.execPath,
      args(),
      env({ PACKSTORE_ENVIRONMENT_NAME: 'Prod EU', PACKSTORE_ENVIRONMENT_COLOUR: '#B00020', PACKSTORE_ENVIRONMENT_PRODUCTION: 'true' }),
    );
    await server.waitForOutput(/Packstore console: \S+/);
    await server.waitForOutput(/"msg":"packstore ready"/);
    assert.match(server.output(), new RegExp(`Packstore console: ${server.url}/console/\\n`));
    const logLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    assert.ok(logLines.length >= 2, 'log lines are JSON when stdout is not a terminal');
    assert.ok(logLines.some((line) => (JSON.parse(line) as { msg: string }).msg === 'packstore ready'));

    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/console/');
    const badge = await fetch(`${server.url}/api/environment`);
    assert.equal(badge.status, 200);
    assert.deepEqual(await badge.json(), { name: 'Prod EU', colour: '#b00020', production: true });
    await server.kill();
    server = undefined;
  });

  it('logs readable lines with log.format=pretty', async () => {
    server = await startServeProcess(process.execPath, args(), env({ PACKSTORE_LOG_FORMAT: 'pretty' }));
    await server.waitForOutput(/INFO.*packstore ready/);
    assert.ok(
      !server
        .output()
        .split('\n')
        .some((line) => line.startsWith('{"level"')),
      'no JSON lines',
    );
    const badge = (await (await fetch(`${server.url}/api/environment`)).json()) as { name: string; production: boolean };
    assert.deepEqual(badge, { name: 'Packstore', colour: '#1d4f7a', production: false });
    await server.kill();
    server = undefined;
  });

  it('refuses a colour that is not #rrggbb, naming the key', () => {
    const run = spawnSync(process.execPath, args(), { env: { ...process.env, ...env({ PACKSTORE_ENVIRONMENT_COLOUR: 'red' }) }, encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /environment\.colour.*#rrggbb/);
  });
});
