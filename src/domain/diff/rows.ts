import type { MetadataObject } from '../objects.js';
import type { PackageEntry, PackageSettings } from '../mmp/types.js';
import { planBatch } from '../engine/plan.js';
import { changedSinceImport, undoEffect } from '../engine/undo.js';
import type { Effect } from '../engine/conflicts.js';
import { objectChanges, type FolderPathOf } from './object-changes.js';
import type { FieldChange } from './json-diff.js';

/** What an import (or undo) does to an object, as the diff names it: the engine's effects. */
export type DiffAction = Effect;
export const DIFF_ACTIONS: readonly DiffAction[] = ['create', 'replace', 'keep', 'copy', 'delete', 'move', 'skip'];

/** One object of a diff. */
export interface DiffRow {
  id: string;
  type: number;
  name: string;
  action: DiffAction;
  /** keep_both copies: the id the copy gets. */
  targetId?: string;
  /** Undo diffs: why the undo would refuse this object (the target changed since the import). */
  blocked?: string;
  changes: FieldChange[];
  /** The target's version when the diff was taken (null: absent); the fingerprint is built from these. */
  targetVersion: string | null;
}

/**
 * The diff of one page of a package, decided by the import engine's own planBatch: the actions
 * are the ones validation reports and the import takes. `targets` holds the target's objects and
 * destination folders, as for planBatch.
 */
export function importDiffRows(
  entries: readonly PackageEntry[],
  targets: ReadonlyMap<string, MetadataObject>,
  settings: PackageSettings,
  newId: () => string,
  folderPath: FolderPathOf,
): DiffRow[] {
  const plan = planBatch(entries, targets, settings, newId);
  const written = new Map(plan.writes.map((o) => [o.id, o]));
  return plan.outcomes.map((outcome, i) => {
    const action = plan.effects[i] ?? 'skip';
    const target = targets.get(outcome.id);
    const after = action === 'delete' ? undefined : action === 'copy' ? written.get(outcome.targetId ?? '') : (written.get(outcome.id) ?? target);
    const before = action === 'copy' ? undefined : target;
    return {
      id: outcome.id,
      type: outcome.type,
      name: outcome.name,
      action,
      ...(outcome.targetId ? { targetId: outcome.targetId } : {}),
      changes: objectChanges(before, after, folderPath),
      targetVersion: target?.version ?? null,
    };
  });
}

/** The diff of one page of an undo package: what the undo would put back, and what it would refuse. */
export function undoDiffRows(entries: readonly PackageEntry[], targets: ReadonlyMap<string, MetadataObject>, folderPath: FolderPathOf): DiffRow[] {
  return entries.map((entry) => {
    const current = targets.get(entry.object.id);
    const action = undoEffect(entry, current);
    const blocked = changedSinceImport(entry.object, current, entry.expectedTargetVersion);
    return {
      id: entry.object.id,
      type: entry.object.type,
      name: current?.name ?? entry.object.name,
      action,
      ...(blocked ? { blocked } : {}),
      changes: objectChanges(current, action === 'delete' ? undefined : entry.object, folderPath),
      targetVersion: current?.version ?? null,
    };
  });
}

/** Counts by action and by type, built as rows stream by. */
export interface DiffSummary {
  total: number;
  byAction: Record<string, number>;
  byType: Record<string, number>;
}

export function emptySummary(): DiffSummary {
  return { total: 0, byAction: Object.fromEntries(DIFF_ACTIONS.map((a) => [a, 0])), byType: {} };
}

export function countRows(summary: DiffSummary, rows: readonly DiffRow[]): void {
  for (const row of rows) {
    summary.total++;
    summary.byAction[row.action] = (summary.byAction[row.action] ?? 0) + 1;
    summary.byType[String(row.type)] = (summary.byType[String(row.type)] ?? 0) + 1;
  }
}
