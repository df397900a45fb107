import type { PackstoreConfig } from './config/load.js';
import type { DatabaseHandle } from './store/db/connect.js';
import type { SessionRepository } from './store/sessions.js';
import type { StorageService } from './store/storage-settings.js';
import type { UserRepository } from './store/users.js';
import type { LoginThrottle } from './store/login-throttle.js';
import type { IdentityTokenRepository } from './store/identity-tokens.js';
import type { AuditLog } from './store/audit-log.js';
import type { FileRepository } from './store/files.js';
import type { ResumableUploadRepository } from './store/resumable-uploads.js';
import type { MetadataRepository } from './store/metadata/repository.js';
import type { MigrationRepository } from './store/migrations.js';
import type { JobSystem } from './jobs/index.js';
import type { MigrationService } from './services/migration-service.js';
import type { CrossEnvironmentFlow } from './services/cross-environment.js';
import type { PackageHolders } from './services/package-holders.js';
import type { PackageDiffs } from './services/package-diff.js';
import type { ObjectService } from './services/objects.js';
import type { SearchService } from './services/search.js';
import type { AccessorService } from './services/accessors.js';
import type { UserDirectory } from './services/user-directory.js';
import type { AuditService } from './services/audit.js';
import type { SignInService } from './services/sign-in.js';
import type { Metrics } from './observability/metrics.js';
import type { PackageSigning } from './services/package-signing.js';

/** What routes may use. Built once per server by src/server.ts. */
export interface AppContext {
  config: PackstoreConfig;
  database: DatabaseHandle;
  users: UserRepository;
  sessions: SessionRepository;
  /** Failed-login counts per (login, address), shared by every node. */
  loginThrottle: LoginThrottle;
  /** Short-lived tokens a session trades for a session of another connection (Workstation's delegation). */
  identityTokens: IdentityTokenRepository;
  /** Append-only record of who did what (written by the audit hook and the CLI). */
  audit: AuditLog;
  storage: StorageService;
  /** Shared-file metadata; a file's blob key is its `path`. */
  files: FileRepository;
  /** This environment's signing keys, the trusted source keys, and the judging of packages by them. */
  signing: PackageSigning;
  /** Resumable (tus) uploads of shared files' binaries, until they complete or expire. */
  uploads: ResumableUploadRepository;
  metadata: MetadataRepository;
  migrations: MigrationRepository;
  /** The async job queue and this node's runner (started only by a serving node). */
  jobs: JobSystem;
  migrationService: MigrationService;
  crossEnvironment: CrossEnvironmentFlow;
  packageHolders: PackageHolders;
  /** Diff previews of packages and undo packages against their target (issue 18). */
  packageDiffs: PackageDiffs;
  /** Reads and edits of metadata objects on behalf of a caller, and the project a request works in. */
  objects: ObjectService;
  /** Metadata searches, quick search and search objects. */
  search: SearchService;
  /** Callers as object ACLs see them. */
  accessors: AccessorService;
  /** Users as clients look them up (GET /api/users/{id}). */
  userDirectory: UserDirectory;
  auditReader: AuditService;
  /** Login, logout and delegation (identity tokens). */
  signIn: SignInService;
  /** This node's Prometheus metrics (GET /metrics). */
  metrics: Metrics;
  /** This environment as Library records show it: {id: public URL, name}. */
  environment: { id: string; name: string };
  /** Set at the first shutdown signal: readiness answers 503 while requests drain. */
  lifecycle: { draining: boolean };
}
