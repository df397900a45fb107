import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './api/app.js';
import type { AppContext } from './app-context.js';
import type { PackstoreConfig } from './config/load.js';
import { connectDatabase, type DatabaseHandle } from './store/db/connect.js';
import { migrateToLatest } from './store/db/migrate.js';
import { SessionRepository } from './store/sessions.js';
import { StorageService, initialStorageSettings } from './store/storage-settings.js';
import { UserRepository } from './store/users.js';
import { LoginThrottle } from './store/login-throttle.js';
import { IdentityTokenRepository } from './store/identity-tokens.js';
import { loadSecretKeyring } from './store/secret-keys.js';
import { AuditLog } from './store/audit-log.js';
import { FileRepository } from './store/files.js';
import { ResumableUploadRepository } from './store/resumable-uploads.js';
import { MetadataRepository } from './store/metadata/repository.js';
import { MigrationRepository } from './store/migrations.js';
import { createJobSystem } from './jobs/index.js';
import { jobHandlers } from './services/handlers.js';
import { PackageDiffs } from './services/package-diff.js';
import { ObjectService } from './services/objects.js';
import { SearchService } from './services/search.js';
import { AccessorService } from './services/accessors.js';
import { UserDirectory } from './services/user-directory.js';
import { AuditService } from './services/audit.js';
import { SignInService } from './services/sign-in.js';
import { SearchInstanceRepository } from './store/metadata/search-instances.js';
import { MigrationService } from './services/migration-service.js';
import { CrossEnvironmentFlow } from './services/cross-environment.js';
import { PackageHolders } from './services/package-holders.js';
import { bootstrapUsers, type BootstrapResult } from './bootstrap.js';
import { STARTUP_TASKS } from './startup.js';
import { Metrics } from './observability/metrics.js';
import { recoverSharedFiles, recoveryTimes } from './store/shared-file-recovery.js';
import { recoverStrandedWork } from './services/stranded.js';
import { PackageSigning } from './services/package-signing.js';
import { SigningKeyRepository } from './store/signing-keys.js';
import { TrustedKeyRepository } from './store/trusted-keys.js';

export interface OpenedEnvironment {
  ctx: AppContext;
  bootstrap: BootstrapResult;
  close(): Promise<void>;
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  /** Where background jobs report failures. */
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

/** Opens the database and storage of one environment and brings both to a consistent state. */
export async function openEnvironment(config: PackstoreConfig, options: OpenOptions = {}): Promise<OpenedEnvironment> {
  const env = options.env ?? process.env;
  const database: DatabaseHandle = connectDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const users = new UserRepository(database.db);
    const keyring = await loadSecretKeyring(config);
    const storage = new StorageService(database.db, keyring);
    await storage.initialise(initialStorageSettings(config));
    const metadata = new MetadataRepository(database.db);
    const migrations = new MigrationRepository(database.db);
    const files = new FileRepository(database.db);
    // Until the server listens (and unless configured), the environment id is a placeholder URL.
    const environment = { id: config.environmentId || 'http://localhost', name: config.environmentName };
    const signingKeys = new SigningKeyRepository(database.db, keyring);
    await signingKeys.ensureCurrent();
    const signing = new PackageSigning(signingKeys, new TrustedKeyRepository(database.db), environment, config.requireSignedPackages);
    const jobDeps = { db: database.db, dialect: database.dialect, metadata, migrations, storage, users, signing, log: options.log ?? (() => undefined) };
    const jobs = createJobSystem(jobDeps, jobHandlers(jobDeps), config.leaseSeconds * 1000, (job, outcome, seconds) => metrics.job(job.kind, outcome, seconds));
    const metrics = new Metrics(() => jobs.queue.depth());
    const audit = new AuditLog(database.db);
    const sessions = new SessionRepository(database.db, config.sessionIdleTimeout * 1000, database.writeBehind);
    const loginThrottle = new LoginThrottle(
      database.db,
      {
        maxFailures: config.loginMaxFailures,
        windowMs: config.loginLockSeconds * 1000,
        knownAddressMs: config.loginKnownAddressDays * 86_400_000,
      },
      database.writeBehind,
    );
    const identityTokens = new IdentityTokenRepository(database.db, {
      lifetimeMs: config.identityTokenLifetime * 1000,
      singleUse: config.identityTokenSingleUse,
    });
    const ctx: AppContext = {
      config,
      database,
      users,
      sessions,
      loginThrottle,
      identityTokens,
      audit,
      storage,
      files,
      signing,
      uploads: new ResumableUploadRepository(database.db),
      metadata,
      migrations,
      jobs,
      migrationService: new MigrationService(jobDeps, jobs, files, environment),
      crossEnvironment: new CrossEnvironmentFlow(jobDeps, jobs, environment),
      packageHolders: new PackageHolders(jobDeps, jobs, environment),
      packageDiffs: new PackageDiffs(jobDeps, jobs, files, config.diffSyncMaxBytes),
      objects: new ObjectService(metadata),
      search: new SearchService(metadata, new SearchInstanceRepository(database.db)),
      accessors: new AccessorService(users),
      userDirectory: new UserDirectory(users, metadata),
      auditReader: new AuditService(audit),
      signIn: new SignInService(users, sessions, loginThrottle, identityTokens),
      metrics,
      environment,
      lifecycle: { draining: false },
    };
    const bootstrap = await bootstrapUsers(users, env.PACKSTORE_ADMIN_PASSWORD);
    for (const task of STARTUP_TASKS) await task(ctx);
    const close = async () => {
      await database.writeBehind.settled();
      await database.db.destroy();
    };
    return { ctx, bootstrap, close };
  } catch (error) {
    await database.db.destroy();
    throw error;
  }
}

export interface RunningServer {
  app: FastifyInstance;
  env: OpenedEnvironment;
  url: string;
  close(): Promise<void>;
  /**
   * A graceful stop: readiness turns 503 and the listener closes at once; requests and uploads in
   * flight, and the job that runs, get until the deadline. False when the deadline cut them off:
   * the job's transaction then never commits, and another node (or the next start) runs it once
   * its lease ends.
   */
  drain(deadlineMs: number): Promise<boolean>;
}

/** Resolves true when `work` ends within `ms`, false when the time runs out first. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startServer(
  config: PackstoreConfig,
  listen: { port: number; host: string },
  options: BuildAppOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<RunningServer> {
  let app: FastifyInstance | undefined;
  const env = await openEnvironment(config, { env: options.env, log: (message, detail) => app?.log.warn(detail ?? {}, message) });
  app = await buildApp(env.ctx, options);
  try {
    const address = await app.listen({ port: listen.port, host: listen.host });
    if (!config.environmentId) env.ctx.environment.id = address;
    env.ctx.jobs.runner.start();
    // Other nodes may crash while this one runs: sweep what they left behind once it is stale.
    const times = recoveryTimes(config, false);
    // Sessions of clients that never came back are swept with it (a used token is checked on its own),
    // and records whose job was lost get one again.
    const sweep = setInterval(
      () => {
        void recoverSharedFiles(env.ctx, times)
          .then((report) => report.skipped && app?.log.warn(report, 'storage recovery skipped'))
          .catch((error: unknown) => app?.log.warn({ err: error }, 'storage recovery failed'));
        void recoverStrandedWork(env.ctx.migrations, env.ctx.jobs).catch((error: unknown) => app?.log.warn({ err: error }, 'job recovery failed'));
        void env.ctx.sessions.purgeExpired().catch((error: unknown) => app?.log.warn({ err: error }, 'session sweep failed'));
        void env.ctx.loginThrottle.purgeExpired().catch((error: unknown) => app?.log.warn({ err: error }, 'login throttle sweep failed'));
        void env.ctx.identityTokens.purgeExpired().catch((error: unknown) => app?.log.warn({ err: error }, 'identity token sweep failed'));
      },
      Math.min(times.staleMs, config.leaseSeconds * 1000),
    );
    sweep.unref();
    const running = app;
    return {
      app: running,
      env,
      url: address,
      close: async () => {
        clearInterval(sweep);
        await running.close();
        await env.ctx.jobs.runner.stop();
        await env.close();
      },
      drain: async (deadlineMs) => {
        const log = running.log;
        env.ctx.lifecycle.draining = true;
        clearInterval(sweep);
        log.info({ deadlineMs }, 'shutdown: readiness answers 503, no new connections accepted');
        const requests = running.close().then(() => log.info('shutdown: every request and upload has finished'));
        // The runner claims nothing more and returns once its current job has committed or failed.
        const jobs = env.ctx.jobs.runner.stop().then(() => log.info('shutdown: the job runner stopped between jobs'));
        if (!(await within(Promise.all([requests, jobs]), deadlineMs))) {
          log.warn('shutdown: the deadline passed; unfinished requests are cut, an unfinished job runs again elsewhere once its lease ends');
          return false;
        }
        await env.close();
        log.info('shutdown: the database is closed');
        return true;
      },
    };
  } catch (error) {
    await app.close();
    await env.close();
    throw error;
  }
}
