/**
 * Fault and load suite (npm run test:faults): two nodes as child processes on one PostgreSQL
 * database and one S3 server (s3rver), all on loopback. Each round SIGKILLs nodes at random
 * moments of an upload, an import and its undo, then adds one more fault in turn: a kill during a
 * package creation and a validation, every database connection cut during an import, the storage
 * stopped during an upload, the storage stopped during an import. Then the storage and the database
 * are checked for lost or half-written packages, orphans, records left in a working state,
 * projects in a mixed state and jobs applied twice. A bounded load phase follows. Prints every
 * failure with its request and answer (or what was found), a table of counts; exits 1 on any.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestEnvironmentFiles } from '../support/env.js';
import { startLocalS3 } from '../support/s3.js';
import { connectDatabase } from '../../src/store/db/connect.js';
import { MetadataRepository } from '../../src/store/metadata/repository.js';
import { S3BlobStore } from '../../src/store/blob/s3/s3-blob-store.js';
import { s3ClientFor } from '../../src/store/blob/s3/client.js';
import { ADMIN_PASSWORD, login } from './client.js';
import type { FaultContext } from './context.js';
import { checkFinalStates, checkStorage, waitForQueueToDrain } from './checks.js';
import { createAndValidateRound, importRound, uploadRound } from './kill-rounds.js';
import { databaseRestartRound, storageDuringImportRound, storageDuringUploadRound } from './outage-rounds.js';
import { loadPhase } from './load.js';
import { NodeProcess, freePort, sleep } from './nodes.js';
import { FaultReport } from './report.js';
import { must } from '../support/must.js';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 6);
const LEASE_SECONDS = 2;
const IDLE_SECONDS = 5;
const STALE_MS = (2 * LEASE_SECONDS + IDLE_SECONDS) * 1000;
const ALWAYS_SHOWN = [
  'lost packages',
  'half-written packages',
  'half-visible uploads',
  'unclean upload failures',
  'uploads not retryable',
  'projects in a mixed state',
  'jobs applied twice',
  'orphan rows',
  'orphan blobs',
  'records left working',
  'unclear failure messages',
  'nodes that crashed',
  'jobs never finished',
  'load errors',
];

/** The extra fault of each round, in turn. */
const EXTRA_FAULTS: Array<{ name: string; run: (ctx: FaultContext) => Promise<void> }> = [
  { name: 'kills during a package creation and a validation', run: createAndValidateRound },
  { name: 'database connections cut during an import', run: databaseRestartRound },
  { name: 'storage stopped during an upload', run: storageDuringUploadRound },
  { name: 'storage stopped during an import', run: storageDuringImportRound },
];

/** Where the suite is, so that a hang or a slow phase shows while it runs. */
const progress = (text: string) => process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

const report = new FaultReport();
const s3 = await startLocalS3();
const env = await createTestEnvironmentFiles('postgres');
const logDir = await mkdtemp(path.join(tmpdir(), 'packstore-faults-'));
const database = connectDatabase(env.config.databaseUrl);
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

/** A node that died by itself is a server crash, reported with the end of its log. */
async function reportCrashedNodes(): Promise<void> {
  for (const node of nodes) {
    for (const exit of node.unexpectedExits.splice(0)) report.fail('nodes that crashed', `${exit}\n${await node.logTail()}`);
  }
}

let failed = false;
try {
  for (const node of nodes) await node.start();
  const ctx: FaultContext = {
    nodes,
    urls: nodes.map((n) => n.url),
    token: await login(must(nodes[0], 'a first node').url),
    db: database.db,
    databaseUrl: env.config.databaseUrl,
    metadata: new MetadataRepository(database.db),
    blobs: new S3BlobStore(s3ClientFor(s3.connection), { bucket: s3.bucket, prefix: 'faults/' }),
    s3,
    report,
  };
  const started = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const extra = must(EXTRA_FAULTS[round % EXTRA_FAULTS.length], 'at least one extra fault');
    progress(`round ${round + 1}/${ROUNDS}: kills during an upload, an import and its undo; ${extra.name}`);
    await uploadRound(ctx);
    await importRound(ctx);
    await extra.run(ctx);
    await reportCrashedNodes();
    // Restarted so the suite goes on after a crash.
    for (const node of nodes) if (!node.running) await node.start();
    report.count('rounds');
  }
  await waitForQueueToDrain(ctx);
  progress('load: uploads beside status pollers');
  await loadPhase(ctx);
  // Restart after everything is stale: the starting node's recovery must leave no orphans.
  await reportCrashedNodes();
  for (const node of nodes) await node.stop();
  await sleep(STALE_MS + 1000);
  progress('restart after everything is stale; checking records and storage');
  await must(nodes[0], 'a first node').start();
  await waitForQueueToDrain(ctx);
  await checkFinalStates(ctx);
  await checkStorage(ctx);
  await reportCrashedNodes();
  const takenOver = await database.db.selectFrom('jobs').select('id').where('attempts', '>', 1).execute();
  report.count('jobs run again after a kill or a retry', takenOver.length);
  report.ensure(ALWAYS_SHOWN);
  report.count('seconds', Math.round((Date.now() - started) / 1000));
} catch (error) {
  failed = true;
  report.fail('suite errors', error instanceof Error ? (error.stack ?? error.message) : String(error));
} finally {
  for (const node of nodes) await node.stop().catch(() => undefined);
  await database.db.destroy();
  await env.dispose();
  await s3.close();
}

process.stdout.write(report.render());
if (report.failures.length > 0 || failed) {
  for (const node of nodes) process.stdout.write(`\n--- ${node.name} log (tail) ---\n${await node.logTail()}\n`);
  // Kept for the whole story (FAULT_LOG_LEVEL=info adds every request to them).
  process.stdout.write(`\nnode logs kept in ${logDir}\n0 passed, 1 failed\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('\n1 passed, 0 failed\n');
  await rm(logDir, { recursive: true, force: true });
}
