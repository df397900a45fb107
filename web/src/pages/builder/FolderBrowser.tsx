import { useEffect, useRef, useState } from 'preact/hooks';
import { folderPage } from '../../api/builder.js';
import type { MetadataObject, PageAt } from '../../api/types.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { counted } from '../../format.js';
import { Pager } from '../Pager.js';
import { ObjectTable } from './ObjectTable.js';
import { RESULTS_PAGE } from './SearchPanel.js';
import { PROJECT_ROOT_FOLDER_ID } from '../../../../src/api/contract/objects.js';

const FOLDER = 8;

export interface Folder {
  id: string;
  name: string;
}

interface FolderBrowserProps {
  projectId: string;
  projectName: string;
  isPicked: (id: string) => boolean;
  onToggle: (object: MetadataObject) => void;
  /** Adds the folder and everything below it. */
  onPickBelow: (folder: Folder) => Promise<void>;
  busy: boolean;
}

/** A project's folders from its root down, one page of children at a time. */
export function FolderBrowser({ projectId, projectName, isPicked, onToggle, onPickBelow, busy }: FolderBrowserProps) {
  const [path, setPath] = useState<Folder[]>([{ id: PROJECT_ROOT_FOLDER_ID, name: projectName }]);
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<PageAt<MetadataObject>>();
  const [error, setError] = useState<unknown>();
  const heading = useRef<HTMLHeadingElement>(null);
  // The path always holds the project's root folder: go() is only given prefixes of it or longer paths.
  const folder = path.at(-1) ?? { id: PROJECT_ROOT_FOLDER_ID, name: projectName };

  useEffect(() => {
    let current = true;
    setError(undefined);
    folderPage(projectId, folder.id, offset, RESULTS_PAGE)
      .then((next) => {
        if (!current) return;
        setPage(next);
      })
      .catch((e: unknown) => current && setError(e));
    return () => {
      current = false;
    };
  }, [projectId, folder.id, offset]);

  const go = (next: Folder[]) => {
    setPage(undefined);
    setOffset(0);
    setPath(next);
    // The button that opened the folder goes away with the list: focus goes to the folder's heading.
    heading.current?.focus();
  };

  return (
    <section aria-labelledby="folders-heading" class="panel">
      <h2 id="folders-heading">Browse folders</h2>
      <nav aria-label="Folder path">
        <ol class="crumbs">
          {path.map((f, i) =>
            i === path.length - 1 ? (
              <li aria-current="location">{f.name}</li>
            ) : (
              <li>
                <button type="button" class="link-button" onClick={() => go(path.slice(0, i + 1))}>
                  {f.name}
                </button>
              </li>
            ),
          )}
        </ol>
      </nav>
      <h3 ref={heading} tabIndex={-1}>
        Folder: {folder.name}
      </h3>
      {path.length > 1 ? (
        <button type="button" disabled={busy} onClick={() => void onPickBelow(folder)}>
          Pick {folder.name} and everything below it
        </button>
      ) : null}
      <ErrorNotice error={error} title="The folder could not be listed." />
      {page === undefined && !error ? <p>Loading the folder…</p> : null}
      {page && page.total === 0 ? <p>This folder is empty.</p> : null}
      {page && page.total > 0 ? (
        <>
          <ObjectTable
            caption={`${folder.name}: ${counted(page.total, 'object')}`}
            objects={page.data}
            isPicked={isPicked}
            onToggle={onToggle}
            extra={(o) =>
              o.type === FOLDER ? (
                <button type="button" class="secondary" aria-label={`Open folder ${o.name}`} onClick={() => go([...path, { id: o.id, name: o.name }])}>
                  Open
                </button>
              ) : null
            }
          />
          <Pager label="Folder pages" offset={page.offset} shown={page.data.length} total={page.total} pageSize={RESULTS_PAGE} onChange={setOffset} />
        </>
      ) : null}
    </section>
  );
}
