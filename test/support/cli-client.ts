import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN_PASSWORD } from './server.js';
import { CLI_FROM_SOURCES } from './cli.js';
import type { Json } from './migrations.js';

export interface ClientResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A home for the client commands: its own config folder, and a password in the environment (stdin is no TTY). */
export interface CliHome {
  dir: string;
  configDir: string;
  run(args: string[], env?: Record<string, string | undefined>): Promise<ClientResult>;
  /** Runs with --json and parses stdout; fails with the CLI's stderr when it does not exit 0. */
  json<T = Json>(args: string[], env?: Record<string, string | undefined>): Promise<T>;
  dispose(): Promise<void>;
}

export async function cliHome(): Promise<CliHome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'packstore-cli-'));
  const run = (args: string[], env: Record<string, string | undefined> = {}) =>
    new Promise<ClientResult>((resolve, reject) => {
      const child = spawn(process.execPath, [...CLI_FROM_SOURCES, ...args], {
        cwd: dir,
        env: { ...process.env, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), PACKSTORE_PASSWORD: ADMIN_PASSWORD, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return {
    dir,
    configDir: path.join(dir, 'config', 'packstore'),
    run,
    async json<T = Json>(args: string[], env?: Record<string, string | undefined>): Promise<T> {
      const result = await run([...args, '--json'], env);
      if (result.code !== 0) throw new Error(`packstore ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The one-line error format: `packstore: ERRnnn: message (ticket <32 hex>)`. */
export const LIBRARY_ERROR_LINE = /^packstore: (ERR\d{3}): .+ \(ticket [0-9a-f]{32}\)\n$/;

/** Every file under `dir` (relative paths), for "nothing was left behind" checks. */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
