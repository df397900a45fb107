import type { Command } from 'commander';
import { readSecret } from '../prompt.js';
import { emit, usage } from './command-kit.js';
import { DEFAULT_PROFILE, isProfileName, saveProfile } from './profiles.js';
import { logIn, PASSWORD_ENV } from './session.js';

/** As mstrio does: http(s) only, everything from the first /api cut off, no trailing slash. */
export function normaliseBaseUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const apiAt = url.pathname.indexOf('/api');
  const pathname = (apiAt >= 0 ? url.pathname.slice(0, apiAt) : url.pathname).replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${pathname}`;
}

export function registerLogin(program: Command): void {
  program
    .command('login <url>')
    .description(`log in to an environment and save the session as a profile (password prompted, or ${PASSWORD_ENV} without a terminal)`)
    .option('--user <name>', 'the login name', 'Administrator')
    .option('--profile <name>', 'the name to save this login under', DEFAULT_PROFILE)
    .option('--json', 'print a machine-readable result on stdout')
    .action(async (rawUrl: string, options: { user: string; profile: string; json?: boolean }, command: Command) => {
      const url = normaliseBaseUrl(rawUrl);
      if (!url) usage(command, `<url> must be an http:// or https:// address; got ${rawUrl}`);
      if (!isProfileName(options.profile)) usage(command, `--profile must be letters, digits, '.', '_' and '-'; got ${options.profile}`);
      const password = await readSecret(`Password for ${options.user} at ${url}: `, PASSWORD_ENV);
      const profile = await logIn(url, options.user, password);
      await saveProfile(options.profile, profile);
      emit(
        options,
        { profile: options.profile, url, user: options.user, timeout: profile.timeout },
        `logged in to ${url} as ${options.user} (profile ${options.profile})`,
      );
    });
}
