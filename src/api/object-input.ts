import type { FastifyRequest } from 'fastify';
import { InvalidInputError, NotFoundError } from '../domain/errors.js';
import { CONFIGURATION_PROJECT_ID, CONFIGURATION_TYPES } from '../domain/objects.js';
import type { MetadataRepository } from '../store/metadata/repository.js';
import { MAX_NAME_LENGTH } from './contract/objects.js';
import { projectIdOf } from './project-header.js';

/**
 * The project a request works in: X-MSTR-ProjectID, or the configuration when the header is
 * absent or the type is a configuration type (mstrio sends the header session-wide).
 */
export async function projectScope(request: FastifyRequest, metadata: MetadataRepository, type?: number): Promise<string> {
  if (type !== undefined && CONFIGURATION_TYPES.has(type)) return CONFIGURATION_PROJECT_ID;
  const projectId = projectIdOf(request);
  if (projectId === undefined) return CONFIGURATION_PROJECT_ID;
  if (!(await metadata.getProject(projectId))) throw new NotFoundError(`No project with id ${projectId}.`);
  return projectId;
}

/** An object's name: trimmed, not empty, at most MAX_NAME_LENGTH characters. */
export function objectName(value: string | null | undefined, field = 'name'): string | undefined {
  if (value === undefined || value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidInputError(`${field} must not be empty.`);
  if (trimmed.length > MAX_NAME_LENGTH) throw new InvalidInputError(`${field} is longer than ${MAX_NAME_LENGTH} characters.`);
  return trimmed;
}
