import type { ComponentChildren } from 'preact';
import type { MetadataObject } from '../../api/types.js';
import { DataTable } from '../../components/DataTable.js';
import { formatDate, objectTypeName } from '../../format.js';

interface ObjectTableProps {
  caption: ComponentChildren;
  objects: readonly MetadataObject[];
  isPicked: (id: string) => boolean;
  onToggle: (object: MetadataObject) => void;
  /** More buttons for a row, such as opening a folder. */
  extra?: (object: MetadataObject) => ComponentChildren;
}

/**
 * Objects found by a search or in a folder. "Pick" is a toggle button (aria-pressed) so that focus
 * stays on it and a second press takes the object out again.
 */
export function ObjectTable({ caption, objects, isPicked, onToggle, extra }: ObjectTableProps) {
  return (
    <DataTable caption={caption} columns={['Name', 'Type', 'Modified', 'Actions']}>
      {objects.map((o) => (
        <tr key={o.id}>
          <th scope="row" class="wrap">
            {o.name}
          </th>
          <td>{objectTypeName(o.type)}</td>
          <td>
            <time dateTime={o.dateModified}>{formatDate(o.dateModified)}</time>
          </td>
          <td class="row-actions">
            <button type="button" class="toggle" aria-pressed={isPicked(o.id)} aria-label={`Pick ${o.name}`} onClick={() => onToggle(o)}>
              {isPicked(o.id) ? 'Picked' : 'Pick'}
            </button>
            {extra?.(o)}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
