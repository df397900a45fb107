/** The metadata object model shared by the repository, the package format and the import engine. */

/** Objects at environment level (users, groups, security roles) live under this pseudo project. */
export const CONFIGURATION_PROJECT_ID = '38A062302D4411D28E71006008960167';
export const TUTORIAL_PROJECT_ID = 'B19DEDCC11D4E0EFC000EB9495D0F44F';
/** The root folder has the same id in every project and is named after the project. */
export const PROJECT_ROOT_FOLDER_ID = 'D43364C684E34A5F9B2F9AD7108F7828';
export const CONFIGURATION_ROOT_FOLDER_ID = '5F90C74FB2944D70930B9BDDA6D2FBF1';

export const OBJECT_TYPE = {
  FILTER: 1,
  TEMPLATE: 2,
  REPORT: 3,
  METRIC: 4,
  AGG_METRIC: 7,
  FOLDER: 8,
  PROMPT: 10,
  FUNCTION: 11,
  ATTRIBUTE: 12,
  FACT: 13,
  HIERARCHY: 14,
  TABLE: 15,
  ATTRIBUTE_FORM: 21,
  COLUMN: 26,
  DB_ROLE: 29,
  PROJECT: 32,
  USER: 34,
  /** A search object: stored search criteria, a metadata object like any other. */
  SEARCH: 39,
  SECURITY_ROLE: 44,
  DOCUMENT: 55,
} as const;

/** Types that live at environment level and travel in `configuration` packages. */
export const CONFIGURATION_TYPES: ReadonlySet<number> = new Set([9, 29, 34, 35, 44, 45, 49, 51, 71, 77, 78, 79, 80, 81]);

export interface AclEntry {
  deny: boolean;
  type: number;
  rights: number;
  trusteeId: string;
  trusteeName: string;
  trusteeType: number;
  trusteeSubtype: number;
  inheritable: boolean;
}

export interface MetadataObject {
  /** 32 upper-case hex. */
  id: string;
  type: number;
  subtype: number;
  name: string;
  /** Empty string when there is none. */
  description: string;
  /** The parent folder; null only for a root folder. */
  folderId: string | null;
  /** 32 upper-case hex; new on every change. */
  version: string;
  /** Epoch milliseconds. */
  dateCreated: number;
  /** Epoch milliseconds. */
  dateModified: number;
  ownerId: string;
  ownerName: string;
  acl: AclEntry[];
  /** The object's own definition (formulas, template, expressions …): opaque JSON to the engine. */
  definition: Record<string, unknown>;
  /** Ids of the objects this one uses (its dependencies), sorted, without duplicates. */
  uses: string[];
  hidden: boolean;
}

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  dateCreated: number;
  dateModified: number;
  ownerId: string;
  ownerName: string;
}
