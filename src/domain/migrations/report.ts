/** How the per-object report may be ordered: the package's own order, or a column ("-" first: descending). */
export const REPORT_SORTS = ['package', 'name', '-name', 'type', '-type', 'action', '-action', 'conflict', '-conflict'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];

/** One page of the report, narrowed by action, object type and a text found in the name or id. */
export interface ReportQuery {
  offset: number;
  limit: number;
  action?: string;
  type?: number;
  q?: string;
  sort: ReportSort;
}

/** What an import or validation did, counted: the first thing a reader of a large report needs. */
export interface ReportSummary {
  total: number;
  byAction: Array<{ action: string; count: number }>;
  byType: Array<{ type: number; count: number }>;
}

export const EMPTY_SUMMARY: ReportSummary = { total: 0, byAction: [], byType: [] };

/** Largest group first; ties in a stable order, so that two reads of one report agree. */
function counted<K extends string | number>(counts: Map<K, number>): Array<[K, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Counts by action and by type, in one pass over the outcomes as they are recorded. */
export function summarize(outcomes: Iterable<{ action: string; type: number }>): ReportSummary {
  const actions = new Map<string, number>();
  const types = new Map<number, number>();
  for (const o of outcomes) {
    actions.set(o.action, (actions.get(o.action) ?? 0) + 1);
    types.set(o.type, (types.get(o.type) ?? 0) + 1);
  }
  return summaryOf(actions, types);
}

/** The summary of counts made elsewhere (the database's, over a report written page by page). */
export function summaryOf(actions: Map<string, number>, types: Map<number, number>): ReportSummary {
  let total = 0;
  for (const count of actions.values()) total += count;
  return {
    total,
    byAction: counted(actions).map(([action, count]) => ({ action, count })),
    byType: counted(types).map(([type, count]) => ({ type, count })),
  };
}
