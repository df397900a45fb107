import type { MetadataRepository } from '../store/metadata/repository.js';
import type { MetadataObject } from '../domain/objects.js';
import { OBJECT_TYPE } from '../domain/objects.js';

/** Folders looked up per query while climbing to the root. */
const MAX_DEPTH = 64;

/**
 * Folder paths (/Public Objects/Reports) of the target project, loaded on demand and kept: a diff
 * of 100,000 objects reads each of their few folders once. A folder the target lacks is named by
 * the package when the package holds it, else shown as {id}.
 */
export class FolderPaths {
  private readonly folders = new Map<string, { name: string; parentId: string | null } | null>();
  /** Paths already built: every object of a folder asks for the same one (a folder, once loaded, never changes here). */
  private readonly paths = new Map<string, string>();

  constructor(
    private readonly metadata: MetadataRepository,
    private readonly projectId: string,
  ) {}

  /** Loads the folders (and their ancestors) that these objects sit in; `known` are the page's own objects. */
  async load(objects: Iterable<Pick<MetadataObject, 'folderId'>>, known: ReadonlyMap<string, MetadataObject>): Promise<void> {
    let wanted = new Set<string>();
    for (const o of objects) if (o.folderId && !this.folders.has(o.folderId)) wanted.add(o.folderId);
    for (let depth = 0; wanted.size > 0 && depth < MAX_DEPTH; depth++) {
      const found = await this.metadata.getObjects(this.projectId, [...wanted]);
      const next = new Set<string>();
      for (const id of wanted) {
        const folder = found.get(id) ?? (known.get(id)?.type === OBJECT_TYPE.FOLDER ? known.get(id) : undefined);
        this.folders.set(id, folder ? { name: folder.name, parentId: folder.folderId } : null);
        if (folder?.folderId && !this.folders.has(folder.folderId)) next.add(folder.folderId);
      }
      wanted = next;
    }
  }

  /** The path of a folder; the root folder (no parent) is "/". */
  readonly pathOf = (folderId: string | null): string | null => {
    if (folderId === null) return null;
    const known = this.paths.get(folderId);
    if (known !== undefined) return known;
    const path = this.build(folderId);
    // load() reads a folder with all its ancestors; one not loaded yet may be by a later page, so its path waits.
    if (this.folders.has(folderId)) this.paths.set(folderId, path);
    return path;
  };

  private build(folderId: string): string {
    const names: string[] = [];
    let id: string | null = folderId;
    for (let depth = 0; id !== null && depth < MAX_DEPTH; depth++) {
      const folder = this.folders.get(id);
      if (!folder) {
        names.push(`{${id}}`);
        break;
      }
      if (folder.parentId === null) break;
      names.push(folder.name);
      id = folder.parentId;
    }
    return `/${names.reverse().join('/')}`;
  }
}
