/**
 * The console's only way to the server: every call carries X-MSTR-AuthToken from sessionStorage,
 * and every failure becomes an ApiError with the server's {code, message, ticketId}.
 */
const TOKEN_KEY = 'packstore.authToken';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly ticketId?: string,
  ) {
    super(message);
  }

  /** The server said the session is missing or over (ERR009). */
  get sessionEnded(): boolean {
    return this.status === 401 && this.code === 'ERR009';
  }
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

let onSessionEnded: () => void = () => undefined;

/** Called when any call finds the session gone, so the app can go back to sign-in. */
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Library error body, or its `{errors: [...]}` form; anything else is described by its status. */
export function errorFromBody(status: number, statusText: string, text: string): ApiError {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const first = isRecord(body) && Array.isArray(body.errors) ? body.errors[0] : body;
  if (isRecord(first) && typeof first.message === 'string') {
    return new ApiError(
      first.message,
      status,
      typeof first.code === 'string' ? first.code : undefined,
      typeof first.ticketId === 'string' ? first.ticketId : undefined,
    );
  }
  if (status === 0) return new ApiError('The server cannot be reached. Check the connection and try again.', 0);
  return new ApiError(`The server answered ${[status, statusText].join(' ').trim()}.`, status);
}

export function reportSessionEnd(error: unknown): void {
  if (error instanceof ApiError && error.sessionEnded) {
    storeToken(null);
    onSessionEnded();
  }
}

export interface CallOptions {
  json?: unknown;
  form?: URLSearchParams;
  projectId?: string;
}

/** One call to the API; resolves to the raw Response of a 2xx, throws ApiError otherwise. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = storedToken();
  if (token) headers['X-MSTR-AuthToken'] = token;
  if (options.projectId) headers['X-MSTR-ProjectID'] = options.projectId;
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError('The server cannot be reached. Check the connection and try again.', 0);
  }
  if (response.ok) return response;
  const error = errorFromBody(response.status, response.statusText, await response.text());
  reportSessionEnd(error);
  throw error;
}

export async function callJson<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const response = await call(method, path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}
