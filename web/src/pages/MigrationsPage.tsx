import { useCallback, useRef, useState } from 'preact/hooks';
import { listMigrations } from '../api/packstore.js';
import type { Migration, Page } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Link } from '../components/Link.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { usePolling } from '../components/usePolling.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { counted, formatDate, words } from '../format.js';
import { DataTable } from '../components/DataTable.js';
import { hrefOf } from '../router.js';
import { canUndo, isBusy, progressOf, stateLine } from './migration-state.js';
import { MigrationActionDialog, runAction, type PendingAction } from './MigrationActionDialog.js';
import { Pager } from './Pager.js';

const BUSY_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;

/** Every migration of this environment, kept up to date by polling. */
export function MigrationsPage() {
  const [page, setPage] = useState<Page<Migration>>();
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState<PendingAction>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const announce = useAnnounce();
  const seen = useRef(new Map<string, string>());

  const load = useCallback(async () => {
    try {
      const next = await listMigrations(offset);
      const changes: string[] = [];
      for (const m of next.data) {
        const line = stateLine(m);
        const before = seen.current.get(m.id);
        if (before !== undefined && before !== line) changes.push(`${m.packageInfo.name}: ${line}.`);
        seen.current.set(m.id, line);
      }
      if (changes.length > 0) announce(changes.join(' '));
      setPage(next);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [offset, announce]);
  const busy = page?.data.some(isBusy) ?? false;
  usePolling(load, busy ? BUSY_POLL_MS : IDLE_POLL_MS);

  const act = async (p: PendingAction) => {
    await runAction(p);
    setPending(undefined);
    announce(p.kind === 'undo' ? `Undo of ${p.migration.packageInfo.name} started.` : `Deleted ${p.migration.packageInfo.name}.`);
    await load();
    heading.current?.focus();
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Migrations
      </h1>
      <p class="lead">Packages made or imported here, with the state of each import. The list refreshes itself while work is in progress.</p>
      <ErrorNotice error={error} title="The migrations could not be listed." />
      {page === undefined && !error ? <p>Loading migrations…</p> : null}
      {page && page.data.length === 0 ? (
        <p>
          No migrations yet. Start one from an uploaded package on the <Link href={hrefOf({ page: 'packages' })}>Packages</Link> page.
        </p>
      ) : null}
      {page && page.data.length > 0 ? (
        <DataTable caption={counted(page.total, 'migration')} columns={['Package', 'Purpose', 'Type', 'Package status', 'Import status', 'Progress', 'Project', 'Started', 'Actions']}>
          {page.data.map((m) => (
            <tr key={m.id}>
              <th scope="row">
                <Link href={hrefOf({ page: 'migration', id: m.id })}>{m.packageInfo.name}</Link>
              </th>
              <td>{words(m.packageInfo.purpose)}</td>
              <td>{words(m.packageInfo.type)}</td>
              <td>{words(m.packageInfo.status)}</td>
              <td data-testid="import-status">{words(m.importInfo?.status)}</td>
              <td>
                <ProgressBar id={`progress-${m.id}`} label={`Progress of ${m.packageInfo.name}`} value={progressOf(m)} />
              </td>
              <td>{m.importInfo?.project?.name ?? '—'}</td>
              <td>
                <time dateTime={m.importInfo?.creationDate ?? undefined}>{formatDate(m.importInfo?.creationDate ?? m.packageInfo.creationDate)}</time>
              </td>
              <td class="row-actions">
                {canUndo(m) ? (
                  <button type="button" aria-label={`Undo import of ${m.packageInfo.name}`} onClick={() => setPending({ kind: 'undo', migration: m })}>
                    Undo import
                  </button>
                ) : null}
                <button type="button" class="danger" aria-label={`Delete ${m.packageInfo.name}`} onClick={() => setPending({ kind: 'delete', migration: m })}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page ? <Pager label="Migration pages" offset={offset} shown={page.data.length} total={page.total} onChange={setOffset} /> : null}
      {pending ? <MigrationActionDialog pending={pending} onConfirm={() => act(pending)} onClose={() => setPending(undefined)} /> : null}
    </>
  );
}
