import { CONFIGURATION_PROJECT_ID, CONFIGURATION_TYPES, OBJECT_TYPE, type MetadataObject, type ProjectRecord } from '../domain/objects.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../domain/errors.js';
import { RIGHTS, aclEntry, aclForNewObject, demandRights, type Accessor } from '../domain/acl.js';
import type { SearchFilter } from '../domain/search/criteria.js';
import { browseFilter } from '../domain/search/visibility.js';
import { newGuid } from '../domain/ids.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import type { ObjectSearch } from '../store/metadata/search-query.js';

/** A folder chain longer than this is corrupt data, not a real tree. */
const MAX_FOLDER_DEPTH = 64;

export interface Ancestor {
  name: string;
  id: string;
  /** Distance from the object: 1 is the direct parent. */
  level: number;
}

export interface ObjectChanges {
  name?: string;
  description?: string;
  folderId?: string;
  definition?: Record<string, unknown>;
}

export interface NewObject {
  type: number;
  subtype: number;
  name: string;
  description: string;
  folderId: string;
  definition: Record<string, unknown>;
}

export interface ObjectListing {
  total: number;
  objects: MetadataObject[];
}

/** Reads and edits of metadata objects on behalf of a user: existence, type, ACL and folder rules. */
export class ObjectService {
  constructor(private readonly repo: MetadataRepository) {}

  /** The project, or 404. */
  async project(id: string): Promise<ProjectRecord> {
    const project = await this.repo.getProject(id);
    if (!project) throw new NotFoundError(`No project with id ${id}.`);
    return project;
  }

  async projects(): Promise<ProjectRecord[]> {
    return this.repo.listProjects();
  }

  /**
   * The project a request works in: the one it names (it must exist), or the configuration when it
   * names none or the type is a configuration type (mstrio sends X-MSTR-ProjectID session-wide).
   */
  async scope(projectId: string | undefined, type?: number): Promise<string> {
    if ((type !== undefined && CONFIGURATION_TYPES.has(type)) || projectId === undefined) return CONFIGURATION_PROJECT_ID;
    return (await this.project(projectId)).id;
  }

  /** The object, when it exists with this type and the accessor may read it (404 / 403 otherwise). */
  async read(projectId: string, id: string, type: number, accessor: Accessor): Promise<MetadataObject> {
    const object = await this.find(projectId, id, type);
    demandRights(object, accessor, RIGHTS.BROWSE | RIGHTS.READ);
    return object;
  }

  /** Root first, direct parent last, as the Library lists them. */
  async ancestors(projectId: string, object: MetadataObject): Promise<Ancestor[]> {
    const chain: Ancestor[] = [];
    let folderId = object.folderId;
    while (folderId !== null && chain.length < MAX_FOLDER_DEPTH) {
      const folder = await this.repo.getObject(projectId, folderId);
      if (!folder) break;
      chain.push({ name: folder.name, id: folder.id, level: chain.length + 1 });
      folderId = folder.folderId;
    }
    return chain.reverse();
  }

  async update(projectId: string, id: string, type: number, changes: ObjectChanges, accessor: Accessor): Promise<MetadataObject> {
    return this.repo.transaction(async (repo) => {
      const service = new ObjectService(repo);
      const object = await service.find(projectId, id, type);
      demandRights(object, accessor, RIGHTS.WRITE);
      const next: MetadataObject = {
        ...object,
        name: changes.name ?? object.name,
        description: changes.description ?? object.description,
        folderId: changes.folderId ?? object.folderId,
        definition: changes.definition ?? object.definition,
      };
      const same = next.name === object.name && next.description === object.description && next.folderId === object.folderId;
      if (same && changes.definition === undefined) return object;
      if (next.folderId !== object.folderId) {
        if (object.folderId === null) throw new InvalidInputError('folderId: a root folder cannot be moved.');
        const target = await service.targetFolder(projectId, next.folderId ?? '', accessor);
        if (object.type === OBJECT_TYPE.FOLDER) await service.refuseCycle(projectId, object, target);
      }
      if (next.folderId !== null && (next.name !== object.name || next.folderId !== object.folderId)) {
        await service.refuseNameClash(projectId, next.folderId, object.type, next.name, object.id);
      }
      const saved = { ...next, version: newGuid(), dateModified: Date.now() };
      await repo.upsertObjects(projectId, [saved]);
      return saved;
    });
  }

  /** A copy under a new id, by default named "Name (1)" in the source's folder. */
  async copy(projectId: string, id: string, type: number, input: { name?: string; folderId?: string }, accessor: Accessor): Promise<MetadataObject> {
    return this.repo.transaction(async (repo) => {
      const service = new ObjectService(repo);
      const source = await service.read(projectId, id, type, accessor);
      if (source.type === OBJECT_TYPE.FOLDER) throw new InvalidInputError('type: folders cannot be copied; create a folder and copy its objects.');
      const folderId = input.folderId ?? source.folderId;
      if (folderId === null) throw new InvalidInputError('folderId: the object has no folder to copy into.');
      await service.targetFolder(projectId, folderId, accessor);
      const name = input.name ?? (await service.freeCopyName(projectId, folderId, source));
      await service.refuseNameClash(projectId, folderId, source.type, name, undefined);
      const now = Date.now();
      const creator = aclEntry({ id: accessor.userId, name: accessor.userName, subtype: 8704 }, RIGHTS.FULL_CONTROL);
      const copy: MetadataObject = {
        ...source,
        id: newGuid(),
        name,
        folderId,
        version: newGuid(),
        dateCreated: now,
        dateModified: now,
        ownerId: accessor.userId,
        ownerName: accessor.userName,
        acl: [creator, ...source.acl.filter((e) => e.trusteeId !== accessor.userId)],
      };
      await repo.upsertObjects(projectId, [copy]);
      return copy;
    });
  }

  /** Deletes an object nothing uses; 409 ERR015 naming a dependent (or a folder's child) otherwise. */
  async remove(projectId: string, id: string, type: number, accessor: Accessor): Promise<void> {
    await this.repo.transaction(async (repo) => {
      const service = new ObjectService(repo);
      const object = await service.find(projectId, id, type);
      demandRights(object, accessor, RIGHTS.DELETE);
      if (object.folderId === null) throw new InvalidInputError('id: a root folder cannot be deleted.');
      const dependents = (await repo.dependentsOf(projectId, [id])).get(id) ?? [];
      const [firstId] = dependents;
      if (firstId !== undefined) {
        const first = await repo.getObject(projectId, firstId);
        const who = first ? `'${first.name}' (${first.id}, type ${first.type})` : firstId;
        const more = dependents.length > 1 ? ` and ${dependents.length - 1} other object(s)` : '';
        throw new ConflictError(`'${object.name}' (${id}) cannot be deleted: it is used by ${who}${more}.`);
      }
      if (object.type === OBJECT_TYPE.FOLDER) {
        const children = await repo.search({ projectId, folderId: id, offset: 0, limit: 1 });
        const child = children.objects[0];
        if (child)
          throw new ConflictError(
            `Folder '${object.name}' (${id}) cannot be deleted: it still holds '${child.name}' (${child.id}) and ${children.total - 1} other object(s).`,
          );
      }
      await repo.deleteObjects(projectId, [id]);
    });
  }

  async createFolder(projectId: string, input: { name: string; description: string; parent: string }, accessor: Accessor): Promise<MetadataObject> {
    const folder = { type: OBJECT_TYPE.FOLDER, subtype: 2048, name: input.name, description: input.description, folderId: input.parent, definition: {} };
    return this.create(projectId, folder, accessor);
  }

  /** A new object in a folder the accessor may write to, owned by the accessor, with the folder's inheritable ACL. */
  async create(projectId: string, input: NewObject, accessor: Accessor): Promise<MetadataObject> {
    return this.repo.transaction(async (repo) => {
      const service = new ObjectService(repo);
      const parent = await service.targetFolder(projectId, input.folderId, accessor);
      await service.refuseNameClash(projectId, parent.id, input.type, input.name, undefined);
      const now = Date.now();
      const object: MetadataObject = {
        ...input,
        id: newGuid(),
        folderId: parent.id,
        version: newGuid(),
        dateCreated: now,
        dateModified: now,
        ownerId: accessor.userId,
        ownerName: accessor.userName,
        acl: aclForNewObject(parent.acl, { id: accessor.userId, name: accessor.userName }, input.type === OBJECT_TYPE.FOLDER),
        uses: [],
        hidden: false,
      };
      await repo.upsertObjects(projectId, [object]);
      return object;
    });
  }

  /** A folder's children the accessor may browse (and only those are counted). */
  async children(projectId: string, folderId: string, filter: SearchFilter & { offset: number; limit: number }, accessor: Accessor): Promise<ObjectListing> {
    await this.read(projectId, folderId, OBJECT_TYPE.FOLDER, accessor);
    return this.search({ projectId, ...filter, folderId, recursive: false }, accessor);
  }

  /**
   * One page of matches the accessor may browse. Objects it may not browse are left out before
   * paging, so pages are full and the total counts only what the accessor may see.
   */
  async search(search: Omit<ObjectSearch, 'acl'>, accessor: Accessor): Promise<ObjectListing> {
    const acl = browseFilter(await this.repo.aclSets(), accessor);
    return this.repo.search({ ...search, ...(acl ? { acl } : {}) });
  }

  private async find(projectId: string, id: string, type: number): Promise<MetadataObject> {
    const object = await this.repo.getObject(projectId, id);
    if (!object || object.type !== type) {
      const where = projectId === CONFIGURATION_PROJECT_ID ? 'the configuration' : `project ${projectId}`;
      throw new NotFoundError(`No object with id ${id} and type ${type} in ${where}.`);
    }
    return object;
  }

  /** A folder that objects may be put into: it exists, is a folder, and the accessor may write to it. */
  private async targetFolder(projectId: string, folderId: string, accessor: Accessor): Promise<MetadataObject> {
    const folder = await this.repo.getObject(projectId, folderId);
    if (!folder || folder.type !== OBJECT_TYPE.FOLDER) throw new InvalidInputError(`folderId: ${folderId} is not a folder of this project.`);
    demandRights(folder, accessor, RIGHTS.WRITE);
    return folder;
  }

  private async refuseCycle(projectId: string, moving: MetadataObject, target: MetadataObject): Promise<void> {
    const chain = [target.id, ...(await this.ancestors(projectId, target)).map((a) => a.id)];
    if (chain.includes(moving.id)) throw new InvalidInputError(`folderId: folder '${moving.name}' cannot be moved into itself or one of its subfolders.`);
  }

  private async refuseNameClash(projectId: string, folderId: string, type: number, name: string, selfId: string | undefined): Promise<void> {
    const other = await this.repo.findInFolder(projectId, folderId, type, name);
    if (other && other.id !== selfId) throw new ConflictError(`name: an object named '${name}' of type ${type} already exists in that folder (${other.id}).`);
  }

  private async freeCopyName(projectId: string, folderId: string, source: MetadataObject): Promise<string> {
    for (let n = 1; ; n++) {
      const candidate = `${source.name} (${n})`;
      if (!(await this.repo.findInFolder(projectId, folderId, source.type, candidate))) return candidate;
    }
  }
}
