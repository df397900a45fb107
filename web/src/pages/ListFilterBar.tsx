import { MIGRATION_PURPOSES, PACKAGE_TYPES } from '../../../src/api/contract/purposes.js';
import type { ListFilters } from '../api/packstore.js';
import { words } from '../format.js';

export type ListView = ListFilters & { offset: number; purpose?: string; status?: string };

interface ListFilterBarProps {
  label: string;
  view: ListView;
  sorts: Array<[string, string]>;
  /** Statuses to offer; none: the list has no status filter. */
  statuses?: readonly string[];
  onChange: (next: Partial<ListView>) => void;
}

/** Search, filters and order of a list, applied by the server; any change goes back to the first page. */
export function ListFilterBar({ label, view, sorts, statuses, onChange }: ListFilterBarProps) {
  const id = (field: string) => `${label.toLowerCase().replace(/\W+/g, '-')}-${field}`;
  const select = (field: 'type' | 'purpose' | 'status' | 'sort', title: string, options: Array<[string, string]>, all?: string) => (
    <div class="field">
      <label for={id(field)}>{title}</label>
      <select id={id(field)} value={view[field] ?? ''} onChange={(e) => onChange({ [field]: e.currentTarget.value })}>
        {all ? <option value="">{all}</option> : null}
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
  const text = (field: 'q' | 'creator' | 'from' | 'to', title: string) => (
    <div class="field">
      <label for={id(field)}>{title}</label>
      {field === 'from' || field === 'to' ? (
        <input id={id(field)} type="date" value={view[field] ?? ''} onInput={(e) => onChange({ [field]: e.currentTarget.value })} />
      ) : (
        <input id={id(field)} type="text" value={view[field] ?? ''} onInput={(e) => onChange({ [field]: e.currentTarget.value })} />
      )}
    </div>
  );
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers the console supports; role=search makes the landmark
    <form class="filters" role="search" aria-label={label} onSubmit={(e) => e.preventDefault()}>
      {text('q', 'Search name or id')}
      {statuses
        ? select(
            'status',
            'Status',
            statuses.map((s) => [s, words(s)]),
            'Any status',
          )
        : null}
      {select(
        'type',
        'Type of package',
        PACKAGE_TYPES.map((t) => [t, words(t)]),
        'Any type',
      )}
      {select(
        'purpose',
        'Made for',
        MIGRATION_PURPOSES.map((p) => [p, words(p)]),
        'Any purpose',
      )}
      {text('creator', 'Creator')}
      {text('from', 'From')}
      {text('to', 'To')}
      {select('sort', 'Order', sorts)}
    </form>
  );
}
