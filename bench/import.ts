/**
 * bench:import — package creation and import of N objects into a project of M objects, on
 * SQLite and PostgreSQL, against a raw bulk insert of the same rows through the same driver.
 * BENCH_PACKAGE (default 100000), BENCH_PROJECT (default 1000000), DIALECTS=sqlite,postgres.
 */
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openEnvironment, type OpenedEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { createTestEnvironmentFiles, dialects } from '../test/support/env.js';
import { newGuid } from '../src/domain/ids.js';
import type { MetadataObject } from '../src/domain/objects.js';
import { isPostgresUrl } from '../src/store/db/connect.js';

const PACKAGE_OBJECTS = Number(process.env.BENCH_PACKAGE ?? 100_000);
const PROJECT_OBJECTS = Number(process.env.BENCH_PROJECT ?? 1_000_000);
const SOURCE_PROJECT = 'A0000000000000000000000000000001';
const TARGET_PROJECT = 'A0000000000000000000000000000002';
const ADMIN = { id: '54F3D26011D2896560009A8E67019608', name: 'Administrator' };

const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

function rowOf(projectId: string, o: MetadataObject): unknown[] {
  return [
    projectId,
    o.id,
    o.type,
    o.subtype,
    o.name,
    o.description,
    o.folderId,
    o.version,
    o.dateCreated,
    o.dateModified,
    o.ownerId,
    o.ownerName,
    JSON.stringify(o.acl),
    JSON.stringify(o.definition),
    JSON.stringify(o.uses),
    o.hidden ? 1 : 0,
  ];
}

const RAW_TABLE = `CREATE TABLE bench_raw (project_id varchar(32), id varchar(32), type integer, subtype integer, name varchar(250), description text, folder_id varchar(32), version varchar(32), date_created bigint, date_modified bigint, owner_id varchar(32), owner_name varchar(250), acl text, definition text, uses text, hidden integer, PRIMARY KEY (project_id, id))`;

/** The baseline: the same rows, inserted in one transaction with the driver's fastest plain path. */
async function rawBulkInsert(url: string, objects: MetadataObject[]): Promise<number> {
  const rows = objects.map((o) => rowOf(TARGET_PROJECT, o));
  const [first] = rows;
  if (!first) throw new Error('the baseline needs at least one row to insert');
  if (!isPostgresUrl(url)) {
    const db = new SQLite(url);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(RAW_TABLE);
    const insert = db.prepare(`INSERT INTO bench_raw VALUES (${first.map(() => '?').join(',')})`);
    const start = performance.now();
    db.transaction(() => {
      for (const row of rows) insert.run(...row);
    })();
    const ms = performance.now() - start;
    db.close();
    return ms;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(RAW_TABLE);
  const start = performance.now();
  await client.query('BEGIN');
  const perStatement = 1000;
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: unknown[] = [];
    // push answers the new length, which is the value's placeholder number.
    const values = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
    await client.query(`INSERT INTO bench_raw VALUES ${values.join(',')}`, params);
  }
  await client.query('COMMIT');
  const ms = performance.now() - start;
  await client.end();
  return ms;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

async function runJobs(env: OpenedEnvironment): Promise<void> {
  env.ctx.jobs.runner.start();
  await env.ctx.jobs.runner.whenIdle();
  await env.ctx.jobs.runner.stop();
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Record<string, string | number>> {
  const files = await createTestEnvironmentFiles(dialect);
  const env = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: 'bench-password' } });
  try {
    const { metadata, migrationService: service, migrations } = env.ctx;
    process.stderr.write(`[${dialect}] seeding a source project of ${PACKAGE_OBJECTS} and a target of ${PROJECT_OBJECTS} objects…\n`);
    await growProject(metadata, { projectId: SOURCE_PROJECT, objects: PACKAGE_OBJECTS });
    await growProject(metadata, { projectId: TARGET_PROJECT, objects: PROJECT_OBJECTS });
    const sourceObjects: MetadataObject[] = [];
    for await (const page of metadata.iterateObjects(SOURCE_PROJECT, 5000)) sourceObjects.push(...page);
    const content = sourceObjects.map((o) => ({ id: o.id, type: o.type }));

    const [record, createMs] = await timed(async () => {
      const r = await service.createPackage(
        {
          type: 'project',
          purpose: 'object_migration',
          name: 'bench',
          request: { settings: { defaultAction: 'force_replace', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] }, content },
        },
        ADMIN,
        SOURCE_PROJECT,
      );
      await runJobs(env);
      return r;
    });
    const pkg = await migrations.getPackage(record.package.id);
    if (pkg?.status !== 'created') throw new Error(`package creation failed: ${pkg?.message}`);
    if (!pkg.storage) throw new Error('the created package has no stored binary');

    // Import the package into the big target project, as an uploaded package would be imported.
    const imp = {
      ...record.import,
      id: newGuid(),
      status: 'importing' as const,
      importRequestStatus: 'approved' as const,
      project: { id: TARGET_PROJECT, name: 'target' },
    };
    await env.ctx.jobs.submit({ kind: 'import', packageId: pkg.id, importId: imp.id }, (repo) => repo.insertImport(imp).then(() => true));
    const [, importMs] = await timed(() => runJobs(env));
    const done = await migrations.getImport(imp.id);
    if (done?.status !== 'imported') throw new Error(`import failed: ${done?.message}`);

    const baselineMs = await rawBulkInsert(files.config.databaseUrl, sourceObjects);
    return {
      dialect,
      'package MB': (pkg.storage.size / 1e6).toFixed(1),
      'create obj/s': rate(sourceObjects.length, createMs),
      'import obj/s': rate(sourceObjects.length, importMs),
      'raw insert obj/s': rate(sourceObjects.length, baselineMs),
      'import / raw': (baselineMs / importMs).toFixed(2),
      'peak RSS MB': rss(),
    };
  } finally {
    await env.close();
    await files.dispose();
  }
}

const results = [];
for (const dialect of dialects()) results.push(await benchDialect(dialect));
process.stdout.write(`\nbench:import — ${PACKAGE_OBJECTS} objects into a project of ${PROJECT_OBJECTS}\n`);
console.table(results);
