/**
 * bench:diff — diffs a package of BENCH_DIFF (default 100,000) objects against a project of
 * BENCH_PROJECT (default 1,000,000) generated objects, on SQLite and PostgreSQL, through the diff
 * service as POST /api/migrations/diff runs it (a job, as the API runs a package this large: read the
 * package, plan each page with the import engine, diff every field, store the rows, fingerprint),
 * against a hand-written baseline in the same run: the same look-ups of the target objects by id, a page at a time, through the same driver,
 * with nothing computed or stored. Half the package's objects are changed (new version, name,
 * definition), half are as the target holds them. Prints objects/s, their ratio, p50/p99 of
 * paging the stored diff, the first page read after a write to the project, and peak RSS growth.
 * DIALECTS narrows.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers/promises';
import { PassThrough } from 'node:stream';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { createTestEnvironmentFiles, dialects } from '../test/support/env.js';
import { isPostgresUrl } from '../src/store/db/connect.js';
import { writePackage } from '../src/domain/mmp/index.js';
import { packagePath } from '../src/domain/storage-keys.js';
import { fileIdFromGuid, newGuid } from '../src/domain/ids.js';
import type { PackageEntry } from '../src/domain/mmp/types.js';
import type { MetadataRepository } from '../src/store/metadata/repository.js';

const PROJECT_OBJECTS = Number(process.env.BENCH_PROJECT ?? 1_000_000);
const DIFF_OBJECTS = Math.min(PROJECT_OBJECTS, Number(process.env.BENCH_DIFF ?? 100_000));
const PROJECT = 'A0000000000000000000000000000004';
const PAGE = 1000;
const PAGE_READS = 40;

/** Peak RSS, sampled while the work runs. */
function rssSampler(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function benchDialect(dialect: 'sqlite' | 'postgres') {
  const files = await createTestEnvironmentFiles(dialect);
  const env = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: 'bench-password' } });
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

    const base = await baseline(files.config.databaseUrl, ids);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    const sampler = rssSampler();
    const cpu = process.cpuUsage();
    const start = performance.now();
    // As the API runs it: a package over diff.syncMaxBytes is diffed by a job (202), followed until done.
    ctx.jobs.runner.start();
    let diff = await ctx.packageDiffs.start({ source: { kind: 'file', id: fileIdFromGuid(guid), undo: false }, projectId: PROJECT, userId: guid });
    while (diff.status === 'running') {
      await setTimeout(10);
      diff = await ctx.packageDiffs.require(diff.id);
    }
    const seconds = (performance.now() - start) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    const peak = sampler.stop();
    if (diff.status !== 'done' || diff.summary?.total !== DIFF_OBJECTS) throw new Error(`the diff did not finish: ${diff.status} ${diff.message}`);

    const times: number[] = [];
    for (let i = 0; i < PAGE_READS; i++) {
      const t = performance.now();
      await ctx.packageDiffs.read(diff.id, { offset: Math.floor((i / PAGE_READS) * DIFF_OBJECTS), limit: 100, actions: i % 2 ? ['replace'] : [] });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    // A write to the project: the next read takes the fingerprint again over the whole diff, the one after does not.
    const [touched] = ids[0] ?? [];
    const object = touched ? await ctx.metadata.getObject(PROJECT, touched) : undefined;
    if (object) await ctx.metadata.upsertObjects(PROJECT, [{ ...object, description: 'touched by the bench' }]);
    const afterWrite = performance.now();
    await ctx.packageDiffs.read(diff.id, { offset: 0, limit: 100 });
    const recheck = performance.now() - afterWrite;
    return {
      dialect,
      project: PROJECT_OBJECTS,
      objects: DIFF_OBJECTS,
      'diff obj/s': Math.round(DIFF_OBJECTS / seconds),
      'baseline obj/s': Math.round(DIFF_OBJECTS / base),
      // This process's CPU time per object (SQLite's work included; PostgreSQL's is another process): steadier than objects/s under load.
      'CPU µs/obj': Math.round((user + system) / DIFF_OBJECTS),
      ratio: +(base / seconds).toFixed(2),
      'page p50 ms': +percentile(times, 50).toFixed(1),
      'page p99 ms': +percentile(times, 99).toFixed(1),
      'read after a write ms': Math.round(recheck),
      'RSS growth MB': Math.round((peak - rssBefore) / 1024 / 1024),
      summary: JSON.stringify(diff.summary?.byAction),
    };
  } finally {
    await ctx.jobs.runner.stop();
    await env.close();
    await files.dispose();
  }
}

const results = [];
for (const dialect of dialects()) results.push(await benchDialect(dialect));
console.table(results);
console.log(
  'aim: 20,000 obj/s or more; RSS growth under 200 MB; a page read checks staleness by the project revision; the first read after a write takes the fingerprint again over the whole diff',
);
