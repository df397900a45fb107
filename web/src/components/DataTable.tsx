import type { ComponentChildren } from 'preact';

interface DataTableProps {
  caption: ComponentChildren;
  columns: readonly string[];
  /** The body rows; each starts with a <th scope="row"> that names it. */
  children: ComponentChildren;
}

/** A table with a caption and column headers, scrolling sideways on narrow screens. */
export function DataTable({ caption, columns, children }: DataTableProps) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
