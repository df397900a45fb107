import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { CLI_ADDRESS } from '../store/audit-log.js';
import type { StoreOptions } from './read-only-store.js';
import { withEnvironment, withStore } from './users.js';

/** `packstore keys`: this environment's package signing keys (against a data dir or database). */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description("this environment's package signing keys (against a data dir or database)");

  withStore(keys.command('rotate').description('replace the signing key; the old public key stays published, so packages signed with it still verify')).action(
    async (opts: StoreOptions) => {
      await withEnvironment(opts, async (env) => {
        const key = await env.ctx.signing.keys.rotate();
        await env.ctx.audit.append({
          action: 'keys.rotate',
          outcome: 200,
          userName: `os:${userInfo().username}`,
          remoteAddress: CLI_ADDRESS,
          target: key.keyId,
        });
        process.stdout.write(`signing with ${key.keyId} now; earlier keys stay published at /api/environment/keys\n`);
      });
    },
  );

  withStore(keys.command('ls').option('--json', 'print JSON').description('list the signing keys, the current one first')).action(
    async (opts: StoreOptions & { json?: boolean }) => {
      await withEnvironment(opts, async (env) => {
        const list = await env.ctx.signing.keys.list();
        if (opts.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        else
          for (const k of list)
            process.stdout.write(`${k.keyId}\t${k.retiredAt === undefined ? 'current' : `retired ${new Date(k.retiredAt).toISOString()}`}\n`);
      });
    },
  );
}
