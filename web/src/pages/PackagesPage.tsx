import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { deleteFile, fileDownloadUrl, listFiles } from '../api/packstore.js';
import type { Migration, PageAt, SharedFile } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { BreakableUrl } from '../components/BreakableUrl.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { counted, formatBytes, formatDateTime, signatureWords, words } from '../format.js';
import { useDebounced } from '../components/useDebounced.js';
import { useLatestRead } from '../components/useLatestRead.js';
import { Link } from '../components/Link.js';
import { ImportedInto } from './ImportedInto.js';
import { CreatedPackages } from './CreatedPackages.js';
import { ListFilterBar, type ListView } from './ListFilterBar.js';
import { DataTable } from '../components/DataTable.js';
import { hrefOf, navigate } from '../router.js';
import { ImportDialog } from './ImportDialog.js';
import { Pager } from './Pager.js';
import { UploadForm } from './UploadForm.js';

type Pending = { kind: 'import'; file: SharedFile } | { kind: 'delete'; file: SharedFile };

const SORTS: Array<[string, string]> = [
  ['-created', 'Newest first'],
  ['created', 'Oldest first'],
  ['name', 'Name, A to Z'],
  ['-name', 'Name, Z to A'],
  ['-size', 'Largest first'],
  ['size', 'Smallest first'],
];

const RUNNING = new Set(['pending', 'importing', 'undoing']);
const importRuns = (file: SharedFile) => (file.importedInto ?? []).some((i) => RUNNING.has(i.status));

const filtered = (v: ListView) => Boolean(v.q || v.type || v.purpose || v.creator || v.from || v.to);

/** The packages in the Storage Service: upload, download, import, delete; and those created here. */
export function PackagesPage() {
  const [page, setPage] = useState<PageAt<SharedFile>>();
  const [view, setView] = useState<ListView>({ offset: 0, sort: '-created' });
  const q = useDebounced(view.q, 250);
  const creator = useDebounced(view.creator, 250);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState<Pending>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const announce = useAnnounce();

  const startRead = useLatestRead();
  const load = useCallback(async () => {
    const latest = startRead();
    try {
      const next = await listFiles(view.offset, { ...view, q, creator });
      if (!latest()) return;
      setPage(next);
      setError(undefined);
    } catch (e) {
      if (latest()) setError(e);
    }
  }, [view.offset, view.type, view.purpose, view.from, view.to, view.sort, q, creator, startRead]);
  useEffect(() => {
    void load();
  }, [load]);

  const uploaded = (file: SharedFile) => {
    announce(`Uploaded ${file.name}.`);
    void load();
  };

  const remove = async (file: SharedFile) => {
    await deleteFile(file.id);
    setPending(undefined);
    announce(`Deleted ${file.name}.`);
    await load();
    listHeading.current?.focus();
  };

  const started = (file: SharedFile, migration: Migration) => {
    setPending(undefined);
    announce(`The import of ${file.name} started.`);
    navigate(hrefOf({ page: 'migration', id: migration.id }));
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Packages
      </h1>
      <p class="lead">
        Migration packages kept in this environment's Storage Service. Upload a package downloaded from another environment, then import it into a project.
      </p>
      <UploadForm onUploaded={uploaded} />
      <section aria-labelledby="packages-heading" class="panel">
        <h2 id="packages-heading" ref={listHeading} tabIndex={-1}>
          Uploaded packages
        </h2>
        <ListFilterBar label="Packages" view={view} sorts={SORTS} onChange={(next) => setView({ ...view, offset: 0, ...next })} />
        <ErrorNotice error={error} title="The packages could not be listed." />
        {page === undefined && !error ? <p>Loading packages…</p> : null}
        {page && page.total === 0 && !filtered(view) ? <p>No uploaded packages yet. Upload one above.</p> : null}
        {page && page.data.length === 0 && filtered(view) ? <p>No packages match these filters.</p> : null}
        {page && page.data.length > 0 ? (
          <DataTable
            caption={`${counted(page.total, 'package')} in the Storage Service`}
            columns={['Name', 'Type', 'Purpose', 'Size', 'Date', 'Creator', 'Source', 'Imported into', 'Actions']}
          >
            {page.data.map((file) => (
              <tr key={file.id}>
                <th scope="row" class="wrap">
                  {file.name}
                  {file.existing ? null : <span class="tag"> (upload not finished)</span>}
                </th>
                <td>{words(file.extraInfo.packageType)}</td>
                <td>{words(file.extraInfo.packagePurpose)}</td>
                <td>{formatBytes(file.size)}</td>
                <td>
                  <time dateTime={file.creationDate}>{formatDateTime(file.creationDate)}</time>
                </td>
                <td>{file.creator.name}</td>
                <td class="url">
                  <span data-testid="file-source">
                    {file.source ? (
                      <>
                        <BreakableUrl url={file.source.environment.name || file.source.environment.id} />
                        <br />
                        <span class="hint wrap">package {file.source.packageId}</span>
                      </>
                    ) : (
                      <BreakableUrl url={file.environment.name} />
                    )}
                  </span>
                  {/* The signature goes with the source it vouches for (a column of its own would not fit at 800 px). */}
                  <br />
                  <span class="hint wrap" data-testid="file-signature">
                    {signatureWords(file.signature)}
                  </span>
                </td>
                <td data-testid="imported-into">
                  <ImportedInto file={file} />
                </td>
                <td class="row-actions">
                  {file.existing ? (
                    <a href={fileDownloadUrl(file.id)} download={`${file.name}.mmp`} aria-label={`Download ${file.name}`}>
                      Download
                    </a>
                  ) : null}
                  {file.existing ? (
                    <Link href={hrefOf({ page: 'diff', source: { kind: 'file', id: file.id } })} aria-label={`Diff ${file.name} against a project`}>
                      Diff
                    </Link>
                  ) : null}
                  <button type="button" disabled={!file.existing} aria-label={`Import ${file.name}`} onClick={() => setPending({ kind: 'import', file })}>
                    Import…
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={importRuns(file)}
                    title={importRuns(file) ? 'Delete waits until the import of this package ends.' : undefined}
                    aria-label={`Delete ${file.name}`}
                    onClick={() => setPending({ kind: 'delete', file })}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
        {page ? (
          <Pager label="Package pages" offset={page.offset} shown={page.data.length} total={page.total} onChange={(offset) => setView({ ...view, offset })} />
        ) : null}
      </section>
      <CreatedPackages />
      {pending?.kind === 'import' ? (
        <ImportDialog file={pending.file} onClose={() => setPending(undefined)} onStarted={(m) => started(pending.file, m)} />
      ) : null}
      {pending?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${pending.file.name}?`}
          confirmLabel="Delete package"
          onClose={() => setPending(undefined)}
          onConfirm={() => remove(pending.file)}
        >
          <p>
            This removes the package file and its metadata from the Storage Service: it cannot be imported again unless uploaded again.
            {pending.file.importedInto?.length ? ` Its ${counted(pending.file.importedInto.length, 'import')} keep their records.` : ''}
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
