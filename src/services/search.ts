import { newGuid } from '../domain/ids.js';
import { SearchNotFoundError } from '../domain/errors.js';
import { OBJECT_TYPE, type MetadataObject } from '../domain/objects.js';
import { RIGHTS, hasRights, type Accessor } from '../domain/acl.js';
import { narrowToSubtype, type SearchFilter } from '../domain/search/criteria.js';
import { filterOf, parseDefinition, type SearchDefinition } from '../domain/search/definition.js';
import { ObjectService, type ObjectListing } from './objects.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import type { SearchInstanceRepository } from '../store/metadata/search-instances.js';

/** "Everything" (limit -1) still stops here: one answer never holds more objects than this. */
export const MAX_RESULTS = 100_000;

export interface Page {
  offset: number;
  /** -1: every result (up to MAX_RESULTS). */
  limit: number;
}

export interface TreeNode {
  id: string;
  name: string;
  type: number;
  subtype: number;
  children: TreeNode[];
}

export const SEARCH_OBJECT_SUBTYPE = 9984;

function limitOf(page: Page): number {
  return page.limit < 0 ? MAX_RESULTS : Math.min(page.limit, MAX_RESULTS);
}

/**
 * Metadata searches, quick searches and search objects (type 39) on behalf of a user. Results
 * only ever hold objects the user may browse, and only those are counted.
 */
export class SearchService {
  private readonly objects: ObjectService;

  constructor(
    private readonly metadata: MetadataRepository,
    private readonly instances: SearchInstanceRepository,
  ) {
    this.objects = new ObjectService(metadata);
  }

  /** One page of what the filter matches in a project. */
  async find(projectId: string, filter: SearchFilter, page: Page, accessor: Accessor): Promise<ObjectListing> {
    return this.objects.search({ projectId, ...filter, offset: page.offset, limit: limitOf(page) }, accessor);
  }

  /** The objects of a project with these ids that the accessor may browse, in the order asked; unknown ids are left out. */
  async byIds(projectId: string, ids: readonly string[], accessor: Accessor): Promise<MetadataObject[]> {
    const found = await this.metadata.getObjects(projectId, ids);
    return [...new Set(ids)].flatMap((id) => {
      const object = found.get(id);
      return object && hasRights(object, accessor, RIGHTS.BROWSE) ? [object] : [];
    });
  }

  /** Stores a metadata search for its results to be read by id; answers its id and how many it matches. */
  async store(projectId: string, filter: SearchFilter, accessor: Accessor): Promise<{ id: string; totalItems: number }> {
    const id = newGuid();
    const now = Date.now();
    await this.instances.save({ id, userId: accessor.userId, projectId, filter }, now);
    const counted = await this.find(projectId, filter, { offset: 0, limit: 0 }, accessor);
    return { id, totalItems: counted.total };
  }

  /** The project of a stored search and one page of its results, run now. */
  async results(searchId: string, page: Page, accessor: Accessor): Promise<{ projectId: string; listing: ObjectListing }> {
    const instance = await this.instances.find(searchId, accessor.userId);
    if (!instance) throw new SearchNotFoundError(`Search instance ${searchId} not found: store the search first (POST /api/metadataSearches/results).`);
    return { projectId: instance.projectId, listing: await this.find(instance.projectId, instance.filter, page, accessor) };
  }

  /** The results of a stored search placed in their folder tree, root first. */
  async tree(searchId: string, page: Page, accessor: Accessor): Promise<{ projectId: string; total: number; roots: TreeNode[] }> {
    const { projectId, listing } = await this.results(searchId, page, accessor);
    const nodes = new Map<string, TreeNode>();
    const roots: TreeNode[] = [];
    const nodeOf = (o: { id: string; name: string; type: number; subtype: number }) => {
      const existing = nodes.get(o.id);
      if (existing) return existing;
      const node = { id: o.id, name: o.name, type: o.type, subtype: o.subtype, children: [] };
      nodes.set(o.id, node);
      return node;
    };
    for (const object of listing.objects) {
      const chain = await this.objects.ancestors(projectId, object);
      let siblings = roots;
      for (const folder of chain) {
        const known = nodes.has(folder.id);
        const node = nodeOf({ ...folder, type: OBJECT_TYPE.FOLDER, subtype: 2048 });
        if (!known) siblings.push(node);
        siblings = node.children;
      }
      if (!nodes.has(object.id)) siblings.push(nodeOf(object));
    }
    return { projectId, total: listing.total, roots };
  }

  /** A new search object (type 39) holding the definition, in `folderId`. */
  async createSearchObject(
    projectId: string,
    input: { name: string; description: string; folderId: string; definition: SearchDefinition },
    accessor: Accessor,
  ): Promise<MetadataObject> {
    const { definition, ...rest } = input;
    return this.objects.create(projectId, { ...rest, type: OBJECT_TYPE.SEARCH, subtype: SEARCH_OBJECT_SUBTYPE, definition: { ...definition } }, accessor);
  }

  async searchObjectDefinition(projectId: string, id: string, accessor: Accessor): Promise<{ object: MetadataObject; definition: SearchDefinition }> {
    const object = await this.objects.read(projectId, id, OBJECT_TYPE.SEARCH, accessor);
    return { object, definition: parseDefinition(object.definition) };
  }

  /** Replaces some criteria of a search object, keeping the others. */
  async alterSearchObject(
    projectId: string,
    id: string,
    changes: Record<string, unknown>,
    accessor: Accessor,
  ): Promise<{ object: MetadataObject; definition: SearchDefinition }> {
    const { definition } = await this.searchObjectDefinition(projectId, id, accessor);
    const next = parseDefinition(changes, definition);
    const object = await this.objects.update(projectId, id, OBJECT_TYPE.SEARCH, { definition: { ...next } }, accessor);
    return { object, definition: next };
  }

  /** Runs a search object's criteria in its project, optionally only for results of one subtype. */
  async runSearchObject(projectId: string, id: string, subtype: number | undefined, page: Page, accessor: Accessor): Promise<ObjectListing> {
    const { definition } = await this.searchObjectDefinition(projectId, id, accessor);
    const filter = filterOf(definition, Date.now());
    return this.find(projectId, subtype === undefined ? filter : narrowToSubtype(filter, subtype), page, accessor);
  }
}
