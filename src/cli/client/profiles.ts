import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ClientError } from './http.js';

/** What `packstore login` remembers about one environment. The password is never stored. */
export interface Profile {
  url: string;
  user: string;
  token?: string;
  /** The server's idle timeout in seconds (GET /api/sessions). */
  timeout?: number;
  /** When the token was last used, in ms since the epoch. */
  lastActive?: number;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(env.HOME || homedir(), '.config');
  return path.join(base, 'packstore');
}

export function isProfileName(name: string): boolean {
  return PROFILE_NAME.test(name);
}

/** One file per profile, so that two commands using different profiles never overwrite each other. */
export function profilePath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!isProfileName(name)) throw new ClientError(`a profile name is letters, digits, '.', '_' and '-'; got ${JSON.stringify(name)}`);
  return path.join(configDir(env), 'profiles', `${name}.json`);
}

export async function loadProfile(name: string): Promise<Profile> {
  try {
    return JSON.parse(await readFile(profilePath(name), 'utf8')) as Profile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ClientError(`no profile named ${name}: run packstore login <url> --profile ${name} first`);
    throw error;
  }
}

/** Writes the file anew (0600, in 0700 folders) and renames it into place, so it is never half written. */
export async function saveProfile(name: string, profile: Profile): Promise<void> {
  const file = profilePath(name);
  for (const dir of [configDir(), path.dirname(file)]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}
