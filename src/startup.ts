import type { AppContext } from './api/context.js';

export type StartupTask = (ctx: AppContext) => Promise<void>;

/** Work done at every start, after migrations and before the server listens (recovery, seeding). */
export const STARTUP_TASKS: StartupTask[] = [];
