import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { loadConfig } from '../config/load.js';
import type { OpenedEnvironment } from '../server.js';
import { checkPasswordPolicy, hashPassword } from '../domain/passwords.js';
import { ALL_PRIVILEGES, isPrivilege, type Privilege } from '../domain/privileges.js';
import { CLI_ADDRESS } from '../store/audit-log.js';
import { readSecret } from './prompt.js';
import { withReadOnlyDatabase, type StoreOptions } from './read-only-store.js';
import { UserRepository } from '../store/users.js';

/** Loads the server's code only when a command runs, so that `packstore --help` stays fast. */
export async function withEnvironment<T>(opts: StoreOptions, work: (env: OpenedEnvironment) => Promise<T>): Promise<T> {
  const { openEnvironment } = await import('../server.js');
  const env = await openEnvironment(loadConfig({ dataDir: opts.dataDir, configFile: opts.config }));
  try {
    return await work(env);
  } finally {
    await env.close();
  }
}

export const withStore = (cmd: Command) =>
  cmd.option('--data-dir <dir>', 'data dir of the environment', './data').option('--config <file>', 'a configOverride.properties file');

async function newPasswordHash(login: string): Promise<string> {
  const password = await readSecret('New password: ', 'PACKSTORE_USER_PASSWORD');
  const policy = checkPasswordPolicy(password, login);
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

/** CLI changes are audited like API calls; the actor is the operating-system account running the command. */
function audit(env: OpenedEnvironment, action: string, target: string): Promise<void> {
  return env.ctx.audit.append({ action, outcome: 200, userName: `os:${userInfo().username}`, remoteAddress: CLI_ADDRESS, target });
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('administer environment users (against a data dir or database)');

  withStore(users.command('add <login>').option('--full-name <name>', 'display name').description('add a user; the password is prompted for')).action(
    async (login: string, opts: StoreOptions & { fullName?: string }) => {
      const passwordHash = await newPasswordHash(login);
      await withEnvironment(opts, async (env) => {
        const user = await env.ctx.users.create({ login, fullName: opts.fullName, passwordHash });
        await audit(env, 'user.add', user.login);
        process.stdout.write(`added ${user.login} (${user.id})\n`);
      });
    },
  );

  withStore(users.command('list').option('--json', 'print JSON').description('list users with their privileges')).action(
    async (opts: StoreOptions & { json?: boolean }) => {
      await withReadOnlyDatabase(opts, async (db) => {
        const list = await new UserRepository(db).list();
        if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else for (const u of list) process.stdout.write(`${u.login}\t${u.id}\t${u.fullName}\t${u.privileges.join(',')}\n`);
      });
    },
  );

  withStore(users.command('passwd <login>').description('set a new password; the password is prompted for')).action(
    async (login: string, opts: StoreOptions) => {
      const passwordHash = await newPasswordHash(login);
      await withEnvironment(opts, async (env) => {
        const user = await env.ctx.users.requireByLogin(login);
        await env.ctx.users.setPassword(user.id, passwordHash);
        await audit(env, 'user.passwd', user.login);
        process.stdout.write(`password changed for ${user.login}\n`);
      });
    },
  );

  withStore(users.command('unlock <login>').description('lift a login lockout after too many failed logins')).action(
    async (login: string, opts: StoreOptions) => {
      await withEnvironment(opts, async (env) => {
        const user = await env.ctx.users.requireByLogin(login);
        await env.ctx.loginThrottle.clear(user.login);
        await audit(env, 'user.unlock', user.login);
        process.stdout.write(`unlocked ${user.login}\n`);
      });
    },
  );

  for (const verb of ['grant', 'revoke'] as const) {
    withStore(users.command(`${verb} <login> <privileges...>`).description(`${verb} privileges (${ALL_PRIVILEGES.join(', ')})`)).action(
      async (login: string, names: string[], opts: StoreOptions) => {
        const privileges = parsePrivileges(names);
        await withEnvironment(opts, async (env) => {
          const user = await env.ctx.users.requireByLogin(login);
          await env.ctx.users[verb](user.id, privileges);
          await audit(env, `privilege.${verb}`, `${user.login}:${privileges.join(',')}`);
          process.stdout.write(`${verb === 'grant' ? 'granted' : 'revoked'} ${privileges.join(', ')} for ${user.login}\n`);
        });
      },
    );
  }
}
