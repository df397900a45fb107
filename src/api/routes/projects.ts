import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { SIGNED_IN } from '../access.js';
import { projectJson } from '../object-json.js';

/** GET /api/projects: a bare array, which mstrio requires (it matches projects by exact name). */
export function projectRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/projects', { config: { access: SIGNED_IN } }, async () => (await ctx.metadata.listProjects()).map(projectJson));
}
