import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { SUBTYPE_ALIASES, TYPE_ALIASES } from '../src/domain/search/type-aliases.js';

/**
 * mstrio-py's search calls, exactly as its traces show them (search contract §4, §7): each row a
 * request, with what the client then reads from the answer ([R] fields). `{searchId}` and
 * `{searchObjectId}` stand for the ids earlier rows got.
 */
interface Row {
  step: string;
  method: string;
  url: string;
  project: boolean;
  json?: unknown;
  expect: 'stored' | 'list' | 'quick' | 'suggestions' | 'byId' | 'object' | 'createdSearchObject' | 'criteria' | 'deleted';
  atLeast?: number;
}

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/mstrio-search.jsonl');
const ROWS = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Row);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const SCOPES = ['ROOTED', 'NOT_MANAGED_ONLY', 'MANAGED_ONLY', 'ALL'];

/** What mstrio needs of every result element: a 32-hex id, an integer type, a name, ISO dates (§5). */
function checkElement(o: Record<string, unknown>, step: string): void {
  assert.match(String(o.id), /^[0-9A-F]{32}$/, step);
  assert.equal(typeof o.type, 'number', step);
  assert.equal(typeof o.name, 'string', step);
  assert.match(String(o.dateModified), ISO, step);
}

for (const dialect of dialects()) {
  describe(`replay of mstrio's search calls [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    it('answers every call the way the client reads it', async () => {
      const ids: Record<string, string> = { PROJECT: TUTORIAL_PROJECT_ID };
      const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, key: string) => ids[key] ?? `{${key}}`);
      for (const row of ROWS) {
        const headers: Record<string, string> = row.project ? { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID } : {};
        const json = row.json === undefined ? undefined : JSON.parse(fill(JSON.stringify(row.json)));
        const res = await s.request(row.method, fill(row.url), { token, headers, json });
        const text = await res.text();
        assert.ok(res.ok, `${row.step}: ${res.status} ${text}`);
        if (row.expect === 'deleted') continue;
        const body = JSON.parse(text);
        switch (row.expect) {
          case 'stored':
            assert.equal(typeof body.id, 'string', row.step);
            ids.searchId = body.id;
            break;
          case 'list':
            assert.ok(Array.isArray(body), `${row.step}: a bare array`);
            assert.ok(body.length >= (row.atLeast ?? 0), `${row.step}: ${body.length} results`);
            for (const o of body as Record<string, unknown>[]) checkElement(o, row.step);
            break;
          case 'quick':
            assert.ok(Array.isArray(body.result) && body.result.length >= (row.atLeast ?? 0), row.step);
            for (const o of body.result as Record<string, unknown>[]) checkElement(o, row.step);
            break;
          case 'byId':
            assert.ok(Array.isArray(body.result) && body.result.length === 1, row.step);
            break;
          case 'suggestions':
            assert.ok(Array.isArray(body.suggestions), row.step);
            break;
          case 'createdSearchObject':
            assert.match(body.id, /^[0-9A-F]{32}$/, row.step);
            ids.searchObjectId = body.id;
            break;
          case 'object':
            assert.equal(typeof body.id, 'string', row.step);
            assert.equal(typeof body.type, 'number', row.step);
            break;
          case 'criteria':
            for (const alias of body.types ?? []) assert.ok(alias in TYPE_ALIASES, `${row.step}: ${alias}`);
            for (const alias of body.subtypes ?? []) assert.ok(alias in SUBTYPE_ALIASES, `${row.step}: ${alias}`);
            if (body.scope !== undefined) assert.ok(SCOPES.includes(body.scope), row.step);
            if (body.owner !== undefined) assert.equal(typeof body.owner, 'object', row.step);
            break;
        }
      }
    });
  });
}
