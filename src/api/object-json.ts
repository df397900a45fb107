import { formatLibraryDate } from '../domain/dates.js';
import { CONFIGURATION_PROJECT_ID, OBJECT_TYPE, type MetadataObject, type ProjectRecord } from '../domain/objects.js';
import { defaultProjectAcl, effectiveRights, type Accessor } from '../domain/acl.js';
import { stableGuid } from '../domain/stable-ids.js';
import type { Ancestor } from '../services/objects.js';

/**
 * An object as GET /api/objects/{id} shows it (object-model §2). Empty descriptions and
 * `hidden: false` are left out, as the Library does.
 */
export function objectJson(object: MetadataObject, projectId: string, accessor: Accessor, ancestors?: Ancestor[]) {
  const extType = object.definition.extType;
  const viewMedia = object.definition.viewMedia;
  return {
    id: object.id,
    name: object.name,
    type: object.type,
    subtype: object.subtype,
    extType: typeof extType === 'number' ? extType : 0,
    dateCreated: formatLibraryDate(new Date(object.dateCreated)),
    dateModified: formatLibraryDate(new Date(object.dateModified)),
    version: object.version,
    acg: effectiveRights(object.acl, accessor),
    owner: { id: object.ownerId, name: object.ownerName },
    acl: object.acl,
    ...(ancestors ? { ancestors } : {}),
    ...(object.description ? { description: object.description } : {}),
    ...(object.hidden ? { hidden: true } : {}),
    ...(typeof viewMedia === 'number' ? { viewMedia } : {}),
    ...(projectId !== CONFIGURATION_PROJECT_ID ? { projectId } : {}),
  };
}

/** A project answered as an object (type 32), which mstrio fetches right after login. */
export function projectObjectJson(project: ProjectRecord, accessor: Accessor) {
  const acl = defaultProjectAcl(false);
  return {
    id: project.id,
    name: project.name,
    type: OBJECT_TYPE.PROJECT,
    subtype: 8192,
    extType: 0,
    dateCreated: formatLibraryDate(new Date(project.dateCreated)),
    dateModified: formatLibraryDate(new Date(project.dateModified)),
    version: stableGuid(`project-version:${project.id}:${project.dateModified}`),
    acg: effectiveRights(acl, accessor),
    owner: { id: project.ownerId, name: project.ownerName },
    acl,
    ancestors: [],
    ...(project.description ? { description: project.description } : {}),
  };
}

/** A row of GET /api/projects. */
export function projectJson(project: ProjectRecord) {
  return {
    id: project.id,
    name: project.name,
    description: project.description,
    status: 0,
    alias: '',
    dateCreated: formatLibraryDate(new Date(project.dateCreated)),
    dateModified: formatLibraryDate(new Date(project.dateModified)),
    owner: { id: project.ownerId, name: project.ownerName },
  };
}
