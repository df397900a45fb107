import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { serverPerSuite } from './support/server.js';
import { createPackage, type Json } from './support/migrations.js';
import { defaultProjectAcl } from '../src/domain/acl.js';
import { stableGuid } from '../src/domain/stable-ids.js';
import { TUTORIAL_PROJECT_ID, type MetadataObject } from '../src/domain/objects.js';

const id = (name: string) => stableGuid(`package-walk-test:${name}`);

function object(name: string, uses: string[], overrides: Partial<MetadataObject> = {}): MetadataObject {
  return {
    id: id(name),
    type: 4,
    subtype: 1024,
    name: `Walk ${name}`,
    description: '',
    folderId: id('folder'),
    version: stableGuid(`package-walk-test:${name}:v1`),
    dateCreated: 1_000_000,
    dateModified: 2_000_000,
    ownerId: '54F3D26011D2896560009A8E67019608',
    ownerName: 'Administrator',
    acl: defaultProjectAcl(false),
    definition: { formula: `Sum(${name})` },
    uses,
    hidden: false,
    ...overrides,
  };
}

for (const dialect of dialects()) {
  describe(`an object migration's dependency walk [${dialect}]`, () => {
    const suite = serverPerSuite(dialect);

    it('takes the rows, then what they use and their folders breadth first, each once, and expands only rows that ask for it', async () => {
      // a → b, c; b → d (b is listed without its dependents); c → d and an object the project does not hold.
      await suite.s.server.env.ctx.metadata.upsertObjects(TUTORIAL_PROJECT_ID, [
        object('folder', [], { type: 8, subtype: 2048, folderId: null }),
        object('a', [id('b'), id('c')]),
        object('b', [id('d')]),
        object('c', [id('d'), id('missing')]),
        object('d', []),
        object('unrelated', []),
      ]);
      const record = await createPackage(suite.s, suite.token, {
        tocView: {
          settings: { defaultAction: 'use_existing' },
          content: [
            { id: id('a'), type: 4, includeDependents: true, action: 'replace' },
            { id: id('b'), type: 4, includeDependents: false, action: 'force_replace' },
          ],
        },
      });
      const content = (record.packageInfo.tocView.content as Json[]).map((row) => [row.id, row.explicitIncluded, row.action]);
      assert.deepEqual(content, [
        [id('a'), true, 'replace'],
        [id('b'), true, 'force_replace'],
        [id('c'), false, 'use_existing'],
        [id('folder'), false, 'use_existing'],
        [id('d'), false, 'use_existing'],
      ]);
    });
  });
}
