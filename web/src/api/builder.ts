import { call, callJson } from './client.js';
import { MIGRATIONS, readAt } from './packstore.js';
import type { MetadataObject, Migration, Page, PageAt, StoredSearch } from './types.js';

/**
 * The package builder's calls: metadata searches and folder listings read a page at a time (the
 * total comes in X-MSTR-Total-Count), and the package is created from a tocView as the CLI does.
 */

/** EnumDSSXMLSearchTypes 4: the name contains the text. */
const CONTAINS = '4';
/** EnumDSSXMLSearchDomain 2: the project of X-MSTR-ProjectID. */
const PROJECT_DOMAIN = '2';
/** How many results one read of a whole search takes. */
const READ_PAGE = 1000;

export interface SearchCriteria {
  name: string;
  type?: number;
  /** yyyy-mm-dd: objects modified on that day or later (UTC). */
  modifiedSince?: string;
}

/** The criteria a metadata search stores, as its query (search contract §4.1). */
export type SearchQuery = URLSearchParams;

function query(entries: Record<string, string>, types: readonly number[] = []): SearchQuery {
  const params = new URLSearchParams({ domain: PROJECT_DOMAIN, ...entries });
  for (const type of types) params.append('type', String(type));
  return params;
}

export function byCriteria(criteria: SearchCriteria): SearchQuery {
  return query(
    {
      ...(criteria.name.trim() ? { name: criteria.name.trim(), pattern: CONTAINS } : {}),
      ...(criteria.modifiedSince ? { beginModificationTime: `${criteria.modifiedSince}T00:00:00Z` } : {}),
    },
    criteria.type === undefined ? [] : [criteria.type],
  );
}

/** Everything below a folder, at any depth. */
export const belowFolder = (folderId: string): SearchQuery => query({ root: folderId });

/** What an object uses, transitively (the server walks the dependencies), only of these types when any are given. */
export const dependenciesOf = (object: { id: string; type: number }, types: readonly number[]): SearchQuery =>
  query({ usedByObject: `${object.id};${object.type}`, usedByRecursive: 'true' }, types);

export const storeSearch = (projectId: string, search: SearchQuery) =>
  callJson<StoredSearch>('POST', `/api/v2/metadataSearches/results?${search}`, { projectId, json: {} });

async function pageOf(response: Response): Promise<Page<MetadataObject>> {
  const data = (await response.json()) as MetadataObject[];
  const total = Number(response.headers.get('X-MSTR-Total-Count') ?? data.length);
  return { total, data };
}

/** One page of a stored search's results, run again on the server: paging stays stable. */
export async function searchPage(searchId: string, offset: number, limit: number): Promise<Page<MetadataObject>> {
  return pageOf(await call('GET', `/api/metadataSearches/results?searchId=${searchId}&offset=${offset}&limit=${limit}`));
}

/** Every result of a search, read a page at a time; `onPage` hears how far it got. */
export async function allResults(projectId: string, search: SearchQuery, onPage?: (read: number, total: number) => void): Promise<MetadataObject[]> {
  const stored = await storeSearch(projectId, search);
  const all: MetadataObject[] = [];
  for (;;) {
    const page = await searchPage(stored.id, all.length, READ_PAGE);
    all.push(...page.data);
    onPage?.(all.length, page.total);
    if (page.data.length === 0 || all.length >= page.total) return all;
  }
}

/** One page of a folder's children. */
export async function folderPage(projectId: string, folderId: string, offset: number, limit: number): Promise<PageAt<MetadataObject>> {
  return readAt(offset)(await pageOf(await call('GET', `/api/folders/${folderId}?offset=${offset}&limit=${limit}`, { projectId })));
}

export interface PackageRow {
  id: string;
  type: number;
}

/** Creates a project package holding exactly these objects (none brings its dependencies: they are rows already). */
export function createPackage(projectId: string, name: string, action: string, rows: readonly PackageRow[]): Promise<Migration> {
  const environment = { id: `${window.location.origin}/`, name: window.location.origin };
  return callJson<Migration>('POST', `${MIGRATIONS}?unlockOnStart=True`, {
    projectId,
    json: {
      packageInfo: {
        name,
        environment,
        tocView: {
          settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'use_existing', aclOnNewObjects: ['keep_acl_as_source_object'] },
          content: rows.map((row) => ({ id: row.id, type: row.type, includeDependents: false, action })),
        },
        treeView: {},
        type: 'project',
      },
      importInfo: {},
    },
  });
}

/** A record's state without its table of contents, for following a creation. */
export const migrationState = (id: string) => callJson<Migration>('GET', `${MIGRATIONS}/${id}`);
