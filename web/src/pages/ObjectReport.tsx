import { useEffect, useState } from 'preact/hooks';
import { getReport, PAGE_SIZE, readAt } from '../api/packstore.js';
import type { Migration, ReadAt, Report } from '../api/types.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { actionCounts, Counts, typeCounts } from '../components/Counts.js';
import { counted, formatDate, objectTypeName, words } from '../format.js';
import { Pager } from './Pager.js';
import { ReportFilterBar, type ReportView } from './ReportFilterBar.js';
import { useDebounced } from '../components/useDebounced.js';

const SORTS: Array<[string, string]> = [
  ['package', 'Package order'],
  ['name', 'Name, A to Z'],
  ['-name', 'Name, Z to A'],
  ['type', 'Type'],
  ['action', 'Result'],
  ['conflict', 'In the target'],
];

const FIRST_PAGE: ReportView = { offset: 0, q: '', action: '', type: '', sort: 'package' };

/**
 * What the last import or validation did (or would do) to each object: counts by action and type
 * first, then one page of objects, filtered and sorted by the server. A report of a million objects
 * costs the browser one page.
 */
export function ObjectReport({ migration, runKey }: { migration: Migration; runKey: string }) {
  const [view, setView] = useState<ReportView>(FIRST_PAGE);
  const [report, setReport] = useState<ReadAt<Report>>();
  const [error, setError] = useState<unknown>();
  const q = useDebounced(view.q, 250);

  useEffect(() => {
    let current = true;
    getReport(migration.id, { offset: view.offset, limit: PAGE_SIZE, action: view.action, type: view.type, q, sort: view.sort }).then(
      (next) => {
        if (!current) return;
        setReport(readAt(view.offset)(next));
        setError(undefined);
      },
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [migration.id, runKey, view.offset, view.action, view.type, view.sort, q]);

  const validation = migration.validation;
  const summary = report?.summary;
  const actions = actionCounts(summary?.byAction.map((a) => [a.action, a.count] as const) ?? []);
  const types = typeCounts(summary?.byType.map((t) => [t.type, t.count] as const) ?? []);
  const change = (next: Partial<ReportView>) => setView({ ...view, offset: 0, ...next });
  return (
    <>
      <section aria-labelledby="validation-heading" class="panel">
        <h2 id="validation-heading">Validation</h2>
        {validation?.status ? (
          <dl class="facts">
            <dt>Status</dt>
            <dd data-testid="validation-status">{words(validation.status)}</dd>
            <dt>Progress</dt>
            <dd>{validation.progress ?? 0}%</dd>
            <dt>Last update</dt>
            <dd>{formatDate(validation.lastUpdatedDate)}</dd>
            {validation.message ? (
              <>
                <dt>Message</dt>
                <dd class="wrap">{validation.message}</dd>
              </>
            ) : null}
          </dl>
        ) : (
          <p>No validation was run for this package.</p>
        )}
      </section>
      <section aria-labelledby="summary-heading" class="panel">
        <h2 id="summary-heading">Summary</h2>
        <ErrorNotice error={error} title="The report could not be loaded." />
        {summary && summary.total > 0 ? (
          <div class="summary" data-testid="report-summary">
            <p class="summary-total">{counted(summary.total, 'object')}</p>
            <Counts label="Objects by action" counts={actions} />
            <Counts label="Objects by type" counts={types} />
          </div>
        ) : null}
        {summary && summary.total === 0 ? (
          <p>
            No import or validation has reported on this package yet
            {migration.importInfo?.status === 'importing' ? ': the report appears when the import ends' : ''}.
          </p>
        ) : null}
      </section>
      {summary && summary.total > 0 ? (
        <section aria-labelledby="objects-heading" class="panel">
          <h2 id="objects-heading">Objects</h2>
          <p class="hint">
            What the target held and what the import did — or, after a validation, would do. A failed import changes nothing; its message above names the object
            and the reason.
          </p>
          <ReportFilterBar
            id="report"
            view={view}
            actions={actions}
            types={types}
            actionLabel="Result"
            searchLabel="Search name or id"
            sorts={SORTS}
            onChange={change}
          />
          {report ? (
            <>
              <DataTable
                caption={`${counted(report.total, 'object')} match${report.total === 1 ? 'es' : ''}`}
                columns={['Object', 'Type', 'In the target', 'Result', 'ID']}
              >
                {report.data.map((o) => (
                  <tr key={`${o.id}:${o.type}`}>
                    <th scope="row" class="wrap">
                      {o.name || o.id}
                      {o.message ? <span class="row-note">{o.message}</span> : null}
                    </th>
                    <td>{objectTypeName(o.type)}</td>
                    <td data-testid="object-conflict">{words(o.conflict)}</td>
                    <td data-testid="object-result">{words(o.action)}</td>
                    <td>
                      <code class="wrap">{o.id}</code>
                    </td>
                  </tr>
                ))}
              </DataTable>
              <Pager
                label="Object pages"
                offset={report.offset}
                shown={report.data.length}
                total={report.total}
                onChange={(offset) => setView({ ...view, offset })}
              />
            </>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
