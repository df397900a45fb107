import type { MetadataObject } from '../objects.js';

/** The newest .mmp format this build writes; older ones are read, newer ones refused. */
export const MMP_FORMAT_VERSION = 2;
export const MMP_OLDEST_READABLE_FORMAT = 1;
export const MMP_PLATFORM_VERSION = '11.5.1000.0100';

export type PackageType = 'project' | 'configuration' | 'project_security';
export type PackagePurpose = 'object_migration' | 'project_merge' | 'undo';
export type ConflictAction = 'use_existing' | 'replace' | 'keep_both' | 'use_newer' | 'use_older' | 'force_replace' | 'delete';
export type ContentLevel = 'project_object' | 'configuration_object' | 'unknown';

export interface PackageSettings {
  defaultAction: ConflictAction;
  aclOnReplacingObjects: 'use_existing' | 'replace' | 'keep_both';
  aclOnNewObjects: Array<'keep_acl_as_source_object' | 'inherit_acl_as_dest_folder'>;
  updateSchema?: string[];
  /** Project merge only. */
  validateDependencies?: boolean;
  folderActions?: Array<{ id: string; action: ConflictAction }>;
  objectTypeActions?: Array<{ type: number; subtype?: number; action: ConflictAction }>;
  objectActions?: Array<{ id: string; action: ConflictAction }>;
  translationAction?: string;
}

/** The first entry of a package: what it is, read before anything else. */
export interface PackageHeader {
  formatVersion: number;
  platformVersion: string;
  packageId: string;
  packageType: PackageType;
  purpose: PackagePurpose;
  name: string;
  /** Library date string. */
  createdAt: string;
  creator: { id: string; name: string };
  sourceEnvironment: { id: string; name: string };
  sourceProject?: { id: string; name: string };
  settings: PackageSettings;
  /** Undo packages only: the import they reverse. */
  undoOf?: { packageId: string; importId: string };
}

/** One object in a package, with what to do with it on import. */
export interface PackageEntry {
  action: ConflictAction;
  /** True when the user chose it; false when it came in as a dependency. */
  explicitIncluded: boolean;
  level: ContentLevel;
  object: MetadataObject;
  /**
   * Undo packages only: the version the import left in the target. The undo refuses to run
   * when the target no longer has this version (somebody changed the object since).
   */
  expectedTargetVersion?: string | null;
}

export interface TocRow {
  id: string;
  type: number;
  subtype: number;
  name: string;
  version: string;
  action: ConflictAction;
  explicitIncluded: boolean;
  level: ContentLevel;
}

/** The last entry: the table of contents, counts and the checksum of every other entry. */
export interface PackageManifest {
  toc: TocRow[];
  counts: { objects: number; entries: number };
  /** entry name → lower-case hex sha256 of its bytes. */
  checksums: Record<string, string>;
  /** entry name → its size in bytes, uncompressed. Format 2 and later; format 1 manifests have none. */
  sizes?: Record<string, number>;
}

export interface PackageLimits {
  /** Largest single entry, uncompressed. */
  maxEntryBytes: number;
  /** Largest total of all entries, uncompressed: a decompression bomb stops here. */
  maxTotalBytes: number;
  /** Largest ratio of uncompressed to compressed bytes. */
  maxCompressionRatio: number;
  /** Most objects (package entries) in one package; every page holds at least one, so this bounds the tar entries too. */
  maxEntries: number;
  /** Largest single JSON document: header.json or one object line of a page. Defaults to 16 MiB. */
  maxObjectBytes?: number;
}
