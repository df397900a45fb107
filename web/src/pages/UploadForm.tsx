import { useRef, useState } from 'preact/hooks';
import type { SharedFile } from '../api/types.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { formatBytes, percent } from '../format.js';
import { uploadPackage, type UploadProgress } from '../upload/upload-package.js';

/** The Storage Service's limit per package (2 GB). */
const MAX_PACKAGE_BYTES = 2 * 1024 * 1024 * 1024;
const PACKAGE_TYPES = [
  ['project', 'Project'],
  ['project_security', 'Project security'],
  ['configuration', 'Configuration'],
] as const;
const PURPOSES = [
  ['object_migration', 'Object migration'],
  ['project_merge', 'Project merge'],
  ['migration_from_shared_file_store', 'Migration from the shared file store'],
] as const;

function progressText(progress: UploadProgress): string {
  const step = Math.floor(percent(progress.done, progress.total) / 10) * 10;
  return progress.phase === 'hashing' ? `Computing the checksum: ${step}% done.` : `Uploading: ${step}% sent.`;
}

export function UploadForm({ onUploaded }: { onUploaded: (file: SharedFile) => void }) {
  const [file, setFile] = useState<File>();
  const [name, setName] = useState('');
  const [packageType, setPackageType] = useState('project');
  const [purpose, setPurpose] = useState('object_migration');
  const [environment, setEnvironment] = useState(window.location.origin);
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
    if (chosen) setName(chosen.name.replace(/\.mmp$/i, ''));
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
        { file, name: name.trim(), packageType, packagePurpose: purpose, environment: { id: environment.trim(), name: environment.trim() } },
        (p) => {
          setProgress(p);
          setStatus(progressText(p));
        },
        controller.signal,
      );
      setStatus(`Uploaded ${uploaded.name}.`);
      setFile(undefined);
      setName('');
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
          <input id="package-file" ref={fileInput} type="file" accept=".mmp" aria-describedby="package-file-hint" disabled={busy} onChange={(e) => choose(e.currentTarget.files?.[0])} />
          <p id="package-file-hint" class="hint">
            Choose a file, or drag it onto this box. At most 2 GB.
          </p>
          {file ? <p class="selected">Selected: {file.name} ({formatBytes(file.size)})</p> : null}
        </fieldset>
        <div class="grid">
          <div class="field">
            <label for="package-name">Name</label>
            <input id="package-name" required maxLength={250} value={name} disabled={busy} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="package-type">Package type</label>
            <select id="package-type" value={packageType} disabled={busy} onChange={(e) => setPackageType(e.currentTarget.value)}>
              {PACKAGE_TYPES.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="package-purpose">Purpose</label>
            <select id="package-purpose" value={purpose} disabled={busy} onChange={(e) => setPurpose(e.currentTarget.value)}>
              {PURPOSES.map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="package-environment">Source environment</label>
            <input id="package-environment" required maxLength={2000} value={environment} disabled={busy} aria-describedby="package-environment-hint" onInput={(e) => setEnvironment(e.currentTarget.value)} />
            <p id="package-environment-hint" class="hint">
              The URL of the environment the package was made in.
            </p>
          </div>
        </div>
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
