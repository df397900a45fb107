import { ApiError } from '../api/client.js';

export function messageOf(error: unknown): string {
  if (error instanceof DOMException && error.name === 'AbortError') return 'Cancelled.';
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An error as the server gave it: its message, and the code and ticket id that support asks for. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{title ?? 'Something went wrong.'}</strong> {messageOf(error)}
      </p>
      {api && (api.code || api.ticketId) ? (
        <p class="notice-meta">
          {api.code ? <>Error code {api.code}. </> : null}
          {api.ticketId ? <>Ticket {api.ticketId}.</> : null}
        </p>
      ) : null}
    </div>
  );
}
