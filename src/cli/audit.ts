import type { Command } from 'commander';
import { AuditService } from '../services/audit.js';
import { AuditLog } from '../store/audit-log.js';
import { withReadOnlyDatabase, type StoreOptions } from './read-only-store.js';
import { parseTimeBound } from '../domain/dates.js';
import { integer } from '../domain/input.js';
import { withStore } from './users.js';

interface AuditOptions extends StoreOptions {
  user?: string;
  action?: string;
  from?: string;
  to?: string;
  offset: string;
  limit: string;
  json?: boolean;
}

export function registerAudit(program: Command): void {
  withStore(
    program
      .command('audit')
      .description('show the audit log, newest first (against a data dir or database)')
      .option('--user <user>', 'only this user (login or id)')
      .option('--action <action>', 'only this action, e.g. login or file.upload')
      .option('--from <time>', 'from this time (ISO date or epoch ms)')
      .option('--to <time>', 'up to this time (ISO date or epoch ms)')
      .option('--offset <n>', 'skip this many records', '0')
      .option('--limit <n>', 'show at most this many records', '100')
      .option('--json', 'print JSON'),
  ).action(async (opts: AuditOptions) => {
    const filter = {
      user: opts.user,
      action: opts.action,
      from: parseTimeBound(opts.from, '--from'),
      to: parseTimeBound(opts.to, '--to'),
      offset: integer(opts.offset, '--offset', 0, Number.MAX_SAFE_INTEGER),
      limit: integer(opts.limit, '--limit', 1, 100_000),
    };
    await withReadOnlyDatabase(opts, async (db) => {
      const page = await new AuditService(new AuditLog(db)).page(filter);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        return;
      }
      for (const r of page.data) {
        process.stdout.write(`${[r.time, r.action, r.outcome, r.userName ?? '-', r.remoteAddress, r.target ?? '-'].join('\t')}\n`);
      }
    });
  });
}
