import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PackstoreConfig } from '../../src/config/load.js';

const BIN = fileURLToPath(new URL('../../bin/packstore.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an administration command (`packstore users …`, `packstore audit …`) against the data dir and database of `config`. */
export function runCli(args: string[], config: PackstoreConfig, env: Record<string, string> = {}): Promise<CliResult> {
  const options = { env: { ...process.env, PACKSTORE_DATABASE_URL: config.databaseUrl, ...env } };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--data-dir', config.dataDir], options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
