import type { FastifyRequest } from 'fastify';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { isGuid } from '../domain/ids.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_TYPES } from '../domain/objects.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import { splitTypes } from '../domain/search/criteria.js';

export const MAX_NAME_LENGTH = 250;
export const MAX_DESCRIPTION_LENGTH = 4000;
const PROJECT_HEADER = 'x-mstr-projectid';

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {};
}

function singleQuery(request: FastifyRequest, name: string): string | undefined {
  const value = fieldsOf(request.query)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be given once.`);
  return value;
}

export function idParam(request: FastifyRequest, name = 'id'): string {
  const value = fieldsOf(request.params)[name];
  if (!isGuid(value)) throw new InvalidInputError(`${name} must be 32 upper-case hex characters, not ${JSON.stringify(value)}.`);
  return value;
}

/** The required `type` query parameter (an EnumDSSXMLObjectTypes number). */
export function typeQuery(request: FastifyRequest): number {
  const raw = singleQuery(request, 'type');
  if (raw === undefined) throw new InvalidInputError('type is required (the object type number, e.g. type=8 for a folder).');
  const type = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || type < 1) throw new InvalidInputError(`type must be a positive object type number, not ${JSON.stringify(raw)}.`);
  return type;
}

/** The values of a query parameter sent as repeated keys (`type=12&type=4`), each possibly a comma list. */
export function listQuery(request: FastifyRequest, name: string): string[] {
  const value = fieldsOf(request.query)[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * Types as repeated keys or comma lists; values of 256 and above are subtypes (Library searches
 * mix them freely, and an object matches either).
 */
export function typeListQuery(request: FastifyRequest): { type: number[]; subtype: number[] } {
  const values = listQuery(request, 'type').map((part) => {
    const value = Number(part);
    if (!/^\d{1,5}$/.test(part) || value < 1) throw new InvalidInputError(`type must list object type numbers, not ${JSON.stringify(part)}.`);
    return value;
  });
  return splitTypes(values);
}

export function intQuery(request: FastifyRequest, name: string, fallback: number, min: number, max: number): number {
  const raw = singleQuery(request, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < min || value > max) throw new InvalidInputError(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}.`);
  return value;
}

export function boolQuery(request: FastifyRequest, name: string): boolean | undefined {
  const raw = singleQuery(request, name);
  if (raw === undefined || raw === '') return undefined;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw new InvalidInputError(`${name} must be true or false, not ${JSON.stringify(raw)}.`);
}

export function optionalGuidQuery(request: FastifyRequest, name: string): string | undefined {
  const raw = singleQuery(request, name);
  if (raw === undefined || raw === '') return undefined;
  if (!isGuid(raw)) throw new InvalidInputError(`${name} must be 32 upper-case hex characters, not ${JSON.stringify(raw)}.`);
  return raw;
}

export function stringQuery(request: FastifyRequest, name: string): string | undefined {
  return singleQuery(request, name);
}

/**
 * The project a request works in: X-MSTR-ProjectID, or the configuration when the header is
 * absent or the type is a configuration type (mstrio sends the header session-wide).
 */
export async function projectScope(request: FastifyRequest, metadata: MetadataRepository, type?: number): Promise<string> {
  if (type !== undefined && CONFIGURATION_TYPES.has(type)) return CONFIGURATION_PROJECT_ID;
  const header = request.headers[PROJECT_HEADER];
  if (header === undefined || header === '') return CONFIGURATION_PROJECT_ID;
  if (!isGuid(header)) throw new InvalidInputError(`X-MSTR-ProjectID must be a project id (32 upper-case hex characters), not ${JSON.stringify(header)}.`);
  if (!(await metadata.getProject(header))) throw new NotFoundError(`No project with id ${header}.`);
  return header;
}

/** A JSON object body with only the given fields. */
export function bodyFields(request: FastifyRequest, allowed: readonly string[]): Fields {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new InvalidInputError('The body must be a JSON object.');
  const fields = body as Fields;
  const unknown = Object.keys(fields).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw new InvalidInputError(`${unknown} is not supported here; the body may hold ${allowed.join(', ')}.`);
  return fields;
}

/** The field's value, or undefined when it is absent or null (400 when it is required). */
function present(fields: Fields, name: string, required: boolean): unknown {
  const value = fields[name];
  if (value !== undefined && value !== null) return value;
  if (required) throw new InvalidInputError(`${name} is required.`);
  return undefined;
}

export function nameField(fields: Fields, name: string, required: boolean): string | undefined {
  const value = present(fields, name, required);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be a string.`);
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidInputError(`${name} must not be empty.`);
  if (trimmed.length > MAX_NAME_LENGTH) throw new InvalidInputError(`${name} is longer than ${MAX_NAME_LENGTH} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new InvalidInputError(`${name} must not contain control characters.`);
  return trimmed;
}

export function descriptionField(fields: Fields, name: string): string | undefined {
  const value = present(fields, name, false);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${name} must be a string.`);
  if (value.length > MAX_DESCRIPTION_LENGTH) throw new InvalidInputError(`${name} is longer than ${MAX_DESCRIPTION_LENGTH} characters.`);
  return value;
}

export function guidField(fields: Fields, name: string, required: boolean): string | undefined {
  const value = present(fields, name, required);
  if (value === undefined) return undefined;
  if (!isGuid(value)) throw new InvalidInputError(`${name} must be 32 upper-case hex characters, not ${JSON.stringify(value)}.`);
  return value;
}
