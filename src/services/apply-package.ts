import { tempFileSpool } from '../store/temp-spool.js';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../store/db/schema.js';
import type { DialectName } from '../store/db/connect.js';
import { MetadataRepository } from '../store/metadata/repository.js';
import type { BlobStore, StoredBlob } from '../store/blob/blob-store.js';
import { tocRowOf, writePackage } from '../domain/mmp/index.js';
import { openStoredPackage } from './stored-package.js';
import type { PackageEntry, PackageHeader, TocRow } from '../domain/mmp/types.js';
import type { PackageSignature, PackageSigner } from '../domain/mmp/signature.js';
import { ImportMarks } from '../store/import-marks.js';
import { planBatch, type Requirement } from '../domain/engine/plan.js';
import { assertPackageKind } from '../domain/migrations/package-kinds.js';
import type { ObjectOutcome } from '../domain/migrations/records.js';
import { newGuid } from '../domain/ids.js';
import { BatchChannel } from './batch-channel.js';
import { abortStream, measured } from './streams.js';
import { readAhead } from './read-ahead.js';
import { inTurns } from './turns.js';
import { ImportRefusedError } from '../domain/errors.js';

/**
 * Another attempt of the same job (on the node that took it over) owns the outcome: this one rolls
 * back and leaves the shared blobs, which that attempt may be writing under the same keys, alone.
 */
export class SupersededError extends Error {}

/** Thrown inside the transaction of a dry run so that nothing is committed. */
class DryRunRollback extends Error {}

export interface ApplyOptions {
  db: Kysely<Database>;
  blobs: BlobStore;
  packagePath: string;
  packageSize: number;
  projectId: string;
  /** Where to write the undo package, its header given the package's, and who signs it; none when undefined. */
  undo?: { path: string; header: (packageHeader: PackageHeader) => PackageHeader; signer?: PackageSigner };
  /** When known, the package's bytes must hash to this, or nothing is committed. */
  expectedSha256?: string;
  dryRun: boolean;
  /** better-sqlite3 answers synchronously: on SQLite the event loop's turns are timed (`inTurns`). */
  dialect: DialectName;
  onProgress: (percent: number) => void;
  /**
   * Where each page's outcomes go, inside the transaction, instead of being kept in memory (a
   * million outcomes weigh hundreds of MB); `firstSeq` is the package position of the page's first object.
   */
  onOutcomes?: (trx: Kysely<Database>, outcomes: ObjectOutcome[], firstSeq: number) => Promise<void>;
  /**
   * Where each page's toc rows go, inside the transaction; they are the manifest's toc once the package is
   * verified (before commit), and a package that fails verification rolls them back with everything else.
   */
  onToc?: (trx: Kysely<Database>, rows: TocRow[], firstSeq: number) => Promise<void>;
  /** Runs inside the transaction just before commit (e.g. marking the import done in the same commit). */
  beforeCommit?: (trx: Kysely<Database>, result: ApplyResult) => Promise<void>;
  /** Checks the package header before any object is touched. */
  checkHeader?: (header: PackageHeader) => void;
  /** Judges signature.json (undefined: unsigned) once every byte is verified, before commit; throws to refuse. */
  checkSignature?: (signature: PackageSignature | undefined, header: PackageHeader, trx: Kysely<Database>) => Promise<void>;
}

export interface ApplyResult {
  header: PackageHeader;
  /** Every object's outcome, unless they went to `onOutcomes`. */
  outcomes: ObjectOutcome[];
  /** How many objects the package held. */
  objects: number;
  undo?: StoredBlob & { path: string };
  /** Set on a dry run: what would have made the import fail. */
  refusal?: string;
}

/** Progress moves in steps of this many percent at the most (issue 16: 5). */
const PROGRESS_STEP = 2;

function missingMessage(req: Requirement): string {
  return `Object '${req.by.name}' (${req.by.id}) uses ${req.id}, which is neither in the package nor in the target project.`;
}

/**
 * Applies a package to a project in one transaction: all or nothing. The package is read as a
 * stream, page by page; the reader verifies its manifest before the last page is handed over,
 * so a tampered package fails before commit. Missing dependencies and blocked deletes are
 * checked once everything is written, then the undo package (written alongside) is kept.
 */
export async function applyPackage(options: ApplyOptions): Promise<ApplyResult> {
  let read = 0;
  let lastReported = -1;
  const hash = createHash('sha256');
  const source = measured(await options.blobs.get(options.packagePath), hash, (n) => {
    read += n;
    const percent = Math.min(99, Math.floor((read / Math.max(1, options.packageSize)) * 100));
    if (percent >= lastReported + PROGRESS_STEP) {
      lastReported = percent;
      options.onProgress(percent);
    }
  });
  const reader = await openStoredPackage(source);
  try {
    options.checkHeader?.(reader.header);
  } catch (error) {
    reader.close();
    throw error;
  }
  const undoChannel = options.undo && !options.dryRun ? new BatchChannel<PackageEntry[]>() : undefined;
  const undoBody = new PassThrough();
  const undoStored =
    undoChannel && options.undo
      ? startUndoWriter(
          options.blobs,
          { path: options.undo.path, header: options.undo.header(reader.header), signer: options.undo.signer },
          undoChannel,
          undoBody,
        )
      : undefined;
  let undoAbandoned = !undoChannel;
  const abandonUndo = (reason: Error) => {
    if (undoAbandoned) return;
    undoAbandoned = true;
    undoChannel?.fail(reason);
  };
  let result: ApplyResult | undefined;
  try {
    await options.db.transaction().execute(async (trx) => {
      const repo = MetadataRepository.forLongTransaction(trx);
      const outcomes: ObjectOutcome[] = [];
      let objects = 0;
      const marks = await ImportMarks.open(trx);
      for await (const page of inTurns(readAhead(reader.entries()), options.dialect === 'sqlite')) {
        // Before the page is written: a package that mixes project and configuration objects changes nothing.
        assertPackageKind(
          reader.header.packageType,
          page.map((entry) => entry.object),
        );
        const ids = new Set<string>();
        for (const entry of page) {
          ids.add(entry.object.id);
          if (entry.object.folderId) ids.add(entry.object.folderId);
        }
        const targets = await repo.getObjects(options.projectId, [...ids]);
        const plan = planBatch(page, targets, reader.header.settings, newGuid);
        if (plan.usedKeepBoth) abandonUndo(new Error('keep_both: no undo package'));
        if (plan.deletes.length > 0)
          await repo.deleteObjects(
            options.projectId,
            plan.deletes.map((o) => o.id),
          );
        if (plan.writes.length > 0) await repo.upsertObjects(options.projectId, plan.writes);
        await marks.deleted(plan.deletes.map((o) => o.id));
        await marks.need(plan.requires);
        if (options.onOutcomes) await options.onOutcomes(trx, plan.outcomes, objects);
        else outcomes.push(...plan.outcomes);
        if (options.onToc) await options.onToc(trx, page.map(tocRowOf), objects);
        objects += plan.outcomes.length;
        if (!undoAbandoned && plan.undo.length > 0) await undoChannel?.push(plan.undo);
      }
      reader.manifest(); // verified: the manifest's toc is the entries' rows, in their order
      await options.checkSignature?.(reader.signature(), reader.header, trx);
      // A project merge may be told not to validate dependencies (validateDependencies: false).
      const checkDependencies = reader.header.settings.validateDependencies !== false;
      const missing = checkDependencies ? await marks.firstMissing(options.projectId) : undefined;
      const blocked = missing ? undefined : await marks.firstBlockedDelete(options.projectId);
      const refusal = missing ? missingMessage(missing) : blocked && `Object ${blocked.id} cannot be deleted: it is still used by ${blocked.users.join(', ')}.`;
      if (refusal) {
        if (options.dryRun) {
          result = { header: reader.header, outcomes, objects, refusal };
          throw new DryRunRollback();
        }
        throw new ImportRefusedError(refusal);
      }
      const actual = hash.digest('hex');
      if (options.expectedSha256 && actual !== options.expectedSha256.toLowerCase()) {
        throw new ImportRefusedError(
          `The stored package's sha256 is ${actual}, not ${options.expectedSha256} as its record says: it was changed or damaged in storage.`,
        );
      }
      undoChannel?.close();
      const undo = undoStored && !undoAbandoned ? await undoStored : undefined;
      result = { header: reader.header, outcomes, objects, undo };
      if (options.dryRun) throw new DryRunRollback();
      await marks.close();
      await repo.bumpDeferredRevisions();
      await options.beforeCommit?.(trx, result);
    });
  } catch (error) {
    abandonUndo(error instanceof Error ? error : new Error(String(error)));
    const undo = await undoStored?.catch(() => undefined);
    if (undo && !(error instanceof SupersededError)) await options.blobs.delete(undo.path).catch(() => undefined);
    reader.close();
    source.destroy();
    if (error instanceof DryRunRollback && result) return result;
    throw error;
  }
  if (!result) throw new Error('import finished without a result');
  return result;
}

function startUndoWriter(
  blobs: BlobStore,
  undo: { path: string; header: PackageHeader; signer?: PackageSigner },
  channel: BatchChannel<PackageEntry[]>,
  body: PassThrough,
): Promise<StoredBlob & { path: string }> {
  const stored = blobs.put(undo.path, body);
  const written = tempFileSpool()
    .then((spool) => writePackage(body, undo.header, channel, undo.signer, { spool }))
    .catch((error: unknown) => abortStream(body, error));
  const done = Promise.all([stored, written]).then(([blob]) => ({ ...blob, path: undo.path }));
  // A storage failure stops the import (it asked for an undo package) instead of leaving push() waiting.
  done.catch((error: unknown) => channel.fail(error instanceof Error ? error : new Error(String(error))));
  return done;
}
