import type { Migration, ObjectOutcome } from '../api/types.js';
import { counted, formatDate, objectTypeName, words } from '../format.js';
import { DataTable } from '../components/DataTable.js';

/**
 * Object by object: each object of the package with the action its conflict rule gives it, and,
 * once an import or validation ran, what the target held and what was (or would be) done.
 */
export function ObjectReport({ migration, outcomes }: { migration: Migration; outcomes: ObjectOutcome[] }) {
  const rows = migration.packageInfo.tocView?.content ?? [];
  const outcomeOf = new Map(outcomes.map((o) => [o.id, o]));
  const validation = migration.validation;
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
      <section aria-labelledby="objects-heading" class="panel">
        <h2 id="objects-heading">Objects in the package</h2>
        <p class="hint">
          Each object with the action the package gives it, what the target held, and what the import did — or, after a validation, would do. A failed import
          changes nothing; its message above names the object and the reason.
        </p>
        {rows.length === 0 ? (
          <p>The server lists no objects for this package yet{migration.importInfo?.status === 'importing' ? ': it fills the list in while the import runs' : ''}.</p>
        ) : (
          <DataTable caption={counted(rows.length, 'object')} columns={['Object', 'Type', 'Action', 'Included', 'In the target', 'Result', 'ID']}>
            {rows.map((row) => (
              <tr key={`${row.id}:${row.type}`}>
                <th scope="row">{row.name ?? row.id}</th>
                <td>{objectTypeName(row.type)}</td>
                <td>{words(row.action)}</td>
                <td>{row.explicitIncluded === false ? 'As a dependency' : 'Chosen'}</td>
                <td data-testid="object-conflict">{words(outcomeOf.get(row.id)?.conflict)}</td>
                <td data-testid="object-result">{outcomeOf.has(row.id) ? words(outcomeOf.get(row.id)?.action) : 'Not run yet'}</td>
                <td>
                  <code>{row.id}</code>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}
