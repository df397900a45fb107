import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { LIBRARY_VERSION } from './routes/auth.js';
import { PACKSTORE_EXTENSIONS } from './contract/common.js';

/**
 * OpenAPI 3.1, generated from the route schemas: @fastify/swagger collects every route as it is
 * registered, so this runs before the route modules.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Packstore',
        version: LIBRARY_VERSION,
        description:
          'The MicroStrategy Library REST API for migration packages, as Packstore serves it, under /api and under any context path in front of it (/MicroStrategyLibrary/api/…). Calls tagged "Packstore extensions" are Packstore\'s own.',
      },
      components: {
        securitySchemes: { authToken: { type: 'apiKey', in: 'header', name: 'X-MSTR-AuthToken' } },
      },
      tags: [{ name: PACKSTORE_EXTENSIONS, description: "Calls that are Packstore's own, beside the Library's." }],
    },
    // A route behind an access rule needs a session: the document says so from the same rule.
    transform: ({ schema, url, route }) => {
      const access = route.config?.access;
      const signedIn = access !== undefined && !('public' in access);
      return { schema: signedIn ? { ...schema, security: [{ authToken: [] }] } : schema, url };
    },
  });
}
