import type { DiffObject } from '../../api/types.js';
import { DataTable } from '../../components/DataTable.js';
import { useFocusOnMount } from '../../components/useFocusOnMount.js';
import { objectTypeName, words } from '../../format.js';
import { groupChanges } from './shown-changes.js';

export const OBJECT_VIEW_ID = 'diff-object';

/** Why one side is empty, said once above the table rather than cell by cell. */
function sideNote(action: string, undo: boolean): string | undefined {
  if (action === 'create') return 'New in the target: there is nothing before, every value is what the import adds.';
  if (action === 'copy') return 'Saved beside the target object as a copy under a new id: there is nothing before.';
  if (action === 'delete') return undo ? 'The import created it: the undo removes it, nothing is left after.' : 'The import deletes it: nothing is left after.';
  if (action === 'keep') return 'The target keeps its own object: nothing changes.';
  if (action === 'skip') return 'The target does not have it: there is nothing to do.';
  return undefined;
}

function Side({ value, side }: { value: string | null; side: 'before' | 'after' }) {
  if (value === null) return <span class="absent">none</span>;
  return side === 'before' ? <del class="wrap">{value}</del> : <ins class="wrap">{value}</ins>;
}

/** One object side by side: what the target holds now | what it will hold, one row per change, grouped. */
export function DiffObjectView({ object, undo, onClose }: { object: DiffObject; undo: boolean; onClose: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const groups = groupChanges(object.changes);
  const note = sideNote(object.action, undo);
  const name = object.name || object.id;
  return (
    <section id={OBJECT_VIEW_ID} class="panel diff-object" aria-labelledby="diff-object-heading" data-testid="diff-object">
      <div class="panel-head">
        <h2 id="diff-object-heading" ref={heading} tabIndex={-1} class="wrap">
          {name}
        </h2>
        <button type="button" class="secondary" aria-label={`Close the changes of ${name}`} onClick={onClose}>
          Close
        </button>
      </div>
      <p class="hint">
        {objectTypeName(object.type)} · {words(object.action)}
        {object.targetId ? ` as ${object.targetId}` : ''} · <code class="wrap">{object.id}</code>
      </p>
      {note ? <p class="notice">{note}</p> : null}
      {object.blocked ? (
        <p class="notice notice-error">
          <strong>The undo would refuse this object.</strong> {object.blocked}
        </p>
      ) : null}
      {groups.map((group) => (
        <DataTable key={group.title} caption={group.title} columns={['Field', 'Now in the target', undo ? 'After the undo' : 'After the import']}>
          {group.changes.map((change) => (
            <tr key={change.field} data-field={change.field}>
              <th scope="row" class="wrap">
                {change.label}
              </th>
              <td>
                <Side value={change.before} side="before" />
              </td>
              <td>
                <Side value={change.after} side="after" />
              </td>
            </tr>
          ))}
        </DataTable>
      ))}
      {groups.length === 0 && object.action !== 'keep' ? <p>No field changes.</p> : null}
    </section>
  );
}
