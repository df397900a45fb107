import { useEffect, useState } from 'preact/hooks';
import { findFile, readDiff, startDiff, type DiffSource } from '../../api/diffs.js';
import { getMigration, listProjects, readAt } from '../../api/packstore.js';
import type { Diff, DiffObject, Migration, Project, ReadAt, SharedFile } from '../../api/types.js';
import { useAnnounce } from '../../components/Announcer.js';
import { actionCounts, Counts, typeCounts } from '../../components/Counts.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Link } from '../../components/Link.js';
import { ProjectSelect } from '../../components/ProjectSelect.js';
import { useDebounced } from '../../components/useDebounced.js';
import { useFocusOnMount } from '../../components/useFocusOnMount.js';
import { usePolling } from '../../components/usePolling.js';
import { counted } from '../../format.js';
import { hrefOf, navigate } from '../../router.js';
import { ImportDialog } from '../ImportDialog.js';
import { ImportedInto } from '../ImportedInto.js';
import { MigrationActions } from '../MigrationActions.js';
import { Pager } from '../Pager.js';
import { ReportFilterBar, type ObjectFilters } from '../ReportFilterBar.js';
import { DiffObjectList, objectKey, rowButtonId } from './DiffObjectList.js';
import { DiffObjectView } from './DiffObjectView.js';

/** How often a running diff is asked whether it is done. */
const RUNNING_POLL_MS = 500;
/** How often a finished diff is asked whether its target changed since (every page read says it too). */
const STALE_CHECK_MS = 30_000;

interface DiffView extends ObjectFilters {
  offset: number;
}
const FIRST_PAGE: DiffView = { offset: 0, q: '', action: '', type: '' };
/** The header alone: state, summary and staleness, no objects. */
const HEADER = { offset: 0, limit: 0 };

type Subject = { kind: 'file'; file: SharedFile } | { kind: 'migration'; migration: Migration };

const subjectName = (s: Subject) => (s.kind === 'file' ? s.file.name : s.migration.packageInfo.name);

async function loadSubject(source: DiffSource): Promise<Subject> {
  if (source.kind === 'migration') return { kind: 'migration', migration: await getMigration(source.id) };
  const file = await findFile(source.id);
  if (!file) throw new Error(`No uploaded package has the id ${source.id}.`);
  return { kind: 'file', file };
}

/** The project a diff goes against first: the one the migration was imported into, else the first. */
function firstProject(subject: Subject, projects: readonly Project[]): string {
  const imported = subject.kind === 'migration' ? subject.migration.importInfo?.project?.id : undefined;
  return projects.find((p) => p.id === imported)?.id ?? projects[0]?.id ?? '';
}

/**
 * What an import (or an undo) would change in its target, before anyone runs it: the diff is
 * computed on the server (followed while it runs), read a page at a time with its filters, and one
 * object at a time is shown side by side. Import and undo are at hand.
 */
export function DiffPage({ source }: { source: DiffSource }) {
  const undo = source.kind === 'migration' && source.undo;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const announce = useAnnounce();
  const [subject, setSubject] = useState<Subject>();
  const [projects, setProjects] = useState<Project[]>();
  const [projectId, setProjectId] = useState('');
  const [run, setRun] = useState(0);
  const [diff, setDiff] = useState<Diff>();
  const [page, setPage] = useState<ReadAt<Diff>>();
  const [stale, setStale] = useState(false);
  const [view, setView] = useState<DiffView>(FIRST_PAGE);
  const q = useDebounced(view.q, 250);
  const [selected, setSelected] = useState<DiffObject>();
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<unknown>();

  // The route's source is the page's identity: the page is keyed by its address.
  useEffect(() => {
    loadSubject(source).then(setSubject, setError);
  }, []);

  useEffect(() => {
    if (!subject || undo || projects) return;
    listProjects().then((list) => {
      setProjects(list);
      setProjectId(firstProject(subject, list));
    }, setError);
  }, [subject, undo, projects]);

  // Start the diff (again, when run changes), and follow it until it is done.
  useEffect(() => {
    if (!undo && !projectId) return;
    let current = true;
    setDiff(undefined);
    setPage(undefined);
    setSelected(undefined);
    // A new diff has its own counts: filters chosen from the old ones may name nothing in it.
    setView(FIRST_PAGE);
    setStale(false);
    setError(undefined);
    (async () => {
      let next = await startDiff(source, undo ? undefined : projectId, HEADER);
      while (current && next.status === 'running') {
        setDiff(next);
        await new Promise((resolve) => window.setTimeout(resolve, RUNNING_POLL_MS));
        next = await readDiff(next.id, HEADER);
      }
      if (!current) return;
      setDiff(next);
      setStale(next.stale ?? false);
      announce(next.status === 'done' ? `The diff is ready: ${counted(next.summary?.total ?? 0, 'object')}.` : 'The diff failed.');
    })().catch((e: unknown) => current && setError(e));
    return () => {
      current = false;
    };
  }, [run, projectId, undo]);

  const doneId = diff?.status === 'done' ? diff.id : undefined;
  useEffect(() => {
    if (!doneId) return;
    let current = true;
    readDiff(doneId, { offset: view.offset, action: view.action, type: view.type, q }).then(
      (next) => {
        if (!current) return;
        setPage(readAt(view.offset)(next));
        setStale(next.stale ?? false);
      },
      (e: unknown) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [doneId, view.offset, view.action, view.type, q]);

  usePolling(async () => {
    if (!doneId) return;
    // A failed check changes nothing on screen: the next page read says whether the target changed.
    const header = await readDiff(doneId, HEADER).catch(() => undefined);
    if (header) setStale(header.stale ?? false);
  }, STALE_CHECK_MS);

  const close = () => {
    const opener = selected && document.getElementById(rowButtonId(selected));
    setSelected(undefined);
    opener?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !selected) return;
    event.preventDefault();
    close();
  };

  const summary = diff?.summary;
  const name = subject ? subjectName(subject) : undefined;
  const title = undo ? `What an undo restores${name ? `: ${name}` : ''}` : `Diff${name ? `: ${name}` : ''}`;
  const back = source.kind === 'file' ? hrefOf({ page: 'packages' }) : hrefOf({ page: 'migration', id: source.id });
  return (
    <>
      <p class="breadcrumb">
        <Link href={back}>{source.kind === 'file' ? 'Back to the packages' : 'Back to the migration'}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1} class="wrap">
        {title}
      </h1>
      <p class="lead">
        {undo
          ? 'What undoing this import would put back in its project, object by object. Nothing changes until an undo is approved.'
          : 'What importing this package would change in the project, object by object and field by field. Nothing changes until you import.'}
      </p>
      <section aria-labelledby="target-heading" class="panel">
        <h2 id="target-heading">Target</h2>
        {undo ? (
          <p>The project it was imported into: {subject?.kind === 'migration' ? (subject.migration.importInfo?.project?.name ?? '—') : '—'}.</p>
        ) : (
          <ProjectSelect id="diff-project" label="Target project" projects={projects} value={projectId} class="narrow" onChange={setProjectId} />
        )}
        {subject?.kind === 'file' ? (
          <>
            <p>
              Imported into: <ImportedInto file={subject.file} />
            </p>
            <div class="actions">
              <button type="button" disabled={!subject.file.existing} onClick={() => setImporting(true)}>
                Import…
              </button>
            </div>
          </>
        ) : null}
        {subject?.kind === 'migration' ? (
          <MigrationActions
            migration={subject.migration}
            onDiff={undo ? 'undo' : 'package'}
            onUndoStarted={() => navigate(hrefOf({ page: 'migration', id: subject.migration.id }))}
          />
        ) : null}
      </section>
      {stale ? (
        <div class="notice notice-error" role="alert" data-testid="diff-stale">
          <p>
            <strong>The target changed since this diff was taken.</strong> What it shows may no longer be what an {undo ? 'undo' : 'import'} would do.
          </p>
          <button type="button" onClick={() => setRun(run + 1)}>
            Diff again
          </button>
        </div>
      ) : null}
      <ErrorNotice error={error} title="The diff could not be shown." />
      {diff?.status === 'failed' ? <ErrorNotice error={new Error(diff.message ?? 'The diff failed.')} title="The diff failed." /> : null}
      {!error && (!diff || diff.status === 'running') ? (
        <div class="progress" aria-busy="true">
          <label for="diff-progress">Computing the diff…</label>
          <progress id="diff-progress" />
        </div>
      ) : null}
      {summary ? (
        <section aria-labelledby="diff-summary-heading" class="panel">
          <h2 id="diff-summary-heading">Summary</h2>
          <div class="summary" data-testid="diff-summary">
            <p class="summary-total">{counted(summary.total, 'object')}</p>
            <Counts label="Objects by action" counts={actionCounts(Object.entries(summary.byAction))} />
            <Counts label="Objects by type" counts={typeCounts(Object.entries(summary.byType))} />
          </div>
        </section>
      ) : null}
      {summary && summary.total > 0 ? (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the list or the open object closes it; the controls inside are buttons
        <div class={selected ? 'diff-layout open' : 'diff-layout'} onKeyDown={onKeyDown}>
          <section aria-labelledby="diff-objects-heading" class="panel">
            <h2 id="diff-objects-heading">Objects</h2>
            <ReportFilterBar
              id="diff"
              view={view}
              actions={actionCounts(Object.entries(summary.byAction))}
              types={typeCounts(Object.entries(summary.byType))}
              actionLabel="Action"
              searchLabel="Search by name"
              onChange={(next) => setView({ ...view, offset: 0, ...next })}
            />
            <p class="hint">Up and down arrows move between objects, Enter shows one side by side, Escape closes it.</p>
            {page?.objects ? (
              <>
                {page.objects.length > 0 ? (
                  <DiffObjectList objects={page.objects} total={page.total ?? 0} selected={selected} onSelect={setSelected} />
                ) : (
                  <p>No objects match these filters.</p>
                )}
                <Pager
                  label="Object pages"
                  offset={page.offset}
                  shown={page.objects.length}
                  total={page.total ?? 0}
                  onChange={(offset) => setView({ ...view, offset })}
                />
              </>
            ) : (
              <p>Loading the objects…</p>
            )}
          </section>
          {selected ? <DiffObjectView key={objectKey(selected)} object={selected} undo={undo} onClose={close} /> : null}
        </div>
      ) : null}
      {importing && subject?.kind === 'file' ? (
        <ImportDialog
          file={subject.file}
          projectId={projectId}
          onClose={() => setImporting(false)}
          onStarted={(migration) => {
            setImporting(false);
            announce(`The import of ${subject.file.name} started.`);
            navigate(hrefOf({ page: 'migration', id: migration.id }));
          }}
        />
      ) : null}
    </>
  );
}
