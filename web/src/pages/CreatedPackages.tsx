import { useEffect, useState } from 'preact/hooks';
import { listMigrations, packageDownloadUrl } from '../api/packstore.js';
import type { Migration, PageAt } from '../api/types.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Link } from '../components/Link.js';
import { counted, formatBytes, formatDateTime, words } from '../format.js';
import { hrefOf } from '../router.js';
import { Pager } from './Pager.js';

/** Packages made in this environment from its own objects: they live in migration records, not in the Storage Service. */
export function CreatedPackages() {
  const [page, setPage] = useState<PageAt<Migration>>();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let current = true;
    listMigrations(offset, { origin: 'created' }).then(
      (next) => current && setPage(next),
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [offset]);
  return (
    <section aria-labelledby="created-heading" class="panel">
      <h2 id="created-heading">Created in this environment</h2>
      <ErrorNotice error={error} title="The created packages could not be listed." />
      {page && page.total === 0 ? <p>No package was created here yet.</p> : null}
      {page && page.data.length > 0 ? (
        <DataTable caption={counted(page.total, 'created package')} columns={['Name', 'Type', 'Status', 'Size', 'Created', 'Creator', 'Actions']}>
          {page.data.map((m) => (
            <tr key={m.id}>
              <th scope="row" class="wrap">
                <Link href={hrefOf({ page: 'migration', id: m.id })}>{m.packageInfo.name}</Link>
              </th>
              <td>{words(m.packageInfo.type)}</td>
              <td>{words(m.packageInfo.status)}</td>
              <td>{formatBytes(m.packageInfo.storage?.size)}</td>
              <td>{formatDateTime(m.packageInfo.creationDate)}</td>
              <td>{m.packageInfo.creator?.name ?? '—'}</td>
              <td class="row-actions">
                {m.packageInfo.storage?.path ? (
                  <a href={packageDownloadUrl(m.packageInfo.id)} download={`${m.packageInfo.name}.mmp`} aria-label={`Download ${m.packageInfo.name}`}>
                    Download
                  </a>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page ? <Pager label="Created package pages" offset={page.offset} shown={page.data.length} total={page.total} onChange={setOffset} /> : null}
    </section>
  );
}
