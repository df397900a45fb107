import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { listMigrations } from '../api/packstore.js';
import type { Migration, PageAt } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Link } from '../components/Link.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { usePolling } from '../components/usePolling.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { counted, formatDateTime, formatDuration, words } from '../format.js';
import { useDebounced } from '../components/useDebounced.js';
import { useLatestRead } from '../components/useLatestRead.js';
import { ListFilterBar, type ListView } from './ListFilterBar.js';
import { DataTable } from '../components/DataTable.js';
import { hrefOf } from '../router.js';
import { canUndo, isBusy, progressOf, stateLine, timesOf } from './migration-state.js';
import { MigrationActionDialog, runAction, type PendingAction } from './MigrationActionDialog.js';
import { Pager } from './Pager.js';

const BUSY_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;

const SORTS: Array<[string, string]> = [
  ['-created', 'Newest first'],
  ['created', 'Oldest first'],
  ['-updated', 'Last changed first'],
  ['name', 'Name, A to Z'],
  ['-name', 'Name, Z to A'],
  ['status', 'Import status'],
];
const STATUSES = [
  'pending',
  'importing',
  'imported',
  'import_failed',
  'undoing',
  'undo_success',
  'undo_failed',
  'creating',
  'created',
  'create_failed',
] as const;

const filtered = (v: ListView) => Boolean(v.q || v.type || v.purpose || v.status || v.creator || v.from || v.to);

/** Started, finished and how long: the times of the work that matters now (see timesOf). */
function Times({ migration }: { migration: Migration }) {
  const { started, finished } = timesOf(migration);
  return (
    <>
      <td>
        <time dateTime={started}>{formatDateTime(started)}</time>
      </td>
      <td>{finished ? <time dateTime={finished}>{formatDateTime(finished)}</time> : '—'}</td>
      <td>{finished ? formatDuration(started, finished) : '—'}</td>
    </>
  );
}

/** Every migration of this environment, kept up to date by polling. */
export function MigrationsPage() {
  const [page, setPage] = useState<PageAt<Migration>>();
  const [view, setView] = useState<ListView>({ offset: 0, sort: '-created' });
  const q = useDebounced(view.q, 250);
  const creator = useDebounced(view.creator, 250);
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState<PendingAction>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const announce = useAnnounce();
  const seen = useRef(new Map<string, string>());

  const startRead = useLatestRead();

  const load = useCallback(async () => {
    const latest = startRead();
    try {
      const next = await listMigrations(view.offset, { ...view, q, creator });
      if (!latest()) return;
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
      if (latest()) setError(e);
    }
  }, [view.offset, view.type, view.purpose, view.status, view.from, view.to, view.sort, q, creator, announce, startRead]);
  const busy = page?.data.some(isBusy) ?? false;
  usePolling(load, busy ? BUSY_POLL_MS : IDLE_POLL_MS);
  // The poll reads with the filters it finds at its next tick, seconds later: new filters are read at once.
  const firstLoad = useRef(load);
  useEffect(() => {
    if (load !== firstLoad.current) void load();
  }, [load]);

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
      <ListFilterBar label="Migrations" view={view} sorts={SORTS} statuses={STATUSES} onChange={(next) => setView({ ...view, offset: 0, ...next })} />
      {page && page.data.length === 0 && page.total === 0 && !filtered(view) ? (
        <p>
          No migrations yet. Start one from an uploaded package on the <Link href={hrefOf({ page: 'packages' })}>Packages</Link> page.
        </p>
      ) : null}
      {page && page.data.length === 0 && filtered(view) ? <p>No migrations match these filters.</p> : null}
      {page && page.data.length > 0 ? (
        <DataTable
          caption={counted(page.total, 'migration')}
          columns={['Package', 'Import status', 'Progress', 'Project', 'Started', 'Finished', 'Duration', 'Actions']}
        >
          {page.data.map((m) => (
            <tr key={m.id}>
              <th scope="row" class="wrap">
                <Link href={hrefOf({ page: 'migration', id: m.id })}>{m.packageInfo.name}</Link>
                <span class="row-meta">
                  {words(m.packageInfo.purpose)} · {words(m.packageInfo.type)} · package {words(m.packageInfo.status).toLowerCase()}
                </span>
              </th>
              <td data-testid="import-status">{words(m.importInfo?.status)}</td>
              <td>
                <ProgressBar id={`progress-${m.id}`} label={`Progress of ${m.packageInfo.name}`} value={progressOf(m)} />
              </td>
              <td>{m.importInfo?.project?.name ?? '—'}</td>
              <Times migration={m} />
              <td class="row-actions">
                {canUndo(m) ? (
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Undo import of ${m.packageInfo.name}`}
                    onClick={() => setPending({ kind: 'undo', migration: m })}
                  >
                    Undo import
                  </button>
                ) : null}
                <button
                  type="button"
                  class="danger"
                  disabled={isBusy(m)}
                  title={isBusy(m) ? 'Delete waits until the work in progress ends.' : undefined}
                  aria-label={`Delete ${m.packageInfo.name}`}
                  onClick={() => setPending({ kind: 'delete', migration: m })}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {page ? (
        <Pager label="Migration pages" offset={page.offset} shown={page.data.length} total={page.total} onChange={(offset) => setView({ ...view, offset })} />
      ) : null}
      {pending ? <MigrationActionDialog pending={pending} onConfirm={() => act(pending)} onClose={() => setPending(undefined)} /> : null}
    </>
  );
}
