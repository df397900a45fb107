import { call, callJson } from '../api/client.js';
import { FILES, listFiles } from '../api/packstore.js';
import type { Named, SharedFile } from '../api/types.js';
import { sha256OfFile } from './sha256.js';
import { sendBinary } from './send.js';

export interface UploadRequest {
  file: File;
  name: string;
  packageType: string;
  packagePurpose: string;
  environment: Named;
}

export type UploadProgress = { phase: 'hashing' | 'sending'; done: number; total: number };

/** The file's record once its binary is stored (the store lists files newest first, so it is near the top). */
async function storedFile(fileId: string): Promise<SharedFile> {
  for (let offset = 0; ; ) {
    const page = await listFiles(offset);
    const found = page.data.find((f) => f.id === fileId);
    if (found) return found;
    if (page.data.length === 0) throw new Error('The upload finished, but the file is no longer listed: it was deleted meanwhile.');
    offset += page.data.length;
  }
}

/**
 * The seed's steps 2 and 3: checksum in the browser, metadata, then the bytes. A failed or
 * cancelled transfer removes the metadata again, so no half-uploaded package stays listed.
 */
export async function uploadPackage(request: UploadRequest, onProgress: (progress: UploadProgress) => void, signal: AbortSignal): Promise<SharedFile> {
  const { file } = request;
  const total = file.size;
  onProgress({ phase: 'hashing', done: 0, total });
  const sha256 = await sha256OfFile(file, (done) => onProgress({ phase: 'hashing', done, total }), signal);
  signal.throwIfAborted();
  const created = await callJson<SharedFile>('POST', FILES, {
    json: {
      name: request.name,
      type: 'migrations.packages',
      extension: 'mmp',
      size: total,
      sha256,
      environment: request.environment,
      extraInfo: { packageType: request.packageType, packagePurpose: request.packagePurpose },
    },
  });
  try {
    onProgress({ phase: 'sending', done: 0, total });
    await sendBinary(created.id, file, (done) => onProgress({ phase: 'sending', done, total }), signal);
    return await storedFile(created.id);
  } catch (error) {
    await call('DELETE', `${FILES}/${created.id}`).catch(() => undefined);
    throw error;
  }
}
