import { ApiError, errorFromBody, reportSessionEnd, storedToken } from '../api/client.js';
import { FILES } from '../api/packstore.js';
import type { SharedFile } from '../api/types.js';

/**
 * PUT .../files/{id}/binary as one multipart part named "file". XMLHttpRequest, not fetch,
 * because only it reports upload progress.
 */
export function sendBinary(fileId: string, file: Blob, onProgress: (sent: number) => void, signal: AbortSignal): Promise<SharedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${FILES}/${fileId}/binary`);
    const token = storedToken();
    if (token) xhr.setRequestHeader('X-MSTR-AuthToken', token);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as SharedFile);
        return;
      }
      const error = errorFromBody(xhr.status, xhr.statusText, xhr.responseText);
      reportSessionEnd(error);
      reject(error);
    };
    xhr.onerror = () => reject(new ApiError('The upload was interrupted: the server cannot be reached.', 0));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file, 'file');
    xhr.send(form);
  });
}
