import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ErrorNotice } from './ErrorNotice.js';
import { Modal } from './Modal.js';

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  children: ComponentChildren;
  /** Runs the action; the dialog stays open and shows the error if it fails. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, confirmLabel, children, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      {children}
      <ErrorNotice error={error} />
      <div class="actions">
        <button type="button" class="danger" onClick={confirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
        {/* The harmless choice has the focus when the dialog opens (showModal honours autofocus). */}
        {/* biome-ignore lint/a11y/noAutofocus: a modal dialog must place focus inside it; Cancel is the safe place */}
        <button type="button" onClick={onClose} disabled={busy} autoFocus>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
