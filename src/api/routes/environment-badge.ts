import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app-context.js';
import { PUBLIC } from '../access.js';
import { PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { EnvironmentBadge } from '../contract/environment-badge.js';

/**
 * The environment's name, colour and production mark. Public: the sign-in page shows them too, so that
 * nobody types a production password believing they are on a test server. It tells nothing a visitor
 * of the console could not read from its header.
 */
export function environmentBadgeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const badge: EnvironmentBadge = { name: ctx.config.environmentName, colour: ctx.config.environmentColour, production: ctx.config.environmentProduction };
  app.get(
    '/api/environment',
    {
      config: { access: PUBLIC },
      schema: {
        tags: [PACKSTORE_EXTENSIONS],
        summary: "This environment's name, colour and production mark (the console's header)",
        response: replies({ 200: EnvironmentBadge }),
      },
    },
    async () => badge,
  );
}
