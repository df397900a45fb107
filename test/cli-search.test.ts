import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { cliHome, type CliHome } from './support/cli-client.js';
import type { Json } from './support/migrations.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';

const TUTORIAL = 'MicroStrategy Tutorial';
const PUBLIC_OBJECTS = '98FE182C2A10427EACE0CD30B6768258';
const REVENUE_METRIC = '4C05177011D3E877C000B3B2D86C964F';
const REVENUE_FACT = '8D67958411D3E4981000E787EC6DE8A4';

for (const dialect of dialects()) {
  describe(`packstore search and package content from searches and folders [${dialect}]`, () => {
    let s: TestServer;
    let home: CliHome;
    let token: string;
    const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
    const json = async (res: Response, status = 200): Promise<Json> => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return JSON.parse(text) as Json;
    };
    /** The package's table of contents: explicit rows and what came with them. */
    const contentOf = async (migrationId: string) => {
      const toc = await json(await s.request('GET', `/api/migrations/${migrationId}?showContent=tocview`, { token, headers: tutorial }));
      return toc.packageInfo.tocView.content as Array<{ id: string; type: number; explicitIncluded: boolean }>;
    };

    before(async () => {
      [s, home] = await Promise.all([startTestServer(dialect), cliHome()]);
      token = await s.login();
      const login = await home.run(['login', s.url, '--profile', 'p']);
      assert.equal(login.code, 0, login.stderr);
    });
    after(async () => {
      await Promise.all([s?.close(), home?.dispose()]);
    });

    it('searches by name, type and modification date', async () => {
      const found = await home.json<Json[]>(['search', 'revenue', '--project', TUTORIAL, '--type', '4', '--profile', 'p']);
      assert.ok(found.some((o) => o.id === REVENUE_METRIC));
      assert.ok(found.every((o) => o.type === 4 && /revenue/i.test(o.name)));
      const future = await home.json<Json[]>(['search', 'revenue', '--project', TUTORIAL, '--modified-since', '2999-01-01', '--profile', 'p']);
      assert.deepEqual(future, []);
      const text = await home.run(['search', 'Revenue Forecast', '--project', TUTORIAL, '--profile', 'p']);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^ID {32}TYPE {2}SUBTYPE {2}NAME {2,}MODIFIED\n[0-9A-F]{32} {2}4 {5}1024 {5}Revenue Forecast {2,}\S/);
      const bad = await home.run(['search', 'x', '--project', TUTORIAL, '--type', 'metric', '--profile', 'p']);
      assert.equal(bad.code, 2);
    });

    it('creates a package from a search object, by name, with its results as content', async () => {
      const search = await json(
        await s.request('POST', '/api/searchObjects', {
          token,
          headers: tutorial,
          json: { name: 'Forecast metrics', nameQuery: 'Forecast', types: ['metric'], location: PUBLIC_OBJECTS },
        }),
        201,
      );
      const expected = await json(await s.request('GET', `/api/searchObjects/${search.id}/results`, { token, headers: tutorial }));
      assert.ok(expected.result.length > 0);
      const created = await home.json([
        'migrations',
        'create',
        '--project',
        TUTORIAL,
        '--search',
        'Forecast metrics',
        '--name',
        'from a search',
        '--profile',
        'p',
      ]);
      assert.equal(created.packageInfo.status, 'created', created.packageInfo.message);
      const rows = await contentOf(created.id);
      assert.deepEqual(new Set(rows.filter((r) => r.explicitIncluded).map((r) => r.id)), new Set(expected.result.map((o: Json) => o.id)));
    });

    it('creates a package from a folder path, and adds dependencies by type', async () => {
      const folder = await json(
        await s.request('POST', '/api/folders', { token, headers: tutorial, json: { name: 'Package Me', parent: PUBLIC_OBJECTS } }),
        201,
      );
      const copy = await json(
        await s.request('POST', `/api/objects/${REVENUE_METRIC}/copy?type=4`, {
          token,
          headers: tutorial,
          json: { name: 'Revenue Copy', folderId: folder.id },
        }),
        201,
      );
      const created = await home.json([
        'migrations',
        'create',
        '--project',
        TUTORIAL,
        '--folder',
        'Public Objects/Package Me',
        '--with-dependencies=13',
        '--name',
        'from a folder',
        '--profile',
        'p',
      ]);
      assert.equal(created.packageInfo.status, 'created', created.packageInfo.message);
      const rows = await contentOf(created.id);
      const ids = rows.map((r) => r.id);
      assert.ok(ids.includes(folder.id) && ids.includes(copy.id), 'the folder and what it holds');
      assert.ok(ids.includes(REVENUE_FACT), 'the facts the metric uses');
      const explicit = rows.filter((r) => r.explicitIncluded);
      assert.ok(
        explicit.every((r) => [8, 4, 13].includes(r.type)),
        'only dependencies of the asked types are added',
      );

      const missing = await home.run(['migrations', 'create', '--project', TUTORIAL, '--folder', 'Public Objects/Nowhere', '--profile', 'p']);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Nowhere/);
      const nothing = await home.run(['migrations', 'create', '--project', TUTORIAL, '--profile', 'p']);
      assert.equal(nothing.code, 2);
    });
  });
}
