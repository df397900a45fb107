/**
 * bench:scale — issue 16's scenario end to end over HTTP against a server run as a child process:
 * a project of BENCH_OBJECTS (default 1,000,000) is seeded, packaged as a project merge, uploaded
 * and imported into an empty project while clients poll the migration, log in and list migrations
 * without pause. Prints p50/p99 per kind of call during the import, obj/s, the progress values the
 * polls saw, then undoes the import; the server's RSS (VmRSS from /proc) is sampled from the idle server
 * through creation, import and undo (issue 16: growth under 300 MB), on SQLite and PostgreSQL (DIALECTS).
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { openEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { createTestEnvironmentFiles, dialects } from '../test/support/env.js';
import { must } from '../test/support/must.js';
import { caller, login as loginAs, ok, percentile, rssMb, serveFromSources, type Call } from './support/child-server.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 1_000_000);
const PASSWORD = 'bench-scale-password';
const SOURCE_PROJECT = 'B0000000000000000000000000000001';
const TARGET_PROJECT = 'B0000000000000000000000000000002';
const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const login = (call: Call) => loginAs(call, PASSWORD);

/** Repeats `work` one call after another until `running()` is false, timing each call. */
async function keepCalling(running: () => boolean, work: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  while (running()) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function waitFor(call: Call, token: string, id: string, done: (imp: Record<string, unknown>, pkg: Record<string, unknown>) => boolean) {
  for (;;) {
    const record = await ok(await call('GET', `/api/migrations/${id}`, { token }), 'poll');
    const imp = record.importInfo as Record<string, unknown>;
    const pkg = record.packageInfo as Record<string, unknown>;
    if (done(imp, pkg)) return { imp, pkg };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Record<string, string | number>> {
  const files = await createTestEnvironmentFiles(dialect);
  try {
    process.stderr.write(`[${dialect}] seeding ${OBJECTS} objects…\n`);
    const seeding = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: PASSWORD } });
    await growProject(seeding.ctx.metadata, { projectId: SOURCE_PROJECT, objects: OBJECTS });
    await growProject(seeding.ctx.metadata, { projectId: TARGET_PROJECT, objects: 0 });
    await seeding.close();

    const server = await serveFromSources(files.dataDir, {
      PACKSTORE_ADMIN_PASSWORD: PASSWORD,
      PACKSTORE_DATABASE_URL: files.config.databaseUrl,
      PACKSTORE_SERVER_RECORDBODYLIMIT: String(256 * 1024 * 1024),
    });
    try {
      const pid = must(server.child.pid, 'the server pid');
      const call = caller(server.url);
      const token = await login(call);
      const rssIdle = await rssMb(pid);
      const peaks = { create: rssIdle, import: rssIdle, undo: rssIdle };
      let phase: keyof typeof peaks = 'create';
      // On a failure the server is ended: a sample then finds no /proc entry, and must neither crash the bench
      // before it cleans up (catch) nor keep it running after (unref).
      const sampler = setInterval(
        () =>
          void rssMb(pid)
            .then((mb) => (peaks[phase] = Math.max(peaks[phase], mb)))
            .catch(() => undefined),
        100,
      ).unref();
      process.stderr.write(`[${dialect}] creating a project merge package…\n`);
      const created = await ok(
        await call('POST', '/api/migrations', {
          token,
          headers: { 'X-MSTR-ProjectID': SOURCE_PROJECT },
          json: {
            packageInfo: { name: 'scale', type: 'project', purpose: 'project_merge', tocView: { settings: { defaultAction: 'replace' } } },
            importInfo: {},
          },
        }),
        'package creation',
      );
      const createdId = String(created.id);
      const createStart = performance.now();
      const { pkg } = await waitFor(call, token, createdId, (_imp, p) => p.status !== 'creating');
      const createSeconds = (performance.now() - createStart) / 1000;
      if (pkg.status !== 'created') throw new Error(`package creation ended ${String(pkg.status)}: ${String(pkg.message)}`);
      const packageId = createdId.split(':')[0];
      const binary = await call('GET', `/api/migrations/packages/${packageId}/binary`, { token });
      const bytes = Buffer.from(await binary.arrayBuffer());

      const file = await ok(
        await call('POST', FILES, {
          token,
          json: {
            name: 'scale',
            type: 'migrations.packages',
            extension: 'mmp',
            size: bytes.length,
            sha256: createHash('sha256').update(bytes).digest('hex'),
            environment: { id: 'http://bench', name: 'bench' },
          },
        }),
        'file metadata',
      );
      const boundary = 'benchscaleboundary';
      const multipart = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scale.mmp"\r\n\r\n`),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      await ok(
        await call('PUT', `${FILES}/${String(file.id)}/binary`, {
          token,
          body: multipart,
          headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        }),
        'upload',
      );

      phase = 'import';
      const imported = await ok(
        await call('POST', '/api/migrations', {
          token,
          headers: { 'X-MSTR-ProjectID': TARGET_PROJECT, Prefer: 'respond-async' },
          json: {
            packageInfo: { storage: { sharedFileStore: { files: { id: file.id } } }, purpose: 'migration_from_shared_file_store' },
            importInfo: { environment: { id: `${server.url}/`, name: 'bench' }, project: { id: TARGET_PROJECT, name: 'target' } },
          },
        }),
        'import',
      );
      const importId = String(imported.id);
      process.stderr.write(`[${dialect}] importing ${(bytes.length / 1e6).toFixed(1)} MB while clients poll, log in and list…\n`);
      const importStart = performance.now();
      let running = true;
      let final = '';
      const progress = new Set<number>();
      const [polls, logins, lists] = await Promise.all([
        keepCalling(
          () => running,
          async () => {
            const record = await ok(await call('GET', `/api/migrations/${importId}`, { token }), 'poll');
            const imp = record.importInfo as { status: string; progress: number; message: string };
            progress.add(imp.progress);
            if (imp.status !== 'importing' && imp.status !== 'pending') {
              running = false;
              final = `${imp.status} ${imp.message}`;
            }
          },
        ),
        keepCalling(
          () => running,
          async () => void (await login(call)),
        ),
        keepCalling(
          () => running,
          async () => void (await ok(await call('GET', '/api/migrations?packageInfo.purpose=migration_from_shared_file_store&limit=25', { token }), 'list')),
        ),
      ]);
      const importSeconds = (performance.now() - importStart) / 1000;
      if (!final.startsWith('imported')) throw new Error(`the import ended ${final}`);
      phase = 'undo';
      process.stderr.write(`[${dialect}] undoing the import…\n`);
      const undoStart = performance.now();
      for (const status of ['requested', 'approved']) {
        await ok(
          await call('PATCH', `/api/migrations/${importId}`, {
            token,
            headers: { 'X-MSTR-ProjectID': TARGET_PROJECT, Prefer: 'respond-async' },
            json: { importInfo: { undoRequestStatus: status } },
          }),
          `undo ${status}`,
        );
      }
      const { imp: undone } = await waitFor(call, token, importId, (imp) => imp.status !== 'undoing' && imp.status !== 'imported');
      const undoSeconds = (performance.now() - undoStart) / 1000;
      if (undone.status !== 'undo_success') throw new Error(`the undo ended ${String(undone.status)}: ${String(undone.message)}`);
      clearInterval(sampler);
      peaks.undo = Math.max(peaks.undo, await rssMb(pid));
      const growth = (peak: number) => Math.round(peak - rssIdle);
      const ms = (times: number[], p: number) => percentile(times, p).toFixed(0);
      return {
        dialect,
        objects: OBJECTS,
        'package MB': (bytes.length / 1e6).toFixed(1),
        'create obj/s': Math.round(OBJECTS / createSeconds),
        'import obj/s': Math.round(OBJECTS / importSeconds),
        'undo obj/s': Math.round(OBJECTS / undoSeconds),
        'poll p50/p99 ms': `${ms(polls, 50)}/${ms(polls, 99)}`,
        'login p50/p99 ms': `${ms(logins, 50)}/${ms(logins, 99)}`,
        'list p50/p99 ms': `${ms(lists, 50)}/${ms(lists, 99)}`,
        calls: polls.length + logins.length + lists.length,
        'progress seen': [...progress].sort((a, b) => a - b).join(' '),
        'idle RSS MB': Math.round(rssIdle),
        'RSS growth MB create/import/undo': `${growth(peaks.create)}/${growth(peaks.import)}/${growth(peaks.undo)}`,
      };
    } finally {
      await server.kill();
    }
  } finally {
    await files.dispose();
  }
}

const results = [];
for (const dialect of dialects()) results.push(await benchDialect(dialect));
process.stdout.write(`\nbench:scale — a project merge of ${OBJECTS} objects imported over HTTP while clients poll, log in and list\n`);
console.table(results);
