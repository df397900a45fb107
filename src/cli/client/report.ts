import type { Session } from './session.js';
import { MIGRATIONS } from './migrations.js';
import { words } from '../../api/contract/labels.js';

const PAGE = 1000;

/** How many objects the import created, replaced, kept…: its per-object report counted by action, page by page. */
export async function actionCounts(session: Session, migrationId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let seen = 0; ; ) {
    const page = await session.json('GET', `${MIGRATIONS}/${migrationId}/report?offset=${seen}&limit=${PAGE}`);
    const data = Array.isArray(page.data) ? (page.data as Array<{ action?: unknown }>) : [];
    for (const row of data) {
      const action = typeof row.action === 'string' ? row.action : 'unknown';
      counts[action] = (counts[action] ?? 0) + 1;
    }
    seen += data.length;
    const total = typeof page.total === 'number' ? page.total : seen;
    if (data.length === 0 || seen >= total) return counts;
  }
}

/** "objects: 3 Replace, 1 Use existing", most frequent first. */
export function countsLine(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  if (entries.length === 0) return 'objects: none';
  return `objects: ${entries.map(([action, n]) => `${n} ${words(action)}`).join(', ')}`;
}
