import { formatLibraryDate } from './dates.js';

export interface AuditEntry {
  action: string;
  /** The HTTP status of the request; CLI actions record 200. */
  outcome: number;
  userId?: string;
  userName?: string;
  remoteAddress: string;
  target?: string;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: number;
}

export type AuditView = ReturnType<typeof auditView>;

/** An audit record as `GET /api/audit` and `packstore audit --json` show it. */
export function auditView(record: AuditRecord) {
  return {
    id: record.id,
    time: formatLibraryDate(new Date(record.at)),
    action: record.action,
    outcome: record.outcome,
    userId: record.userId ?? null,
    userName: record.userName ?? null,
    remoteAddress: record.remoteAddress,
    target: record.target ?? null,
  };
}
