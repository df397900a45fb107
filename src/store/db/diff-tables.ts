/** Table shapes of stored diffs (src/store/diffs.ts). */
export interface DiffsTable {
  id: string;
  project_id: string;
  /** JSON: what was diffed ({kind: file | migration, id, undo}). */
  source: string;
  /** The blob key of the package read. */
  package_path: string;
  /** running, done or failed. */
  status: string;
  message: string;
  /** JSON DiffSummary, set when done. */
  summary: string | null;
  fingerprint: string | null;
  /** The project revision the target's fingerprint was last taken at, and that fingerprint (migration 016). */
  checked_revision: number | null;
  checked_fingerprint: string | null;
  user_id: string;
  created_at: number;
  updated_at: number;
}

export interface DiffObjectsTable {
  diff_id: string;
  /** Package order from 0 for the listed objects; the unlisted ones (listed 0) are numbered below 0. */
  seq: number;
  object_id: string;
  type: number;
  name: string;
  action: string;
  target_id: string | null;
  blocked: string | null;
  /** JSON array of {field, before, after}. */
  changes: string;
  /** The target's version when the diff was taken; null: absent. */
  target_version: string | null;
  /** 0: a destination folder the engine read (part of the fingerprint, not of the listing). */
  listed: number;
}

export interface DiffTables {
  diffs: DiffsTable;
  diff_objects: DiffObjectsTable;
}
