import { useCallback, useRef, useState } from 'preact/hooks';
import { getMigration } from '../api/packstore.js';
import type { Migration } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { BreakableUrl } from '../components/BreakableUrl.js';
import { Link } from '../components/Link.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { usePolling } from '../components/usePolling.js';
import { useFocusOnMount } from '../components/useFocusOnMount.js';
import { formatBytes, formatDateTime, formatDuration, signatureWords, words } from '../format.js';
import { hrefOf } from '../router.js';
import { MigrationActions } from './MigrationActions.js';
import { isBusy, progressOf, stateLine, timesOf } from './migration-state.js';
import { ObjectReport } from './ObjectReport.js';

const BUSY_POLL_MS = 1000;
const IDLE_POLL_MS = 5000;
const FAILED = new Set(['create_failed', 'import_failed', 'undo_failed', 'validation_failed']);

/** One migration: its state (live), its objects, undo, download and delete. */
export function MigrationDetail({ id }: { id: string }) {
  const [migration, setMigration] = useState<Migration>();
  const [error, setError] = useState<unknown>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const announce = useAnnounce();
  const lastState = useRef<string | undefined>(undefined);

  const load = useCallback(async () => {
    try {
      const next = await getMigration(id);
      const line = stateLine(next);
      if (lastState.current !== undefined && lastState.current !== line) announce(`${next.packageInfo.name}: ${line}.`);
      lastState.current = line;
      setMigration(next);
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [id, announce]);
  usePolling(load, migration && !isBusy(migration) ? IDLE_POLL_MS : BUSY_POLL_MS);

  const pkg = migration?.packageInfo;
  const imp = migration?.importInfo;
  const failureMessage = [pkg, imp, migration?.validation].find((part) => part?.status && FAILED.has(part.status) && part.message)?.message;
  return (
    <>
      <p class="breadcrumb">
        <Link href={hrefOf({ page: 'migrations' })}>Back to all migrations</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {pkg ? `Migration: ${pkg.name}` : 'Migration'}
      </h1>
      <ErrorNotice error={error} title="The migration could not be loaded." />
      {migration && pkg ? (
        <>
          {failureMessage ? (
            <div class="notice notice-error" role="alert">
              <p>
                <strong>{words(imp?.status ?? pkg.status)}.</strong> {failureMessage}
              </p>
            </div>
          ) : null}
          <section aria-labelledby="state-heading" class="panel">
            <h2 id="state-heading">State</h2>
            <ProgressBar id="migration-progress" label={pkg.status === 'creating' ? 'Package creation' : 'Import progress'} value={progressOf(migration)} />
            <dl class="facts">
              <dt>Import status</dt>
              <dd data-testid="detail-import-status">{words(imp?.status)}</dd>
              <dt>Package status</dt>
              <dd>{words(pkg.status)}</dd>
              <dt>Import request</dt>
              <dd>{words(imp?.importRequestStatus)}</dd>
              <dt>Undo request</dt>
              <dd>{words(imp?.undoRequestStatus)}</dd>
              <dt>Target project</dt>
              <dd>{imp?.project?.name ?? '—'}</dd>
              <dt>Target environment</dt>
              <dd class="url">
                <BreakableUrl url={imp?.environment?.name} />
              </dd>
              <dt>Source environment</dt>
              <dd class="url" data-testid="detail-source-environment">
                <BreakableUrl url={pkg.environment?.name} />
              </dd>
              {pkg.source ? (
                <>
                  <dt>Source package id</dt>
                  <dd class="wrap" data-testid="detail-source-package">
                    {pkg.source.packageId}
                  </dd>
                </>
              ) : null}
              <dt>Purpose</dt>
              <dd>{words(pkg.purpose)}</dd>
              <dt>Package type</dt>
              <dd>{words(pkg.type)}</dd>
              <dt>Signature</dt>
              <dd class="wrap">{signatureWords(pkg.signature)}</dd>
              <dt>Package size</dt>
              <dd>{formatBytes(pkg.storage?.size)}</dd>
              <dt>Created by</dt>
              <dd>{pkg.creator?.name ?? '—'}</dd>
              <dt>Started</dt>
              <dd>{formatDateTime(timesOf(migration).started)}</dd>
              <dt>Finished</dt>
              <dd>{formatDateTime(timesOf(migration).finished)}</dd>
              <dt>Duration</dt>
              <dd>{formatDuration(timesOf(migration).started, timesOf(migration).finished)}</dd>
              <dt>Last update</dt>
              <dd>{formatDateTime(imp?.lastUpdatedDate ?? pkg.lastUpdatedDate)}</dd>
              <dt>Undo package</dt>
              <dd>{imp?.undoStorage?.path ? `Saved (${formatBytes(imp.undoStorage.size)})` : 'None'}</dd>
              <dt>Migration id</dt>
              <dd>
                <code>{migration.id}</code>
              </dd>
            </dl>
            <MigrationActions migration={migration} onUndoStarted={() => void load()} />
          </section>
          <ObjectReport migration={migration} runKey={`${imp?.status}|${migration.validation?.status}`} />
        </>
      ) : null}
      {!migration && !error ? <p>Loading the migration…</p> : null}
    </>
  );
}
