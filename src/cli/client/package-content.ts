import { ClientError } from './http.js';
import { projectHeader, type Named } from './migrations.js';
import { metadataSearch, type FoundObject } from './search-api.js';
import type { Session } from './session.js';

const GUID = /^[0-9A-F]{32}$/;
const FOLDER = 8;
const SEARCH_OBJECT = 39;
const PROJECT_ROOT_FOLDER_ID = 'D43364C684E34A5F9B2F9AD7108F7828';

export interface ContentSources {
  objects: Array<{ id: string; type: number }>;
  /** Search objects by id or exact name: their results. */
  searches: string[];
  /** Folder paths from the project's root ("Public Objects/Reports"): the folder and everything below it. */
  folders: string[];
  /** true: every dependency (the server adds them); a list: only dependencies of these types. */
  withDependencies: boolean | number[];
}

export interface ContentRow {
  id: string;
  type: number;
  includeDependents: boolean;
}

async function searchObjectId(session: Session, project: Named, idOrName: string): Promise<string> {
  if (GUID.test(idOrName)) return idOrName;
  const found = await metadataSearch(session, project, { name: idOrName, pattern: 2, types: [SEARCH_OBJECT] });
  const [only] = found;
  if (found.length !== 1 || !only)
    throw new ClientError(`${found.length} search objects are named ${JSON.stringify(idOrName)} in ${project.name}; give its id`);
  return only.id;
}

async function searchResults(session: Session, project: Named, idOrName: string): Promise<FoundObject[]> {
  const id = await searchObjectId(session, project, idOrName);
  const answer = await session.json('GET', `/api/searchObjects/${id}/results`, { headers: projectHeader(project) });
  if (!Array.isArray(answer.result)) throw new ClientError(`${session.url} ran search object ${id} without a result list`);
  return answer.result as FoundObject[];
}

/** A folder by its path from the project's root, one level at a time. */
async function folderByPath(session: Session, project: Named, folderPath: string): Promise<FoundObject> {
  let folder: FoundObject = { id: PROJECT_ROOT_FOLDER_ID, name: project.name, type: FOLDER };
  for (const name of folderPath.split('/').filter((part) => part !== '')) {
    const children = await session.value('GET', `/api/folders/${folder.id}?type=${FOLDER}`, { headers: projectHeader(project) });
    const next = Array.isArray(children) ? (children as FoundObject[]).find((c) => c.type === FOLDER && c.name === name) : undefined;
    if (!next) throw new ClientError(`no folder ${JSON.stringify(name)} in ${JSON.stringify(folder.name)} of ${project.name}`);
    folder = next;
  }
  return folder;
}

/**
 * The content of a package the way Workstation builds it: picked objects, the results of search
 * objects, folders with everything below them, and their dependencies (all of them, or by type).
 */
export async function buildContent(session: Session, project: Named, sources: ContentSources): Promise<ContentRow[]> {
  const picked = new Map<string, FoundObject>();
  const add = (list: readonly FoundObject[]) => {
    for (const o of list) picked.set(o.id, o);
  };
  add(sources.objects.map((o) => ({ ...o, name: o.id })));
  for (const search of sources.searches) add(await searchResults(session, project, search));
  for (const folderPath of sources.folders) {
    const folder = await folderByPath(session, project, folderPath);
    add([folder, ...(await metadataSearch(session, project, { root: folder.id }))]);
  }
  const allDependencies = sources.withDependencies === true;
  const rows = [...picked.values()].map((o) => ({ id: o.id, type: o.type, includeDependents: allDependencies }));
  if (Array.isArray(sources.withDependencies)) {
    const types = sources.withDependencies;
    for (const object of [...picked.values()]) {
      for (const dependency of await metadataSearch(session, project, { dependenciesOf: object, types })) {
        if (!picked.has(dependency.id)) rows.push({ id: dependency.id, type: dependency.type, includeDependents: false });
        picked.set(dependency.id, dependency);
      }
    }
  }
  return rows;
}

/** How many rows of each type ({"4": 10, "12": 3}), most first. */
export function countsByType(rows: readonly ContentRow[]): Record<string, number> {
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.type, (counts.get(row.type) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([type, n]) => [String(type), n]));
}
