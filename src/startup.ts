import type { AppContext } from './app-context.js';
import { seedTutorial } from './store/metadata/seed-tutorial.js';
import { recoverSharedFiles, recoveryTimes } from './store/shared-file-recovery.js';
import { recoverStrandedWork } from './services/stranded.js';

export type StartupTask = (ctx: AppContext) => Promise<void>;

/** Work done at every start, after migrations and before the server listens (recovery, seeding). */
export const STARTUP_TASKS: StartupTask[] = [
  (ctx) => seedTutorial(ctx.metadata),
  async (ctx) => {
    // SQLite has one node: at its start, no upload of a live node can be running.
    await recoverSharedFiles(ctx, recoveryTimes(ctx.config, ctx.database.dialect === 'sqlite'));
  },
  async (ctx) => {
    await recoverStrandedWork(ctx.migrations, ctx.jobs);
  },
];
