import { ClientError } from './http.js';
import { projectHeader, type Named } from './migrations.js';
import type { Session } from './session.js';

/** A search result as the server lists it. */
export interface FoundObject {
  id: string;
  name: string;
  type: number;
  subtype?: number;
  dateModified?: string;
}

export interface SearchParams {
  name?: string;
  /** EnumDSSXMLSearchTypes: 2 exactly, 4 contains (the default). */
  pattern?: number;
  types?: readonly number[];
  root?: string;
  /** Objects used by this one (its dependencies), transitively. */
  dependenciesOf?: FoundObject;
  modifiedSince?: string;
}

/** A metadata search (POST /api/v2/metadataSearches/results, then its results), every result at once. */
export async function metadataSearch(session: Session, project: Named, params: SearchParams): Promise<FoundObject[]> {
  const query = new URLSearchParams({ pattern: String(params.pattern ?? 4), domain: '2' });
  if (params.name) query.set('name', params.name);
  for (const type of params.types ?? []) query.append('type', String(type));
  if (params.root) query.set('root', params.root);
  if (params.dependenciesOf) {
    query.set('usedByObject', `${params.dependenciesOf.id};${params.dependenciesOf.type}`);
    query.set('usedByRecursive', 'True');
  }
  if (params.modifiedSince) query.set('beginModificationTime', params.modifiedSince);
  const headers = projectHeader(project);
  const stored = await session.json('POST', `/api/v2/metadataSearches/results?${query}`, { headers, json: {} });
  if (typeof stored.id !== 'string') throw new ClientError(`${session.url} stored the search without returning its id`);
  const results = await session.value('GET', `/api/metadataSearches/results?searchId=${stored.id}`, { headers });
  if (!Array.isArray(results)) throw new ClientError(`${session.url} answered the search results with something other than a list`);
  return results as FoundObject[];
}
