import { useState } from 'preact/hooks';
import { byCriteria, searchPage, storeSearch } from '../../api/builder.js';
import type { MetadataObject, Page } from '../../api/types.js';
import { useAnnounce } from '../../components/Announcer.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { OBJECT_TYPES, counted } from '../../format.js';
import { Pager } from '../Pager.js';
import { ObjectTable } from './ObjectTable.js';

export const RESULTS_PAGE = 25;

interface SearchPanelProps {
  projectId: string;
  isPicked: (id: string) => boolean;
  onToggle: (object: MetadataObject) => void;
}

/** Search a project by a part of the name, a type and a first modification day; results come a page at a time. */
export function SearchPanel({ projectId, isPicked, onToggle }: SearchPanelProps) {
  const [name, setName] = useState('');
  const [type, setType] = useState('');
  const [since, setSince] = useState('');
  const [searchId, setSearchId] = useState<string>();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<Page<MetadataObject>>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const announce = useAnnounce();

  const show = async (id: string, at: number) => {
    setBusy(true);
    setError(undefined);
    try {
      const next = await searchPage(id, at, RESULTS_PAGE);
      setSearchId(id);
      setOffset(at);
      setPage(next);
      announce(next.total === 0 ? 'No objects match.' : `${counted(next.total, 'object')} found, showing ${at + 1} to ${at + next.data.length}.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const stored = await storeSearch(projectId, byCriteria({ name, ...(type ? { type: Number(type) } : {}), ...(since ? { modifiedSince: since } : {}) }));
      await show(stored.id, 0);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="search-heading" class="panel">
      <h2 id="search-heading">Search</h2>
      <form onSubmit={submit}>
        <div class="grid">
          <div class="field">
            <label for="search-name">Name contains</label>
            <input id="search-name" type="search" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="search-type">Type</label>
            <select id="search-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">Any type</option>
              {Object.entries(OBJECT_TYPES).map(([value, label]) => (
                <option value={value}>{label}</option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="search-since">Modified since</label>
            <input id="search-since" type="date" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
          </div>
        </div>
        <button type="submit" disabled={busy}>
          Search
        </button>
      </form>
      <ErrorNotice error={error} title="The search failed." />
      {page && page.total === 0 ? <p>No objects match.</p> : null}
      {page && page.total > 0 && searchId ? (
        <>
          <ObjectTable caption={`Search results: ${counted(page.total, 'object')}`} objects={page.data} isPicked={isPicked} onToggle={onToggle} />
          <Pager
            label="Search result pages"
            offset={offset}
            shown={page.data.length}
            total={page.total}
            pageSize={RESULTS_PAGE}
            onChange={(at) => void show(searchId, at)}
          />
        </>
      ) : null}
    </section>
  );
}
