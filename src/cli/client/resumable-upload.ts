import { createReadStream } from 'node:fs';
import { Upload, type DetailedError } from 'tus-js-client';
import { ClientError, oneLine } from './http.js';
import type { Session } from './session.js';
import { FILES } from './shared-files.js';

/** Waits between attempts after a failure: a cut connection is tried again at once, a down server for a while. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000];

function uploadFailure(session: Session, error: Error): ClientError {
  const response = (error as DetailedError).originalResponse;
  if (response) return ClientError.fromBody(response.getStatus(), response.getBody());
  return new ClientError(`the upload to ${session.url} failed: ${oneLine(error.message)}`);
}

/**
 * Sends a local file as the binary of a shared file with tus (POST …/files/{id}/uploads, then
 * PATCH): when the connection is cut, the client asks the server how much it kept and sends the
 * rest from that byte. The file is read in slices from disk, never held in memory. The server
 * checks the whole against the size and sha256 the file declared; a refusal removes the upload.
 */
export function uploadResumable(session: Session, fileId: string, file: string, size: number, onProgress: (sent: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(createReadStream(file), {
      endpoint: `${session.url.replace(/\/+$/, '')}${FILES}/${fileId}/uploads`,
      headers: session.authHeaders(),
      uploadSize: size,
      retryDelays: RETRY_DELAYS_MS,
      onProgress: (sent) => onProgress(sent),
      onSuccess: () => resolve(),
      onError: (error) => {
        // Terminate what the server kept: nothing of a failed upload should wait there for its expiry.
        void upload
          .abort(true)
          .catch(() => undefined)
          .finally(() => reject(uploadFailure(session, error)));
      },
    });
    upload.start();
  });
}
