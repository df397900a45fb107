import type { MetadataObject } from '../objects.js';
import type { PackageEntry, PackageSettings } from '../mmp/types.js';
import type { ObjectOutcome } from '../migrations/records.js';
import { aclForImport } from './acl-on-import.js';
import { classify, decide, type Effect } from './conflicts.js';

/** A dependency that must exist once the import is done. */
export interface Requirement {
  by: { id: string; name: string };
  id: string;
}

/** What one page of a package does to the target project. */
export interface BatchPlan {
  writes: MetadataObject[];
  deletes: MetadataObject[];
  outcomes: ObjectOutcome[];
  /** The effect behind each outcome, in the same order (the diff names its actions after them). */
  effects: Effect[];
  /** Entries that put the target back as it was before this page. */
  undo: PackageEntry[];
  requires: Requirement[];
  usedKeepBoth: boolean;
}

const OUTCOME_ACTION: Record<Effect, string> = {
  create: 'create',
  replace: 'replace',
  move: 'move',
  keep: 'use_existing',
  copy: 'keep_both',
  delete: 'delete',
  skip: 'none',
};

/** What an object written into the target needs there: every object it uses, and its folder. */
export function requirementsOf(object: MetadataObject): Requirement[] {
  const ids = object.folderId ? [...object.uses, object.folderId] : object.uses;
  return ids.map((id) => ({ by: { id: object.id, name: object.name }, id }));
}

/**
 * Decides, for every entry of a page, what happens in the target. `targets` holds the target's
 * current version of each entry's object and of each destination folder.
 */
export function planBatch(
  entries: readonly PackageEntry[],
  targets: ReadonlyMap<string, MetadataObject>,
  settings: PackageSettings,
  newId: () => string,
): BatchPlan {
  const plan: BatchPlan = { writes: [], deletes: [], outcomes: [], effects: [], undo: [], requires: [], usedKeepBoth: false };
  for (const entry of entries) {
    const source = entry.object;
    const target = targets.get(source.id);
    const effect = decide(entry.action, source, target);
    if (entry.action === 'keep_both') plan.usedKeepBoth = true;
    const outcome: ObjectOutcome = { id: source.id, type: source.type, name: source.name, conflict: classify(source, target), action: OUTCOME_ACTION[effect] };
    plan.outcomes.push(outcome);
    plan.effects.push(effect);
    const destination = source.folderId ? targets.get(source.folderId) : undefined;
    const written = (): MetadataObject => ({ ...source, acl: aclForImport(settings, source, target, destination) });
    /** The target's object, which decide() chose to replace, move or delete. */
    const existing = (): MetadataObject => {
      if (!target) throw new Error(`The plan ${effect}s object ${source.id}, which the target does not have.`);
      return target;
    };
    switch (effect) {
      case 'create': {
        const object = written();
        plan.writes.push(object);
        plan.requires.push(...requirementsOf(object));
        plan.undo.push({ action: 'delete', explicitIncluded: entry.explicitIncluded, level: entry.level, object, expectedTargetVersion: object.version });
        break;
      }
      case 'replace':
      case 'move': {
        const object = written();
        plan.writes.push(object);
        plan.requires.push(...requirementsOf(object));
        plan.undo.push({
          action: 'force_replace',
          explicitIncluded: entry.explicitIncluded,
          level: entry.level,
          object: existing(),
          expectedTargetVersion: object.version,
        });
        break;
      }
      case 'copy': {
        const object = { ...written(), id: newId(), name: `${source.name} (1)` };
        outcome.targetId = object.id;
        plan.writes.push(object);
        plan.requires.push(...requirementsOf(object));
        break;
      }
      case 'delete':
        plan.deletes.push(existing());
        plan.undo.push({
          action: 'force_replace',
          explicitIncluded: entry.explicitIncluded,
          level: entry.level,
          object: existing(),
          expectedTargetVersion: null,
        });
        break;
      case 'keep':
      case 'skip':
        break;
    }
  }
  return plan;
}
