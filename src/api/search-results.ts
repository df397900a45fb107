import type { Accessor } from '../domain/acl.js';
import type { MetadataObject } from '../domain/objects.js';
import type { ObjectService } from '../services/objects.js';
import { objectJson } from './object-json.js';

/** Search results as the Library shows them, each with its folder path when the caller asked for ancestors. */
export async function resultsJson(objects: ObjectService, list: readonly MetadataObject[], projectId: string, accessor: Accessor, withAncestors: boolean) {
  return Promise.all(list.map(async (o) => objectJson(o, projectId, accessor, withAncestors ? await objects.ancestors(projectId, o) : undefined)));
}
