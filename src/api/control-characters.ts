import type { FastifyInstance } from 'fastify';
import { Stream } from 'node:stream';
import { InvalidInputError } from '../domain/errors.js';
import { codePointName, controlCharacterIn } from '../domain/control-characters.js';

/** Body fields that hold free text, where tab, line feed and carriage return are legitimate (never NUL). */
const FREE_TEXT_FIELDS = new Set(['description']);

function refuse(field: string, character: string): never {
  throw new InvalidInputError(`${field} must not contain control characters (found ${codePointName(character)}).`);
}

/**
 * Parsed JSON, form and query objects (the query and form parsers make objects without Object.prototype),
 * but not arrays, nor a body that is a stream or a buffer: those are a file's bytes, not text.
 */
function isFieldObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(value instanceof Stream);
}

/**
 * Walks parsed request data and refuses the first control character, naming its field. The JSON parser
 * bounds the depth (json-body.ts).
 */
function scan(value: unknown, field: string, allowLayout: boolean): void {
  if (typeof value === 'string') {
    const found = controlCharacterIn(value, allowLayout);
    if (found !== undefined) refuse(field, found);
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) scan(item, `${field}[${index}]`, allowLayout);
  } else if (isFieldObject(value)) {
    scanFields(value, (key) => `${field}.${key}`);
  }
}

/** The fields of an object, each named by `nameOf`; the names themselves must be free of control characters too. */
function scanFields(value: Record<string, unknown>, nameOf: (key: string) => string): void {
  for (const [key, item] of Object.entries(value)) {
    const inKey = controlCharacterIn(key);
    if (inKey !== undefined) refuse(`the name of ${JSON.stringify(nameOf(key))}`, inKey);
    scan(item, nameOf(key), FREE_TEXT_FIELDS.has(key));
  }
}

function scanRequestPart(value: unknown, nameOf: (key: string) => string, whole: string): void {
  if (isFieldObject(value)) scanFields(value, nameOf);
  else scan(value, whole, false);
}

/**
 * One guard for every route: control characters in path parameters, the query or a parsed body are a
 * 400 ERR006 before any handler (and so any database call) sees them. preValidation runs once the body is
 * parsed; the access check before it reads only the token header, which Node already keeps free of them.
 */
export function installControlCharacterGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    scanRequestPart(request.params, (key) => `path parameter ${key}`, 'the path');
    scanRequestPart(request.query, (key) => `query parameter ${key}`, 'the query');
    scanRequestPart(request.body, (key) => key, 'the body');
  });
}
