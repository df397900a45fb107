import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

let nextId = 0;

/**
 * A native modal <dialog>: it keeps focus inside, closes on Escape, and hands focus back to
 * whatever opened it. Render it only while it is open.
 */
export function Modal({ title, onClose, children }: ModalProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`modal-title-${++nextId}`).current;
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const element = dialog.current;
    element?.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      closeRef.current();
    };
    element?.addEventListener('cancel', cancel);
    return () => {
      element?.removeEventListener('cancel', cancel);
      element?.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby={titleId} class="modal">
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
