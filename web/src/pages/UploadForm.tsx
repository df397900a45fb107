import { useRef, useState } from 'preact/hooks';
import type { SharedFile } from '../api/types.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { formatBytes, percent } from '../format.js';
import { uploadPackage, type UploadProgress } from '../upload/upload-package.js';

/** The Storage Service's limit per package (2 GB). */
const MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024;
/** What was stored, from the package's own header; and the file that already held the same bytes, if any. */
function uploadedText(file: SharedFile): string {
  const from = file.source ? ` from ${file.source.environment.name || file.source.environment.id} (package ${file.source.packageId})` : '';
  const duplicate = file.warning ? ` Note: ${file.warning.message}` : '';
  return `Uploaded ${file.name}${from}.${duplicate}`;
}

function progressText(progress: UploadProgress): string {
  const step = Math.floor(percent(progress.done, progress.total) / 10) * 10;
  return progress.phase === 'hashing' ? `Computing the checksum: ${step}% done.` : `Uploading: ${step}% sent.`;
}

export function UploadForm({ onUploaded }: { onUploaded: (file: SharedFile) => void }) {
  const [file, setFile] = useState<File>();
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<UploadProgress>();
  const [status, setStatus] = useState('');
  const [error, setError] = useState<unknown>();
  const fileInput = useRef<HTMLInputElement>(null);
  const running = useRef<AbortController | undefined>(undefined);

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setError(undefined);
    setStatus(chosen ? `Selected ${chosen.name}, ${formatBytes(chosen.size)}.` : '');
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer?.files[0];
    if (dropped) choose(dropped);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (!file) {
      setError(new Error('Choose a package file (.mmp) first.'));
      fileInput.current?.focus();
      return;
    }
    if (file.size === 0 || file.size > MAX_PACKAGE_BYTES) {
      setError(new Error(`${file.name} is ${formatBytes(file.size)}; a package must hold from 1 byte to 2 GB.`));
      return;
    }
    const controller = new AbortController();
    running.current = controller;
    try {
      const uploaded = await uploadPackage(
        { file },
        (p) => {
          setProgress(p);
          setStatus(progressText(p));
        },
        controller.signal,
      );
      setStatus(uploadedText(uploaded));
      setFile(undefined);
      if (fileInput.current) fileInput.current.value = '';
      onUploaded(uploaded);
    } catch (e) {
      setStatus('');
      setError(e);
    } finally {
      running.current = undefined;
      setProgress(undefined);
    }
  };

  const busy = progress !== undefined;
  return (
    <section aria-labelledby="upload-heading" class="panel">
      <h2 id="upload-heading">Upload a package</h2>
      <form onSubmit={submit}>
        <fieldset
          class={dragging ? 'dropzone dropzone-active' : 'dropzone'}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="dropzone"
        >
          <label for="package-file">Package file (.mmp)</label>
          <input
            id="package-file"
            ref={fileInput}
            type="file"
            accept=".mmp"
            aria-describedby="package-file-hint"
            disabled={busy}
            onChange={(e) => choose(e.currentTarget.files?.[0])}
          />
          <p id="package-file-hint" class="hint">
            Choose a file, or drag it onto this box. At most 2 GB. Its type, source environment and package id are read from the package itself.
          </p>
          {file ? (
            <p class="selected">
              Selected: {file.name} ({formatBytes(file.size)})
            </p>
          ) : null}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy}>
            Upload
          </button>
          {busy ? (
            <button type="button" onClick={() => running.current?.abort()}>
              Cancel upload
            </button>
          ) : null}
        </div>
        {progress ? (
          <ProgressBar id="upload-progress" label={progress.phase === 'hashing' ? 'Checksum' : 'Upload'} value={percent(progress.done, progress.total)} />
        ) : null}
        <p role="status" aria-live="polite" class="status" data-testid="upload-status">
          {status}
        </p>
        <ErrorNotice error={error} title="The upload failed." />
      </form>
    </section>
  );
}
