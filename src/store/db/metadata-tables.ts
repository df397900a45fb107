/** Table shapes of the metadata repository (projects and their objects). */
export interface ProjectsTable {
  id: string;
  name: string;
  description: string;
  date_created: number;
  date_modified: number;
  owner_id: string;
  owner_name: string;
}

export interface ObjectsTable {
  project_id: string;
  id: string;
  type: number;
  subtype: number;
  name: string;
  description: string;
  folder_id: string | null;
  version: string;
  date_created: number;
  date_modified: number;
  owner_id: string;
  owner_name: string;
  /** JSON array of AclEntry. */
  acl: string;
  /** JSON object, opaque to the repository. */
  definition: string;
  /** JSON array of used ids; object_uses holds the same edges for dependent look-ups. */
  uses: string;
  hidden: number;
  /** Key of the ACL in acl_sets (a hash of `acl`): browse rights are decided per distinct ACL. */
  acl_key: string;
}

/** Each distinct ACL once, so a search can tell which ACLs let a caller browse without reading every object. */
export interface AclSetsTable {
  acl_key: string;
  acl: string;
}

/** A stored metadata search (POST …/metadataSearches/results), run when its results are read. */
export interface SearchInstancesTable {
  id: string;
  user_id: string;
  project_id: string;
  /** JSON of the SearchCriteria. */
  criteria: string;
  created_at: number;
}

/** A counter per project, bumped in the same transaction by every write to its objects (migration 016). */
export interface ProjectRevisionsTable {
  project_id: string;
  revision: number;
}

export interface ObjectUsesTable {
  project_id: string;
  object_id: string;
  used_id: string;
}

export interface MetadataTables {
  projects: ProjectsTable;
  objects: ObjectsTable;
  object_uses: ObjectUsesTable;
  project_revisions: ProjectRevisionsTable;
  acl_sets: AclSetsTable;
  search_instances: SearchInstancesTable;
}
