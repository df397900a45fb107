/** Rounds that SIGKILL a node in the middle of work: an upload, an import and its undo, a package creation, a validation. */
import { randomBytes, randomInt } from 'node:crypto';
import { newGuid } from '../../src/domain/ids.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import { MIGRATIONS, PROJECT, createFile, describe, expectJson, migrationRecord, slowUpload, startUndo, waitForState, type Json } from './client.js';
import { checkFailureMessage, checkImportOutcome, fingerprint, pick, startMetricsImport, type FaultContext } from './context.js';
import { sleep, type NodeProcess } from './nodes.js';
import { packageOfSize } from '../support/packages.js';

const FINISH_MS = 120_000;

/** Kills `node` after `delayMs`, then brings it back (a supervisor restarting a crashed process). */
async function crash(ctx: FaultContext, node: NodeProcess, delayMs: number): Promise<void> {
  await sleep(delayMs);
  await node.kill();
  ctx.report.count('SIGKILLs');
  await node.start();
}

export async function uploadRound(ctx: FaultContext): Promise<void> {
  const node = pick(ctx.nodes);
  const bytes = await packageOfSize(randomInt(2, 5) * 1024 * 1024);
  const file = await createFile(node.url, ctx.token, bytes);
  const upload = slowUpload(node.url, ctx.token, file.id, bytes, 8);
  await crash(ctx, node, randomInt(50, 600));
  const answer = await upload;
  ctx.report.count(answer.status === 200 ? 'uploads finished before the kill' : 'uploads cut by a kill');
}

export async function importRound(ctx: FaultContext): Promise<void> {
  const started = await startMetricsImport(ctx);
  await crash(ctx, pick(ctx.nodes), randomInt(0, 1500));
  const imported = await waitForState(ctx.urls, ctx.token, started.id, 'import', ['imported', 'import_failed'], FINISH_MS);
  ctx.report.count(`imports ended ${imported.importInfo.status}`);
  await checkImportOutcome(ctx, started, imported);
  if (imported.importInfo.status !== 'imported') return;
  const after = await fingerprint(ctx);
  await startUndo(pick(ctx.nodes).url, ctx.token, started.id);
  await crash(ctx, pick(ctx.nodes), randomInt(0, 1200));
  const undone = await waitForState(ctx.urls, ctx.token, started.id, 'import', ['undo_success', 'undo_failed'], FINISH_MS);
  const status = undone.importInfo.status as string;
  ctx.report.count(`undos ended ${status}`);
  const now = await fingerprint(ctx);
  // An import applied twice would have written its undo package from the half-imported state: the undo would not restore `before`.
  if (status === 'undo_success' && now !== started.before) ctx.report.fail('jobs applied twice', `undo of ${started.id} did not restore the project exactly`);
  if (status === 'undo_failed') {
    if (now !== after) ctx.report.fail('projects in a mixed state', `failed undo of ${started.id} changed the project`);
    checkFailureMessage(ctx, `undo of ${started.id}`, undone.importInfo.message);
  }
}

/** A project merge (every object of the Tutorial) with a kill while the package is written; the created record, if it was. */
async function createRound(ctx: FaultContext): Promise<Json | undefined> {
  const short = await expectJson(201, pick(ctx.nodes).url, 'POST', MIGRATIONS, ctx.token, {
    headers: PROJECT,
    json: {
      packageInfo: {
        name: `fault merge ${randomBytes(3).toString('hex')}`,
        type: 'project',
        purpose: 'project_merge',
        treeView: {},
        tocView: { settings: { defaultAction: 'replace' } },
      },
      importInfo: {},
    },
  });
  await crash(ctx, pick(ctx.nodes), randomInt(0, 800));
  const record = await waitForState(ctx.urls, ctx.token, short.id as string, 'package', ['created', 'create_failed'], FINISH_MS);
  ctx.report.count(`package creations ended ${record.packageInfo.status}`);
  if (record.packageInfo.status === 'created') return record;
  checkFailureMessage(ctx, `package creation ${short.id}`, record.packageInfo.message);
  return undefined;
}

/**
 * Validates `created` on the Tutorial as a target sharing the storage would (a replicated record
 * under a new migration id), with a kill while the dry run goes; the project must not change.
 */
async function validateRound(ctx: FaultContext, created: Json): Promise<void> {
  const { record: full, answer } = await migrationRecord(ctx.urls, ctx.token, created.id as string, '?showContent=all');
  if (!full) throw new Error(`the created package cannot be read: ${describe(answer)}`);
  const packageId = newGuid();
  const id = `${packageId}:${newGuid()}`;
  const body = {
    id,
    packageInfo: { ...full.packageInfo, id: packageId },
    importInfo: { project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
  };
  const before = await fingerprint(ctx);
  await expectJson(202, pick(ctx.nodes).url, 'PUT', `${MIGRATIONS}/${id}/validation`, ctx.token, { headers: PROJECT, json: body });
  await crash(ctx, pick(ctx.nodes), randomInt(0, 1000));
  const record = await waitForState(ctx.urls, ctx.token, id, 'validation', ['validated', 'validation_failed'], FINISH_MS);
  ctx.report.count(`validations ended ${record.validation.status}`);
  if (record.validation.status === 'validation_failed') checkFailureMessage(ctx, `validation ${id}`, record.validation.message);
  if ((await fingerprint(ctx)) !== before) ctx.report.fail('projects in a mixed state', `validation ${id} changed the project`);
}

/** Creation and validation share a round: the validation needs a created package. */
export async function createAndValidateRound(ctx: FaultContext): Promise<void> {
  const created = await createRound(ctx);
  if (created) await validateRound(ctx, created);
}
