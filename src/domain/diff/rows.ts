import type { MetadataObject } from '../objects.js';
import type { PackageEntry, PackageSettings } from '../mmp/types.js';
import { planBatch } from '../engine/plan.js';
import { changedSinceImport, undoEffect } from '../engine/undo.js';
import { decide, type ConflictState, type Effect } from '../engine/conflicts.js';
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
 * A target object as the diff reads it: what decides its conflict at once, the whole object on
 * demand (most objects of a re-migration are kept, and those are decided on the version alone).
 */
export interface TargetObject extends ConflictState {
  readonly id: string;
  object(): MetadataObject;
}

/** A row for an object the import leaves as it is: nothing changes. */
function unchangedRow(entry: PackageEntry, action: DiffAction, target: TargetObject | undefined): DiffRow {
  const { object } = entry;
  return { id: object.id, type: object.type, name: object.name, action, changes: [], targetVersion: target?.version ?? null };
}

/**
 * The diff of one page of a package, decided by the import engine: the actions are the ones
 * validation reports and the import takes. An object the engine keeps (or skips) is decided by
 * `decide` alone, as planBatch does; the others go through planBatch with their target objects and
 * destination folders read whole. `targets` holds the target's objects and destination folders.
 */
export function importDiffRows(
  entries: readonly PackageEntry[],
  targets: ReadonlyMap<string, TargetObject>,
  settings: PackageSettings,
  newId: () => string,
  folderPath: FolderPathOf,
): DiffRow[] {
  const rows: DiffRow[] = new Array(entries.length);
  const planned: PackageEntry[] = [];
  const at: number[] = [];
  const whole = new Map<string, MetadataObject>();
  const read = (id: string | null) => {
    const target = id === null ? undefined : targets.get(id);
    if (target) whole.set(target.id, target.object());
  };
  entries.forEach((entry, i) => {
    const target = targets.get(entry.object.id);
    const effect = decide(entry.action, entry.object, target);
    if (effect === 'keep' || effect === 'skip') {
      rows[i] = unchangedRow(entry, effect, target);
      return;
    }
    planned.push(entry);
    at.push(i);
    read(entry.object.id);
    read(entry.object.folderId);
  });
  const plan = planBatch(planned, whole, settings, newId);
  const written = new Map(plan.writes.map((o) => [o.id, o]));
  plan.outcomes.forEach((outcome, k) => {
    const action = plan.effects[k] ?? 'skip';
    const target = whole.get(outcome.id);
    const after = action === 'delete' ? undefined : action === 'copy' ? written.get(outcome.targetId ?? '') : (written.get(outcome.id) ?? target);
    const before = action === 'copy' ? undefined : target;
    rows[at[k] ?? k] = {
      id: outcome.id,
      type: outcome.type,
      name: outcome.name,
      action,
      ...(outcome.targetId ? { targetId: outcome.targetId } : {}),
      changes: objectChanges(before, after, folderPath),
      targetVersion: target?.version ?? null,
    };
  });
  return rows;
}

/** The diff of one page of an undo package: what the undo would put back, and what it would refuse. */
export function undoDiffRows(entries: readonly PackageEntry[], targets: ReadonlyMap<string, TargetObject>, folderPath: FolderPathOf): DiffRow[] {
  return entries.map((entry) => {
    const current = targets.get(entry.object.id)?.object();
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
