import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { authRoutes } from './auth.js';
import { identityTokenRoutes } from './identity-tokens.js';
import { folderRoutes } from './folders.js';
import { objectRoutes } from './objects.js';
import { projectRoutes } from './projects.js';
import { searchRoutes } from './searches.js';
import { metadataSearchRoutes } from './metadata-searches.js';
import { searchObjectRoutes } from './search-objects.js';
import { fileRoutes } from './files.js';
import { resumableUploadRoutes } from './resumable-uploads.js';
import { storageRoutes } from './storage.js';
import { migrationRoutes } from './migrations.js';
import { diffRoutes } from './diffs.js';
import { packageHolderRoutes } from './packages.js';
import { userRoutes } from './users.js';
import { auditRoutes } from './audit.js';
import { consoleRoutes } from './console.js';
import { operationsRoutes } from './operations.js';
import { apiDocsRoutes } from './api-docs.js';
import { signingRoutes } from './signing.js';
import { environmentBadgeRoutes } from './environment-badge.js';

export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void | Promise<void>;

/** Every API area, one module each. */
export const ROUTE_MODULES: RouteModule[] = [
  authRoutes,
  identityTokenRoutes,
  fileRoutes,
  resumableUploadRoutes,
  storageRoutes,
  projectRoutes,
  objectRoutes,
  folderRoutes,
  searchRoutes,
  metadataSearchRoutes,
  searchObjectRoutes,
  diffRoutes,
  migrationRoutes,
  packageHolderRoutes,
  userRoutes,
  auditRoutes,
  signingRoutes,
  consoleRoutes,
  environmentBadgeRoutes,
  operationsRoutes,
  apiDocsRoutes,
];
