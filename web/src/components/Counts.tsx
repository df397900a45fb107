import { objectTypeName, words } from '../format.js';

/** One count of a summary: its wire value (a filter's value), its words, and how many. */
export interface Count {
  value: string;
  label: string;
  count: number;
}

/** Counts by action, in words; actions nothing falls under are left out. */
export const actionCounts = (entries: Iterable<readonly [string, number]>): Count[] =>
  [...entries].filter(([, count]) => count > 0).map(([action, count]) => ({ value: action, label: words(action), count }));

/** Counts by object type, named. */
export const typeCounts = (entries: Iterable<readonly [string | number, number]>): Count[] =>
  [...entries].filter(([, count]) => count > 0).map(([type, count]) => ({ value: String(type), label: objectTypeName(Number(type)), count }));

/** A summary's counts as a labelled list of chips: "Create 12 · Replace 3". */
export function Counts({ label, counts }: { label: string; counts: readonly Count[] }) {
  return (
    <dl class="counts" aria-label={label}>
      {counts.map((c) => (
        <div key={c.value}>
          <dt>{c.label}</dt>
          <dd>{c.count.toLocaleString()}</dd>
        </div>
      ))}
    </dl>
  );
}
