/**
 * bench:import — package creation and import of N objects into a project of M objects, on
 * SQLite and PostgreSQL, against a raw bulk insert of the same rows through the same driver; then
 * a package of every dashboard of the M-object project with includeDependents, whose dependency
 * walk reaches most of the project.
 * BENCH_PACKAGE (default 100000), BENCH_PROJECT (default 1000000), DIALECTS=sqlite,postgres.
 */
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openEnvironment, type OpenedEnvironment } from '../src/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { createTestEnvironmentFiles, dialects } from '../test/support/env.js';
import { newGuid } from '../src/domain/ids.js';
import { OBJECT_TYPE, type MetadataObject } from '../src/domain/objects.js';
import { SEED_BLOCK_SIZE, seedObject, seedObjectId } from '../src/domain/seed-objects.js';
import type { PackageRequest } from '../src/domain/migrations/records.js';
import { isPostgresUrl } from '../src/store/db/connect.js';
import { PackageTocRepository } from '../src/store/package-toc.js';

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

/** The baseline's table: the columns of a row (rowOf), with their types; the same rows, without the real table's indexes. */
const RAW_COLUMNS = [
  ['project_id', 'varchar(32)'],
  ['id', 'varchar(32)'],
  ['type', 'integer'],
  ['subtype', 'integer'],
  ['name', 'varchar(250)'],
  ['description', 'text'],
  ['folder_id', 'varchar(32)'],
  ['version', 'varchar(32)'],
  ['date_created', 'bigint'],
  ['date_modified', 'bigint'],
  ['owner_id', 'varchar(32)'],
  ['owner_name', 'varchar(250)'],
  ['acl', 'text'],
  ['definition', 'text'],
  ['uses', 'text'],
  ['hidden', 'integer'],
] as const;
const RAW_TABLE = `CREATE TABLE bench_raw (${RAW_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}, PRIMARY KEY (project_id, id))`;

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
  try {
    // Two plain paths, each into a fresh table: a multi-row VALUES (a parameter a value) and one array a column,
    // unnested (a parameter a column; what the import itself now sends). Each runs twice, alternating, so that
    // neither gets the warmer database; the fastest run is the baseline.
    const values = (chunk: unknown[][]): [string, unknown[]] => {
      const params: unknown[] = [];
      // push answers the new length, which is the value's placeholder number.
      const tuples = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
      return [`INSERT INTO bench_raw VALUES ${tuples.join(',')}`, params];
    };
    const unnest = (chunk: unknown[][]): [string, unknown[]] => [
      `INSERT INTO bench_raw SELECT * FROM unnest(${RAW_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(',')})`,
      RAW_COLUMNS.map((_, i) => chunk.map((row) => row[i])),
    ];
    const times: number[] = [];
    for (const statement of [values, unnest, unnest, values]) times.push(await timedPostgresInsert(client, rows, statement));
    return Math.min(...times);
  } finally {
    await client.end();
  }
}

/** Creates bench_raw anew and times inserting the rows into it in one transaction, 1,000 rows a statement. */
async function timedPostgresInsert(client: pg.Client, rows: unknown[][], statement: (chunk: unknown[][]) => [string, unknown[]]): Promise<number> {
  await client.query('DROP TABLE IF EXISTS bench_raw');
  await client.query(RAW_TABLE);
  const start = performance.now();
  await client.query('BEGIN');
  for (let i = 0; i < rows.length; i += 1000) await client.query(...statement(rows.slice(i, i + 1000)));
  await client.query('COMMIT');
  return performance.now() - start;
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

const SETTINGS: PackageRequest['settings'] = {
  defaultAction: 'force_replace',
  aclOnReplacingObjects: 'replace',
  aclOnNewObjects: ['keep_acl_as_source_object'],
};

/** Creates a package of `content` from a project and waits until it is created; answers its object count. */
async function createPackage(env: OpenedEnvironment, projectId: string, content: PackageRequest['content']) {
  const { migrationService: service, migrations } = env.ctx;
  const record = await service.createPackage(
    { type: 'project', purpose: 'object_migration', name: 'bench', request: { settings: SETTINGS, content } },
    ADMIN,
    projectId,
  );
  await runJobs(env);
  const pkg = await migrations.getPackage(record.package.id);
  if (pkg?.status !== 'created') throw new Error(`package creation failed: ${pkg?.message}`);
  if (!pkg.storage) throw new Error('the created package has no stored binary');
  return { record, pkg, storage: pkg.storage };
}

/** Dashboards fill the end of each generated block of SEED_BLOCK_SIZE objects (src/domain/seed-objects.ts). */
const FIRST_DASHBOARD = 95;

/** Every generated dashboard of a project of `objects` objects (its root folder counts as one), each with what it uses. */
function dashboardsWithDependents(objects: number): PackageRequest['content'] {
  if (seedObject(FIRST_DASHBOARD).type !== OBJECT_TYPE.DOCUMENT) throw new Error('the generated layout changed: update FIRST_DASHBOARD');
  const content: PackageRequest['content'] = [];
  for (let index = 0; index < objects - 1; index += 1) {
    if (index % SEED_BLOCK_SIZE >= FIRST_DASHBOARD) content.push({ id: seedObjectId(index), type: OBJECT_TYPE.DOCUMENT, includeDependents: true });
  }
  return content;
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Record<string, string | number>> {
  const files = await createTestEnvironmentFiles(dialect);
  const env = await openEnvironment(files.config, { env: { PACKSTORE_ADMIN_PASSWORD: 'bench-password' } });
  try {
    const { metadata, migrations } = env.ctx;
    process.stderr.write(`[${dialect}] seeding a source project of ${PACKAGE_OBJECTS} and a target of ${PROJECT_OBJECTS} objects…\n`);
    await growProject(metadata, { projectId: SOURCE_PROJECT, objects: PACKAGE_OBJECTS });
    await growProject(metadata, { projectId: TARGET_PROJECT, objects: PROJECT_OBJECTS });
    const sourceObjects: MetadataObject[] = [];
    for await (const page of metadata.iterateObjects(SOURCE_PROJECT, 5000)) sourceObjects.push(...page);
    const content = sourceObjects.map((o) => ({ id: o.id, type: o.type }));

    const [{ record, pkg, storage }, createMs] = await timed(() => createPackage(env, SOURCE_PROJECT, content));

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

    const dashboards = dashboardsWithDependents(PROJECT_OBJECTS);
    const [walked, walkMs] = await timed(() => createPackage(env, TARGET_PROJECT, dashboards));
    // The toc lives in package_toc rows (counted a page at a time: the bench's peak RSS is measured too).
    let walkedObjects = 0;
    for await (const page of new PackageTocRepository(env.ctx.database.db).pages(walked.pkg.id)) walkedObjects += page.length;

    const baselineMs = await rawBulkInsert(files.config.databaseUrl, sourceObjects);
    return {
      dialect,
      'package MB': (storage.size / 1e6).toFixed(1),
      'create obj/s': rate(sourceObjects.length, createMs),
      'dependents: objects': walkedObjects,
      'dependents obj/s': rate(walkedObjects, walkMs),
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
