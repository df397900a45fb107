import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { allResults, belowFolder, dependenciesOf } from '../../api/builder.js';
import { listProjects } from '../../api/packstore.js';
import type { MetadataObject, Project } from '../../api/types.js';
import { useAnnounce } from '../../components/Announcer.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ProjectSelect } from '../../components/ProjectSelect.js';
import { useFocusOnMount } from '../../components/useFocusOnMount.js';
import { counted } from '../../format.js';
import { ContentPanel } from './ContentPanel.js';
import { CreatePanel } from './CreatePanel.js';
import { FolderBrowser, type Folder } from './FolderBrowser.js';
import { SearchPanel } from './SearchPanel.js';
import { pickedOf, withAdded, without, type Content, type ObjectRef, type Origin } from './content.js';

const FOLDER = 8;

/**
 * The package builder: find objects of a project by search or by folder, pick them, add what they
 * use (the server walks the dependencies; the page only collects its answers), and create the package.
 */
export function BuilderPage() {
  const [projects, setProjects] = useState<Project[]>();
  const [projectId, setProjectId] = useState('');
  const [content, setContent] = useState<Content>(new Map());
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState('');
  const [error, setError] = useState<unknown>();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const announce = useAnnounce();
  // Async additions read the content as it is when they finish, not as it was when they started.
  const latest = useRef(content);
  latest.current = content;

  useEffect(() => {
    listProjects()
      .then((list) => {
        setProjects(list);
        setProjectId(list[0]?.id ?? '');
      })
      .catch(setError);
  }, []);

  const add = useCallback(
    (objects: readonly ObjectRef[], origin: Origin, what: string) => {
      const { next, added } = withAdded(latest.current, objects, origin);
      latest.current = next;
      setContent(next);
      const message = `${what}: ${counted(added, 'object')} added. The package holds ${counted(next.size, 'object')}.`;
      setProgress(message);
      announce(message);
    },
    [announce],
  );

  const toggle = (object: ObjectRef) => {
    if (latest.current.has(object.id)) {
      const next = without(latest.current, object.id);
      latest.current = next;
      setContent(next);
      announce(`${object.name} taken out. The package holds ${counted(next.size, 'object')}.`);
    } else {
      add([object], 'picked', `Picked ${object.name}`);
    }
  };

  /** Runs a longer addition with the builder marked busy; its failure is shown, not thrown. */
  const work = async (task: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await task();
    } catch (e) {
      setError(e);
      setProgress('');
    } finally {
      setBusy(false);
    }
  };

  const pickBelow = (folder: Folder) =>
    work(async () => {
      setProgress(`Reading everything below ${folder.name}…`);
      const below = await allResults(projectId, belowFolder(folder.id), (read, total) =>
        setProgress(`Reading everything below ${folder.name}: ${read} of ${total}…`),
      );
      add([{ ...folder, type: FOLDER }, ...below], 'picked', `${folder.name} and everything below it`);
    });

  const addDependencies = (types: number[]) =>
    work(async () => {
      const sources = pickedOf(latest.current);
      const found: MetadataObject[] = [];
      for (const [i, source] of sources.entries()) {
        setProgress(`Adding dependencies: ${i} of ${counted(sources.length, 'picked object')} done…`);
        found.push(...(await allResults(projectId, dependenciesOf(source, types))));
      }
      add(found, 'dependency', `Dependencies of ${counted(sources.length, 'picked object')}`);
    });

  const empty = (why: string) => {
    if (latest.current.size > 0) announce(why);
    latest.current = new Map();
    setContent(latest.current);
    setProgress('');
  };
  const chooseProject = (id: string) => {
    setProjectId(id);
    empty('The content was emptied: a package holds objects of one project.');
  };

  const project = projects?.find((p) => p.id === projectId);
  const isPicked = (id: string) => content.has(id);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Build a package
      </h1>
      <p class="lead">Find objects by searching or in their folders, pick them, add what they use, and create a package of them.</p>
      <ErrorNotice error={error} title="That did not work." />
      <ProjectSelect
        id="builder-project"
        label="Source project"
        class="narrow"
        projects={projects}
        value={projectId}
        disabled={busy}
        onChange={chooseProject}
      />
      {project ? (
        <div class="builder" key={project.id}>
          <div>
            <SearchPanel projectId={project.id} isPicked={isPicked} onToggle={toggle} />
            <FolderBrowser projectId={project.id} projectName={project.name} isPicked={isPicked} onToggle={toggle} onPickBelow={pickBelow} busy={busy} />
          </div>
          <div>
            <ContentPanel
              content={content}
              busy={busy}
              progress={progress}
              onRemove={(item) => toggle(item)}
              onClear={() => empty('The content was emptied.')}
              onAddDependencies={addDependencies}
            />
            <CreatePanel projectId={project.id} content={content} />
          </div>
        </div>
      ) : null}
    </>
  );
}
