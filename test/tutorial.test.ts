import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { buildTutorialContent } from '../src/domain/tutorial/build.js';
import { CONFIGURATION_PROJECT_ID, PROJECT_ROOT_FOLDER_ID, TUTORIAL_PROJECT_ID, type MetadataObject } from '../src/domain/objects.js';
import { must } from './support/must.js';

const REVENUE_METRIC = '4C05177011D3E877C000B3B2D86C964F';
const REVENUE_FACT = '8D67958411D3E4981000E787EC6DE8A4';
const CUSTOMER_ANALYSIS = 'F294156C11D60AD910008BB3D1CEE6A4';
const COCKPIT = '643209B54CC84199C48A238ACB6CB621';
const LU_YEAR = '8D6793C211D3E4981000E787EC6DE8A4';
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

function assertConsistent(objects: readonly MetadataObject[]): void {
  const byId = new Map(objects.map((o) => [o.id, o]));
  assert.equal(byId.size, objects.length, 'ids are unique');
  const names = new Set<string>();
  for (const o of objects) {
    assert.match(o.id, /^[0-9A-F]{32}$/);
    assert.match(o.version, /^[0-9A-F]{32}$/);
    assert.equal(o.subtype >> 8, o.type, `${o.name}: subtype >> 8 is the type`);
    if (o.folderId !== null) assert.equal(byId.get(o.folderId)?.type, 8, `${o.name} sits in a folder`);
    for (const used of o.uses) assert.ok(byId.has(used), `${o.name} uses ${used}, which exists`);
    const key = `${o.folderId}|${o.type}|${o.name}`;
    assert.ok(!names.has(key), `${o.name} is unique in its folder`);
    names.add(key);
  }
  // The graph is acyclic: a depth-first walk never meets an object on its own path.
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    assert.notEqual(state.get(id), 'open', `cycle through ${id}`);
    state.set(id, 'open');
    for (const used of byId.get(id)?.uses ?? []) visit(used);
    state.set(id, 'done');
  };
  for (const o of objects) visit(o.id);
}

describe('Tutorial content', () => {
  const content = buildTutorialContent();

  it('is the same on every build', () => {
    assert.deepEqual(buildTutorialContent(), content);
  });

  it('holds the real Tutorial ids in a consistent folder tree and dependency graph', () => {
    assertConsistent(content.projectObjects);
    assertConsistent(content.configurationObjects);
    const root = content.projectObjects.find((o) => o.id === PROJECT_ROOT_FOLDER_ID);
    assert.equal(root?.name, 'MicroStrategy Tutorial');
    assert.equal(root?.folderId, null);
    const byId = new Map(content.projectObjects.map((o) => [o.id, o]));
    assert.ok(byId.get(CUSTOMER_ANALYSIS)?.uses.includes(REVENUE_METRIC), 'report → metric');
    assert.ok(byId.get(REVENUE_METRIC)?.uses.includes(REVENUE_FACT), 'metric → fact');
    assert.ok(byId.get(YEAR)?.uses.includes(LU_YEAR), 'attribute → table');
    assert.ok(
      byId.get(REVENUE_FACT)?.uses.some((id) => byId.get(id)?.type === 15),
      'fact → table',
    );
    const cockpit = must(byId.get(COCKPIT), 'the cockpit dashboard').uses;
    assert.ok(cockpit.length > 0 && cockpit.every((id) => byId.get(id)?.type === 3), 'document → datasets');
    assert.ok(content.projectObjects.length > 150);
    assert.ok(content.configurationObjects.some((o) => o.type === 34 && o.subtype === 8705 && o.name === 'Everyone'));
    assert.ok(content.configurationObjects.some((o) => o.type === 44 && o.name === 'Analyst'));
  });
});

describe('Tutorial seeding', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('gives every fresh environment identical fingerprints, on every dialect', async () => {
    const fingerprints = new Set<string>();
    for (const dialect of dialects()) {
      for (let i = 0; i < 2; i++) {
        const s = await startTestServer(dialect);
        servers.push(s);
        const metadata = s.server.env.ctx.metadata;
        fingerprints.add(`${await metadata.fingerprint(TUTORIAL_PROJECT_ID)} ${await metadata.fingerprint(CONFIGURATION_PROJECT_ID)}`);
        assert.equal(await metadata.countObjects(TUTORIAL_PROJECT_ID), buildTutorialContent().projectObjects.length);
        assert.deepEqual((await metadata.dependentsOf(TUTORIAL_PROJECT_ID, [REVENUE_FACT])).get(REVENUE_FACT)?.includes(REVENUE_METRIC), true);
      }
    }
    assert.equal(fingerprints.size, 1, [...fingerprints].join('\n'));
  });

  for (const dialect of dialects()) {
    it(`seeds only on the first start, so changes survive a restart [${dialect}]`, async () => {
      const first = await startTestServer(dialect);
      servers.push(first);
      const token = await first.login();
      const renamed = await first.request('PUT', `/api/objects/${YEAR}?type=12`, {
        token,
        headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID },
        json: { name: 'Calendar Year' },
      });
      assert.equal(renamed.status, 200, await renamed.text());
      await first.stop();
      const second = await startTestServer(dialect, {}, first.files);
      servers.push(second);
      assert.equal((await second.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, YEAR))?.name, 'Calendar Year');
    });
  }
});
