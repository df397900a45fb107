import type { MetadataRepository, ObjectLinks } from '../store/metadata/repository.js';
import type { ConflictAction, PackageEntry, PackageSettings, PackageType } from '../domain/mmp/types.js';
import { assertPackageKind } from '../domain/migrations/package-kinds.js';
import type { PackageRequest } from '../domain/migrations/records.js';
import { CONFIGURATION_TYPES, type MetadataObject } from '../domain/objects.js';
import { effectiveRights, hasRights, RIGHTS, type Accessor } from '../domain/acl.js';
import { InvalidInputError, PermissionError } from '../domain/errors.js';

const READ = RIGHTS.BROWSE | RIGHTS.READ;
const PAGE = 1000;

interface Selected {
  action: ConflictAction;
  explicitIncluded: boolean;
}

export function levelOf(object: Pick<MetadataObject, 'type'>): PackageEntry['level'] {
  return CONFIGURATION_TYPES.has(object.type) ? 'configuration_object' : 'project_object';
}

/** Whom the ACL checks of package creation run as; with Bypass, ACLs are not checked. */
function assertReadable(object: MetadataObject, accessor: Accessor, asDependency: boolean): void {
  if (hasRights(object, accessor, READ)) return;
  throw unreadable(object, accessor, asDependency);
}

function unreadable(object: Pick<MetadataObject, 'id' | 'name'>, accessor: Accessor, asDependency: boolean): PermissionError {
  const hint = asDependency ? ' Including dependents regardless of their ACLs needs the Bypass all objects security check privilege.' : '';
  return new PermissionError(`${accessor.userName} cannot read '${object.name}' (${object.id}).${hint}`);
}

/** Whether the accessor may read objects guarded by each ACL key, decided once per distinct ACL (objects share a few). */
class ReadableAcls {
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly metadata: MetadataRepository,
    private readonly accessor: Accessor,
  ) {}

  /** Reads the ACLs of these objects that are not known yet; call before assertReadable on them. */
  async load(objects: Iterable<ObjectLinks>): Promise<void> {
    if (this.accessor.bypass) return;
    const unknown = [...objects].filter((o) => !this.known.has(o.aclKey)).map((o) => o.aclKey);
    if (unknown.length === 0) return;
    for (const [key, acl] of await this.metadata.aclsByKey(unknown)) this.known.set(key, (effectiveRights(acl, this.accessor) & READ) === READ);
  }

  assertReadable(object: ObjectLinks, asDependency: boolean): void {
    if (!this.accessor.bypass && this.known.get(object.aclKey) !== true) throw unreadable(object, this.accessor, asDependency);
  }
}

/**
 * Resolves a tocView to the objects of the package: the explicit rows, plus, where
 * includeDependents is set, every object they use and their folders, transitively. The walk reads
 * only ids, uses, folders and ACL keys (breadth first, a page of ids per query), so memory grows
 * with the number of objects, not their size, and no ACL is parsed twice.
 */
export async function selectContent(
  metadata: MetadataRepository,
  projectId: string,
  request: PackageRequest,
  accessor: Accessor,
): Promise<Map<string, Selected>> {
  const selected = new Map<string, Selected>();
  const explicit = new Map(request.content.map((row) => [row.id, row]));
  const readable = new ReadableAcls(metadata, accessor);
  let frontier: string[] = [...explicit.keys()];
  const walk = new Set<string>();
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += PAGE) {
      const ids = frontier.slice(i, i + PAGE);
      const found = await metadata.getLinks(projectId, ids);
      await readable.load(found.values());
      for (const id of ids) {
        const object = found.get(id);
        const row = explicit.get(id);
        if (!object) {
          if (row) throw new InvalidInputError(`Object ${id} (type ${row.type}) does not exist in project ${projectId}.`);
          continue; // a dependency the source does not hold either: the import's dependency check reports it
        }
        if (row && object.type !== row.type) {
          throw new InvalidInputError(`Object ${id} is of type ${object.type}, not ${row.type}.`);
        }
        readable.assertReadable(object, !row);
        selected.set(
          id,
          row
            ? { action: (row.action as ConflictAction | undefined) ?? request.settings.defaultAction, explicitIncluded: true }
            : { action: request.settings.defaultAction, explicitIncluded: false },
        );
        if (row && !row.includeDependents) continue;
        if (!row && !walk.has(id)) continue;
        for (const used of object.folderId ? [...object.uses, object.folderId] : object.uses) {
          if (!selected.has(used) && !walk.has(used)) {
            walk.add(used);
            next.push(used);
          }
        }
      }
    }
    frontier = next;
  }
  return selected;
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

/** The package entries, a page at a time; an object that does not belong in a package of this type fails the creation. */
export async function* contentPages(
  metadata: MetadataRepository,
  projectId: string,
  packageType: PackageType,
  selected: Map<string, Selected>,
): AsyncGenerator<PackageEntry[]> {
  const ids = [...selected.keys()];
  for (let i = 0; i < ids.length; i += PAGE) {
    const found = await metadata.getObjects(projectId, ids.slice(i, i + PAGE));
    const page: PackageEntry[] = [];
    for (const id of ids.slice(i, i + PAGE)) {
      const object = found.get(id);
      const choice = selected.get(id);
      if (!object || !choice) continue;
      page.push({ action: choice.action, explicitIncluded: choice.explicitIncluded, level: levelOf(object), object });
    }
    assertPackageKind(
      packageType,
      page.map((entry) => entry.object),
    );
    if (page.length > 0) yield page;
  }
}

export const DEFAULT_SETTINGS: PackageSettings = {
  defaultAction: 'use_existing',
  aclOnReplacingObjects: 'use_existing',
  aclOnNewObjects: ['keep_acl_as_source_object'],
};
