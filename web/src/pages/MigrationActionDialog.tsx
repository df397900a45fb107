import { deleteMigration, undoImport } from '../api/packstore.js';
import type { Migration } from '../api/types.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';

export type PendingAction = { kind: 'undo' | 'delete'; migration: Migration };

interface ActionDialogProps {
  pending: PendingAction;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

/** The confirmation for undo and delete, shared by the list and the detail page. */
export function MigrationActionDialog({ pending, onConfirm, onClose }: ActionDialogProps) {
  const name = pending.migration.packageInfo.name;
  if (pending.kind === 'undo') {
    return (
      <ConfirmDialog title={`Undo the import of ${name}?`} confirmLabel="Undo import" onConfirm={onConfirm} onClose={onClose}>
        <p>
          The objects of {pending.migration.importInfo?.project?.name ?? 'the target'} go back to how they were before this import, using the undo package saved
          when it ran. Objects the import created are removed, and changes made to them since are lost.
        </p>
      </ConfirmDialog>
    );
  }
  const uploaded = pending.migration.packageInfo.purpose === 'migration_from_shared_file_store';
  return (
    <ConfirmDialog title={`Delete ${name}?`} confirmLabel="Delete migration" onConfirm={onConfirm} onClose={onClose}>
      <p>
        This deletes the migration record, its per-object report{uploaded ? ', the uploaded package file it was made from' : ', the package file'}
        {pending.migration.importInfo?.undoStorage?.path ? ' and its undo package: the import can no longer be undone' : ''}. Objects already imported stay as
        they are.
      </p>
    </ConfirmDialog>
  );
}

export function runAction(pending: PendingAction): Promise<void> {
  return pending.kind === 'undo' ? undoImport(pending.migration) : deleteMigration(pending.migration);
}
