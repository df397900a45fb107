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
}
