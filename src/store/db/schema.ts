import type { MigrationTables } from './migration-tables.js';
import type { MetadataTables } from './metadata-tables.js';
import type { DiffTables } from './diff-tables.js';

/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds; JSON columns are text so
 * that SQLite and PostgreSQL store the same thing; booleans are 0/1 integers for the same reason.
 */
export interface UsersTable {
  id: string;
  login: string;
  full_name: string;
  password_hash: string;
  enabled: number;
  created_at: number;
  failed_logins: number;
  locked_until: number;
}

export interface GroupsTable {
  id: string;
  name: string;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
}

export interface GrantsTable {
  principal_id: string;
  privilege: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  last_active_at: number;
}

export interface FilesTable {
  guid: string;
  name: string;
  size: number;
  sha256: string;
  existing: number;
  creator_id: string;
  creator_name: string;
  env_id: string;
  env_name: string;
  package_id: string;
  package_type: string;
  package_purpose: string;
  path: string;
  created_at: number;
  updated_at: number;
  /** Set while one upload holds the file, so a second concurrent upload gets 409. */
  upload_claim: string | null;
  /** Renewed while the upload runs; a claim older than the stale age is a dead node's. */
  upload_claimed_at: number | null;
  /** Lineage read from the package's header at upload (PackageSource as JSON); null until then. */
  source: string | null;
  /** JSON SignatureRecord, set when the binary is uploaded (null: not a package, or uploaded before signing existed). */
  signature: string | null;
}

/** This environment's Ed25519 keys; only the current one (retired_at null) keeps its sealed private key. */
export interface SigningKeysTable {
  key_id: string;
  public_key: string;
  sealed_private_key: string | null;
  created_at: number;
  retired_at: number | null;
}

/** Source environments' public keys an administrator trusts. */
export interface TrustedKeysTable {
  key_id: string;
  environment_id: string;
  environment_name: string;
  public_key: string;
  added_at: number;
  added_by: string;
}

export interface StorageConfigTable {
  id: number;
  settings: string;
  /** This environment's tag in the shared storage; set at first start. */
  owner_id: string | null;
}

/** A key this environment wrote to the storage, recorded before the write began. */
export interface OwnedBlobsTable {
  key: string;
  written_at: number;
}

/** Append-only: who did what, when and from where. `outcome` is the HTTP status (CLI actions record 200). */
export interface AuditTable {
  id: string;
  at: number;
  action: string;
  outcome: number;
  user_id: string | null;
  user_name: string | null;
  remote_address: string;
  target: string | null;
}

/** Login attempts in the current window per (hashed login, client address or '*'); see src/store/login-throttle.ts. */
export interface LoginThrottleTable {
  login_key: string;
  address: string;
  attempts: number;
  window_start: number;
  /** When this login last succeeded from this address (0: never): a known good address. */
  last_success: number;
}

/** An identity token by its hash; see src/store/identity-tokens.ts. */
export interface IdentityTokensTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  /** When it was first redeemed (null: never), so that a reused token is told apart from an unknown one. */
  redeemed_at: number | null;
}

/** One tus upload of a shared file's binary (migration 012). */
export interface ResumableUploadsTable {
  id: string;
  file_guid: string;
  length: number;
  received: number;
  /** JSON: [{key, size}], the blobs of its chunks in order. */
  parts: string;
  lock: string | null;
  locked_at: number | null;
  created_at: number;
  expires_at: number;
}

export interface Database extends MigrationTables, MetadataTables, DiffTables {
  users: UsersTable;
  user_groups: GroupsTable;
  group_members: GroupMembersTable;
  grants: GrantsTable;
  sessions: SessionsTable;
  files: FilesTable;
  storage_config: StorageConfigTable;
  owned_blobs: OwnedBlobsTable;
  audit_log: AuditTable;
  login_throttle: LoginThrottleTable;
  identity_tokens: IdentityTokensTable;
  signing_keys: SigningKeysTable;
  trusted_keys: TrustedKeysTable;
  resumable_uploads: ResumableUploadsTable;
}
