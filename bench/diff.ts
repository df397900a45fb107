/**
 * bench:diff — diffs a package of BENCH_DIFF (default 100,000) objects against a project of
 * BENCH_PROJECT (default 1,000,000) generated objects, on SQLite and PostgreSQL, through the diff
 * server in its own process, over HTTP: POST /api/migrations/diff (a job, as the API runs a package
 * this large: read the package, plan each page with the import engine, diff every field, store the
 * rows, fingerprint), polled until done, against a hand-written baseline in the same run: the same
 * look-ups of the target objects by id, a page at a time, through the same driver, with nothing
 * computed or stored. Half the package's objects are changed (new version, name, definition), half
 * are as the target holds them. Prints objects/s, their ratio, the server's CPU time an object,
 * p50/p99 of paging the stored diff, the first page read after a write to the project, and the
 * server's peak RSS growth over its idle RSS. DIALECTS narrows.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { createTestEnvironmentFiles, dialects, type TestEnvironmentFiles } from '../test/support/env.js';
import { isPostgresUrl } from '../src/store/db/connect.js';
import { writePackage } from '../src/domain/mmp/index.js';
import { packagePath } from '../src/domain/storage-keys.js';
import { fileIdFromGuid, newGuid } from '../src/domain/ids.js';
import type { PackageEntry } from '../src/domain/mmp/types.js';
import type { MetadataRepository } from '../src/store/metadata/repository.js';
import { must } from '../test/support/must.js';
import { caller, cpuSeconds, login, ok, percentile, rssMb, serveFromSources } from './support/child-server.js';

const PROJECT_OBJECTS = Number(process.env.BENCH_PROJECT ?? 1_000_000);
const DIFF_OBJECTS = Math.min(PROJECT_OBJECTS, Number(process.env.BENCH_DIFF ?? 100_000));
const PROJECT = 'A0000000000000000000000000000004';
const PAGE = 1000;
const PAGE_READS = 40;
const PASSWORD = 'bench-password';

/** Every other object changed: the package's pages, streamed from the project itself. */
async function* packagePages(metadata: MetadataRepository): AsyncGenerator<PackageEntry[]> {
  let taken = 0;
  for await (const batch of metadata.iterateObjects(PROJECT, PAGE)) {
    const page = batch.slice(0, DIFF_OBJECTS - taken).map(
      (object, i): PackageEntry => ({
        action: 'replace',
        explicitIncluded: true,
        level: 'project_object',
        object: i % 2 === 0 ? object : { ...object, version: newGuid(), name: `${object.name} v2`, definition: { ...object.definition, bench: i } },
      }),
    );
    taken += page.length;
    yield page;
    if (taken >= DIFF_OBJECTS) return;
  }
}

/** The baseline: the target objects of every page, by id, through the dialect's own driver. */
async function baseline(url: string, ids: string[][]): Promise<number> {
  const start = performance.now();
  if (isPostgresUrl(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    for (const chunk of ids) await client.query('SELECT * FROM objects WHERE project_id = $1 AND id = ANY($2)', [PROJECT, chunk]);
    await client.end();
  } else {
    const db = new SQLite(url, { readonly: true });
    const statement = db.prepare(`SELECT * FROM objects WHERE project_id = ? AND id IN (${Array.from({ length: PAGE }, () => '?').join(',')})`);
    for (const chunk of ids) statement.all(PROJECT, ...chunk, ...Array.from({ length: PAGE - chunk.length }, () => ''));
    db.close();
  }
  return (performance.now() - start) / 1000;
}

/** What the diff is run on, prepared in this process: the project, the package as an uploaded file, the ids of its pages. */
interface Prepared {
  fileId: string;
  ids: string[][];
  /** An object of the package, and its type, that the bench changes after the diff. */
  touched?: { id: string; type: number };
}

async function prepare(files: TestEnvironmentFiles, dialect: 'sqlite' | 'postgres'): Promise<Prepared> {
  const env = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: PASSWORD } });
  const { ctx } = env;
  try {
    process.stderr.write(`[${dialect}] seeding a project of ${PROJECT_OBJECTS} objects…\n`);
    await growProject(ctx.metadata, { projectId: PROJECT, objects: PROJECT_OBJECTS });
    await ctx.metadata.refreshStatistics();

    process.stderr.write(`[${dialect}] writing a package of ${DIFF_OBJECTS} objects…\n`);
    const guid = newGuid();
    const now = new Date();
    const path = packagePath(guid, now);
    const body = new PassThrough();
    const blobs = await ctx.storage.blobs();
    const stored = blobs.put(path, body, { maxBytes: Number.MAX_SAFE_INTEGER });
    const ids: string[][] = [];
    async function* remembered() {
      for await (const page of packagePages(ctx.metadata)) {
        ids.push(page.map((e) => e.object.id));
        yield page;
      }
    }
    await writePackage(
      body,
      {
        formatVersion: 2,
        platformVersion: '11.5.1000.0100',
        packageId: newGuid(),
        packageType: 'project',
        purpose: 'object_migration',
        name: 'bench',
        createdAt: now.toISOString(),
        creator: { id: guid, name: 'bench' },
        sourceEnvironment: { id: 'http://bench', name: 'bench' },
        settings: { defaultAction: 'replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
      },
      remembered(),
    );
    const blob = await stored;
    const who = { id: guid, name: 'bench' };
    await ctx.files.insertWithinLimit(
      {
        guid,
        name: 'bench',
        size: blob.size,
        sha256: blob.sha256,
        existing: true,
        creator: who,
        environment: who,
        packageId: newGuid(),
        packageType: 'project',
        packagePurpose: 'object_migration',
        path,
        createdAt: now,
        updatedAt: now,
      },
      Number.MAX_SAFE_INTEGER,
    );

    const [first] = ids[0] ?? [];
    const touched = first ? await ctx.metadata.getObject(PROJECT, first) : undefined;
    return { fileId: fileIdFromGuid(guid), ids, ...(touched ? { touched: { id: touched.id, type: touched.type } } : {}) };
  } finally {
    await env.close();
  }
}

async function seedAndDiff(dialect: 'sqlite' | 'postgres') {
  const files = await createTestEnvironmentFiles(dialect);
  try {
    const prepared = await prepare(files, dialect);
    const base = await baseline(files.config.databaseUrl, prepared.ids);
    return { base, ...(await diffInServer(files, prepared)) };
  } finally {
    await files.dispose();
  }
}

/** The diff as a client gets it: the server in its own process, over HTTP; its RSS and CPU time read from /proc. */
async function diffInServer(files: TestEnvironmentFiles, { fileId, touched }: Prepared) {
  const server = await serveFromSources(files.dataDir, {
    PACKSTORE_ADMIN_PASSWORD: PASSWORD,
    PACKSTORE_DATABASE_URL: files.config.databaseUrl,
  });
  try {
    const pid = must(server.child.pid, 'the server pid');
    const call = caller(server.url);
    const token = await login(call, PASSWORD);
    const project = { 'X-MSTR-ProjectID': PROJECT };
    const rssIdle = await rssMb(pid);
    let peak = rssIdle;
    const sampler = setInterval(
      () =>
        void rssMb(pid).then(
          (mb) => (peak = Math.max(peak, mb)),
          () => undefined,
        ),
      50,
    ).unref();
    const cpuBefore = await cpuSeconds(pid);
    const start = performance.now();
    // A package over diff.syncMaxBytes is diffed by a job (202), followed until done.
    const started = await ok(
      await call('POST', '/api/migrations/diff', {
        token,
        headers: project,
        json: { packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } } }, importInfo: { project: { id: PROJECT } } },
      }),
      'the diff',
    );
    const id = String(started.id);
    let diff = started;
    while (diff.status === 'running') {
      await setTimeout(10);
      diff = await ok(await call('GET', `/api/migrations/diff/${id}?limit=1`, { token }), 'a diff poll');
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = (await cpuSeconds(pid)) - cpuBefore;
    clearInterval(sampler);
    const summary = diff.summary as { total: number; byAction: Record<string, number> } | undefined;
    if (diff.status !== 'done' || summary?.total !== DIFF_OBJECTS) throw new Error(`the diff did not finish: ${String(diff.status)} ${String(diff.message)}`);

    const times: number[] = [];
    for (let i = 0; i < PAGE_READS; i++) {
      const t = performance.now();
      const action = i % 2 ? '&action=replace' : '';
      await ok(await call('GET', `/api/migrations/diff/${id}?offset=${Math.floor((i / PAGE_READS) * DIFF_OBJECTS)}&limit=100${action}`, { token }), 'a page');
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    // A write to the project: the next read takes the fingerprint again over the whole diff, the one after does not.
    if (touched) {
      await ok(
        await call('PUT', `/api/objects/${touched.id}?type=${touched.type}`, { token, headers: project, json: { name: 'touched by the bench' } }),
        'a write',
      );
    }
    const afterWrite = performance.now();
    const reread = await ok(await call('GET', `/api/migrations/diff/${id}?limit=100`, { token }), 'the read after a write');
    const recheck = performance.now() - afterWrite;
    if (reread.stale !== true) throw new Error('the read after a write did not find the diff stale');
    return { seconds, cpu, times, recheck, rssGrowth: peak - rssIdle, byAction: summary.byAction };
  } finally {
    await server.kill();
  }
}

async function benchDialect(dialect: 'sqlite' | 'postgres') {
  const { base, seconds, cpu, times, recheck, rssGrowth, byAction } = await seedAndDiff(dialect);
  return {
    dialect,
    project: PROJECT_OBJECTS,
    objects: DIFF_OBJECTS,
    'diff obj/s': Math.round(DIFF_OBJECTS / seconds),
    'baseline obj/s': Math.round(DIFF_OBJECTS / base),
    // The server's CPU time an object (SQLite's work included; PostgreSQL's is another process): steadier than objects/s under load.
    'CPU µs/obj': Math.round((cpu * 1e6) / DIFF_OBJECTS),
    ratio: +(base / seconds).toFixed(2),
    'page p50 ms': +percentile(times, 50).toFixed(1),
    'page p99 ms': +percentile(times, 99).toFixed(1),
    'read after a write ms': Math.round(recheck),
    'RSS growth MB': Math.round(rssGrowth),
    summary: JSON.stringify(byAction),
  };
}

const results = [];
for (const dialect of dialects()) results.push(await benchDialect(dialect));
console.table(results);
console.log(
  'aim: 20,000 obj/s or more; RSS growth under 200 MB; a page read checks staleness by the project revision; the first read after a write takes the fingerprint again over the whole diff',
);
