import { Upload, type DetailedError } from 'tus-js-client';
import { ApiError, errorFromBody, reportSessionEnd, storedToken } from '../api/client.js';
import { FILES } from '../api/packstore.js';

/** Waits between attempts after a failure: a cut connection is tried again at once, a down server for a while. */
const RETRY_DELAYS_MS = [0, 1000, 3000, 5000, 10_000, 20_000];

function uploadError(error: Error): ApiError {
  const response = (error as DetailedError).originalResponse;
  if (!response) return new ApiError(`The upload was interrupted: ${error.message}`, 0);
  const failure = errorFromBody(response.getStatus(), '', response.getBody());
  reportSessionEnd(failure);
  return failure;
}

/**
 * Sends the file's bytes with tus (POST …/files/{id}/uploads, then PATCH): a cut connection is
 * resumed at the byte the server kept, instead of starting over. The browser reads the File from
 * disk as it sends it. Cancelling terminates the upload, so the server keeps nothing of it.
 */
export function sendBinary(fileId: string, file: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const token = storedToken();
    const upload = new Upload(file, {
      endpoint: `${FILES}/${fileId}/uploads`,
      headers: token ? { 'X-MSTR-AuthToken': token } : {},
      uploadSize: file.size,
      retryDelays: RETRY_DELAYS_MS,
      // Each upload goes to a new shared file: there is no earlier upload of it to find after a reload.
      storeFingerprintForResuming: false,
      onProgress: (sent) => onProgress(sent),
      onSuccess: () => resolve(),
      onError: (error) => reject(uploadError(error)),
    });
    signal.addEventListener(
      'abort',
      () => {
        void upload.abort(true).catch(() => undefined);
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
      },
      { once: true },
    );
    upload.start();
  });
}
