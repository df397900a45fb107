import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '../domain/errors.js';
import type { ObjectService } from '../services/objects.js';
import { MAX_NAME_LENGTH } from './contract/objects.js';
import { projectIdOf } from './project-header.js';

/** The project a request works in: X-MSTR-ProjectID, checked by the object service (see ObjectService.scope). */
export function projectScope(request: FastifyRequest, objects: ObjectService, type?: number): Promise<string> {
  return objects.scope(projectIdOf(request), type);
}

/** An object's name: trimmed, not empty, at most MAX_NAME_LENGTH characters. */
export function objectName(value: string | null | undefined, field = 'name'): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidInputError(`${field} must not be empty.`);
  if (trimmed.length > MAX_NAME_LENGTH) throw new InvalidInputError(`${field} is longer than ${MAX_NAME_LENGTH} characters.`);
  return trimmed;
}
