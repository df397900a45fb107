import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { SIGNED_IN } from '../access.js';
import { projectJson } from '../object-json.js';
import { replies } from '../contract/common.js';
import { ProjectList } from '../contract/objects.js';

/** GET /api/projects: a bare array, which mstrio requires (it matches projects by exact name). */
export function projectRoutes(app: FastifyInstance, ctx: AppContext): void {
  const schema = { tags: ['Projects'], summary: 'The projects (a bare array)', response: replies({ 200: ProjectList }) };
  app.get('/api/projects', { config: { access: SIGNED_IN }, schema }, async () => (await ctx.objects.projects()).map(projectJson));
}
