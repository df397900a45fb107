import type { ReportSummary } from '../api/types.js';
import { objectTypeName, words } from '../format.js';

export interface ReportView {
  offset: number;
  q: string;
  action: string;
  type: string;
  sort: string;
}

const SORTS: Array<[string, string]> = [
  ['package', 'Package order'],
  ['name', 'Name, A to Z'],
  ['-name', 'Name, Z to A'],
  ['type', 'Type'],
  ['action', 'Result'],
  ['conflict', 'In the target'],
];

/** Search, filters and order of the report; the choices come from the report's own counts. */
export function ReportFilterBar({ view, summary, onChange }: { view: ReportView; summary: ReportSummary; onChange: (next: Partial<ReportView>) => void }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers the console supports; role=search makes the landmark
    <form class="filters" role="search" aria-label="Objects" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="report-q">Search name or id</label>
        <input id="report-q" type="search" value={view.q} onInput={(e) => onChange({ q: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for="report-action">Result</label>
        <select id="report-action" value={view.action} onChange={(e) => onChange({ action: e.currentTarget.value })}>
          <option value="">All results</option>
          {summary.byAction.map((a) => (
            <option key={a.action} value={a.action}>
              {words(a.action)} ({a.count.toLocaleString()})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="report-type">Type</label>
        <select id="report-type" value={view.type} onChange={(e) => onChange({ type: e.currentTarget.value })}>
          <option value="">All types</option>
          {summary.byType.map((t) => (
            <option key={t.type} value={String(t.type)}>
              {objectTypeName(t.type)} ({t.count.toLocaleString()})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="report-sort">Order</label>
        <select id="report-sort" value={view.sort} onChange={(e) => onChange({ sort: e.currentTarget.value })}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
