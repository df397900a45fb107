/** Tables of the Migrations API: packages, their imports, and the async job queue. */

export interface PackagesTable {
  id: string;
  name: string;
  type: string;
  purpose: string;
  status: string;
  progress: number;
  message: string;
  replicated: number;
  creator_id: string;
  creator_name: string;
  env_id: string;
  env_name: string;
  project_id: string | null;
  project_name: string | null;
  storage_path: string | null;
  storage_size: number | null;
  sha256: string | null;
  /** Package settings and requested content, as JSON (the tocView the client sent). */
  request: string;
  /** The table of contents as JSON, as versions before migration 017 wrote it; now written as package_toc rows. */
  toc: string | null;
  /** How many package_toc rows the package's complete toc has (migration 017); null: none there (see `toc`). */
  toc_rows: number | null;
  certification: string | null;
  /** Set when the package came from an uploaded shared file. */
  file_guid: string | null;
  format_version: number | null;
  /** Lineage of an uploaded package (PackageSource as JSON). */
  source: string | null;
  /** JSON SignatureRecord of the package's last verification (null: not verified here). */
  signature: string | null;
  created_at: number;
  updated_at: number;
}

/** One object of a package's table of contents (migration 017), in package order (seq from 0). */
export interface PackageTocTable {
  package_id: string;
  seq: number;
  object_id: string;
  type: number;
  subtype: number;
  name: string;
  version: string;
  action: string;
  explicit_included: number;
  level: string;
}

export interface ImportsTable {
  id: string;
  package_id: string;
  status: string;
  import_request_status: string;
  undo_request_status: string;
  progress: number;
  message: string;
  creator_id: string | null;
  creator_name: string | null;
  env_id: string;
  env_name: string;
  project_id: string | null;
  project_name: string | null;
  generate_undo: number;
  undo_path: string | null;
  undo_size: number | null;
  undo_sha256: string | null;
  /** Counts by action and type of the last import's or validation's outcomes (import_outcomes), as JSON. */
  report_summary: string | null;
  validation: string | null;
  created_at: number;
  updated_at: number;
}

/** One object of the last import's or validation's report, in package order (seq). */
export interface ImportOutcomesTable {
  import_id: string;
  seq: number;
  object_id: string;
  type: number;
  name: string;
  conflict: string;
  action: string;
  target_id: string | null;
  message: string | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  package_id: string;
  import_id: string | null;
  state: string;
  owner: string | null;
  lease_until: number;
  attempts: number;
  error: string | null;
  created_at: number;
  updated_at: number;
  /** Not claimed before this time (the backoff after a transient failure). */
  run_after: number;
}

export interface MigrationTables {
  packages: PackagesTable;
  package_toc: PackageTocTable;
  imports: ImportsTable;
  import_outcomes: ImportOutcomesTable;
  jobs: JobsTable;
}
