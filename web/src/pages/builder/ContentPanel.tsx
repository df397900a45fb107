import { useRef, useState } from 'preact/hooks';
import { DataTable } from '../../components/DataTable.js';
import { counted, objectTypeName } from '../../format.js';
import { Pager } from '../Pager.js';
import { countsByType, pickedOf, type Content, type ContentItem } from './content.js';
import { RESULTS_PAGE } from './SearchPanel.js';

/** The types Workstation offers when adding dependencies. */
const DEPENDENCY_TYPES = [12, 13, 4, 1, 10, 15, 2, 14, 43, 47];

interface ContentPanelProps {
  content: Content;
  busy: boolean;
  /** What the builder is doing now ("Adding dependencies: 2 of 5 objects…"). */
  progress: string;
  onRemove: (item: ContentItem) => void;
  onClear: () => void;
  onAddDependencies: (types: number[]) => Promise<void>;
}

/** What the package will hold: counts by type, the objects (a page at a time), and adding dependencies by type. */
export function ContentPanel({ content, busy, progress, onRemove, onClear, onAddDependencies }: ContentPanelProps) {
  const [types, setTypes] = useState<ReadonlySet<number>>(new Set());
  const [offset, setOffset] = useState(0);
  const heading = useRef<HTMLHeadingElement>(null);
  const items = [...content.values()];
  const picked = pickedOf(content).length;
  const shownFrom = offset < items.length ? offset : Math.max(0, items.length - RESULTS_PAGE);
  const shown = items.slice(shownFrom, shownFrom + RESULTS_PAGE);

  const toggleType = (type: number, on: boolean) => {
    const next = new Set(types);
    if (on) next.add(type);
    else next.delete(type);
    setTypes(next);
  };
  // The removed row takes its button away: focus goes back to the section's heading.
  const remove = (item: ContentItem) => {
    onRemove(item);
    heading.current?.focus();
  };
  const addDependencies = (event: Event) => {
    event.preventDefault();
    void onAddDependencies([...types]);
  };

  return (
    <section aria-labelledby="content-heading" class="panel">
      <h2 id="content-heading" ref={heading} tabIndex={-1}>
        Package content
      </h2>
      <p data-testid="content-summary">
        {counted(items.length, 'object')}: {picked} picked, {items.length - picked} added as dependencies.
      </p>
      {items.length > 0 ? (
        <DataTable caption="Objects by type" columns={['Type', 'Objects']}>
          {countsByType(content).map(({ type, count }) => (
            <tr key={type}>
              <th scope="row">{objectTypeName(type)}</th>
              <td>{count}</td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p class="hint">Pick objects from a search or a folder.</p>
      )}

      <form onSubmit={addDependencies}>
        <fieldset>
          <legend>Add what the picked objects use, of these types</legend>
          <p class="hint">With no type ticked, dependencies of every type are added.</p>
          <div class="checks">
            {DEPENDENCY_TYPES.map((type) => (
              <label key={type}>
                <input type="checkbox" checked={types.has(type)} onChange={(e) => toggleType(type, e.currentTarget.checked)} /> {objectTypeName(type)}
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" disabled={busy || picked === 0}>
          Add dependencies
        </button>
      </form>
      {/* Not a live region: the announcer reads out how each step ended, without every page read on the way. */}
      <p class="status" data-testid="builder-progress">
        {progress}
      </p>

      {items.length > 0 ? (
        <>
          <DataTable caption="Objects in the package" columns={['Name', 'Type', 'Added as', 'Actions']}>
            {shown.map((item) => (
              <tr key={item.id}>
                <th scope="row" class="wrap">
                  {item.name}
                </th>
                <td>{objectTypeName(item.type)}</td>
                <td>{item.origin === 'picked' ? 'Picked' : 'Dependency'}</td>
                <td class="row-actions">
                  <button type="button" class="danger" aria-label={`Remove ${item.name}`} onClick={() => remove(item)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
          <Pager label="Content pages" offset={shownFrom} shown={shown.length} total={items.length} pageSize={RESULTS_PAGE} onChange={setOffset} />
          <div class="actions">
            <button type="button" class="danger" disabled={busy} onClick={onClear}>
              Empty the content
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
