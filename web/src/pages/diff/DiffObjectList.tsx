import type { DiffObject } from '../../api/types.js';
import { DataTable } from '../../components/DataTable.js';
import { counted, objectTypeName, words } from '../../format.js';
import { OBJECT_VIEW_ID } from './DiffObjectView.js';

export const objectKey = (o: DiffObject) => `${o.id}:${o.type}`;
export const rowButtonId = (o: DiffObject) => `diff-row-${o.id}-${o.type}`;

const STEPS: Record<string, (at: number, last: number) => number> = {
  ArrowDown: (at, last) => Math.min(last, at + 1),
  ArrowUp: (at) => Math.max(0, at - 1),
  Home: () => 0,
  End: (_, last) => last,
};

interface DiffObjectListProps {
  objects: readonly DiffObject[];
  total: number;
  selected: DiffObject | undefined;
  onSelect: (object: DiffObject) => void;
}

/**
 * One page of a diff's objects. Each name is a button: Tab reaches the list, the arrow keys (and
 * Home, End) move between its rows, Enter opens the object side by side.
 */
export function DiffObjectList({ objects, total, selected, onSelect }: DiffObjectListProps) {
  const step = (event: KeyboardEvent, at: number) => {
    const to = STEPS[event.key];
    const next = to ? objects[to(at, objects.length - 1)] : undefined;
    if (!next) return;
    event.preventDefault();
    document.getElementById(rowButtonId(next))?.focus();
  };
  return (
    <DataTable caption={`${counted(total, 'object')} match${total === 1 ? 'es' : ''}`} columns={['Object', 'Type', 'Action', 'Changes']}>
      {objects.map((o, at) => {
        const open = selected !== undefined && objectKey(selected) === objectKey(o);
        return (
          <tr key={objectKey(o)} class={open ? 'selected' : undefined}>
            <th scope="row" class="wrap">
              <button
                type="button"
                id={rowButtonId(o)}
                class="link-button row-open"
                aria-expanded={open}
                aria-controls={open ? OBJECT_VIEW_ID : undefined}
                onClick={() => onSelect(o)}
                onKeyDown={(e) => step(e, at)}
              >
                {o.name || o.id}
              </button>
              {o.blocked ? <span class="row-note">{o.blocked}</span> : null}
            </th>
            <td>{objectTypeName(o.type)}</td>
            <td data-testid="diff-action">{words(o.action)}</td>
            <td>{counted(o.changes.length, 'change')}</td>
          </tr>
        );
      })}
    </DataTable>
  );
}
