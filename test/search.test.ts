import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { hashPassword } from '../src/domain/passwords.js';
import { TUTORIAL_PROJECT_ID, PROJECT_ROOT_FOLDER_ID } from '../src/domain/objects.js';
import { ADMINISTRATOR_TRUSTEE, aclEntry } from '../src/domain/acl.js';
import { createPackage, importToEnd } from './support/migrations.js';
import { must } from './support/must.js';

const REVENUE_FACT = '8D67958411D3E4981000E787EC6DE8A4';
const REVENUE_METRIC = '4C05177011D3E877C000B3B2D86C964F';
const DAY = '96ED3EC811D5B117C000E78A4CC5F24F';
const PUBLIC_OBJECTS = '98FE182C2A10427EACE0CD30B6768258';
const SHARED_REPORTS = 'D3C7D461F69C4610AA6BAA5EF51F4125';
const ADMIN_ID = ADMINISTRATOR_TRUSTEE.id;
const LIBRARY_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const ANALYST_PASSWORD = 'analyst-password-for-search-1';
/** The four flags mstrio always sends, as Python prints booleans. */
const FLAGS: Array<[string, string]> = [
  ['usesRecursive', 'False'],
  ['usedByRecursive', 'False'],
  ['usesOneOf', 'False'],
  ['usedByOneOf', 'False'],
];

interface Found {
  id: string;
  name: string;
  type: number;
  subtype: number;
  dateCreated: string;
  dateModified: string;
  owner: { id: string; name: string };
  hidden?: boolean;
  ancestors?: Array<{ id: string; name: string; level: number }>;
}

for (const dialect of dialects()) {
  describe(`search API [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
    const json = async <T>(res: Response, status = 200): Promise<T> => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return JSON.parse(text) as T;
    };
    /** A v2 store call the way mstrio sends it, then the results read (limit/offset only when given). */
    const fullSearch = async (
      params: Array<[string, string]>,
      body: unknown = {},
      options: { as?: string; page?: string; headers?: Record<string, string> } = {},
    ) => {
      const given = new Set(params.map(([key]) => key));
      const defaults = ([['pattern', '4'], ['domain', '2'], ...FLAGS] satisfies Array<[string, string]>).filter(([key]) => !given.has(key));
      const query = new URLSearchParams([...defaults, ...params]);
      const headers = options.headers ?? tutorial;
      const stored = await json<{ id: string; totalItems: number }>(
        await s.request('POST', `/api/v2/metadataSearches/results?${query}`, { token: options.as ?? token, headers, json: body }),
      );
      const res = await s.request('GET', `/api/metadataSearches/results?searchId=${stored.id}${options.page ?? ''}`, { token: options.as ?? token, headers });
      const total = Number(res.headers.get('x-mstr-total-count'));
      return { stored, total, results: await json<Found[]>(res) };
    };
    const names = (list: Found[]) => list.map((o) => o.name);

    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    it("answers mstrio's full_search: v2 store with repeated types, then a bare array in a stable order", async () => {
      const types = ['55', '2', '15', '768', '3072', '14087', '55', '12'].map((t): [string, string] => ['type', t]);
      const { stored, results, total } = await fullSearch([['name', 'Day'], ...types]);
      assert.match(stored.id, /^[0-9A-F]{32}$/);
      assert.equal(stored.totalItems, results.length);
      assert.equal(total, results.length);
      assert.ok(
        results.some((o) => o.id === DAY),
        'the Day attribute',
      );
      for (const o of results) {
        assert.equal(typeof o.type, 'number');
        assert.match(o.name, /day/i);
        assert.ok([55, 2, 15, 12].includes(o.type) || [768, 3072, 14087].includes(o.subtype), `${o.name} ${o.type}/${o.subtype}`);
        assert.match(o.dateCreated, LIBRARY_DATE);
        assert.match(o.dateModified, LIBRARY_DATE);
      }
      const sorted = [...results].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
      assert.deepEqual(
        results.map((o) => o.id),
        sorted.map((o) => o.id),
        'ordered by name, then id',
      );
    });

    it('stores a v1 search sent without body or Content-Type', async () => {
      const query = new URLSearchParams([['name', 'Revenue'], ['pattern', '2'], ['domain', '2'], ['type', '4'], ...FLAGS]);
      const res = await fetch(`${s.url}/api/metadataSearches/results?${query}`, { method: 'POST', headers: { 'X-MSTR-AuthToken': token, ...tutorial } });
      const { id } = await json<{ id: string }>(res);
      const results = await json<Found[]>(await s.request('GET', `/api/metadataSearches/results?searchId=${id}`, { token, headers: tutorial }));
      assert.deepEqual(
        results.map((o) => o.id),
        [REVENUE_METRIC],
      );
    });

    it('matches every name pattern, ignoring case', async () => {
      const byPattern = async (pattern: number, name: string) =>
        names(
          (
            await fullSearch([
              ['name', name],
              ['type', '4'],
              ['pattern', String(pattern)],
            ])
          ).results,
        );
      const exactly = await byPattern(2, 'revenue');
      assert.deepEqual(exactly, ['Revenue']);
      assert.ok((await byPattern(1, 'REVENUE')).every((n) => /^revenue/i.test(n)));
      assert.ok((await byPattern(5, 'revenue')).every((n) => /revenue$/i.test(n)));
      const contains = await byPattern(4, 'revenue');
      assert.ok(contains.includes("Last Quarter's Revenue") && contains.includes('Revenue Forecast'));
      const phrase = await byPattern(3, 'forec');
      assert.ok(phrase.includes('Revenue Forecast') && phrase.every((n) => /(^|\s)forec/i.test(n)));
      const anyWord = await byPattern(0, 'forecast average');
      assert.ok(anyWord.includes('Revenue Forecast') && anyWord.includes('Average Revenue'));
      assert.ok(anyWord.every((n) => /forecast|average/i.test(n)));
      assert.deepEqual(await byPattern(4, '100%_'), [], 'wildcards are literal');
    });

    it('mixes types and subtypes, and searches a root folder with or without subfolders', async () => {
      const cubes = await fullSearch([['type', '776']]);
      assert.deepEqual(names(cubes.results), ['Intelligent Cube - Drilling']);
      const mixed = await fullSearch([
        ['type', '776'],
        ['type', '13'],
      ]);
      assert.ok(mixed.results.every((o) => o.type === 13 || o.subtype === 776));
      assert.ok(mixed.results.some((o) => o.type === 13));
      const deep = await fullSearch([
        ['root', SHARED_REPORTS],
        ['type', '3'],
      ]);
      const shallow = await fullSearch(
        [
          ['root', SHARED_REPORTS],
          ['type', '3'],
        ],
        { includeSubfolders: false },
      );
      assert.ok(deep.results.length > shallow.results.length, `${deep.results.length} > ${shallow.results.length}`);
      const metadata = s.server.env.ctx.metadata;
      for (const o of shallow.results) assert.equal((await metadata.getObject(TUTORIAL_PROJECT_ID, o.id))?.folderId, SHARED_REPORTS);
      const excluded = await fullSearch(
        [
          ['root', SHARED_REPORTS],
          ['type', '3'],
        ],
        { excludedFolders: [SHARED_REPORTS] },
      );
      assert.deepEqual(excluded.results, []);
    });

    it('filters by creation and modification dates, owner and visibility', async () => {
      const folder = await json<Found>(
        await s.request('POST', '/api/folders', { token, headers: tutorial, json: { name: 'Search Dates', parent: PUBLIC_OBJECTS } }),
        201,
      );
      const since = new Date(Date.parse(folder.dateModified.replace('+0000', 'Z')) - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const recent = await fullSearch([['beginModificationTime', since]]);
      assert.ok(recent.results.some((o) => o.id === folder.id));
      assert.ok(recent.results.every((o) => Date.parse(o.dateModified.replace('+0000', 'Z')) >= Date.parse(since)));
      const before = await fullSearch([['endModificationTime', '2000-01-01T00:00:00Z']]);
      assert.deepEqual(before.results, []);
      const created = await fullSearch([['type', '8']], { dateFilterType: 'CREATED', timeRange: { sinceDays: 1 } });
      assert.ok(created.results.some((o) => o.id === folder.id));
      const owned = await fullSearch([['type', '8']], {
        ownerId: ADMIN_ID,
        dateFilterType: 'CREATED',
        timeRange: { beginTime: since.replace('Z', '.000+0000') },
      });
      assert.deepEqual(
        owned.results.map((o) => o.id),
        [folder.id],
      );

      const metadata = s.server.env.ctx.metadata;
      const stored = must(await metadata.getObject(TUTORIAL_PROJECT_ID, folder.id), 'the folder in the metadata');
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [{ ...stored, hidden: true }]);
      const all = await fullSearch([['name', 'Search Dates']]);
      assert.equal(all.results[0]?.hidden, true, 'hidden objects are found without visibility');
      const visible = await fullSearch([
        ['name', 'Search Dates'],
        ['visibility', 'visible'],
      ]);
      assert.deepEqual(visible.results, []);
    });

    it('lists dependents and dependencies, direct and recursive, filtered by type', async () => {
      const metadata = s.server.env.ctx.metadata;
      const direct = (await metadata.dependentsOf(TUTORIAL_PROJECT_ID, [REVENUE_FACT])).get(REVENUE_FACT) ?? [];
      const dependents = await fullSearch([
        ['scope', 'standalone'],
        ['usesObject', `${REVENUE_FACT};13`],
      ]);
      assert.deepEqual(new Set(dependents.results.map((o) => o.id)), new Set(direct));
      assert.ok(direct.includes(REVENUE_METRIC));

      const reachable = new Set<string>();
      let frontier = [REVENUE_FACT];
      while (frontier.length > 0) {
        const next = [...(await metadata.dependentsOf(TUTORIAL_PROJECT_ID, frontier)).values()].flat().filter((id) => !reachable.has(id));
        for (const id of next) reachable.add(id);
        frontier = next;
      }
      reachable.delete(REVENUE_FACT);
      const recursive = (
        await fullSearch([
          ['usesObject', `${REVENUE_FACT};13`],
          ['usesRecursive', 'True'],
        ])
      ).results;
      assert.deepEqual(new Set(recursive.map((o) => o.id)), reachable);
      assert.ok(recursive.length > direct.length);
      const reports = (
        await fullSearch([
          ['usesObject', `${REVENUE_FACT};13`],
          ['usesRecursive', 'True'],
          ['type', '3'],
        ])
      ).results;
      assert.ok(reports.length > 0 && reports.every((o) => o.type === 3));

      const metric = must(await metadata.getObject(TUTORIAL_PROJECT_ID, REVENUE_METRIC), 'the Revenue metric in the metadata');
      const components = (await fullSearch([['usedByObject', `${REVENUE_METRIC};4`]])).results;
      assert.deepEqual(new Set(components.map((o) => o.id)), new Set(metric.uses.filter((id) => id !== REVENUE_METRIC)));
      assert.ok(components.some((o) => o.id === REVENUE_FACT));
      const hasDependents = await fullSearch(
        [
          ['usesObject', `${REVENUE_METRIC};4`],
          ['scope', 'all'],
        ],
        {},
        { page: '&limit=1' },
      );
      assert.equal(hasDependents.results.length, 1);
      assert.deepEqual(
        (
          await fullSearch([
            ['usesObject', `${REVENUE_METRIC};4`],
            ['scope', 'managed'],
          ])
        ).results,
        [],
      );
    });

    it('pages stably: pages put together are the whole list, and the total holds on every page', async () => {
      const whole = await fullSearch([['type', '4']]);
      assert.ok(whole.results.length > 20);
      const pages: Found[] = [];
      for (let offset = 0; offset < whole.results.length; offset += 7) {
        const page = await fullSearch([['type', '4']], {}, { page: `&offset=${offset}&limit=7` });
        assert.equal(page.total, whole.results.length);
        pages.push(...page.results);
      }
      assert.deepEqual(
        pages.map((o) => o.id),
        whole.results.map((o) => o.id),
      );
    });

    it('leaves out objects the caller may not browse before paging, and never counts them', async () => {
      const user = await s.server.env.ctx.users.create({ login: 'searcher', passwordHash: await hashPassword(ANALYST_PASSWORD) });
      const analyst = await s.login('searcher', ANALYST_PASSWORD);
      const metadata = s.server.env.ctx.metadata;
      const folder = await json<Found>(
        await s.request('POST', '/api/folders', { token, headers: tutorial, json: { name: 'Secret Area', parent: PUBLIC_OBJECTS } }),
        201,
      );
      const secretAcl = [aclEntry(ADMINISTRATOR_TRUSTEE, 255), aclEntry({ id: user.id, name: 'searcher', subtype: 8704 }, 255, { deny: true })];
      for (const name of ['Secret Alpha', 'Secret Beta', 'Visible Gamma']) {
        const child = await json<Found>(await s.request('POST', '/api/folders', { token, headers: tutorial, json: { name, parent: folder.id } }), 201);
        if (name.startsWith('Secret')) {
          const stored = must(await metadata.getObject(TUTORIAL_PROJECT_ID, child.id), 'the child in the metadata');
          await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [{ ...stored, acl: secretAcl }]);
        }
      }
      const asAdmin = await fullSearch([['root', folder.id]]);
      assert.equal(asAdmin.total, 3);
      const asAnalyst = await fullSearch([['root', folder.id]], {}, { as: analyst, page: '&offset=0&limit=1' });
      assert.equal(asAnalyst.total, 1, 'hidden matches are not counted');
      assert.deepEqual(names(asAnalyst.results), ['Visible Gamma'], 'the first page is full');
      const quick = await json<{ totalItems: number; result: Found[] }>(
        await s.request('GET', `/api/searches/results?name=Secret&root=${folder.id}`, { token: analyst, headers: tutorial }),
      );
      assert.deepEqual(quick, { totalItems: 0, result: [] });
      const listing = await s.request('GET', `/api/folders/${folder.id}?offset=0&limit=1`, { token: analyst, headers: tutorial });
      assert.equal(listing.headers.get('x-mstr-total-count'), '1');
      assert.deepEqual(names(await json<Found[]>(listing)), ['Visible Gamma']);
      const byName = await fullSearch([['name', 'Secret']], {}, { as: analyst });
      assert.deepEqual(names(byName.results), ['Secret Area']);
    });

    it('returns the results as a folder tree', async () => {
      const { stored } = await fullSearch([
        ['name', 'Revenue'],
        ['pattern', '2'],
        ['type', '4'],
      ]);
      const tree = await json<{ totalItems: number; folders: Array<{ id: string; children: unknown[] }> }>(
        await s.request('GET', `/api/metadataSearches/results/tree?searchId=${stored.id}`, { token, headers: tutorial }),
      );
      assert.equal(tree.totalItems, 1);
      assert.equal(tree.folders[0]?.id, PROJECT_ROOT_FOLDER_ID);
      const leaves = (node: { id: string; children: unknown[] }): string[] =>
        node.children.length === 0 ? [node.id] : node.children.flatMap((c) => leaves(c as { id: string; children: unknown[] }));
      assert.deepEqual(leaves(must(tree.folders[0], 'at least one entry in tree.folders')), [REVENUE_METRIC]);
    });

    it('searches configuration objects with domain 4 and no project header', async () => {
      const { results } = await fullSearch([['domain', '4']], {}, { headers: {} });
      assert.ok(results.some((o) => o.id === ADMIN_ID && o.type === 34));
    });

    it('answers quick search, suggestions and objects by id as mstrio reads them', async () => {
      const quick = await json<{ totalItems: number; result: Found[] }>(
        await s.request(
          'GET',
          '/api/searches/results?name=Revenue&type=4&type=13&pattern=4&getAncestors=True&certifiedStatus=ALL&isCrossCluster=False&offset=0&limit=3',
          { token, headers: tutorial },
        ),
      );
      assert.equal(quick.result.length, 3);
      assert.ok(quick.totalItems > 3);
      assert.ok(quick.result.every((o) => (o.type === 4 || o.type === 13) && (o.ancestors?.length ?? 0) > 0));
      const hiddenOnly = await json<{ result: Found[] }>(
        await s.request('GET', '/api/searches/results?name=Search+Dates&result.hidden=True', { token, headers: tutorial }),
      );
      assert.ok(hiddenOnly.result.every((o) => o.hidden === true));
      const suggestions = await json<{ suggestions: Array<{ name: string }> }>(
        await s.request('GET', '/api/searches/suggestions?key=Reven?count=2?isCrossCluster=None', { token, headers: tutorial }),
      );
      assert.equal(suggestions.suggestions.length, 2);
      assert.ok(suggestions.suggestions.every((x) => /(^|\s)reven/i.test(x.name)));
      const byId = await json<{ result: Found[] }>(
        await s.request('POST', '/api/searches/objects?includeAncestors=False&showNavigationPath=False', {
          token,
          headers: tutorial,
          json: { projectIdAndObjectIds: [{ projectId: TUTORIAL_PROJECT_ID, objectIds: [REVENUE_METRIC, DAY, '0123456789ABCDEF0123456789ABCDEF'] }] },
        }),
      );
      assert.deepEqual(
        byId.result.map((o) => o.id),
        [REVENUE_METRIC, DAY],
      );
    });

    it('creates, reads, alters, runs and deletes search objects (type 39) as mstrio does', async () => {
      const created = await json<{ id: string }>(
        await s.request('POST', '/api/searchObjects', {
          token,
          headers: tutorial,
          json: {
            name: 'Revenue metrics',
            nameQuery: 'Revenue',
            lcidQuery: 1033,
            includeSubfolders: true,
            scope: 'NOT_MANAGED_ONLY',
            location: PUBLIC_OBJECTS,
            root: PROJECT_ROOT_FOLDER_ID,
            types: ['metric'],
            subtypes: ['report_cube'],
            visibility: 'visible',
          },
        }),
        201,
      );
      const object = await json<Found & { acl: unknown[] }>(
        await s.request('GET', `/api/objects/${created.id}?type=39&comments=True`, { token, headers: tutorial }),
      );
      assert.equal(object.type, 39);
      assert.equal(object.subtype, 9984);
      assert.equal(object.ancestors?.at(-1)?.id, PUBLIC_OBJECTS);
      assert.ok(object.acl.length > 0);
      const criteria = await json<Record<string, unknown>>(await s.request('GET', `/api/searchObjects/${created.id}`, { token, headers: tutorial }));
      assert.deepEqual(
        { ...criteria },
        {
          id: created.id,
          name: 'Revenue metrics',
          nameQuery: 'Revenue',
          localeId: 1033,
          includeSubfolders: true,
          scope: 'NOT_MANAGED_ONLY',
          root: PROJECT_ROOT_FOLDER_ID,
          types: ['metric'],
          subtypes: ['report_cube'],
          visibility: 'VISIBLE',
        },
      );
      const run = await json<{ totalItems: number; result: Found[] }>(
        await s.request('GET', `/api/searchObjects/${created.id}/results?offset=0&limit=2`, { token, headers: tutorial }),
      );
      assert.equal(run.result.length, 2);
      assert.ok(run.totalItems > 2 && run.result.every((o) => o.type === 4 && /revenue/i.test(o.name)));
      const metricsOnly = await json<{ totalItems: number }>(
        await s.request('GET', `/api/searchObjects/${created.id}/results?result.subtypes=1024`, { token, headers: tutorial }),
      );
      assert.equal(metricsOnly.totalItems, run.totalItems, 'every match is a plain metric');
      const attributes = await json<{ totalItems: number }>(
        await s.request('GET', `/api/searchObjects/${created.id}/results?result.subtypes=3072`, { token, headers: tutorial }),
      );
      assert.equal(attributes.totalItems, 0, 'a subtype outside the criteria narrows to nothing');

      const altered = await json<Record<string, unknown>>(
        await s.request('PATCH', `/api/searchObjects/${created.id}`, {
          token,
          headers: tutorial,
          json: {
            operationList: [
              { op: 'replace', path: '/nameQuery', value: 'Revenue Forecast' },
              { op: 'replace', path: '/subtypes', value: null },
            ],
          },
        }),
      );
      assert.equal(altered.nameQuery, 'Revenue Forecast');
      assert.equal(altered.subtypes, undefined);
      const rerun = await json<{ result: Found[] }>(await s.request('GET', `/api/searchObjects/${created.id}/results`, { token, headers: tutorial }));
      assert.deepEqual(names(rerun.result), ['Revenue Forecast']);

      const found = await fullSearch([
        ['name', 'Revenue metrics'],
        ['pattern', '2'],
        ['type', '39'],
      ]);
      assert.deepEqual(
        found.results.map((o) => o.id),
        [created.id],
        'search objects are found like any object',
      );
      const renamed = await json<Found>(
        await s.request('PUT', `/api/objects/${created.id}?type=39`, { token, headers: tutorial, json: { name: 'Forecasts' } }),
      );
      assert.equal(renamed.name, 'Forecasts');
      assert.equal((await s.request('DELETE', `/api/objects/${created.id}?type=39`, { token, headers: tutorial })).status, 204);
      await expectLibraryError(await s.request('GET', `/api/searchObjects/${created.id}`, { token, headers: tutorial }), 404, 'ERR006');
      await expectLibraryError(await s.request('GET', `/api/searchObjects/${created.id}/results`, { token, headers: tutorial }), 404, 'ERR006');
      await expectLibraryError(await s.request('GET', `/api/searchObjects/${DAY}`, { token, headers: tutorial }), 404, 'ERR006');
    });

    it('carries search objects in packages like any other object: deleted, then imported back with their criteria', async () => {
      const created = await json<{ id: string }>(
        await s.request('POST', '/api/searchObjects', {
          token,
          headers: tutorial,
          json: { name: 'Travelling search', nameQuery: 'Revenue Forecast', types: ['metric'], location: PUBLIC_OBJECTS },
        }),
        201,
      );
      const pkg = await createPackage(s, token, {
        tocView: { settings: { defaultAction: 'replace' }, content: [{ id: created.id, type: 39, action: 'replace', includeDependents: false }] },
      });
      const binary = await s.request('GET', `/api/migrations/packages/${pkg.packageInfo.id}/binary`, { token });
      const bytes = Buffer.from(await binary.arrayBuffer());
      assert.equal((await s.request('DELETE', `/api/objects/${created.id}?type=39`, { token, headers: tutorial })).status, 204);
      const imported = await importToEnd(s, token, bytes);
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      const criteria = await json<Record<string, unknown>>(await s.request('GET', `/api/searchObjects/${created.id}`, { token, headers: tutorial }));
      assert.equal(criteria.nameQuery, 'Revenue Forecast');
      const run = await json<{ result: Found[] }>(await s.request('GET', `/api/searchObjects/${created.id}/results`, { token, headers: tutorial }));
      assert.deepEqual(names(run.result), ['Revenue Forecast']);
    });

    it('answers bad input with 400 ERR006 naming the parameter, and unknown searches with 404', async () => {
      const store = (query: string, body: unknown = {}) =>
        s.request('POST', `/api/v2/metadataSearches/results?${query}`, { token, headers: tutorial, json: body });
      const cases: Array<[Promise<Response>, RegExp]> = [
        [store('pattern=9'), /pattern/],
        [store('domain=0'), /domain/],
        [store('type=abc'), /type/],
        [store('beginModificationTime=yesterday'), /beginModificationTime/],
        [store('usesObject=nope'), /usesObject/],
        [store(`usesObject=${DAY}%3B12&usedByObject=${DAY}%3B12`), /usesObject/],
        [store('scope=everything'), /scope/],
        [store('visibility=some'), /visibility/],
        [store('root=lower'), /root/],
        [store('', { timeRange: { sinceDays: 1 } }), /dateFilterType/],
        [store('', { dateFilterType: 'CREATED', timeRange: { sinceDays: 1, sinceMonths: 1 } }), /timeRange/],
        [store('', { excludedFolders: 'x' }), /excludedFolders/],
        [store('', { color: 'red' }), /color/],
        [s.request('GET', '/api/metadataSearches/results?searchId=x', { token }), /searchId/],
        [s.request('GET', '/api/searches/results?limit=lots', { token, headers: tutorial }), /limit/],
        [s.request('GET', '/api/searches/results?offset=-1', { token, headers: tutorial }), /offset/],
        [s.request('GET', '/api/searches/results?certifiedStatus=MAYBE', { token, headers: tutorial }), /certifiedStatus/],
        [s.request('POST', '/api/searchObjects', { token, headers: tutorial, json: { name: 'x', types: ['spaceship'] } }), /types/],
        [s.request('POST', '/api/searchObjects', { token, headers: tutorial, json: { name: 'x', scope: 'nowhere' } }), /scope/],
        [s.request('PATCH', `/api/searchObjects/${DAY}`, { token, headers: tutorial, json: { operationList: [{ op: 'remove', path: '/nameQuery' }] } }), /op/],
        [
          s.request('PATCH', `/api/searchObjects/${DAY}`, { token, headers: tutorial, json: { operationList: [{ op: 'replace', path: '/owner', value: 1 }] } }),
          /path/,
        ],
      ];
      for (const [res, names] of cases) assert.match((await expectLibraryError(await res, 400, 'ERR006')).message, names);
      const unknown = await expectLibraryError(await s.request('GET', `/api/metadataSearches/results?searchId=${'A'.repeat(32)}`, { token }), 404, 'ERR004');
      assert.notEqual(unknown.message, 'HTTP 404 Not Found');
      await expectLibraryError(await s.request('GET', `/api/metadataSearches/results/tree?searchId=${'A'.repeat(32)}`, { token }), 404, 'ERR004');
      const other = await s.server.env.ctx.users.create({ login: 'other-searcher', passwordHash: await hashPassword(ANALYST_PASSWORD) });
      assert.ok(other.id);
      const mine = await fullSearch([['name', 'Day']]);
      const theirs = await s.login('other-searcher', ANALYST_PASSWORD);
      await expectLibraryError(await s.request('GET', `/api/metadataSearches/results?searchId=${mine.stored.id}`, { token: theirs }), 404, 'ERR004');
    });
  });
}
