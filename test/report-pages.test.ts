import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, serverPerSuite } from './support/server.js';
import { MIGRATIONS, buildPackage, importToEnd, json, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

for (const dialect of dialects()) {
  describe(`per-object report, paged on the server [${dialect}]`, () => {
    const t = serverPerSuite(dialect);
    let id = '';
    let all: Json[] = [];
    const report = async (query: string) => json(await t.s.request('GET', `${MIGRATIONS}/${id}/report${query}`, { token: t.token }), 200);

    before(async () => {
      const metadata = t.s.server.env.ctx.metadata;
      const year = must(await metadata.getObject(TUTORIAL_PROJECT_ID, YEAR), 'the Year attribute');
      const existing = (await metadata.search({ projectId: TUTORIAL_PROJECT_ID, type: [4], offset: 0, limit: 5 })).objects;
      // New metrics (created), Year changed (replaced), and metrics the target holds, kept as they are.
      const entries = [
        ...newMetrics(23, 'Paged metric'),
        { action: 'replace', explicitIncluded: true, level: 'project_object', object: { ...year, name: 'Year 100% paged_', version: newGuid() } },
        ...existing.map((object) => ({ action: 'use_existing', explicitIncluded: true, level: 'project_object', object })),
      ] as Parameters<typeof buildPackage>[0];
      const imported = await importToEnd(t.s, t.token, await buildPackage(entries));
      assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
      id = imported.id;
      all = (await report('')).data;
      assert.equal(all.length, entries.length, 'without parameters, one page holds a small report whole');
    });

    it('summarises the whole report by action and by type', async () => {
      const { summary, total } = await report('?limit=1');
      assert.equal(total, all.length);
      assert.equal(summary.total, all.length);
      const byAction = new Map<string, number>();
      for (const o of all) byAction.set(o.action, (byAction.get(o.action) ?? 0) + 1);
      assert.deepEqual(new Map(summary.byAction.map((a: Json) => [a.action, a.count])), byAction);
      assert.ok(byAction.size >= 2, `more than one action: ${[...byAction.keys()].join(', ')}`);
      assert.equal(
        summary.byType.reduce((n: number, t: Json) => n + t.count, 0),
        all.length,
      );
      assert.equal(summary.byType.find((t: Json) => t.type === 12)?.count, 1);
    });

    it('pages in the package order: pages put together are the whole report', async () => {
      const pages: Json[] = [];
      for (let offset = 0; offset < all.length; offset += 7) {
        const page = await report(`?offset=${offset}&limit=7`);
        assert.equal(page.total, all.length);
        pages.push(...page.data);
      }
      assert.deepEqual(pages, all);
      assert.deepEqual((await report(`?offset=${all.length}`)).data, []);
    });

    it('filters by action, by type and by text in the name or id, and counts what matches', async () => {
      for (const { action, count } of (await report('')).summary.byAction as Json[]) {
        const page = await report(`?action=${action}`);
        assert.equal(page.total, count, action);
        assert.deepEqual(
          page.data,
          all.filter((o) => o.action === action),
        );
      }
      const years = await report('?type=12');
      assert.deepEqual(
        years.data.map((o: Json) => o.id),
        [YEAR],
      );
      // LIKE wildcards are matched as text; case does not matter.
      assert.deepEqual(
        (await report(`?q=${encodeURIComponent('100% PAGED_')}`)).data.map((o: Json) => o.id),
        [YEAR],
      );
      assert.equal((await report('?q=%25')).total, 1, 'a % matches only names holding one');
      const metrics = await report('?q=paged%20metric%201&type=4');
      assert.deepEqual(
        metrics.data.map((o: Json) => o.name).sort(),
        all
          .filter((o) => /^Paged metric 1/.test(o.name))
          .map((o) => o.name)
          .sort(),
      );
      assert.equal(metrics.total, 11, 'Paged metric 1 and 10–19');
      const byId = await report(`?q=${all[3]?.id.slice(4, 20).toLowerCase()}`);
      assert.deepEqual(byId.data, [all[3]]);
      const none = await report('?action=delete');
      assert.deepEqual([none.total, none.data], [0, []]);
      assert.equal(none.summary.total, all.length, 'the summary is of the whole report');
    });

    it('sorts by a column, either way, and keeps the package order among equals', async () => {
      const names = (await report('?sort=name')).data.map((o: Json) => o.name);
      assert.deepEqual(
        names,
        [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      assert.deepEqual(
        (await report('?sort=-name')).data.map((o: Json) => o.name),
        [...names].reverse(),
      );
      const byType = (await report('?sort=type')).data;
      assert.deepEqual(
        byType.map((o: Json) => o.type),
        all.map((o) => o.type).sort((a, b) => a - b),
      );
      const fours = byType.filter((o: Json) => o.type === 4).map((o: Json) => o.id);
      assert.deepEqual(
        fours,
        all.filter((o) => o.type === 4).map((o) => o.id),
        'equal types keep the package order',
      );
      const second = await report('?sort=-action&offset=5&limit=5');
      assert.deepEqual(second.data, (await report('?sort=-action')).data.slice(5, 10));
    });

    it('refuses bad parameters with 400 ERR006 naming the parameter', async () => {
      const cases: Array<[string, RegExp]> = [
        ['limit=0', /^limit /],
        ['limit=1001', /^limit /],
        ['offset=-1', /^offset /],
        ['type=metric', /^type /],
        ['sort=size', /^sort must be one of package, name/],
        ['action=DROP%20TABLE', /^action /],
        [`q=${'x'.repeat(251)}`, /^q /],
      ];
      for (const [query, message] of cases) {
        const error = await expectLibraryError(await t.s.request('GET', `${MIGRATIONS}/${id}/report?${query}`, { token: t.token }), 400, 'ERR006');
        assert.match(error.message, message, query);
      }
      await expectLibraryError(await t.s.request('GET', `${MIGRATIONS}/${newGuid()}:${newGuid()}/report`, { token: t.token }), 404, 'ERR006');
    });
  });
}
