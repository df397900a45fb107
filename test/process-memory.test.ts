import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GLIBC_MALLOC_TUNABLE, mallocAdvice, runsOnGlibc, withMallocTunable } from '../src/cli/process-memory.js';
import { createTestEnvironmentFiles, type TestEnvironmentFiles } from './support/env.js';
import { ADMIN_PASSWORD } from './support/server.js';
import { CLI_FROM_SOURCES } from './support/cli.js';
import { startServeProcess } from './support/serve-process.js';

describe('process memory settings', () => {
  it('advises the mmap threshold on glibc only, and only when no setting names it', () => {
    assert.match(mallocAdvice({}, true) ?? '', new RegExp(`GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLE}`));
    assert.equal(mallocAdvice({}, false), undefined, 'musl and other systems have no such tunable');
    assert.equal(mallocAdvice({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }, true), undefined, 'the operator’s own value');
    assert.equal(mallocAdvice({ MALLOC_MMAP_THRESHOLD_: '1048576' }, true), undefined, 'the older variable');
    assert.ok(mallocAdvice({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, true), 'another tunable does not set the threshold');
  });

  it('adds the tunable to the environment, keeping other tunables and an operator’s threshold', () => {
    assert.equal(withMallocTunable({ PATH: '/bin' }).GLIBC_TUNABLES, GLIBC_MALLOC_TUNABLE);
    assert.equal(withMallocTunable({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }).GLIBC_TUNABLES, `glibc.malloc.arena_max=2:${GLIBC_MALLOC_TUNABLE}`);
    assert.equal(withMallocTunable({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }).GLIBC_TUNABLES, 'glibc.malloc.mmap_threshold=65536');
    assert.equal(withMallocTunable({ MALLOC_MMAP_THRESHOLD_: '1' }).GLIBC_TUNABLES, undefined);
  });

  it('npm start and the systemd unit start the server with the tunable', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
    assert.match(pkg.scripts.start, new RegExp(`GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLE} `));
    assert.match(
      readFileSync(new URL('../docs/deploy/packstore.service', import.meta.url), 'utf8'),
      new RegExp(`^Environment=GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLE}$`, 'm'),
    );
  });

  it('fixes V8’s heap growing factor at 1.6: the limit V8 sets after a full collection follows it', () => {
    // Node 20's V8 prints the factor; later ones print only the sizes: the limit is the live size times the
    // factor plus the young generation (16–32 MB), so ~78 MB live gives a limit of 1.8–2.0 times, V8's own 4.0 over 4.
    const limitRatio = (fix: boolean) => {
      const setup = fix ? "import { fixHeapGrowingFactor } from './src/cli/process-memory.ts'; fixHeapGrowingFactor();" : '';
      const script = `${setup} const keep = []; for (let i = 0; i < 1e6; i++) keep.push({ i, s: 'x' + i }); globalThis.gc(); globalThis.keep = keep;`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', '--trace-gc-verbose', '--input-type=module', '-e', script], {
        cwd: new URL('..', import.meta.url),
        encoding: 'utf8',
      });
      assert.equal(run.status, 0, run.stderr);
      const limits = [...run.stdout.matchAll(/\[HeapController\] Limit: old size: (\d+) KB, new limit: (\d+) KB/g)];
      const last = limits.at(-1);
      assert.ok(last, 'V8 traced the limit it set');
      return Number(last[2]) / Number(last[1]);
    };
    const fixed = limitRatio(true);
    assert.ok(fixed > 1.5 && fixed < 2.5, `limit / live size with the factor fixed: ${fixed}`);
    assert.ok(limitRatio(false) > fixed, 'V8 chose a larger factor by itself');
  });
});

// The process's start does not depend on the database: SQLite is enough.
describe('packstore serve and its memory settings [sqlite]', () => {
  let files: TestEnvironmentFiles;
  before(async () => {
    files = await createTestEnvironmentFiles('sqlite');
  });
  after(async () => {
    await files.dispose();
  });

  const serve = async (env: Record<string, string | undefined>) => {
    const args = [...CLI_FROM_SOURCES, 'serve', '--port', '0', '--data-dir', files.dataDir];
    const server = await startServeProcess(process.execPath, args, {
      PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      PACKSTORE_DATABASE_URL: files.config.databaseUrl,
      ...env,
    });
    try {
      await server.waitForOutput(/"msg":"packstore ready"/);
      return server.output();
    } finally {
      await server.kill();
    }
  };

  it('warns at start on glibc without the mmap threshold, and V8 knows the heap growth flag', async () => {
    const output = await serve({ GLIBC_TUNABLES: undefined, MALLOC_MMAP_THRESHOLD_: undefined });
    assert.equal(/"level":40,[^\n]*mmap threshold is not set/.test(output), runsOnGlibc(), output);
    assert.doesNotMatch(output, /unrecognized flag/, 'the heap growth flag is one this V8 knows');
  });

  it('starts without the warning with the setting npm start gives it', async () => {
    const output = await serve({ GLIBC_TUNABLES: GLIBC_MALLOC_TUNABLE, MALLOC_MMAP_THRESHOLD_: undefined });
    assert.doesNotMatch(output, /mmap threshold is not set/);
    assert.doesNotMatch(output, /unrecognized flag/);
  });
});
