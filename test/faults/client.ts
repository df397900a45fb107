import { randomBytes } from 'node:crypto';
import { BOUNDARY, FILES, metadataFor } from '../support/shared-files.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import { sleep } from './nodes.js';
import { must } from '../support/must.js';

export const ADMIN_PASSWORD = 'fault-suite-admin-password';
export const MIGRATIONS = '/api/migrations';
export const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
/** Long enough for any answer under faults; a request never hangs the suite. */
const REQUEST_TIMEOUT_MS = 90_000;

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read by deep property access; the tests assert their shapes
export type Json = Record<string, any>;

/** One request and what came back: status 0 when nothing did, and then `body` is the error text. */
export interface Exchange {
  method: string;
  url: string;
  status: number;
  body: string;
}

/** The request and its answer on one line, as a failure report prints them. */
export function describe(exchange: Exchange): string {
  const answer = exchange.status === 0 ? `no answer (${exchange.body})` : `${exchange.status} ${exchange.body.slice(0, 600)}`;
  return `${exchange.method} ${exchange.url} → ${answer}`;
}

/** A request whose answer was not the expected one; its message is the whole exchange. */
export class UnexpectedAnswer extends Error {
  constructor(readonly exchange: Exchange) {
    super(describe(exchange));
  }
}

export interface CallOptions {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
}

/** Sends one request and reads the whole answer; never throws (a failure is status 0). */
export async function exchange(base: string, method: string, path: string, token: string | undefined, options: CallOptions = {}): Promise<Exchange> {
  const headers: Record<string, string> = { ...options.headers };
  if (token) headers['X-MSTR-AuthToken'] = token;
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const url = base + path;
  try {
    const res = await fetch(url, { method, headers, body, duplex: 'half', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } as RequestInit);
    return { method, url, status: res.status, body: await res.text() };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { method, url, status: 0, body: [error, cause].filter(Boolean).map(String).join(': ') };
  }
}

/** The JSON answer of a request that must answer `status`; anything else throws with the exchange. */
export async function expectJson(
  status: number,
  base: string,
  method: string,
  path: string,
  token: string | undefined,
  options: CallOptions = {},
): Promise<Json> {
  const answer = await exchange(base, method, path, token, options);
  if (answer.status !== status) throw new UnexpectedAnswer(answer);
  return answer.body ? (JSON.parse(answer.body) as Json) : {};
}

export async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: ADMIN_PASSWORD }),
  });
  if (res.status !== 204) throw new UnexpectedAnswer({ method: 'POST', url: `${base}/api/auth/login`, status: res.status, body: await res.text() });
  return must(res.headers.get('x-mstr-authtoken'), 'an X-MSTR-AuthToken header on the sign-in answer');
}

export async function createFile(base: string, token: string, bytes: Buffer): Promise<{ id: string; path: string }> {
  return (await expectJson(200, base, 'POST', FILES, token, { json: metadataFor(bytes, { name: `fault ${randomBytes(3).toString('hex')}` }) })) as {
    id: string;
    path: string;
  };
}

/** Streams the binary in 64 KiB pieces with a pause between them, so that a fault lands mid-upload. */
export function slowUpload(base: string, token: string, fileId: string, bytes: Buffer, pauseMs: number): Promise<Exchange> {
  const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  let offset = 0;
  let sentHead = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head);
        return;
      }
      if (offset >= bytes.length) {
        controller.enqueue(tail);
        controller.close();
        return;
      }
      await sleep(pauseMs);
      controller.enqueue(bytes.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
  return exchange(base, 'PUT', `${FILES}/${fileId}/binary`, token, { body, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` } });
}

export async function startImport(base: string, token: string, fileId: string): Promise<string> {
  const short = await expectJson(201, base, 'POST', `${MIGRATIONS}?unlockOnStart=True`, token, {
    headers: { ...PROJECT, Prefer: 'respond-async' },
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: { environment: { id: `${base}/`, name: 'target' }, project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
    },
  });
  return short.id as string;
}

export async function startUndo(base: string, token: string, id: string): Promise<void> {
  for (const status of ['requested', 'approved']) {
    await expectJson(200, base, 'PATCH', `${MIGRATIONS}/${id}?migrationId=${id}`, token, {
      headers: { ...PROJECT, Prefer: 'respond-async' },
      json: { importInfo: { undoRequestStatus: status } },
    });
  }
}

/** The migration record, asking whichever node answers; without one, the last node's answer says why. */
export async function migrationRecord(bases: string[], token: string, id: string, query = ''): Promise<{ record?: Json; answer: Exchange }> {
  let answer: Exchange | undefined;
  for (const base of bases) {
    answer = await exchange(base, 'GET', `${MIGRATIONS}/${id}${query}`, token, { headers: PROJECT });
    if (answer.status === 200) return { record: JSON.parse(answer.body) as Json, answer };
  }
  return { answer: must(answer, 'at least one node to ask') };
}

/** Where a record's state is, per kind of work. */
export const STATE_OF = {
  package: (r: Json) => r.packageInfo?.status as string | undefined,
  import: (r: Json) => r.importInfo?.status as string | undefined,
  validation: (r: Json) => r.validation?.status as string | undefined,
};

/** Polls until the record's `kind` state is one of `final`; returns the record. */
export async function waitForState(bases: string[], token: string, id: string, kind: keyof typeof STATE_OF, final: string[], timeoutMs: number): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { record, answer } = await migrationRecord(bases, token, id);
    const state = record && STATE_OF[kind](record);
    if (record && state && final.includes(state)) return record;
    if (Date.now() > deadline) {
      throw new Error(`migration ${id}: ${kind} stuck in ${state ?? 'an unknown state'} after ${timeoutMs} ms; last answer: ${describe(answer)}`);
    }
    await sleep(100);
  }
}
