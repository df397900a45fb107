import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { hashPassword } from '../src/domain/passwords.js';
import { TUTORIAL_PROJECT_ID, PROJECT_ROOT_FOLDER_ID, CONFIGURATION_ROOT_FOLDER_ID } from '../src/domain/objects.js';
import { ADMINISTRATOR_TRUSTEE, aclEntry } from '../src/domain/acl.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const REVENUE_METRIC = '4C05177011D3E877C000B3B2D86C964F';
const PUBLIC_OBJECTS = '98FE182C2A10427EACE0CD30B6768258';
const SHARED_REPORTS = 'D3C7D461F69C4610AA6BAA5EF51F4125';
const SAMPLE_DASHBOARDS = 'C6C5ECF0B571448A9C31C653AB1D5E51';
const CUSTOMER_ANALYSIS = 'F294156C11D60AD910008BB3D1CEE6A4';
const LIBRARY_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const GUID = /^[0-9A-F]{32}$/;
const ANALYST_PASSWORD = 'analyst-password-for-tests-1';

interface ObjectJson {
  id: string;
  name: string;
  type: number;
  subtype: number;
  extType: number;
  version: string;
  dateCreated: string;
  dateModified: string;
  acg: number;
  owner: { id: string; name: string };
  acl: Array<Record<string, unknown>>;
  ancestors?: Array<{ name: string; id: string; level: number }>;
  hidden?: boolean;
  description?: string;
}

for (const dialect of dialects()) {
  describe(`objects API [${dialect}]`, () => {
    let s: TestServer;
    let token: string;
    const tutorial = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
    const get = (path: string, headers: Record<string, string> = tutorial, as = token) => s.request('GET', path, { token: as, headers });
    const send = (method: string, path: string, json: unknown, as = token) => s.request(method, path, { token: as, headers: tutorial, json });
    const body = async <T = ObjectJson>(res: Response, status = 200): Promise<T> => {
      const text = await res.text();
      assert.equal(res.status, status, text);
      return JSON.parse(text) as T;
    };

    before(async () => {
      s = await startTestServer(dialect);
      token = await s.login();
    });
    after(() => s.close());

    it('lists projects as a bare array', async () => {
      const projects = await body<Array<Record<string, unknown>>>(await s.request('GET', '/api/projects', { token }));
      assert.ok(Array.isArray(projects));
      assert.deepEqual(projects[0], {
        id: TUTORIAL_PROJECT_ID,
        name: 'MicroStrategy Tutorial',
        description: 'MicroStrategy Tutorial project and application set designed to illustrate the platform functionality',
        status: 0,
        alias: '',
        dateCreated: '2001-01-02T20:48:10.000+0000',
        dateModified: '2021-03-04T03:53:09.000+0000',
        owner: { id: ADMINISTRATOR_TRUSTEE.id, name: 'Administrator' },
      });
    });

    it('answers a project as an object of type 32, as mstrio asks after login', async () => {
      const project = await body(await get(`/api/objects/${TUTORIAL_PROJECT_ID}?type=32&comments=True`));
      assert.equal(project.id, TUTORIAL_PROJECT_ID);
      assert.equal(project.name, 'MicroStrategy Tutorial');
      assert.equal(project.type, 32);
      assert.equal(project.subtype, 8192);
      assert.match(project.dateModified, LIBRARY_DATE);
      assert.equal(project.acg, 255);
    });

    it('answers an object with the Library fields and formats', async () => {
      const year = await body(await get(`/api/objects/${YEAR}?type=12&comments=True`));
      assert.equal(year.name, 'Year');
      assert.equal(year.type, 12);
      assert.equal(year.subtype, 3072);
      assert.equal(year.extType, 0);
      assert.match(year.version, GUID);
      assert.equal(year.dateCreated, '2001-01-02T20:48:10.000+0000');
      assert.match(year.dateModified, LIBRARY_DATE);
      assert.equal(year.acg, 255);
      assert.deepEqual(year.owner, { id: ADMINISTRATOR_TRUSTEE.id, name: 'Administrator' });
      assert.deepEqual(year.acl[0], {
        deny: false,
        type: 1,
        rights: 255,
        trusteeId: ADMINISTRATOR_TRUSTEE.id,
        trusteeName: 'Administrator',
        trusteeType: 34,
        trusteeSubtype: 8704,
        inheritable: false,
      });
      assert.deepEqual(
        year.ancestors?.map((a) => [a.name, a.level]),
        [
          ['MicroStrategy Tutorial', 3],
          ['Schema Objects', 2],
          ['Attributes', 1],
        ],
      );
      assert.equal(year.ancestors?.[0]?.id, PROJECT_ROOT_FOLDER_ID);
      assert.equal('hidden' in year, false, 'hidden is left out when false');
      assert.equal('description' in year, false, 'an empty description is left out');
      const report = await body(await get(`/api/objects/${CUSTOMER_ANALYSIS}?type=3`));
      assert.equal(report.extType, 1);
      const hiddenFolder = await body(await get(`/api/objects/${SAMPLE_DASHBOARDS}?type=8`));
      assert.equal(hiddenFolder.hidden, true);
    });

    it('answers configuration objects without a project header', async () => {
      const admin = await body(await get(`/api/objects/${ADMINISTRATOR_TRUSTEE.id}?type=34`, {}));
      assert.equal(admin.subtype, 8704);
      assert.deepEqual(
        admin.ancestors?.map((a) => a.id),
        [CONFIGURATION_ROOT_FOLDER_ID, '73F7482611D3596C60001B8F67019608'],
      );
      const alsoWithHeader = await body(await get(`/api/objects/${ADMINISTRATOR_TRUSTEE.id}?type=34`));
      assert.equal(alsoWithHeader.id, ADMINISTRATOR_TRUSTEE.id);
      await expectLibraryError(await get(`/api/objects/${YEAR}?type=12`, {}), 404, 'ERR006');
    });

    it('answers unknown objects with 404 ERR006 and bad input with 400 ERR006', async () => {
      const missing = await expectLibraryError(await get(`/api/objects/${'0'.repeat(32)}?type=12`), 404, 'ERR006');
      assert.notEqual(missing.message, 'HTTP 404 Not Found');
      await expectLibraryError(await get(`/api/objects/${YEAR}?type=4`), 404, 'ERR006');
      await expectLibraryError(await get(`/api/objects/${'0'.repeat(32)}?type=32`), 404, 'ERR006');
      assert.match((await expectLibraryError(await get(`/api/objects/not-an-id?type=12`), 400, 'ERR006')).message, /id/);
      assert.match((await expectLibraryError(await get(`/api/objects/${YEAR}?type=abc`), 400, 'ERR006')).message, /type/);
      assert.match((await expectLibraryError(await get(`/api/objects/${YEAR}`), 400, 'ERR006')).message, /type/);
      const badProject = await get(`/api/objects/${YEAR}?type=12`, { 'X-MSTR-ProjectID': 'nope' });
      assert.match((await expectLibraryError(badProject, 400, 'ERR006')).message, /X-MSTR-ProjectID/);
    });

    it('renames with PUT: a new version and a new dateModified', async () => {
      const copy = await body(await send('POST', `/api/objects/${REVENUE_METRIC}/copy?type=4`, {}), 201);
      const updated = await body(await send('PUT', `/api/objects/${copy.id}?type=4`, { name: 'Net Revenue', description: 'After returns' }));
      assert.equal(updated.name, 'Net Revenue');
      assert.equal(updated.description, 'After returns');
      assert.notEqual(updated.version, copy.version);
      assert.match(updated.version, GUID);
      assert.ok(Date.parse(updated.dateModified.replace('+0000', 'Z')) >= Date.parse(copy.dateModified.replace('+0000', 'Z')));
      const again = await body(await get(`/api/objects/${copy.id}?type=4`));
      assert.equal(again.version, updated.version);
      const moved = await body(await send('PUT', `/api/objects/${copy.id}?type=4`, { folderId: SHARED_REPORTS }));
      assert.equal(moved.ancestors?.at(-1)?.id, SHARED_REPORTS);
      assert.notEqual(moved.version, updated.version);
    });

    it('refuses bad PUT bodies with 400 naming the field', async () => {
      const res = (json: unknown) => send('PUT', `/api/objects/${YEAR}?type=12`, json);
      assert.match((await expectLibraryError(await res({ name: 5 }), 400, 'ERR006')).message, /name/);
      assert.match((await expectLibraryError(await res({ name: 'x'.repeat(251) }), 400, 'ERR006')).message, /name/);
      assert.match((await expectLibraryError(await res({ name: '  ' }), 400, 'ERR006')).message, /name/);
      assert.match((await expectLibraryError(await res({ folderId: 'abc' }), 400, 'ERR006')).message, /folderId/);
      assert.match((await expectLibraryError(await res({ folderId: YEAR }), 400, 'ERR006')).message, /folderId/);
      assert.match((await expectLibraryError(await res({ ownerId: YEAR }), 400, 'ERR006')).message, /ownerId/);
      assert.match((await expectLibraryError(await res([1]), 400, 'ERR006')).message, /JSON object/);
      const invalid = await s.request('PUT', `/api/objects/${YEAR}?type=12`, {
        token,
        headers: { ...tutorial, 'Content-Type': 'application/json' },
        body: '{"name": ',
      });
      await expectLibraryError(invalid, 400, 'ERR006');
      const clash = await expectLibraryError(await res({ name: 'Month' }), 409, 'ERR015');
      assert.match(clash.message, /Month/);
    });

    it('copies with the default name "Name (n)" into the source folder', async () => {
      const first = await body(await send('POST', `/api/objects/${CUSTOMER_ANALYSIS}/copy?type=3`, {}), 201);
      const second = await body(await send('POST', `/api/objects/${CUSTOMER_ANALYSIS}/copy?type=3`, {}), 201);
      assert.equal(first.name, 'Customer Analysis (1)');
      assert.equal(second.name, 'Customer Analysis (2)');
      assert.notEqual(first.id, CUSTOMER_ANALYSIS);
      assert.equal(first.ancestors?.at(-1)?.name, 'Subject Areas');
      const named = await body(await send('POST', `/api/objects/${CUSTOMER_ANALYSIS}/copy?type=3`, { name: 'Mine', folderId: PUBLIC_OBJECTS }), 201);
      assert.equal(named.name, 'Mine');
      assert.equal(named.ancestors?.at(-1)?.id, PUBLIC_OBJECTS);
      const copyUses = (await s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, named.id))?.uses;
      assert.deepEqual(copyUses, (await s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, CUSTOMER_ANALYSIS))?.uses);
    });

    it('refuses to delete an object that others use, naming a dependent', async () => {
      const refused = await expectLibraryError(await s.request('DELETE', `/api/objects/${REVENUE_METRIC}?type=4`, { token, headers: tutorial }), 409, 'ERR015');
      assert.match(refused.message, /used by '[^']+' \([0-9A-F]{32}/);
      const copy = await body(await send('POST', `/api/objects/${REVENUE_METRIC}/copy?type=4`, { name: 'Disposable' }), 201);
      const deleted = await s.request('DELETE', `/api/objects/${copy.id}?type=4`, { token, headers: tutorial });
      assert.equal(deleted.status, 204);
      await expectLibraryError(await get(`/api/objects/${copy.id}?type=4`), 404, 'ERR006');
      await expectLibraryError(await s.request('DELETE', `/api/objects/${copy.id}?type=4`, { token, headers: tutorial }), 404, 'ERR006');
    });

    it('creates folders, lists their children and guards folder moves and deletes', async () => {
      const outer = await body(await send('POST', '/api/folders', { name: 'Team Area', description: 'For the team', parent: PUBLIC_OBJECTS }), 201);
      assert.equal(outer.type, 8);
      assert.equal(outer.description, 'For the team');
      assert.equal(outer.ancestors?.at(-1)?.id, PUBLIC_OBJECTS);
      const inner = await body(await send('POST', '/api/folders', { name: 'Inner', parent: outer.id }), 201);
      await expectLibraryError(await send('POST', '/api/folders', { name: 'Inner', parent: outer.id }), 409, 'ERR015');
      assert.match((await expectLibraryError(await send('POST', '/api/folders', { parent: outer.id }), 400, 'ERR006')).message, /name/);
      assert.match((await expectLibraryError(await send('POST', '/api/folders', { name: 'X', parent: YEAR }), 400, 'ERR006')).message, /folderId|parent/);
      const listing = await get(`/api/folders/${outer.id}`);
      const children = await body<ObjectJson[]>(listing);
      assert.equal(listing.headers.get('x-mstr-total-count'), '1');
      assert.deepEqual(
        children.map((c) => c.id),
        [inner.id],
      );
      const cycle = await expectLibraryError(await send('PUT', `/api/objects/${outer.id}?type=8`, { folderId: inner.id }), 400, 'ERR006');
      assert.match(cycle.message, /folderId/);
      await expectLibraryError(await send('PUT', `/api/objects/${outer.id}?type=8`, { folderId: outer.id }), 400, 'ERR006');
      const notEmpty = await expectLibraryError(await s.request('DELETE', `/api/objects/${outer.id}?type=8`, { token, headers: tutorial }), 409, 'ERR015');
      assert.match(notEmpty.message, /Inner/);
      const root = await body<ObjectJson[]>(await get(`/api/folders/${PROJECT_ROOT_FOLDER_ID}?type=8`));
      assert.ok(root.some((c) => c.name === 'Public Objects'));
    });

    it('searches by name, types and root folder', async () => {
      const res = await get('/api/searches/results?name=revenue&type=4&limit=5');
      const found = await body<{ totalItems: number; result: ObjectJson[] }>(res);
      assert.ok(found.totalItems >= 6, `${found.totalItems} revenue metrics`);
      assert.equal(res.headers.get('x-mstr-total-count'), String(found.totalItems));
      assert.equal(found.result.length, 5);
      assert.ok(found.result.every((o) => o.type === 4 && /revenue/i.test(o.name)));
      const inReports = await body<{ totalItems: number; result: ObjectJson[] }>(await get(`/api/searches/results?type=3,55&root=${SHARED_REPORTS}&limit=-1`));
      assert.ok(
        inReports.result.some((o) => o.id === CUSTOMER_ANALYSIS),
        'objects in subfolders are found',
      );
      assert.ok(inReports.result.every((o) => o.type === 3 || o.type === 55));
      const cubes = await body<{ result: ObjectJson[] }>(await get('/api/searches/results?type=776'));
      assert.deepEqual(
        cubes.result.map((o) => o.name),
        ['Intelligent Cube - Drilling'],
      );
      await expectLibraryError(await get('/api/searches/results?limit=lots'), 400, 'ERR006');
    });

    it('enforces object ACLs with 403 ERR017, and the Bypass privilege skips them', async () => {
      const user = await s.server.env.ctx.users.create({ login: 'analyst', passwordHash: await hashPassword(ANALYST_PASSWORD) });
      const analyst = await s.login('analyst', ANALYST_PASSWORD);
      const viewed = await body(await get(`/api/objects/${YEAR}?type=12`, tutorial, analyst));
      assert.equal(viewed.acg, 199, 'Everyone has View');
      const denied = await expectLibraryError(await send('PUT', `/api/objects/${YEAR}?type=12`, { name: 'Mine' }, analyst), 403, 'ERR017');
      assert.match(denied.message, /Write/);
      await expectLibraryError(await s.request('DELETE', `/api/objects/${YEAR}?type=12`, { token: analyst, headers: tutorial }), 403, 'ERR017');

      const secret = await body(await send('POST', `/api/objects/${CUSTOMER_ANALYSIS}/copy?type=3`, { name: 'Secret' }), 201);
      const metadata = s.server.env.ctx.metadata;
      const stored = must(await metadata.getObject(TUTORIAL_PROJECT_ID, secret.id), 'the secret in the metadata');
      await metadata.upsertObjects(TUTORIAL_PROJECT_ID, [
        { ...stored, acl: [aclEntry(ADMINISTRATOR_TRUSTEE, 255), aclEntry({ id: user.id, name: 'analyst', subtype: 8704 }, 255, { deny: true })] },
      ]);
      await expectLibraryError(await get(`/api/objects/${secret.id}?type=3`, tutorial, analyst), 403, 'ERR017');
      const search = await body<{ result: ObjectJson[] }>(await get('/api/searches/results?name=Secret', tutorial, analyst));
      assert.deepEqual(search.result, [], 'objects the caller may not browse are not listed');

      await s.server.env.ctx.users.grant(user.id, ['BYPASS_ACCESS_CHECKS']);
      const bypassing = await s.login('analyst', ANALYST_PASSWORD);
      assert.equal((await body(await get(`/api/objects/${secret.id}?type=3`, tutorial, bypassing))).acg, 255);
      const renamed = await body(await send('PUT', `/api/objects/${secret.id}?type=3`, { name: 'Secret renamed' }, bypassing));
      assert.equal(renamed.name, 'Secret renamed');
    });
  });
}
