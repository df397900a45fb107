import type { Kysely } from 'kysely';
import type { AuditTable, Database } from './db/schema.js';
import { newGuid } from '../domain/ids.js';

import type { AuditEntry, AuditRecord } from '../domain/audit.js';

export type { AuditEntry, AuditRecord };

export interface AuditFilter {
  /** A user id or login name. */
  user?: string;
  action?: string;
  from?: number;
  to?: number;
  offset: number;
  limit: number;
}

/** Where CLI actions say they come from. */
export const CLI_ADDRESS = 'cli';

const clip = (value: string | undefined, max: number) => (value === undefined ? null : value.slice(0, max));

function toRecord(row: AuditTable): AuditRecord {
  return {
    id: row.id,
    at: Number(row.at),
    action: row.action,
    outcome: row.outcome,
    remoteAddress: row.remote_address,
    ...(row.user_id !== null ? { userId: row.user_id } : {}),
    ...(row.user_name !== null ? { userName: row.user_name } : {}),
    ...(row.target !== null ? { target: row.target } : {}),
  };
}

/** The audit log. Append-only by design: there is no method that changes or removes a record. */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async append(entry: AuditEntry, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: newGuid(),
        at,
        action: entry.action.slice(0, 64),
        outcome: entry.outcome,
        user_id: clip(entry.userId, 32),
        user_name: clip(entry.userName, 250),
        remote_address: entry.remoteAddress.slice(0, 64),
        target: clip(entry.target, 512),
      })
      .execute();
  }

  /** Newest first. */
  async query(filter: AuditFilter): Promise<{ total: number; records: AuditRecord[] }> {
    let query = this.db.selectFrom('audit_log');
    if (filter.user !== undefined) {
      const user = filter.user;
      query = query.where((eb) => eb.or([eb('user_id', '=', user), eb('user_name', '=', user.trim().toLowerCase())]));
    }
    if (filter.action !== undefined) query = query.where('action', '=', filter.action);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<=', filter.to);
    const count = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const rows = await query.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').offset(filter.offset).limit(filter.limit).execute();
    return { total: Number(count.n), records: rows.map(toRecord) };
  }
}
