import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from 'typebox';
import { PUBLIC } from '../access.js';
import { PACKSTORE_EXTENSIONS, replies } from '../contract/common.js';
import { NotFoundError } from '../../domain/errors.js';

/** Where `npm ci` (the prepare script, `vite build web`) puts the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));
export const CONSOLE_PATH = '/console';

/** Vite names every asset after its content, so a browser may keep them for good. */
const ASSETS = 'assets/';
const ASSET_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

/** The console needs nothing from other origins: it calls the API of the server that served it. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const CONSOLE_TAGS = [PACKSTORE_EXTENSIONS];
const PAGE = Type.String({ description: "The console's page or one of its files." });

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Packstore console not built</title></head>
<body>
<main>
<h1>The web console has not been built</h1>
<p>This server has no console files in <code>web/dist</code>. Build them in the Packstore folder with
<code>npm ci</code> (it builds the console) or <code>npm run build:console</code>, then reload this page.</p>
<p>The REST API under <code>/api</code> works without the console.</p>
</main>
</body>
</html>
`;

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function notBuilt(reply: FastifyReply): FastifyReply {
  return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT_PAGE);
}

/**
 * The web console at /console, from the built files in `root`. Every other path under /console
 * gets index.html, because the console routes in the browser; the files are public, the API
 * calls the page makes carry the user's token.
 */
export function serveConsoleFrom(root: string) {
  const base = path.resolve(root);
  return async function consoleRoutes(app: FastifyInstance): Promise<void> {
    // Scoped: the sendFile decorator and its root belong to these routes only.
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: base, serve: false, decorateReply: true, wildcard: false });

      const toConsole = { tags: CONSOLE_TAGS, summary: 'To the web console', response: replies({ 301: Type.Null({ description: 'To /console/.' }) }) };
      scope.get(CONSOLE_PATH, { config: { access: PUBLIC }, schema: toConsole }, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 301));
      // The server's root leads a person who typed only host and port to the console (302: the root may serve more one day).
      const fromRoot = { tags: CONSOLE_TAGS, summary: 'To the web console', response: replies({ 302: Type.Null({ description: 'To /console/.' }) }) };
      scope.get('/', { config: { access: PUBLIC }, schema: fromRoot }, async (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`, 302));

      const files = {
        tags: CONSOLE_TAGS,
        summary: 'The web console',
        params: Type.Object({ '*': Type.String() }),
        response: replies({ 200: PAGE, 503: PAGE }),
      };
      scope.get<{ Params: { '*': string } }>(`${CONSOLE_PATH}/*`, { config: { access: PUBLIC }, schema: files }, async (request, reply) => {
        reply.headers(PAGE_HEADERS);
        if (!(await isFile(path.join(base, 'index.html')))) return notBuilt(reply);
        const wanted = request.params['*'];
        const file = path.resolve(base, wanted);
        if (wanted !== '' && file.startsWith(base + path.sep) && (await isFile(file))) {
          const asset = wanted.startsWith(ASSETS);
          return reply.sendFile(path.relative(base, file), asset ? { maxAge: ASSET_MAX_AGE_MS, immutable: true } : { cacheControl: false });
        }
        // A missing asset is a stale page or a typo: the HTML shell would only hide the error.
        if (wanted.startsWith(ASSETS)) throw new NotFoundError(`The console has no file ${wanted}.`);
        return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
      });
    });
  };
}

export const consoleRoutes = serveConsoleFrom(CONSOLE_DIST);
