import type { Static } from 'typebox';
import { InvalidInputError } from '../domain/errors.js';
import { isGuid } from '../domain/ids.js';
import { parseLibraryDate } from '../domain/dates.js';
import { optionalBoolean } from '../domain/input.js';
import { SEARCH_PATTERN, type Relation, type SearchFilter, type SearchPattern } from '../domain/search/criteria.js';
import { WIRE_SCOPES, filterOf, parseDefinition } from '../domain/search/definition.js';
import type { MetadataSearchBody, MetadataSearchQuery } from './contract/searches.js';
import { typeList } from './query-values.js';

/** Search domains (EnumDSSXMLSearchDomain); CONFIGURATION searches users, groups, sources… */
export const SEARCH_DOMAIN = { LOCAL: 1, PROJECT: 2, REPOSITORY: 3, CONFIGURATION: 4 } as const;

type Query = Static<typeof MetadataSearchQuery>;

/** How a name matches; contains when absent. */
export const patternOf = (pattern: number | undefined) => (pattern ?? SEARCH_PATTERN.CONTAINS) as SearchPattern;

/** `usesObject=<id>;<type>`: the `;type` (a type or a subtype) only names the object, which the id already does. */
function relation(raw: string | undefined, name: string, recursive: string | undefined): Relation | undefined {
  if (raw === undefined) return undefined;
  const [id, type, ...rest] = raw.split(';');
  if (!isGuid(id) || rest.length > 0 || (type !== undefined && !/^\d{1,5}$/.test(type))) {
    throw new InvalidInputError(`${name} must be <object id>;<type>, such as 8D679D5111D3E4981000E787EC6DE8A4;12, not ${JSON.stringify(raw)}.`);
  }
  return { id, recursive: optionalBoolean(recursive, `${name} recursion`) ?? false };
}

function date(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const parsed = parseLibraryDate(raw);
  if (!parsed) throw new InvalidInputError(`${name} must be a date such as 2021-04-04T06:33:32Z, not ${JSON.stringify(raw)}.`);
  return parsed.getTime();
}

/** The filter of a store call (v1: query only; v2: query and JSON body), and its domain. */
export function metadataSearchInput(query: Query, body: Static<typeof MetadataSearchBody> | undefined, now: number): { filter: SearchFilter; domain: number } {
  const uses = relation(query.usesObject, 'usesObject', query.usesRecursive);
  const usedBy = relation(query.usedByObject, 'usedByObject', query.usedByRecursive);
  if (uses && usedBy) throw new InvalidInputError('usesObject and usedByObject cannot be combined; search one relation at a time.');
  const from = date(query.beginModificationTime, 'beginModificationTime');
  const to = date(query.endModificationTime, 'endModificationTime');
  const { root, scope, name } = query;
  if (scope !== undefined && !(scope in WIRE_SCOPES))
    throw new InvalidInputError(`scope must be one of ${Object.keys(WIRE_SCOPES).join(', ')}, not ${JSON.stringify(scope)}.`);
  const visibility = query.visibility?.toLowerCase();
  if (visibility !== undefined && !['visible', 'all'].includes(visibility))
    throw new InvalidInputError(`visibility must be visible or all, not ${JSON.stringify(query.visibility)}.`);
  const types = typeList(query.type);
  const filter: SearchFilter = {
    ...filterOf({ ...(body ? parseDefinition(body) : {}), ...(root ? { root } : {}) }, now),
    ...(name !== undefined ? { name, pattern: patternOf(query.pattern) } : {}),
    ...(types.type.length + types.subtype.length > 0 ? types : {}),
    ...(from !== undefined || to !== undefined ? { modified: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) } } : {}),
    ...(uses ? { uses } : {}),
    ...(usedBy ? { usedBy } : {}),
    ...(visibility === 'visible' ? { hidden: false } : {}),
    ...(scope === 'managed' ? { none: true } : {}),
  };
  return { filter, domain: query.domain ?? SEARCH_DOMAIN.PROJECT };
}
