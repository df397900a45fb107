import type { Migration } from '../api/types.js';
import { counted, formatDate, objectTypeName, words } from '../format.js';
import { DataTable } from '../components/DataTable.js';

/**
 * What the server tells object by object: each object of the package with the action its
 * conflict rule gives it, and the package's validation as a whole.
 */
export function ObjectReport({ migration }: { migration: Migration }) {
  const rows = migration.packageInfo.tocView?.content ?? [];
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
          Each object with the action the package gives it. The server does not yet report a result per object; the outcome of the import as a whole is its status
          above, and a failure is explained in its message.
        </p>
        {rows.length === 0 ? (
          <p>The server lists no objects for this package yet{migration.importInfo?.status === 'importing' ? ': it fills the list in while the import runs' : ''}.</p>
        ) : (
          <DataTable caption={counted(rows.length, 'object')} columns={['Object', 'Type', 'Action', 'Included', 'ID']}>
            {rows.map((row) => (
              <tr key={`${row.id}:${row.type}`}>
                <th scope="row">{row.name ?? row.id}</th>
                <td>{objectTypeName(row.type)}</td>
                <td>{words(row.action)}</td>
                <td>{row.explicitIncluded === false ? 'As a dependency' : 'Chosen'}</td>
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
