import type { Count } from '../components/Counts.js';

export interface ObjectFilters {
  q: string;
  action: string;
  type: string;
  sort?: string;
}

export interface ReportView extends ObjectFilters {
  offset: number;
  sort: string;
}

interface ReportFilterBarProps {
  /** Prefix of the controls' ids. */
  id: string;
  view: ObjectFilters;
  /** The choices, from the report's (or diff's) own counts. */
  actions: readonly Count[];
  types: readonly Count[];
  actionLabel: string;
  searchLabel: string;
  /** [value, words]; no order choice without them. */
  sorts?: ReadonlyArray<[string, string]>;
  onChange: (next: Partial<ObjectFilters>) => void;
}

function Choices({ counts }: { counts: readonly Count[] }) {
  return (
    <>
      {counts.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label} ({c.count.toLocaleString()})
        </option>
      ))}
    </>
  );
}

/** Search, filters and order of a list of objects (a report's or a diff's); the server filters. */
export function ReportFilterBar({ id, view, actions, types, actionLabel, searchLabel, sorts, onChange }: ReportFilterBarProps) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for the browsers the console supports; role=search makes the landmark
    <form class="filters" role="search" aria-label="Objects" onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for={`${id}-q`}>{searchLabel}</label>
        <input id={`${id}-q`} type="search" value={view.q} onInput={(e) => onChange({ q: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for={`${id}-action`}>{actionLabel}</label>
        <select id={`${id}-action`} value={view.action} onChange={(e) => onChange({ action: e.currentTarget.value })}>
          <option value="">All {actionLabel.toLowerCase()}s</option>
          <Choices counts={actions} />
        </select>
      </div>
      <div class="field">
        <label for={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={view.type} onChange={(e) => onChange({ type: e.currentTarget.value })}>
          <option value="">All types</option>
          <Choices counts={types} />
        </select>
      </div>
      {sorts ? (
        <div class="field">
          <label for={`${id}-sort`}>Order</label>
          <select id={`${id}-sort`} value={view.sort} onChange={(e) => onChange({ sort: e.currentTarget.value })}>
            {sorts.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </form>
  );
}
