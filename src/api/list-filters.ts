import type { ListFilters } from '../domain/list-filters.js';
import { parseTimeBound } from '../domain/dates.js';
import { commaList } from './query-values.js';

/** The shared list parameters (contract/list-filters.ts), checked in form by the schema, as the store takes them. */
export function listFiltersOf(query: { q?: string; creator?: string; from?: string; to?: string }, types: string[] | undefined): ListFilters {
  return {
    q: query.q?.trim() || undefined,
    types: commaList(types),
    creator: query.creator?.trim() || undefined,
    from: parseTimeBound(query.from, 'from'),
    to: parseTimeBound(query.to, 'to'),
  };
}
