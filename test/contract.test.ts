import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import type { DeclaredRoute } from '../src/api/access.js';
import { PACKSTORE_EXTENSIONS } from '../src/api/contract/common.js';
import { Ajv } from 'ajv';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { createPackage } from './support/migrations.js';

/** The Tutorial's Year attribute. */
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

/** The calls that are Packstore's own (README, "Beyond the Library API"). */
const EXTENSIONS = [
  /\/sharedFileStore\/files\/\{fileId\}\/uploads/,
  /^\/api\/migrations\/\{id\}\/report$/,
  /^\/api\/migrations\/diff/,
  /^\/api\/users\/\{id\}$/,
  /^\/api\/health/,
  /^\/metrics$/,
  /^\/api\/audit$/,
  /^\/api-docs\//,
  /^\/console/,
  /^\/$/,
  /^\/api\/environment(\/|$)/,
];

type Operation = { tags?: string[]; responses?: Record<string, unknown>; parameters?: { name: string; in: string }[] };
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

/** Fastify's `/api/x/:id` and `/console/*` as OpenAPI writes them. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
const keyOf = (r: DeclaredRoute) => `${r.method} ${r.url}`;

for (const dialect of dialects()) {
  describe(`the declared wire contract [${dialect}]`, () => {
    let s: TestServer;
    let routes: DeclaredRoute[];
    before(async () => {
      s = await startTestServer(dialect);
      // HEAD is Fastify's copy of each GET: the GET carries the contract.
      routes = s.server.app.declaredRoutes.filter((r) => r.method !== 'HEAD');
    });
    after(() => s.close());

    it('has a schema on every route: its answers (a success or a redirect, and the Library error) and its path parameters', () => {
      const problems: string[] = [];
      for (const route of routes) {
        const schema = route.schema;
        const statuses = Object.keys(schema?.response ?? {});
        if (!schema) problems.push(`${keyOf(route)}: no schema`);
        else if (!statuses.some((code) => /^[23]/.test(code)) || !statuses.includes('4xx'))
          problems.push(`${keyOf(route)}: responses ${statuses.join(', ') || 'none'}`);
        else if (/:/.test(route.url) && !schema.params) problems.push(`${keyOf(route)}: no params schema`);
      }
      assert.deepEqual(problems, []);
    });

    it("describes every route in OpenAPI 3.1, tags each call, and tags Packstore's own as extensions", async () => {
      const res = await s.request('GET', '/api-docs/json');
      assert.equal(res.status, 200);
      const doc = (await res.json()) as OpenApi;
      assert.equal(doc.openapi, '3.1.0');
      const problems: string[] = [];
      for (const route of routes) {
        const path = openApiPath(route.url);
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        if (!op) {
          problems.push(`${keyOf(route)}: not in the document`);
          continue;
        }
        const extension = EXTENSIONS.some((pattern) => pattern.test(path));
        if (!op.tags?.length) problems.push(`${keyOf(route)}: no tag`);
        if (extension !== (op.tags ?? []).includes(PACKSTORE_EXTENSIONS))
          problems.push(`${keyOf(route)}: ${extension ? 'not tagged' : 'wrongly tagged'} as an extension`);
      }
      assert.deepEqual(problems, []);
    });

    it('serves a browsable page of every call, under any context path, with nothing from elsewhere', async () => {
      for (const prefix of ['', '/MicroStrategyLibrary']) {
        const res = await s.request('GET', `${prefix}/api-docs/index.html`);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        const page = await res.text();
        assert.match(page, /POST \/api\/migrations</);
        assert.match(page, /href="json"/);
        assert.doesNotMatch(page, /<script|https?:\/\//);
        assert.equal((await s.request('GET', `${prefix}/api-docs/json`)).status, 200);
      }
    });

    it('answers as its response schemas declare', async () => {
      const token = await s.login();
      const created = await createPackage(s, token, { tocView: { content: [{ id: YEAR, type: 12 }] } });
      const ajv = new Ajv({ strict: false });
      const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
      // [the call, the route it reaches, headers]
      const calls: [string, string, Record<string, string>][] = [
        ['/api/status', '/api/status', {}],
        ['/api/sessions', '/api/sessions', {}],
        ['/api/sessions/userInfo', '/api/sessions/userInfo', {}],
        ['/api/projects', '/api/projects', {}],
        ['/api/migrations?packageInfo.purpose=object_migration,project_merge', '/api/migrations', {}],
        [`/api/migrations/${created.id}?showContent=all`, '/api/migrations/:id', {}],
        [`/api/objects/${YEAR}?type=12`, '/api/objects/:id', tutorial],
        ['/api/searches/results?name=Year&getAncestors=true', '/api/searches/results', tutorial],
        ['/api/mstrServices/library/storage/sharedFileStore/files', '/api/mstrServices/library/storage/sharedFileStore/files', {}],
        ['/api/mstrServices/library/storage', '/api/mstrServices/library/storage', {}],
        ['/api/audit?limit=5', '/api/audit', {}],
        ['/api/health/ready', '/api/health/ready', {}],
      ];
      for (const [path, url, headers] of calls) {
        const res = await s.request('GET', path, { token, headers });
        assert.equal(res.status, 200, path);
        const route = routes.find((r) => r.method === 'GET' && r.url === url);
        const schema = (route?.schema?.response as Record<string, object> | undefined)?.['200'];
        assert.ok(schema, `${path}: no 200 schema`);
        const validate = ajv.compile(schema);
        assert.ok(validate(await res.json()), `${path}: ${ajv.errorsText(validate.errors)}`);
      }
    });

    it('answers a schema failure with 400 ERR006 naming the field', async () => {
      const token = await s.login();
      const cases: [string, string, { json?: unknown; headers?: Record<string, string> }, RegExp][] = [
        ['GET', '/api/migrations?limit=abc', {}, /^limit must be a whole number from 1 to 1000; got "abc"\.$/],
        ['GET', '/api/migrations?offset=-1', {}, /^offset must be a whole number/],
        ['GET', '/api/migrations/nope', {}, /^id must be <packageId>:<importId>/],
        ['POST', '/api/migrations', { json: [1] }, /^The body must be a JSON object\.$/],
        ['POST', '/api/migrations', { json: { packageInfo: 'x' } }, /^packageInfo must be a JSON object; got "x"\.$/],
        ['POST', '/api/migrations', { json: {}, headers: { 'X-MSTR-ProjectID': 'nope' } }, /^X-MSTR-ProjectID must be a project id/],
        ['DELETE', '/api/migrations', {}, /^packageId is required\.$/],
      ];
      for (const [method, path, options, message] of cases) {
        const error = await expectLibraryError(await s.request(method, path, { token, ...options }), 400, 'ERR006');
        assert.match(error.message, message, `${method} ${path}`);
      }
    });
  });
}
