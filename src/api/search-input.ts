import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../domain/errors.js';
import { isGuid } from '../domain/ids.js';
import { parseLibraryDate } from '../domain/dates.js';
import { isRecord } from '../domain/input.js';
import { SEARCH_PATTERN, type Relation, type SearchFilter, type SearchPattern } from '../domain/search/criteria.js';
import { WIRE_SCOPES, filterOf, parseDefinition } from '../domain/search/definition.js';
import { boolQuery, intQuery, optionalGuidQuery, stringQuery, typeListQuery } from './object-input.js';

/** Search domains (EnumDSSXMLSearchDomain); CONFIGURATION searches users, groups, sources… */
export const SEARCH_DOMAIN = { LOCAL: 1, PROJECT: 2, REPOSITORY: 3, CONFIGURATION: 4 } as const;

/** The fields a v2 store call may carry in its JSON body (search contract §4.2). */
const V2_BODY_FIELDS = ['includeSubfolders', 'dateFilterType', 'timeRange', 'descriptionQuery', 'ownerId', 'localeId', 'excludedFolders'];

const MAX_NAME = 250;

function nameQuery(request: FastifyRequest): string | undefined {
  const name = stringQuery(request, 'name');
  if (name !== undefined && name.length > MAX_NAME) throw new InvalidInputError(`name is longer than ${MAX_NAME} characters.`);
  return name === '' ? undefined : name;
}

export function patternQuery(request: FastifyRequest): SearchPattern {
  return intQuery(request, 'pattern', SEARCH_PATTERN.CONTAINS, 0, 5) as SearchPattern;
}

/** `usesObject=<id>;<type>`: the `;type` (a type or a subtype) only names the object, which the id already does. */
function relationQuery(request: FastifyRequest, name: string, recursiveName: string): Relation | undefined {
  const raw = stringQuery(request, name);
  if (raw === undefined || raw === '') return undefined;
  const [id, type, ...rest] = raw.split(';');
  if (!isGuid(id) || rest.length > 0 || (type !== undefined && !/^\d{1,5}$/.test(type))) {
    throw new InvalidInputError(`${name} must be <object id>;<type>, such as 8D679D5111D3E4981000E787EC6DE8A4;12, not ${JSON.stringify(raw)}.`);
  }
  return { id, recursive: boolQuery(request, recursiveName) ?? false };
}

function dateQuery(request: FastifyRequest, name: string): number | undefined {
  const raw = stringQuery(request, name);
  if (raw === undefined || raw === '') return undefined;
  const date = parseLibraryDate(raw);
  if (!date) throw new InvalidInputError(`${name} must be a date such as 2021-04-04T06:33:32Z, not ${JSON.stringify(raw)}.`);
  return date.getTime();
}

/** The filter of a store call (v1: query only; v2: query and JSON body), and its domain. */
export function metadataSearchInput(request: FastifyRequest, withBody: boolean, now: number): { filter: SearchFilter; domain: number } {
  const domain = intQuery(request, 'domain', SEARCH_DOMAIN.PROJECT, 1, 4);
  const uses = relationQuery(request, 'usesObject', 'usesRecursive');
  const usedBy = relationQuery(request, 'usedByObject', 'usedByRecursive');
  if (uses && usedBy) throw new InvalidInputError('usesObject and usedByObject cannot be combined; search one relation at a time.');
  for (const flag of ['usesOneOf', 'usedByOneOf']) boolQuery(request, flag);
  const from = dateQuery(request, 'beginModificationTime');
  const to = dateQuery(request, 'endModificationTime');
  const root = optionalGuidQuery(request, 'root');
  const scope = stringQuery(request, 'scope');
  if (scope !== undefined && !(scope in WIRE_SCOPES)) throw new InvalidInputError(`scope must be one of ${Object.keys(WIRE_SCOPES).join(', ')}, not ${JSON.stringify(scope)}.`);
  const visibility = stringQuery(request, 'visibility');
  if (visibility !== undefined && !['visible', 'all'].includes(visibility.toLowerCase())) throw new InvalidInputError(`visibility must be visible or all, not ${JSON.stringify(visibility)}.`);
  const body = withBody ? bodyDefinition(request.body) : {};
  const name = nameQuery(request);
  const pattern = patternQuery(request);
  const types = typeListQuery(request);
  const filter: SearchFilter = {
    ...filterOf({ ...body, ...(root ? { root } : {}) }, now),
    ...(name !== undefined ? { name, pattern } : {}),
    ...(types.type.length + types.subtype.length > 0 ? types : {}),
    ...(from !== undefined || to !== undefined ? { modified: { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) } } : {}),
    ...(uses ? { uses } : {}),
    ...(usedBy ? { usedBy } : {}),
    ...(visibility?.toLowerCase() === 'visible' ? { hidden: false } : {}),
    ...(scope === 'managed' ? { none: true } : {}),
  };
  return { filter, domain };
}

function bodyDefinition(body: unknown) {
  if (body === undefined || body === null || body === '') return {};
  if (!isRecord(body)) throw new InvalidInputError('The body must be a JSON object.');
  const unknown = Object.keys(body).find((k) => !V2_BODY_FIELDS.includes(k));
  if (unknown !== undefined) throw new InvalidInputError(`${unknown} is not supported in a metadata search body; it may hold ${V2_BODY_FIELDS.join(', ')}.`);
  return parseDefinition(body);
}

/** offset and limit of a results page; absent means everything (limit -1). */
export function pageQuery(request: FastifyRequest, maxPage: number): { offset: number; limit: number } {
  const offset = intQuery(request, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = intQuery(request, 'limit', -1, -1, maxPage);
  return { offset, limit };
}
