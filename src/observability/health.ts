import { sql } from 'kysely';
import type { AppContext } from '../app-context.js';
import { HEALTH_PROBE_KEY } from '../domain/storage-keys.js';

export type CheckName = 'database' | 'storage' | 'jobs';

export interface HealthReport {
  ready: boolean;
  /** 'ok', or what is wrong. */
  checks: Record<CheckName, string>;
}

const CHECK_TIMEOUT_MS = 3000;

/** What a failed check shows: never the error's own text, which may name hosts, paths or credentials. */
const UNAVAILABLE = 'unavailable (see the server log)';

async function within(check: () => Promise<void>, log: (error: unknown) => void): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => 'ok'), timeout]);
  } catch (error) {
    log(error);
    return UNAVAILABLE;
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness of this node: its database, its storage and its job runner. Reads only; writes nothing. */
export async function checkHealth(ctx: AppContext, log: (check: CheckName, error: unknown) => void): Promise<HealthReport> {
  const [database, storage] = await Promise.all([
    within(
      async () => {
        await sql`select 1`.execute(ctx.database.db);
      },
      (error) => log('database', error),
    ),
    within(
      async () => {
        await (await ctx.storage.blobs()).head(HEALTH_PROBE_KEY);
      },
      (error) => log('storage', error),
    ),
  ]);
  const checks = { database, storage, jobs: ctx.jobs.runner.isRunning ? 'ok' : 'the job runner is not running' };
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}
