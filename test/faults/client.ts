import { randomBytes } from 'node:crypto';
import { BOUNDARY, FILES, metadataFor } from '../support/shared-files.js';
import { TUTORIAL_PROJECT_ID } from '../../src/domain/objects.js';
import { sleep } from './nodes.js';

export const ADMIN_PASSWORD = 'fault-suite-admin-password';
const MIGRATIONS = '/api/migrations';

export async function call(base: string, method: string, path: string, token: string | undefined, options: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (token) headers['X-MSTR-AuthToken'] = token;
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  return fetch(base + path, { method, headers, body, duplex: 'half' } as RequestInit);
}

export async function login(base: string): Promise<string> {
  const res = await call(base, 'POST', '/api/auth/login', undefined, { body: new URLSearchParams({ loginMode: '1', username: 'Administrator', password: ADMIN_PASSWORD }) });
  if (res.status !== 204) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('x-mstr-authtoken')!;
}

export async function createFile(base: string, token: string, bytes: Buffer): Promise<{ id: string; path: string }> {
  const res = await call(base, 'POST', FILES, token, { json: metadataFor(bytes, { name: `fault ${randomBytes(3).toString('hex')}` }) });
  if (res.status !== 200) throw new Error(`file metadata: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; path: string };
}

/** Streams the binary in 64 KiB pieces with a pause between them, so that a kill lands mid-upload. */
export function slowUpload(base: string, token: string, fileId: string, bytes: Buffer, pauseMs: number): Promise<number> {
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
  return call(base, 'PUT', `${FILES}/${fileId}/binary`, token, { body, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` } }).then(
    (res) => res.status,
    () => 0,
  );
}

export async function startImport(base: string, token: string, fileId: string): Promise<string> {
  const res = await call(base, 'POST', `${MIGRATIONS}?unlockOnStart=True`, token, {
    headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID, Prefer: 'respond-async' },
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: { environment: { id: `${base}/`, name: 'target' }, project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
    },
  });
  if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function startUndo(base: string, token: string, id: string): Promise<void> {
  for (const status of ['requested', 'approved']) {
    const res = await call(base, 'PATCH', `${MIGRATIONS}/${id}?migrationId=${id}`, token, {
      headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID, Prefer: 'respond-async' },
      json: { importInfo: { undoRequestStatus: status } },
    });
    if (res.status !== 200) throw new Error(`undo ${status}: ${res.status} ${await res.text()}`);
  }
}

/** The import status, asking whichever node answers. */
export async function importStatus(bases: string[], token: string, id: string): Promise<string | undefined> {
  for (const base of bases) {
    const res = await call(base, 'GET', `${MIGRATIONS}/${id}`, token, { headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } }).catch(() => undefined);
    if (res?.status === 200) return ((await res.json()) as { importInfo: { status: string } }).importInfo.status;
  }
  return undefined;
}

export async function waitForStatus(bases: string[], token: string, id: string, final: string[], timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await importStatus(bases, token, id);
    if (status && final.includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`migration ${id} stuck in ${status}`);
    await sleep(100);
  }
}
