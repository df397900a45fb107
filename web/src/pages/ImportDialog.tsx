import { useEffect, useState } from 'preact/hooks';
import { listProjects, startImport } from '../api/packstore.js';
import type { Migration, Project, SharedFile } from '../api/types.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Modal } from '../components/Modal.js';
import { ProjectSelect } from '../components/ProjectSelect.js';

interface ImportDialogProps {
  file: SharedFile;
  /** The project chosen first (else the first one listed). */
  projectId?: string;
  onStarted: (migration: Migration) => void;
  onClose: () => void;
}

/** Starts the import of an uploaded package into a project of this environment (seed step 4). */
export function ImportDialog({ file, projectId: chosen, onStarted, onClose }: ImportDialogProps) {
  const needsProject = file.extraInfo.packageType !== 'configuration';
  const [projects, setProjects] = useState<Project[]>();
  const [projectId, setProjectId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!needsProject) return;
    listProjects()
      .then((list) => {
        setProjects(list);
        setProjectId(list.find((p) => p.id === chosen)?.id ?? list[0]?.id ?? '');
      })
      .catch(setError);
  }, [needsProject, chosen]);

  const submit = async (event: Event) => {
    event.preventDefault();
    const project = projects?.find((p) => p.id === projectId);
    if (needsProject && !project) {
      setError(new Error('Choose the project to import into.'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      onStarted(await startImport(file, needsProject ? project : undefined));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Modal title={`Import ${file.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        {needsProject ? (
          <ProjectSelect id="import-project" label="Target project" projects={projects} value={projectId} disabled={busy} onChange={setProjectId} />
        ) : (
          <p>A configuration package imports into the environment itself, not into a project.</p>
        )}
        <p class="hint">The import starts at once. Follow it on the Migrations page; an import that went wrong can be undone there.</p>
        <ErrorNotice error={error} title="The import could not start." />
        <div class="actions">
          <button type="submit" disabled={busy || (needsProject && !projects)}>
            {busy ? 'Starting…' : 'Start import'}
          </button>
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
