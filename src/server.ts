import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from './api/app.js';
import type { AppContext } from './api/context.js';
import type { PackstoreConfig } from './config/load.js';
import { connectDatabase, type DatabaseHandle } from './store/db/connect.js';
import { migrateToLatest } from './store/db/migrate.js';
import { SessionRepository } from './store/sessions.js';
import { StorageService, UNSET_SETTINGS } from './store/storage-settings.js';
import { UserRepository } from './store/users.js';
import { bootstrapUsers, type BootstrapResult } from './bootstrap.js';
import { STARTUP_TASKS } from './startup.js';

export interface OpenedEnvironment {
  ctx: AppContext;
  bootstrap: BootstrapResult;
  close(): Promise<void>;
}

/** Opens the database and storage of one environment and brings both to a consistent state. */
export async function openEnvironment(config: PackstoreConfig, env: NodeJS.ProcessEnv = process.env): Promise<OpenedEnvironment> {
  const database: DatabaseHandle = connectDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
    const users = new UserRepository(database.db);
    const storage = new StorageService(database.db);
    await storage.initialise({ ...UNSET_SETTINGS, type: 'file_system', alias: 'local', location: config.storageLocation });
    const ctx: AppContext = {
      config,
      database,
      users,
      sessions: new SessionRepository(database.db, config.sessionIdleTimeout * 1000),
      storage,
      environment: { id: config.environmentId, name: config.environmentName },
    };
    const bootstrap = await bootstrapUsers(users, env.PACKSTORE_ADMIN_PASSWORD);
    for (const task of STARTUP_TASKS) await task(ctx);
    return { ctx, bootstrap, close: () => database.db.destroy() };
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
}

export async function startServer(
  config: PackstoreConfig,
  listen: { port: number; host: string },
  options: BuildAppOptions & { env?: NodeJS.ProcessEnv } = {},
): Promise<RunningServer> {
  const env = await openEnvironment(config, options.env);
  const app = await buildApp(env.ctx, options);
  try {
    const address = await app.listen({ port: listen.port, host: listen.host });
    if (!env.ctx.environment.id) env.ctx.environment.id = address;
    return {
      app,
      env,
      url: address,
      close: async () => {
        await app.close();
        await env.close();
      },
    };
  } catch (error) {
    await app.close();
    await env.close();
    throw error;
  }
}
