import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';

export type Json = Record<string, unknown>;

/** An error the CLI prints as one line: the server's code, message and ticket, or a transport failure. */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
    readonly ticketId?: string,
  ) {
    super(message);
    this.name = 'ClientError';
  }

  static fromBody(status: number, text: string): ClientError {
    const body = parseErrorBody(text);
    if (body?.code) {
      const line = `${body.code}: ${oneLine(body.message ?? 'no message')}${body.ticketId ? ` (ticket ${body.ticketId})` : ''}`;
      return new ClientError(line, status, body.code, body.ticketId);
    }
    return new ClientError(`HTTP ${status}${text ? `: ${oneLine(text).slice(0, 200)}` : ''}`, status);
  }

  /** The server answered that the route does not exist (contract §8: ERR004 + "HTTP 404 Not Found"). */
  get isUnknownRoute(): boolean {
    return this.status === 404 && this.code === 'ERR004';
  }

  get isSessionGone(): boolean {
    return this.status === 401 && this.code === 'ERR009';
  }
}

interface ErrorBody {
  code?: string;
  message?: string;
  ticketId?: string;
}

function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const errors = (parsed as { errors?: unknown }).errors;
    const first: unknown = Array.isArray(errors) ? errors[0] : parsed;
    return typeof first === 'object' && first !== null ? (first as ErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** A JSON body; sets Content-Type. */
  json?: unknown;
  /** A form body (login). */
  form?: Record<string, string>;
  /** A streamed body; give `contentLength` when known so the server sees a plain, fixed-size request. */
  stream?: Readable;
  contentLength?: number;
  /** Gives up when no byte moves for this long (ms). */
  idleTimeout?: number;
}

const DEFAULT_IDLE_TIMEOUT = 120_000;

function transportError(method: string, url: URL, error: unknown): ClientError {
  if (error instanceof ClientError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new ClientError(`connection to ${url.origin} failed (${method} ${url.pathname}): ${oneLine(reason)}`);
}

function bodyFailure(error: unknown): ClientError {
  if (error instanceof ClientError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new ClientError(`reading the data to send failed: ${oneLine(code ?? (error instanceof Error ? error.message : String(error)))}`);
}

/**
 * One HTTP exchange over node:http(s). The response stream is handed back unread, so that
 * binary downloads stream; request bodies stream from `stream` without buffering.
 */
export function send(base: string, method: string, path: string, options: SendOptions = {}): Promise<http.IncomingMessage> {
  const url = new URL(base.replace(/\/+$/, '') + path);
  const headers: Record<string, string> = { Accept: '*/*', ...options.headers };
  let payload: Buffer | undefined;
  if (options.json !== undefined) {
    payload = Buffer.from(JSON.stringify(options.json));
    headers['Content-Type'] = 'application/json';
  } else if (options.form) {
    payload = Buffer.from(new URLSearchParams(options.form).toString());
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  if (payload) headers['Content-Length'] = String(payload.length);
  else if (options.contentLength !== undefined) headers['Content-Length'] = String(options.contentLength);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let bodyError: unknown;
    const fail = (error: unknown) => {
      options.stream?.destroy();
      reject(bodyError === undefined ? transportError(method, url, error) : bodyFailure(bodyError));
    };
    const request = transport.request(url, { method, headers }, (response) => {
      response.setTimeout(0);
      resolve(response);
    });
    request.setTimeout(options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT, () => request.destroy(new Error('no answer in time')));
    request.on('error', fail);
    if (options.stream) {
      options.stream.on('error', (error) => {
        bodyError = error;
        request.destroy(error);
      });
      options.stream.pipe(request);
    } else {
      request.end(payload);
    }
  });
}

export async function readText(response: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Throws the server's error unless the status is 2xx; returns the response otherwise. */
export async function expectOk(response: http.IncomingMessage): Promise<http.IncomingMessage> {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return response;
  throw ClientError.fromBody(status, await readText(response));
}

/** The parsed JSON body of a 2xx answer (undefined when empty), or the server's error. */
export async function bodyValueOf(response: http.IncomingMessage): Promise<unknown> {
  const text = await readText(await expectOk(response));
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientError(`the server answered ${response.statusCode} with a body that is not JSON`, response.statusCode);
  }
}

/** The JSON object of a 2xx answer ({} when empty), or the server's error. */
export async function jsonOf(response: http.IncomingMessage): Promise<Json> {
  const value = await bodyValueOf(response);
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ClientError('the server answered with JSON that is not an object');
  return value as Json;
}
