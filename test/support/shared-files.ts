import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/domain/passwords.js';
import type { Privilege } from '../../src/domain/privileges.js';
import type { TestServer } from './server.js';
import { packageOfSize } from './packages.js';

export const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
export const STORAGE = '/api/mstrServices/library/storage';
export const BOUNDARY = '4f32bd2e336aed10648f262ec6638cbf';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The metadata body mstrio sends for `bytes`, with fields replaced by `overrides`. */
export function metadataFor(bytes: Buffer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'from_file',
    extension: 'mmp',
    type: 'migrations.packages',
    size: bytes.length,
    sha256: sha256(bytes),
    environment: { id: 'http://127.0.0.1:8765/MicroStrategyLibrary', name: 'source' },
    extraInfo: { packageType: 'project', packagePurpose: 'migration_from_shared_file_store' },
    ...overrides,
  };
}

/** A multipart body as python-requests builds it: part `file`, filename "file", no part Content-Type. */
export function multipartBody(bytes: Buffer, field = 'file', boundary = BOUNDARY): Buffer<ArrayBuffer> {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="file"\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

export const MULTIPART_TYPE = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };

export interface FileJson {
  id: string;
  name: string;
  path: string;
  sha256: string;
  existing: boolean;
  size: number;
  type: string;
  extension: string;
  creator: { id: string; name: string };
  environment: { id: string; name: string };
  creationDate: string;
  lastUpdatedDate: string;
  extraInfo: { packageId: string; packageType: string; packagePurpose: string };
  source?: {
    environment: { id: string; name: string };
    project?: { id: string; name: string };
    packageId: string;
    packageType: string;
    purpose: string;
    name: string;
    creator: { id: string; name: string };
  };
  warning?: { code: string; message: string; existingFileId: string };
}

export async function createFile(s: TestServer, token: string, bytes: Buffer, overrides: Record<string, unknown> = {}): Promise<FileJson> {
  const res = await s.request('POST', FILES, { token, json: metadataFor(bytes, overrides) });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as FileJson;
}

export function upload(s: TestServer, token: string, fileId: string, body: Buffer, headers: Record<string, string> = MULTIPART_TYPE): Promise<Response> {
  return s.request('PUT', `${FILES}/${fileId}/binary`, { token, body: new Uint8Array(body), headers });
}

export async function uploadedFile(s: TestServer, token: string, given?: Buffer): Promise<FileJson> {
  const bytes = given ?? (await packageOfSize(600));
  const file = await createFile(s, token, bytes);
  const res = await upload(s, token, file.id, multipartBody(bytes));
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as FileJson;
}

/** A signed-in user holding exactly `privileges`. */
export async function loginWith(s: TestServer, privileges: Privilege[]): Promise<string> {
  const login = `user_${randomBytes(4).toString('hex')}`;
  const password = 'password-for-tests';
  const user = await s.server.env.ctx.users.create({ login, passwordHash: await hashPassword(password) });
  await s.server.env.ctx.users.grant(user.id, privileges);
  return s.login(login, password);
}

/** A request body that sends `head`, then waits for `release` before sending `tail`. */
export function heldBody(head: Buffer, tail: Buffer): { body: ReadableStream<Uint8Array>; release: () => void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(head);
      await released;
      controller.enqueue(tail);
      controller.close();
    },
  });
  return { body, release };
}
