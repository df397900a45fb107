import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PackstoreConfig } from '../../src/config/load.js';

/**
 * Node's arguments that run the CLI from the sources, so tests never run a stale `dist/` (bin/packstore.js
 * runs the compiled build; test/package-install.test.ts covers it). tsx is resolved here: some tests run
 * the CLI in a temp folder where it is not installed.
 */
export const CLI_FROM_SOURCES = ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))];

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an administration command (`packstore users …`, `packstore audit …`) against the data dir and database of `config`. */
export function runCli(args: string[], config: PackstoreConfig, env: Record<string, string> = {}): Promise<CliResult> {
  const options = { env: { ...process.env, PACKSTORE_DATABASE_URL: config.databaseUrl, ...env } };
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_FROM_SOURCES, ...args, '--data-dir', config.dataDir], options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
