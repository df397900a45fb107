import type { ConflictAction, ContentLevel, PackagePurpose, PackageType } from './types.js';

/** The enums of the format as lookup tables: a Record over the union makes the compiler insist on every member. */
export const CONFLICT_ACTIONS: Readonly<Record<ConflictAction, true>> = {
  use_existing: true,
  replace: true,
  keep_both: true,
  use_newer: true,
  use_older: true,
  force_replace: true,
  delete: true,
};

export const CONTENT_LEVELS: Readonly<Record<ContentLevel, true>> = {
  project_object: true,
  configuration_object: true,
  unknown: true,
};

export const PACKAGE_TYPES: Readonly<Record<PackageType, true>> = {
  project: true,
  configuration: true,
  project_security: true,
};

export const PACKAGE_PURPOSES: Readonly<Record<PackagePurpose, true>> = {
  object_migration: true,
  project_merge: true,
  undo: true,
};

export const ACL_ON_REPLACING: Readonly<Record<'use_existing' | 'replace' | 'keep_both', true>> = {
  use_existing: true,
  replace: true,
  keep_both: true,
};

export const ACL_ON_NEW: Readonly<Record<'keep_acl_as_source_object' | 'inherit_acl_as_dest_folder', true>> = {
  keep_acl_as_source_object: true,
  inherit_acl_as_dest_folder: true,
};
