// The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into an empty prefix
// (dependencies come from the npm registry), then the installed `packstore`: server, console and CLI.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dialects, createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD } from './support/server.js';
import { startServeProcess, type ServeProcess } from './support/serve-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
const DEV_ONLY = ['tsx', 'vite', 'preact', 'typescript', '@noble/hashes', 'playwright-core', 's3rver', 'fast-check'];

describe('the packed package, installed globally into an empty prefix', () => {
  let work = '';
  let bin = '';
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'packstore-package-'));
    // The build `npm pack` would run (the prepare script: dist/ and the console), run on its own so that
    // its output, which differs between Node versions, stays out of the JSON that `npm pack` prints.
    await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
    const prefix = path.join(work, 'prefix');
    await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', path.join(work, filename)], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
    bin = path.join(prefix, 'bin', 'packstore');
  });
  after(() => rm(work, { recursive: true, force: true }));

  const installed = () => path.join(work, 'prefix', 'lib', 'node_modules', 'packstore');

  it('holds the compiled build and the console, and no dev dependency nor TypeScript source', async () => {
    assert.ok(existsSync(path.join(installed(), 'dist', 'cli', 'main.js')));
    assert.ok(existsSync(path.join(installed(), 'web', 'dist', 'index.html')));
    assert.ok(!existsSync(path.join(installed(), 'src')), 'no sources');
    for (const name of DEV_ONLY) assert.ok(!existsSync(path.join(installed(), 'node_modules', name)), `${name} is not installed`);
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal((await run(bin, ['--version'])).stdout.trim(), version);
  });

  for (const dialect of dialects()) {
    describe(`its server and CLI [${dialect}]`, () => {
      let files: TestEnvironmentFiles;
      let server: ServeProcess;
      before(async () => {
        files = await createTestEnvironmentFiles(dialect);
        server = await startServeProcess(bin, ['serve', '--port', '0', '--data-dir', files.dataDir], {
          PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
          PACKSTORE_DATABASE_URL: files.config.databaseUrl,
        });
      });
      after(async () => {
        server.child.kill('SIGTERM');
        assert.equal(await server.exited, 0, 'a graceful stop');
        await files.dispose();
      });

      it('answers /api/status, serves the console and accepts a login', async () => {
        assert.equal((await fetch(`${server.url}/api/status`)).status, 200);
        const page = await fetch(`${server.url}/console/`);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<script[^>]+src="\/console\/assets\//);
        const login = await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: ADMIN_PASSWORD }),
        });
        assert.equal(login.status, 204);
        assert.ok(login.headers.get('x-mstr-authtoken'));
      });

      it('its CLI logs in and lists the shared files', async () => {
        const env = { ...process.env, HOME: files.dataDir, XDG_CONFIG_HOME: path.join(files.dataDir, 'config'), PACKSTORE_PASSWORD: ADMIN_PASSWORD };
        await run(bin, ['login', server.url, '--user', 'Administrator'], { env });
        const listed = await run(bin, ['files', 'ls', '--json'], { env });
        assert.deepEqual(JSON.parse(listed.stdout), [], 'a fresh environment has no files');
      });
    });
  }
});
