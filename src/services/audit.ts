import { auditView, type AuditView } from '../domain/audit.js';
import type { AuditFilter, AuditLog } from '../store/audit-log.js';

/** The audit log as administrators read it (the API and the CLI), newest first. */
export class AuditService {
  constructor(private readonly log: AuditLog) {}

  async page(filter: AuditFilter): Promise<{ total: number; data: AuditView[] }> {
    const page = await this.log.query(filter);
    return { total: page.total, data: page.records.map(auditView) };
  }
}
