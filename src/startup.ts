import type { AppContext } from './api/context.js';
import { seedTutorial } from './store/metadata/seed-tutorial.js';
import { recoverSharedFiles, staleAfterMs } from './store/shared-file-recovery.js';

export type StartupTask = (ctx: AppContext) => Promise<void>;

/** Work done at every start, after migrations and before the server listens (recovery, seeding). */
export const STARTUP_TASKS: StartupTask[] = [
  (ctx) => seedTutorial(ctx.metadata),
  async (ctx) => {
    await recoverSharedFiles(ctx, staleAfterMs(ctx.config));
  },
];
