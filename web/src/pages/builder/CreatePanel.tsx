import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { createPackage, migrationState } from '../../api/builder.js';
import type { Migration } from '../../api/types.js';
import { useAnnounce } from '../../components/Announcer.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Link } from '../../components/Link.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { usePolling } from '../../components/usePolling.js';
import { counted, words } from '../../format.js';
import { hrefOf } from '../../router.js';
import type { Content } from './content.js';

const POLL_MS = 1000;
const ACTIONS = ['replace', 'use_existing', 'keep_both', 'use_newer', 'use_older', 'force_replace'] as const;

interface CreatePanelProps {
  projectId: string;
  content: Content;
}

/** Names the package, picks the conflict rule, creates it and follows it until it is created. */
export function CreatePanel({ projectId, content }: CreatePanelProps) {
  const [name, setName] = useState('');
  const [action, setAction] = useState<string>('replace');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [started, setStarted] = useState<Migration>();

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (content.size === 0) {
      setError(new Error('Pick at least one object first.'));
      return;
    }
    if (name.trim() === '') {
      setError(new Error('Give the package a name.'));
      return;
    }
    setBusy(true);
    try {
      setStarted(await createPackage(projectId, name.trim(), action, [...content.values()]));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-heading" class="panel">
      <h2 id="create-heading">Create the package</h2>
      <form onSubmit={submit}>
        <div class="grid">
          <div class="field">
            <label for="package-name">Package name</label>
            <input id="package-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="package-action">When an object exists in the target</label>
            <select id="package-action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
              {ACTIONS.map((a) => (
                <option value={a}>{words(a)}</option>
              ))}
            </select>
          </div>
        </div>
        <button type="submit" disabled={busy}>
          Create package of {counted(content.size, 'object')}
        </button>
      </form>
      <ErrorNotice error={error} title="The package could not be created." />
      {started ? <Creation key={started.id} started={started} /> : null}
    </section>
  );
}

/** Polls the new record until the package is no longer being created, then links to it. */
function Creation({ started }: { started: Migration }) {
  const [record, setRecord] = useState(started);
  const [error, setError] = useState<unknown>();
  const result = useRef<HTMLParagraphElement>(null);
  const announce = useAnnounce();
  const status = record.packageInfo.status;
  const name = record.packageInfo.name ?? 'the package';

  const load = useCallback(async () => {
    if (status !== 'creating') return;
    try {
      const next = await migrationState(started.id);
      setRecord(next);
      setError(undefined);
      if (next.packageInfo.status !== 'creating')
        announce(next.packageInfo.status === 'created' ? `Created ${name}.` : `${name}: ${words(next.packageInfo.status)}.`);
    } catch (e) {
      setError(e);
    }
  }, [status, started.id, name, announce]);
  usePolling(load, POLL_MS);
  // The result is what the user waited for: it takes the focus once the creation ends, in the commit that
  // shows it (a layout effect): with a plain effect the result was on screen, unfocused, for a frame.
  useLayoutEffect(() => {
    if (status !== 'creating') result.current?.focus();
  }, [status]);

  return (
    <div class="creation">
      <ErrorNotice error={error} title="The package's state could not be read." />
      <ProgressBar id="creation-progress" label="Package creation" value={status === 'creating' ? (record.packageInfo.progress ?? 0) : 100} />
      <p ref={result} tabIndex={-1} data-testid="creation-status">
        {status === 'creating' ? `Creating ${name}…` : `${words(status)}: ${name}.`}{' '}
        {status === 'created' ? <Link href={hrefOf({ page: 'migration', id: record.id })}>Open {name}</Link> : null}
      </p>
      {status === 'create_failed' ? <ErrorNotice error={new Error(record.packageInfo.message || 'No reason given.')} title="Creation failed." /> : null}
    </div>
  );
}
