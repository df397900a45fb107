import type { MetadataRepository } from '../store/metadata/repository.js';
import type { ConflictAction, PackageEntry, PackageSettings, PackageType } from '../domain/mmp/types.js';
import { assertPackageKind } from '../domain/migrations/package-kinds.js';
import type { PackageRequest } from '../domain/migrations/records.js';
import { CONFIGURATION_TYPES, type MetadataObject } from '../domain/objects.js';
import { hasRights, RIGHTS, type Accessor } from '../domain/acl.js';
import { InvalidInputError, PermissionError } from '../domain/errors.js';

const READ = RIGHTS.BROWSE | RIGHTS.READ;
const PAGE = 1000;

export function levelOf(object: Pick<MetadataObject, 'type'>): PackageEntry['level'] {
  return CONFIGURATION_TYPES.has(object.type) ? 'configuration_object' : 'project_object';
}

/** Whom the ACL checks of package creation run as; with Bypass, ACLs are not checked. */
function assertReadable(object: MetadataObject, accessor: Accessor, asDependency: boolean): void {
  if (hasRights(object, accessor, READ)) return;
  const hint = asDependency ? ' Including dependents regardless of their ACLs needs the Bypass all objects security check privilege.' : '';
  throw new PermissionError(`${accessor.userName} cannot read '${object.name}' (${object.id}).${hint}`);
}

/**
 * An object migration's entries, a page at a time: the tocView's rows, plus, where includeDependents is set,
 * every object they use and their folders, transitively, breadth first. Each object is read once, whole, and
 * handed to the package writer with its page; the walk keeps only the ids it has queued, so memory grows with
 * the number of objects, not their size. A row that names no object, or an object the creator may not read,
 * fails the creation (a dependency the source does not hold either is left to the import's dependency check).
 */
export async function* selectedPages(
  metadata: MetadataRepository,
  projectId: string,
  packageType: PackageType,
  request: PackageRequest,
  accessor: Accessor,
): AsyncGenerator<PackageEntry[]> {
  const explicit = new Map(request.content.map((row) => [row.id, row]));
  const queued = new Set(explicit.keys());
  let frontier: string[] = [...explicit.keys()];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += PAGE) {
      const ids = frontier.slice(i, i + PAGE);
      const found = await metadata.getObjects(projectId, ids);
      const page: PackageEntry[] = [];
      for (const id of ids) {
        const object = found.get(id);
        const row = explicit.get(id);
        if (!object) {
          if (row) throw new InvalidInputError(`Object ${id} (type ${row.type}) does not exist in project ${projectId}.`);
          continue;
        }
        if (row && object.type !== row.type) throw new InvalidInputError(`Object ${id} is of type ${object.type}, not ${row.type}.`);
        assertReadable(object, accessor, !row);
        const action = (row?.action as ConflictAction | undefined) ?? request.settings.defaultAction;
        page.push({ action, explicitIncluded: row !== undefined, level: levelOf(object), object });
        if (row && !row.includeDependents) continue;
        for (const used of object.folderId ? [...object.uses, object.folderId] : object.uses) {
          if (queued.has(used)) continue;
          queued.add(used);
          next.push(used);
        }
      }
      assertPackageKind(
        packageType,
        page.map((entry) => entry.object),
      );
      if (page.length > 0) yield page;
    }
    frontier = next;
  }
}

/** The action of one object in a project merge: by id, then by folder, then by type, then the default. */
export function mergeAction(object: MetadataObject, settings: PackageSettings): ConflictAction {
  const byId = settings.objectActions?.find((a) => a.id === object.id);
  if (byId) return byId.action;
  const byFolder = settings.folderActions?.find((a) => a.id === object.id || a.id === object.folderId);
  if (byFolder) return byFolder.action;
  const types = settings.objectTypeActions?.filter((a) => a.type === object.type) ?? [];
  const byType = types.find((a) => a.subtype === object.subtype) ?? types.find((a) => a.subtype === undefined);
  return byType?.action ?? settings.defaultAction;
}

/** Project merge: refuses a source project without objects, before anything is written. */
export async function assertMergeable(metadata: MetadataRepository, projectId: string): Promise<void> {
  if ((await metadata.countObjects(projectId)) === 0) throw new InvalidInputError(`Project ${projectId} holds no objects to merge.`);
}

/**
 * Project merge: every object of the source project with its merge action, a page at a time as the package
 * is written. Nothing is kept per object (a map of a million selected ids weighed about 100 MB).
 */
export async function* wholeProjectPages(
  metadata: MetadataRepository,
  projectId: string,
  packageType: PackageType,
  settings: PackageSettings,
  accessor: Accessor,
): AsyncGenerator<PackageEntry[]> {
  for await (const objects of metadata.iterateObjects(projectId, PAGE)) {
    for (const object of objects) assertReadable(object, accessor, false);
    assertPackageKind(packageType, objects);
    yield objects.map((object) => ({ action: mergeAction(object, settings), explicitIncluded: true, level: levelOf(object), object }));
  }
}

export const DEFAULT_SETTINGS: PackageSettings = {
  defaultAction: 'use_existing',
  aclOnReplacingObjects: 'use_existing',
  aclOnNewObjects: ['keep_acl_as_source_object'],
};
