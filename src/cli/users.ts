import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { openEnvironment } from '../server.js';
import { checkPasswordPolicy, hashPassword } from '../domain/passwords.js';
import { ALL_PRIVILEGES, isPrivilege, type Privilege } from '../domain/privileges.js';
import { readSecret } from './prompt.js';

interface StoreOptions {
  dataDir: string;
  config?: string;
}

async function withUsers<T>(opts: StoreOptions, work: (env: Awaited<ReturnType<typeof openEnvironment>>) => Promise<T>): Promise<T> {
  const env = await openEnvironment(loadConfig({ dataDir: opts.dataDir, configFile: opts.config }));
  try {
    return await work(env);
  } finally {
    await env.close();
  }
}

async function newPasswordHash(): Promise<string> {
  const password = await readSecret('New password: ', 'PACKSTORE_USER_PASSWORD');
  const policy = checkPasswordPolicy(password);
  if (!policy.ok) throw new Error(policy.reason);
  return hashPassword(password);
}

function parsePrivileges(names: string[]): Privilege[] {
  return names.map((name) => {
    const key = name.toUpperCase().replace(/-/g, '_');
    if (!isPrivilege(key)) throw new Error(`Unknown privilege ${name}; known: ${ALL_PRIVILEGES.join(', ')}`);
    return key;
  });
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('administer environment users (against a data dir or database)');
  const withStore = (cmd: Command) =>
    cmd.option('--data-dir <dir>', 'data dir of the environment', './data').option('--config <file>', 'a configOverride.properties file');

  withStore(users.command('add <login>').option('--full-name <name>', 'display name').description('add a user; the password is prompted for'))
    .action(async (login: string, opts: StoreOptions & { fullName?: string }) => {
      const passwordHash = await newPasswordHash();
      await withUsers(opts, async ({ ctx }) => {
        const user = await ctx.users.create({ login, fullName: opts.fullName, passwordHash });
        process.stdout.write(`added ${user.login} (${user.id})\n`);
      });
    });

  withStore(users.command('list').option('--json', 'print JSON').description('list users with their privileges'))
    .action(async (opts: StoreOptions & { json?: boolean }) => {
      await withUsers(opts, async ({ ctx }) => {
        const list = await ctx.users.list();
        if (opts.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        else for (const u of list) process.stdout.write(`${u.login}\t${u.id}\t${u.fullName}\t${u.privileges.join(',')}\n`);
      });
    });

  withStore(users.command('passwd <login>').description('set a new password; the password is prompted for'))
    .action(async (login: string, opts: StoreOptions) => {
      const passwordHash = await newPasswordHash();
      await withUsers(opts, async ({ ctx }) => {
        const user = await ctx.users.requireByLogin(login);
        await ctx.users.setPassword(user.id, passwordHash);
        process.stdout.write(`password changed for ${user.login}\n`);
      });
    });

  for (const verb of ['grant', 'revoke'] as const) {
    withStore(users.command(`${verb} <login> <privileges...>`).description(`${verb} privileges (${ALL_PRIVILEGES.join(', ')})`))
      .action(async (login: string, names: string[], opts: StoreOptions) => {
        const privileges = parsePrivileges(names);
        await withUsers(opts, async ({ ctx }) => {
          const user = await ctx.users.requireByLogin(login);
          await ctx.users[verb](user.id, privileges);
          process.stdout.write(`${verb === 'grant' ? 'granted' : 'revoked'} ${privileges.join(', ')} for ${user.login}\n`);
        });
      });
  }
}
