import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { deleteFile, fileDownloadUrl, listFiles } from '../api/packstore.js';
import type { Migration, Page, SharedFile } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { counted, formatBytes, formatDate, signatureWords, words } from '../format.js';
import { DataTable } from '../components/DataTable.js';
import { hrefOf, navigate } from '../router.js';
import { ImportDialog } from './ImportDialog.js';
import { Pager } from './Pager.js';
import { UploadForm } from './UploadForm.js';

type Pending = { kind: 'import'; file: SharedFile } | { kind: 'delete'; file: SharedFile };

/** The packages in the Storage Service: upload, download, import, delete. */
export function PackagesPage() {
  const [page, setPage] = useState<Page<SharedFile>>();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState<Pending>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const listHeading = useRef<HTMLHeadingElement>(null);
  const announce = useAnnounce();

  const load = useCallback(async () => {
    try {
      setPage(await listFiles(offset));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [offset]);
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
      <p class="lead">Migration packages kept in this environment's Storage Service. Upload a package downloaded from another environment, then import it into a project.</p>
      <UploadForm onUploaded={uploaded} />
      <section aria-labelledby="packages-heading" class="panel">
        <h2 id="packages-heading" ref={listHeading} tabIndex={-1}>
          Stored packages
        </h2>
        <ErrorNotice error={error} title="The packages could not be listed." />
        {page === undefined && !error ? <p>Loading packages…</p> : null}
        {page && page.data.length === 0 ? <p>No packages yet. Upload one above.</p> : null}
        {page && page.data.length > 0 ? (
          <DataTable caption={`${counted(page.total, 'package')} in the Storage Service`} columns={['Name', 'Type', 'Purpose', 'Size', 'Date', 'Creator', 'Source', 'Signature', 'Actions']}>
            {page.data.map((file) => (
              <tr key={file.id}>
                <th scope="row">
                  {file.name}
                  {file.existing ? null : <span class="tag"> (upload not finished)</span>}
                </th>
                <td>{words(file.extraInfo.packageType)}</td>
                <td>{words(file.extraInfo.packagePurpose)}</td>
                <td>{formatBytes(file.size)}</td>
                <td>
                  <time dateTime={file.creationDate}>{formatDate(file.creationDate)}</time>
                </td>
                <td>{file.creator.name}</td>
                <td class="wrap" data-testid="file-source">
                  {file.source ? (
                    <>
                      {file.source.environment.name || file.source.environment.id}
                      <br />
                      <span class="hint">package {file.source.packageId}</span>
                    </>
                  ) : (
                    file.environment.name
                  )}
                </td>
                <td class="wrap">{signatureWords(file.signature)}</td>
                <td class="row-actions">
                  {file.existing ? (
                    <a href={fileDownloadUrl(file.id)} download={`${file.name}.mmp`} aria-label={`Download ${file.name}`}>
                      Download
                    </a>
                  ) : null}
                  <button type="button" disabled={!file.existing} aria-label={`Import ${file.name}`} onClick={() => setPending({ kind: 'import', file })}>
                    Import…
                  </button>
                  <button type="button" class="danger" aria-label={`Delete ${file.name}`} onClick={() => setPending({ kind: 'delete', file })}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        ) : null}
        {page ? <Pager label="Package pages" offset={offset} shown={page.data.length} total={page.total} onChange={setOffset} /> : null}
      </section>
      {pending?.kind === 'import' ? <ImportDialog file={pending.file} onClose={() => setPending(undefined)} onStarted={(m) => started(pending.file, m)} /> : null}
      {pending?.kind === 'delete' ? (
        <ConfirmDialog title={`Delete ${pending.file.name}?`} confirmLabel="Delete package" onClose={() => setPending(undefined)} onConfirm={() => remove(pending.file)}>
          <p>This removes the package file and its metadata from the Storage Service. Migrations already made from it keep their records.</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
