import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { InvalidInputError } from '../domain/errors.js';
import { HEADER_NAMES } from './contract/common.js';

/**
 * Route schemas are checked by two Ajv instances. Query strings, path parameters and headers are text, so
 * their numbers and booleans are coerced; a JSON body is checked as sent, because coercing it would accept
 * what the domain refuses (`{"name": 5}` as "5", `null` as ""). Neither removes undeclared properties (the
 * Library's clients send more than we declare, and some routes name the field they refuse) nor fills
 * defaults: the handlers own those. `verbose` keeps the failing schema and value for the message.
 */
const COMMON = { strict: false, allErrors: false, removeAdditional: false, useDefaults: false, verbose: true } as const;
const textAjv = new Ajv({ ...COMMON, coerceTypes: 'array' });
const jsonAjv = new Ajv({ ...COMMON, coerceTypes: false });

type HttpPart = 'body' | 'querystring' | 'params' | 'headers';

/** An empty query parameter (`limit=`) counts as absent, as it did for the hand parsers the schemas replace. */
function withoutEmptyValues(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => {
    if (typeof data === 'object' && data !== null) {
      const query = data as Record<string, unknown>;
      for (const key of Object.keys(query)) if (query[key] === '') delete query[key];
    }
    const valid = validate(data);
    check.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return check;
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  if (httpPart === 'querystring') return withoutEmptyValues(textAjv.compile(schema as object));
  if (httpPart !== 'body') return textAjv.compile(schema as object);
  const validate: ValidateFunction = jsonAjv.compile(schema as object);
  // An empty request has an undefined body: it is checked as null, which a schema accepts only when the body is optional.
  const checkBody = (data: unknown) => {
    const valid = validate(data === undefined ? null : data);
    checkBody.errors = validate.errors;
    return valid;
  };
  checkBody.errors = null as ValidateFunction['errors'];
  return checkBody;
};

/** `/packageInfo/tocView/content/0/id` → `packageInfo.tocView.content[0].id`. */
function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function nameOf(part: HttpPart, path: string): string {
  if (part === 'headers') return HEADER_NAMES[path] ?? path;
  return path;
}

/** JSON Schema types as the Library's messages say them. */
const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null',
};

/** What the value must be, in words, for the keywords whose Ajv text names no value. */
function expectation(error: ErrorObject): string | undefined {
  if (error.keyword === 'type')
    return `must be ${String(error.params.type)
      .split(',')
      .map((t) => TYPE_WORDS[t] ?? t)
      .join(' or ')}`;
  if (error.keyword === 'const') return `must be ${JSON.stringify(error.params.allowedValue)}`;
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return undefined;
}

const WHOLE = { body: 'The body', querystring: 'The query', params: 'The path', headers: 'The headers' } as const;

/** One failure as the Library's 400 ERR006 message, naming the field. */
export function validationMessage(error: ErrorObject, part: HttpPart): string {
  const path = fieldPath(error.instancePath);
  const parent = (error.parentSchema ?? {}) as { 'x-message'?: string; properties?: Record<string, unknown> };
  const field = (name: string) => nameOf(part, path ? `${path}.${name}` : name);
  if (error.keyword === 'required') return `${field(String(error.params.missingProperty))} is required.`;
  if (error.keyword === 'additionalProperties') {
    const allowed = Object.keys(parent.properties ?? {}).join(', ');
    return `${field(String(error.params.additionalProperty))} is not supported here; ${part === 'body' ? 'the body' : 'it'} may hold ${allowed}.`;
  }
  const subject = path ? nameOf(part, path) : WHOLE[part];
  if (!path && error.keyword === 'type' && error.params.type === 'object') return `${subject} must be a JSON object.`;
  const got = error.data === undefined ? '' : `; got ${JSON.stringify(error.data)?.slice(0, 200)}`;
  return `${subject} ${parent['x-message'] ?? expectation(error) ?? error.message}${got}.`;
}

/** Schema failures become InvalidInputError (400 ERR006), rendered by the one error handler. */
export function installSchemaValidation(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const first = errors[0] as ErrorObject | undefined;
    return new InvalidInputError(first ? validationMessage(first, dataVar as HttpPart) : `${dataVar} is invalid.`);
  });
  // Response schemas are the contract's description; answers are written as they are, never filtered: a
  // serializer built from them would drop the fields clients read that the schema leaves open.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}
