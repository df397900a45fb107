import { OBJECT_TYPE, TUTORIAL_PROJECT_ID, type AclEntry, type MetadataObject, type ProjectRecord } from '../objects.js';
import { ADMINISTRATOR_TRUSTEE, RIGHTS, aclEntry, defaultConfigurationAcl, defaultProjectAcl } from '../acl.js';
import { stableGuid } from '../stable-ids.js';
import { TUTORIAL_CONFIGURATION_ROWS, TUTORIAL_PROJECT_ROWS, type CatalogRow } from './catalog.js';
import { TUTORIAL_USES, refOf } from './dependencies.js';
import { configurationFolders, folderPathOf, tutorialProjectFolders, type FolderSpec } from './layout.js';

export const TUTORIAL_PROJECT_NAME = 'MicroStrategy Tutorial';

/** The Tutorial ships with these times; every environment gets the same ones. */
const CREATED = Date.UTC(2001, 0, 2, 20, 48, 10);
const MODIFIED = Date.UTC(2021, 2, 4, 3, 53, 9);

const DOCUMENT_VIEW_MEDIA = 268435711;
const DASHBOARD_VIEW_MEDIA = 1879072805;
const REPORT_VIEW_MEDIA = 134217728;
const DASHBOARDS = new Set(['Landing Page', 'Cost Analysis Dashboard']);

const MSTR_USER = { id: '7FC05A65473CE2FD845CE6A1D3F13233', name: 'MSTR User', subtype: 8704 };

export interface TutorialContent {
  project: ProjectRecord;
  projectObjects: MetadataObject[];
  configurationObjects: MetadataObject[];
}

/** Version ids as the Tutorial's 2021 metadata upgrade left them: a per-object prefix, a shared time-based tail. */
function versionOf(id: string): string {
  const prefix = stableGuid(`tutorial-version:${id}`).slice(0, 8);
  return `${prefix}11EB7C9D8F150080EF651EEA`;
}

function definitionOf(type: number, subtype: number, name: string): Record<string, unknown> {
  if (type === OBJECT_TYPE.REPORT) return { extType: 1, ...(subtype === 768 ? { viewMedia: REPORT_VIEW_MEDIA } : {}) };
  if (type === OBJECT_TYPE.DOCUMENT) return { viewMedia: DASHBOARDS.has(name) ? DASHBOARD_VIEW_MEDIA : DOCUMENT_VIEW_MEDIA };
  return {};
}

interface Draft {
  ref: string;
  id: string;
  type: number;
  subtype: number;
  name: string;
  folderId: string | null;
  hidden: boolean;
  owner: { id: string; name: string };
  acl: AclEntry[];
  definition: Record<string, unknown>;
}

function folderDrafts(folders: readonly FolderSpec[], acl: (inheritable: boolean) => AclEntry[]): Draft[] {
  const idByPath = new Map(folders.map((f) => [f.path, f.id]));
  return folders.map((f) => {
    const parentPath = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
    const ownedByMstrUser = f.ownerKey === 'U:MSTR User';
    return {
      ref: `FOLDER:${f.path}`,
      id: f.id,
      type: OBJECT_TYPE.FOLDER,
      subtype: 2048,
      name: f.name,
      folderId: f.path === '' ? null : (idByPath.get(parentPath) ?? null),
      hidden: f.hidden === true,
      owner: ownedByMstrUser ? MSTR_USER : ADMINISTRATOR_TRUSTEE,
      acl: ownedByMstrUser ? [aclEntry(MSTR_USER, RIGHTS.FULL_CONTROL, { inheritable: true }), ...acl(true)] : acl(true),
      definition: {},
    };
  });
}

function rowDrafts(rows: readonly CatalogRow[], folders: readonly FolderSpec[], acl: (inheritable: boolean) => AclEntry[]): Draft[] {
  const idByPath = new Map(folders.map((f) => [f.path, f.id]));
  return rows.map(([id, type, subtype, name]) => {
    const path = folderPathOf(type, subtype, name);
    const folderId = idByPath.get(path);
    if (!folderId) throw new Error(`Tutorial folder ${path} is not defined.`);
    return {
      ref: refOf(type, subtype, name),
      id,
      type,
      subtype,
      name,
      folderId,
      hidden: false,
      owner: ADMINISTRATOR_TRUSTEE,
      acl: acl(false),
      definition: definitionOf(type, subtype, name),
    };
  });
}

function finish(drafts: readonly Draft[], idByRef: ReadonlyMap<string, string>): MetadataObject[] {
  return drafts.map((d) => {
    const uses = (TUTORIAL_USES[d.ref] ?? []).map((ref) => {
      const id = idByRef.get(ref);
      if (!id) throw new Error(`Tutorial object ${d.ref} uses unknown ${ref}.`);
      return id;
    });
    return {
      id: d.id,
      type: d.type,
      subtype: d.subtype,
      name: d.name,
      description: '',
      folderId: d.folderId,
      version: versionOf(d.id),
      dateCreated: CREATED,
      dateModified: MODIFIED,
      ownerId: d.owner.id,
      ownerName: d.owner.name,
      acl: d.acl,
      definition: d.definition,
      uses: [...new Set(uses)].sort(),
      hidden: d.hidden,
    };
  });
}

/** The Tutorial demo content: pure and deterministic, so every environment holds identical objects. */
export function buildTutorialContent(): TutorialContent {
  const projectFolders = tutorialProjectFolders(TUTORIAL_PROJECT_NAME);
  const configFolders = configurationFolders();
  const projectDrafts = [...folderDrafts(projectFolders, defaultProjectAcl), ...rowDrafts(TUTORIAL_PROJECT_ROWS, projectFolders, defaultProjectAcl)];
  const configDrafts = [
    ...folderDrafts(configFolders, defaultConfigurationAcl),
    ...rowDrafts(TUTORIAL_CONFIGURATION_ROWS, configFolders, defaultConfigurationAcl),
  ];
  const refs = (drafts: readonly Draft[]) => new Map(drafts.map((d) => [d.ref, d.id]));
  return {
    project: {
      id: TUTORIAL_PROJECT_ID,
      name: TUTORIAL_PROJECT_NAME,
      description: 'MicroStrategy Tutorial project and application set designed to illustrate the platform functionality',
      dateCreated: CREATED,
      dateModified: MODIFIED,
      ownerId: ADMINISTRATOR_TRUSTEE.id,
      ownerName: ADMINISTRATOR_TRUSTEE.name,
    },
    projectObjects: finish(projectDrafts, refs(projectDrafts)),
    configurationObjects: finish(configDrafts, refs(configDrafts)),
  };
}
