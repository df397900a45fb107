import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { PUBLIC } from '../access.js';
import { ERROR_REPLIES, PACKSTORE_EXTENSIONS } from '../contract/common.js';
import { renderApiPage, type OpenApiDocument } from '../api-docs-page.js';

const DOCS = { tags: [PACKSTORE_EXTENSIONS], summary: "This API's OpenAPI 3.1 description" };

/**
 * The OpenAPI description where the Library serves its own (`/api-docs/…`, also under a context path):
 * the JSON, and a page that lists every call, rendered here so that it needs nothing from the internet.
 */
export function apiDocsRoutes(app: FastifyInstance): void {
  app.get(
    '/api-docs/json',
    {
      config: { access: PUBLIC },
      schema: { ...DOCS, response: { 200: Type.Object({}, { additionalProperties: true, description: 'The OpenAPI document.' }), ...ERROR_REPLIES } },
    },
    async () => app.swagger(),
  );

  app.get(
    '/api-docs/index.html',
    { config: { access: PUBLIC }, schema: { ...DOCS, response: { 200: Type.String({ description: 'The browsable page.' }), ...ERROR_REPLIES } } },
    async (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(renderApiPage(app.swagger() as OpenApiDocument)),
  );
}
