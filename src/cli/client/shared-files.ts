import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { ClientError, jsonOf, readText } from './http.js';
import type { Session } from './session.js';
import type { Digest } from './hashing.js';
import type { SharedFile } from '../../api/contract/files.js';

export type { SharedFile };

export const FILES = '/api/mstrServices/library/storage/sharedFileStore/files';
const PAGE = 100;

/**
 * A new file's metadata. The server reads the source environment and the type from the package's header;
 * a type given here must agree with it.
 */
export interface NewFile {
  name: string;
  size: number;
  sha256: string;
  packageType?: string;
  packagePurpose?: string;
}

/** Every file of the store, paging through GET .../files. */
export async function listFiles(session: Session): Promise<SharedFile[]> {
  const all: SharedFile[] = [];
  for (;;) {
    const page = await session.json('GET', `${FILES}?type=migrations.packages&offset=${all.length}&limit=${PAGE}`);
    const data = Array.isArray(page.data) ? (page.data as SharedFile[]) : [];
    all.push(...data);
    const total = typeof page.total === 'number' ? page.total : all.length;
    if (data.length === 0 || all.length >= total) return all;
  }
}

/** The store has no GET for one file's metadata: it is found in the list. */
export async function findFile(session: Session, fileId: string): Promise<SharedFile> {
  const file = (await listFiles(session)).find((f) => f.id === fileId);
  if (!file) throw new ClientError(`no shared file with id ${fileId} on ${session.url}`);
  return file;
}

export async function createFile(session: Session, file: NewFile): Promise<SharedFile> {
  return (await session.json('POST', FILES, {
    json: {
      name: file.name,
      extension: 'mmp',
      type: 'migrations.packages',
      size: file.size,
      sha256: file.sha256,
      extraInfo: { packageType: file.packageType, packagePurpose: file.packagePurpose },
    },
  })) as unknown as SharedFile;
}

export async function deleteFile(session: Session, fileId: string): Promise<void> {
  await jsonOf(await session.send('DELETE', `${FILES}/${fileId}`));
}

async function* framed(head: Buffer, body: Readable, tail: Buffer): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of body) yield chunk as Buffer;
  yield tail;
}

/**
 * PUT .../files/{id}/binary with a multipart body framed around `body` as it streams: one part
 * `file`, filename "file", no part Content-Type (as mstrio sends it), and an exact Content-Length.
 * `expected` is what the caller measured while the bytes flowed; the server's answer must agree.
 */
export async function uploadBinary(session: Session, fileId: string, body: Readable, size: number, measured: () => Digest): Promise<SharedFile> {
  const boundary = randomBytes(16).toString('hex');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="file"\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const response = await session.send('PUT', `${FILES}/${fileId}/binary`, {
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    stream: Readable.from(framed(head, body, tail), { objectMode: false }),
    contentLength: head.length + size + tail.length,
  });
  const stored = (await jsonOf(response)) as unknown as SharedFile;
  const sent = measured();
  if (stored.existing !== true || stored.size !== sent.size || stored.sha256 !== sent.sha256) {
    throw new ClientError(`the server stored ${stored.size} bytes with sha256 ${stored.sha256}, but ${sent.size} bytes with sha256 ${sent.sha256} were sent`);
  }
  return stored;
}

/** Where a file's package came from, as its header says, for a person. */
export function sourceOf(file: SharedFile): string {
  if (!file.source) return '';
  return `${file.source.environment.name || file.source.environment.id} (package ${file.source.packageId})`;
}

/** Best effort: a failed upload should not leave an empty file entry behind. */
export async function discardFile(session: Session, fileId: string): Promise<void> {
  try {
    await readText(await session.send('DELETE', `${FILES}/${fileId}`, { idleTimeout: 10_000 }));
  } catch {
    // The upload's own error is the one to report.
  }
}
