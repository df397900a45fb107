import { useState } from 'preact/hooks';
import { packageDownloadUrl } from '../api/packstore.js';
import type { Migration } from '../api/types.js';
import { useAnnounce } from '../components/Announcer.js';
import { Link } from '../components/Link.js';
import { hrefOf, navigate } from '../router.js';
import { MigrationActionDialog, runAction, type PendingAction } from './MigrationActionDialog.js';
import { canUndo, isBusy } from './migration-state.js';

interface MigrationActionsProps {
  migration: Migration;
  /** After an undo started. */
  onUndoStarted: () => void;
  /** The diff page this is on, whose link is left out. */
  onDiff?: 'package' | 'undo';
}

/** A diff of the undo package shows what an undo would restore: there is one while the import can still be undone. */
export const hasUndoDiff = (m: Migration) => canUndo(m) && Boolean(m.importInfo?.undoStorage?.path);

/**
 * What can be done with a migration: download its package, see what it (or its undo) would change,
 * undo its import, delete it. The same on its page and on its diff pages.
 */
export function MigrationActions({ migration, onUndoStarted, onDiff }: MigrationActionsProps) {
  const [pending, setPending] = useState<PendingAction>();
  const announce = useAnnounce();
  const pkg = migration.packageInfo;
  const busy = isBusy(migration);

  const act = async (p: PendingAction) => {
    await runAction(p);
    setPending(undefined);
    if (p.kind === 'delete') {
      announce(`Deleted ${pkg.name}.`);
      navigate(hrefOf({ page: 'migrations' }));
      return;
    }
    announce(`Undo of ${pkg.name} started.`);
    onUndoStarted();
  };

  return (
    <div class="actions">
      {pkg.storage?.path ? (
        <a class="button" href={packageDownloadUrl(pkg.id)} download={`${pkg.name}.mmp`}>
          Download package
        </a>
      ) : null}
      {pkg.storage?.path && onDiff !== 'package' ? (
        <Link class="button secondary" href={hrefOf({ page: 'diff', source: { kind: 'migration', id: migration.id, undo: false } })}>
          Diff against the target
        </Link>
      ) : null}
      {hasUndoDiff(migration) && onDiff !== 'undo' ? (
        <Link class="button secondary" href={hrefOf({ page: 'diff', source: { kind: 'migration', id: migration.id, undo: true } })}>
          What an undo restores
        </Link>
      ) : null}
      {canUndo(migration) ? (
        <button type="button" class="secondary" onClick={() => setPending({ kind: 'undo', migration })}>
          Undo import
        </button>
      ) : null}
      <button
        type="button"
        class="danger"
        disabled={busy}
        aria-describedby={busy ? 'busy-note' : undefined}
        onClick={() => setPending({ kind: 'delete', migration })}
      >
        Delete migration
      </button>
      {busy ? (
        <span id="busy-note" class="hint">
          Delete waits until the work in progress ends.
        </span>
      ) : null}
      {pending ? <MigrationActionDialog pending={pending} onConfirm={() => act(pending)} onClose={() => setPending(undefined)} /> : null}
    </div>
  );
}
