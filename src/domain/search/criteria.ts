/** What a metadata search filters on (search contract §4.1–4.2), independent of the wire form. */

/** EnumDSSXMLSearchTypes: how `name` is matched, always ignoring case. */
export const SEARCH_PATTERN = {
  CONTAINS_ANY_WORD: 0,
  BEGIN_WITH: 1,
  EXACTLY: 2,
  /** Some word of the name begins with the phrase. */
  BEGIN_WITH_PHRASE: 3,
  CONTAINS: 4,
  END_WITH: 5,
} as const;
export type SearchPattern = (typeof SEARCH_PATTERN)[keyof typeof SEARCH_PATTERN];

/** Epoch milliseconds, both ends inclusive. */
export interface DateRange {
  from?: number;
  to?: number;
}

/** Objects related to `id`: direct neighbours only, or transitively. */
export interface Relation {
  id: string;
  recursive: boolean;
}

export interface SearchFilter {
  name?: string;
  /** CONTAINS when absent. */
  pattern?: SearchPattern;
  /** Matched as type OR subtype: a search mixes both freely (values of 256 and up are subtypes). */
  type?: readonly number[];
  subtype?: readonly number[];
  folderId?: string;
  /** With folderId: objects anywhere below the folder, not only its direct children. */
  recursive?: boolean;
  /** Objects in these folders or below them are left out. */
  excludedFolders?: readonly string[];
  /** Only hidden (true) or only visible (false) objects. */
  hidden?: boolean;
  created?: DateRange;
  modified?: DateRange;
  ownerId?: string;
  /** Case-insensitive "contains" within the description. */
  description?: string;
  /** The objects that use this one: its dependents. */
  uses?: Relation;
  /** The objects this one uses: its dependencies. */
  usedBy?: Relation;
  /** Matches nothing (scope `managed`: Packstore has no system-managed objects). */
  none?: boolean;
}

/** Splits a mixed list of types and subtypes (DSS encodes a subtype as type·256 + n). */
export function splitTypes(values: readonly number[]): { type: number[]; subtype: number[] } {
  const unique = [...new Set(values)];
  return { type: unique.filter((v) => v < 256), subtype: unique.filter((v) => v >= 256) };
}

/** The filter's matches that also have this subtype (a subtype's type is subtype >> 8). */
export function narrowToSubtype(filter: SearchFilter, subtype: number): SearchFilter {
  const types = filter.type ?? [];
  const subtypes = filter.subtype ?? [];
  const open = types.length === 0 && subtypes.length === 0;
  if (open || types.includes(subtype >> 8) || subtypes.includes(subtype)) return { ...filter, type: [], subtype: [subtype] };
  return { ...filter, none: true };
}
