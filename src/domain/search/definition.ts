import { InvalidInputError } from '../errors.js';
import { isGuid } from '../ids.js';
import { parseLibraryDate } from '../dates.js';
import { isRecord } from '../input.js';
import { controlCharacterIn } from '../control-characters.js';
import type { DateRange, SearchFilter } from './criteria.js';
import { SUBTYPE_ALIASES, TYPE_ALIASES } from './type-aliases.js';

/** `scope` as search objects carry it (upper case); metadata searches send it mapped to lower case. */
export const SCOPES = ['ROOTED', 'NOT_MANAGED_ONLY', 'MANAGED_ONLY', 'ALL'] as const;
export type Scope = (typeof SCOPES)[number];
export const WIRE_SCOPES: Readonly<Record<string, Scope>> = { rooted: 'ROOTED', standalone: 'NOT_MANAGED_ONLY', managed: 'MANAGED_ONLY', all: 'ALL' };

export type TimeRange = { beginTime?: string; endTime?: string } | { sinceDays: number } | { sinceMonths: number };

/** The stored criteria of a search object (search contract §4.9.2), also the body of a v2 metadata search. */
export interface SearchDefinition {
  nameQuery?: string;
  descriptionQuery?: string;
  root?: string;
  types?: string[];
  subtypes?: string[];
  dateFilterType?: 'CREATED' | 'MODIFIED';
  timeRange?: TimeRange;
  ownerId?: string;
  localeId?: number;
  visibility?: 'VISIBLE' | 'ALL';
  includeSubfolders?: boolean;
  excludedFolders?: string[];
  scope?: Scope;
}

export const DEFINITION_FIELDS: readonly (keyof SearchDefinition)[] = [
  'nameQuery',
  'descriptionQuery',
  'root',
  'types',
  'subtypes',
  'dateFilterType',
  'timeRange',
  'ownerId',
  'localeId',
  'visibility',
  'includeSubfolders',
  'excludedFolders',
  'scope',
];

const MAX_TEXT = 250;
const DAY = 86_400_000;

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_TEXT || controlCharacterIn(value) !== undefined) {
    throw new InvalidInputError(`${field} must be a string of at most ${MAX_TEXT} characters without control characters.`);
  }
  return value;
}

function guid(value: unknown, field: string): string {
  if (!isGuid(value)) throw new InvalidInputError(`${field} must be 32 upper-case hex characters, not ${JSON.stringify(value)}.`);
  return value;
}

function aliases(value: unknown, field: string, known: Readonly<Record<string, number>>): string[] {
  if (!Array.isArray(value)) throw new InvalidInputError(`${field} must be an array of type names such as "attribute".`);
  return value.map((v) => {
    const alias = typeof v === 'string' ? v.toLowerCase() : '';
    codeOf(alias, field, known, v);
    return alias;
  });
}

/** The type or subtype number of an alias; refuses an unknown one (`given` as the request spelled it), naming the field. */
function codeOf(alias: string, field: string, known: Readonly<Record<string, number>>, given: unknown = alias): number {
  const code = Object.hasOwn(known, alias) ? known[alias] : undefined;
  if (code === undefined) throw new InvalidInputError(`${field}: ${JSON.stringify(given)} is not a known type name.`);
  return code;
}

/** Epoch milliseconds of a timeRange date; refuses anything else, naming the key. */
function epochOf(value: unknown, key: 'beginTime' | 'endTime'): number {
  const date = typeof value === 'string' ? parseLibraryDate(value) : undefined;
  if (!date) throw new InvalidInputError(`timeRange.${key} must be a date such as 2024-01-01T00:00:00.000+0000.`);
  return date.getTime();
}

function count(value: unknown, field: string): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 100_000)
    throw new InvalidInputError(`${field} must be a whole number from 0 to 100000.`);
  return value as number;
}

function timeRange(value: unknown): TimeRange {
  if (!isRecord(value)) throw new InvalidInputError('timeRange must be an object with beginTime/endTime, sinceDays or sinceMonths.');
  const kinds = ['sinceDays', 'sinceMonths', 'beginTime|endTime'].filter((k) => k.split('|').some((key) => value[key] !== undefined));
  const unknown = Object.keys(value).find((k) => !['beginTime', 'endTime', 'sinceDays', 'sinceMonths'].includes(k));
  if (unknown !== undefined || kinds.length !== 1)
    throw new InvalidInputError('timeRange must hold exactly one of beginTime/endTime, sinceDays or sinceMonths.');
  if (value.sinceDays !== undefined) return { sinceDays: count(value.sinceDays, 'timeRange.sinceDays') };
  if (value.sinceMonths !== undefined) return { sinceMonths: count(value.sinceMonths, 'timeRange.sinceMonths') };
  const range: { beginTime?: string; endTime?: string } = {};
  for (const key of ['beginTime', 'endTime'] as const) {
    const given = value[key];
    if (given === undefined) continue;
    epochOf(given, key);
    range[key] = String(given);
  }
  return range;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  const found = allowed.find((a) => a === upper);
  if (!found) throw new InvalidInputError(`${field} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}.`);
  return found;
}

/** Reads one criterion; `lcidQuery` (what mstrio sends on create) is stored as localeId. */
function parseField(definition: SearchDefinition, field: string, value: unknown): void {
  switch (field) {
    case 'nameQuery':
      definition.nameQuery = text(value, field);
      break;
    case 'descriptionQuery':
      definition.descriptionQuery = text(value, field);
      break;
    case 'root':
      definition.root = guid(value, field);
      break;
    case 'ownerId':
      definition.ownerId = guid(value, field);
      break;
    case 'types':
      definition.types = aliases(value, field, TYPE_ALIASES);
      break;
    case 'subtypes':
      definition.subtypes = aliases(value, field, SUBTYPE_ALIASES);
      break;
    case 'dateFilterType':
      definition.dateFilterType = oneOf(value, field, ['CREATED', 'MODIFIED'] as const);
      break;
    case 'timeRange':
      definition.timeRange = timeRange(value);
      break;
    case 'lcidQuery':
    case 'localeId':
      definition.localeId = count(value, field);
      break;
    case 'visibility':
      definition.visibility = oneOf(value, field, ['VISIBLE', 'ALL'] as const);
      break;
    case 'scope':
      definition.scope = oneOf(value, field, SCOPES);
      break;
    case 'includeSubfolders':
      if (typeof value !== 'boolean') throw new InvalidInputError('includeSubfolders must be true or false.');
      definition.includeSubfolders = value;
      break;
    case 'excludedFolders':
      if (!Array.isArray(value)) throw new InvalidInputError('excludedFolders must be an array of folder ids.');
      definition.excludedFolders = value.map((v) => guid(v, field));
      break;
    default:
      throw new InvalidInputError(`${field} is not a search criterion.`);
  }
}

/**
 * The criteria among `fields` laid over `into`; a null value removes a criterion. 400 ERR006
 * naming the first bad one.
 */
export function parseDefinition(fields: Record<string, unknown>, into: SearchDefinition = {}): SearchDefinition {
  const definition: SearchDefinition = { ...into };
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value !== null) parseField(definition, field, value);
    else if ((DEFINITION_FIELDS as readonly string[]).includes(field)) delete definition[field as keyof SearchDefinition];
    else throw new InvalidInputError(`${field} is not a search criterion.`);
  }
  if (definition.timeRange && !definition.dateFilterType) throw new InvalidInputError('dateFilterType (CREATED or MODIFIED) is required with timeRange.');
  return definition;
}

/** A time range as epoch milliseconds, relative ranges counted back from `now`. */
export function dateRangeOf(range: TimeRange, now: number): DateRange {
  if ('sinceDays' in range) return { from: now - range.sinceDays * DAY };
  if ('sinceMonths' in range) {
    const since = new Date(now);
    since.setUTCMonth(since.getUTCMonth() - range.sinceMonths);
    return { from: since.getTime() };
  }
  return {
    ...(range.beginTime ? { from: epochOf(range.beginTime, 'beginTime') } : {}),
    ...(range.endTime ? { to: epochOf(range.endTime, 'endTime') } : {}),
  };
}

/** What a stored definition searches for. Subfolders are searched unless includeSubfolders is false. */
export function filterOf(definition: SearchDefinition, now: number): SearchFilter {
  const values = [
    ...(definition.types ?? []).map((a) => codeOf(a, 'types', TYPE_ALIASES)),
    ...(definition.subtypes ?? []).map((a) => codeOf(a, 'subtypes', SUBTYPE_ALIASES)),
  ];
  const range = definition.timeRange && dateRangeOf(definition.timeRange, now);
  return {
    ...(definition.nameQuery ? { name: definition.nameQuery } : {}),
    ...(definition.descriptionQuery ? { description: definition.descriptionQuery } : {}),
    ...(values.length > 0 ? { type: values.filter((v) => v < 256), subtype: values.filter((v) => v >= 256) } : {}),
    ...(definition.root ? { folderId: definition.root, recursive: definition.includeSubfolders !== false } : {}),
    ...(definition.excludedFolders?.length ? { excludedFolders: definition.excludedFolders } : {}),
    ...(range ? (definition.dateFilterType === 'CREATED' ? { created: range } : { modified: range }) : {}),
    ...(definition.ownerId ? { ownerId: definition.ownerId } : {}),
    ...(definition.visibility === 'VISIBLE' ? { hidden: false } : {}),
    ...(definition.scope === 'MANAGED_ONLY' ? { none: true } : {}),
  };
}
