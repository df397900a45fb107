/**
 * Fault and load suite (npm run test:faults): two nodes as child processes on one PostgreSQL
 * database and one S3 server (s3rver), all on loopback. Nodes are SIGKILLed at random moments of
 * uploads, imports and undos; then the storage and the database are checked for lost or
 * half-written packages, orphans, projects in a mixed state and jobs applied twice. A bounded load
 * phase follows. Prints a table of counts; exits 1 on any violation.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { createTestEnvironmentFiles } from '../support/env.js';
import { startLocalS3 } from '../support/s3.js';
import { buildPackage } from '../support/migrations.js';
import { newMetrics } from '../support/packages.js';
import { connectDatabase } from '../../src/store/db/connect.js';
import { MetadataRepository } from '../../src/store/metadata/repository.js';
import { S3BlobStore } from '../../src/store/blob/s3/s3-blob-store.js';
import { s3ClientFor } from '../../src/store/blob/s3/client.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import { ADMIN_PASSWORD, call, createFile, login, slowUpload, startImport, startUndo, waitForStatus } from './client.js';
import { NodeProcess, freePort, sleep } from './nodes.js';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 6);
const LEASE_SECONDS = 2;
const IDLE_SECONDS = 5;
const STALE_MS = (2 * LEASE_SECONDS + IDLE_SECONDS) * 1000;
const LOAD_UPLOADS = 50;
const LOAD_POLLERS = 200;
const LOAD_MS = 15_000;

const counts: Record<string, number> = {};
const violations: string[] = [];
const count = (name: string, n = 1) => (counts[name] = (counts[name] ?? 0) + n);
function violation(name: string, detail: string): void {
  count(name);
  violations.push(`${name}: ${detail}`);
}
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pick = <T>(items: readonly T[]): T => items[randomInt(items.length)]!;

const s3 = await startLocalS3();
const env = await createTestEnvironmentFiles('postgres');
const logDir = await mkdtemp(path.join(tmpdir(), 'packstore-faults-'));
const database = connectDatabase(env.config.databaseUrl);
const metadata = new MetadataRepository(database.db);
const blobs = new S3BlobStore(s3ClientFor(s3.connection), { bucket: s3.bucket, prefix: 'faults/' });
const nodeEnv = {
  PACKSTORE_DATABASE_URL: env.config.databaseUrl,
  PACKSTORE_STORAGE_LOCATION: `s3://${s3.bucket}/faults`,
  PACKSTORE_STORAGE_S3_ENDPOINT: s3.endpoint,
  PACKSTORE_STORAGE_S3_FORCEPATHSTYLE: 'true',
  PACKSTORE_STORAGE_S3_ACCESSKEYID: s3.connection.awsAccessId,
  PACKSTORE_STORAGE_S3_SECRETACCESSKEY: s3.connection.awsSecretKey,
  // Nodes with their own data dirs share the key that seals the stored S3 secret.
  PACKSTORE_STORAGE_SECRETKEY: randomBytes(32).toString('hex'),
  PACKSTORE_ADMIN_PASSWORD: ADMIN_PASSWORD,
  PACKSTORE_CLUSTER_LEASESECONDS: String(LEASE_SECONDS),
  PACKSTORE_HTTP_IDLETIMEOUTSECONDS: String(IDLE_SECONDS),
};
const nodes = [
  new NodeProcess('node-a', await freePort(), path.join(logDir, 'a'), nodeEnv, path.join(logDir, 'a.log')),
  new NodeProcess('node-b', await freePort(), path.join(logDir, 'b'), nodeEnv, path.join(logDir, 'b.log')),
];
const urls = nodes.map((n) => n.url);

/** Kills `node` after `delayMs`, then brings it back (a supervisor restarting a crashed process). */
async function crash(node: NodeProcess, delayMs: number): Promise<void> {
  await sleep(delayMs);
  await node.kill();
  count('SIGKILLs');
  await node.start();
}

const fingerprint = () => metadata.fingerprint(TUTORIAL_PROJECT_ID);

async function presentCount(ids: string[]): Promise<number> {
  return (await metadata.getObjects(TUTORIAL_PROJECT_ID, ids)).size;
}

async function uploadRound(token: string): Promise<void> {
  const node = pick(nodes);
  const bytes = randomBytes(randomInt(2, 5) * 1024 * 1024);
  const file = await createFile(node.url, token, bytes);
  const upload = slowUpload(node.url, token, file.id, bytes, 8);
  await crash(node, randomInt(50, 600));
  const status = await upload;
  count(status === 200 ? 'uploads finished before the kill' : 'uploads cut by a kill');
}

async function importRound(token: string): Promise<void> {
  const entries = newMetrics(randomInt(1500, 3000), `fault ${randomBytes(3).toString('hex')}`);
  const ids = entries.map((e) => e.object.id);
  const bytes = await buildPackage(entries);
  const uploader = pick(nodes);
  const file = await createFile(uploader.url, token, bytes);
  if ((await slowUpload(uploader.url, token, file.id, bytes, 0)) !== 200) throw new Error('the package upload failed without a fault');
  const before = await fingerprint();
  const id = await startImport(pick(nodes).url, token, file.id);
  await crash(pick(nodes), randomInt(0, 1500));
  const imported = await waitForStatus(urls, token, id, ['imported', 'import_failed'], 120_000);
  count(`imports ended ${imported}`);
  const present = await presentCount(ids);
  if (imported === 'import_failed') {
    if (present !== 0 || (await fingerprint()) !== before) violation('projects in a mixed state', `failed import ${id} left ${present} of ${ids.length} objects`);
    return;
  }
  if (present !== ids.length) violation('projects in a mixed state', `import ${id} holds ${present} of ${ids.length} objects`);
  const after = await fingerprint();
  await startUndo(pick(nodes).url, token, id);
  await crash(pick(nodes), randomInt(0, 1200));
  const undone = await waitForStatus(urls, token, id, ['undo_success', 'undo_failed'], 120_000);
  count(`undos ended ${undone}`);
  const now = await fingerprint();
  // An import applied twice would have written its undo package from the half-imported state: the undo would not restore `before`.
  if (undone === 'undo_success' && now !== before) violation('jobs applied twice', `undo of ${id} did not restore the project exactly`);
  if (undone === 'undo_failed' && now !== after) violation('projects in a mixed state', `failed undo of ${id} changed the project`);
}

async function waitForQueueToDrain(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const active = await database.db.selectFrom('jobs').select('id').where('state', 'in', ['queued', 'running']).execute();
    if (active.length === 0) return;
    await sleep(200);
  }
  violation('jobs never finished', 'the queue did not drain');
}

async function checkStorage(): Promise<void> {
  const referenced = new Map<string, string | null>();
  for (const f of await database.db.selectFrom('files').select(['path', 'sha256', 'existing', 'upload_claim']).execute()) {
    if (f.upload_claim) violation('orphan rows', `file ${f.path} still claimed`);
    if (f.existing === 1) referenced.set(f.path, f.sha256);
  }
  for (const p of await database.db.selectFrom('packages').select(['storage_path', 'sha256', 'status']).execute()) {
    if (p.status === 'creating') violation('orphan rows', 'a package still creating');
    if (p.storage_path) referenced.set(p.storage_path, p.sha256 ?? referenced.get(p.storage_path) ?? null);
  }
  for (const i of await database.db.selectFrom('imports').select(['undo_path', 'status']).execute()) {
    if (i.undo_path) referenced.set(i.undo_path, null);
    if (['importing', 'undoing', 'pending'].includes(i.status)) violation('orphan rows', `an import left ${i.status}`);
  }
  for (const [key, expected] of referenced) {
    const stored = await blobs.get(key).then((s) => buffer(s), () => undefined);
    if (!stored) violation('lost packages', key);
    else if (expected && sha256(stored) !== expected) violation('half-written packages', `${key}: sha256 differs from its metadata`);
    else count('stored blobs verified');
  }
  for await (const blob of blobs.list('')) {
    if (!referenced.has(blob.key)) violation('orphan blobs', blob.key);
  }
  counts['orphan blobs'] ??= 0;
}

async function loadPhase(token: string): Promise<void> {
  const deadline = Date.now() + LOAD_MS;
  let errors = 0;
  let polls = 0;
  const ids: string[] = [];
  for (const row of await database.db.selectFrom('imports').select(['id', 'package_id']).limit(20).execute()) ids.push(`${row.package_id}:${row.id}`);
  const uploads = Array.from({ length: LOAD_UPLOADS }, async (_, i) => {
    const base = urls[i % urls.length]!;
    const bytes = randomBytes(256 * 1024);
    try {
      const file = await createFile(base, token, bytes);
      if ((await slowUpload(base, token, file.id, bytes, 0)) !== 200) errors++;
    } catch {
      errors++;
    }
  });
  const pollers = Array.from({ length: LOAD_POLLERS }, async (_, i) => {
    const base = urls[i % urls.length]!;
    while (Date.now() < deadline) {
      const target = ids.length > 0 ? `/api/migrations/${pick(ids)}` : '/api/health';
      const res = await call(base, 'GET', target, token, { headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }).catch(() => undefined);
      polls++;
      if (res?.status !== 200) errors++;
      await res?.arrayBuffer();
      await sleep(50);
    }
  });
  await Promise.all([...uploads, ...pollers]);
  count('load: uploads', LOAD_UPLOADS);
  count('load: status polls', polls);
  count('load errors', errors);
  if (errors > 0) violations.push(`load errors: ${errors}`);
}

let failed = false;
try {
  for (const node of nodes) await node.start();
  const token = await login(nodes[0]!.url);
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    await uploadRound(token);
    await importRound(token);
    count('rounds');
  }
  await waitForQueueToDrain();
  await loadPhase(token);
  // Restart after everything is stale: the starting node's recovery must leave no orphans.
  for (const node of nodes) await node.stop();
  await sleep(STALE_MS + 1000);
  await nodes[0]!.start();
  await waitForQueueToDrain();
  await checkStorage();
  const takenOver = await database.db.selectFrom('jobs').select('id').where('attempts', '>', 1).execute();
  count('jobs run again after a kill', takenOver.length);
  for (const name of ['lost packages', 'half-written packages', 'projects in a mixed state', 'jobs applied twice', 'orphan rows', 'jobs never finished', 'load errors']) counts[name] ??= 0;
  count('seconds', Math.round((Date.now() - started) / 1000));
} catch (error) {
  failed = true;
  violations.push(`suite error: ${error instanceof Error ? error.stack : String(error)}`);
} finally {
  for (const node of nodes) await node.stop().catch(() => undefined);
  await database.db.destroy();
  await env.dispose();
  await s3.close();
}

const width = Math.max(...Object.keys(counts).map((k) => k.length));
process.stdout.write(`\n${'what'.padEnd(width)} | count\n${'-'.repeat(width)}-|------\n`);
for (const [name, n] of Object.entries(counts)) process.stdout.write(`${name.padEnd(width)} | ${n}\n`);
if (violations.length > 0 || failed) {
  process.stdout.write(`\nFAILED:\n${violations.slice(0, 30).join('\n')}\n`);
  for (const node of nodes) process.stdout.write(`\n--- ${node.name} log (tail) ---\n${(await readFile(path.join(logDir, `${node.name.slice(-1)}.log`), 'utf8').catch(() => '')).slice(-3000)}\n`);
  process.stdout.write('0 passed, 1 failed\n');
  process.exitCode = 1;
} else {
  process.stdout.write('\n1 passed, 0 failed\n');
}
await rm(logDir, { recursive: true, force: true });
