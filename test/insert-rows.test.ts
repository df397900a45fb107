import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { metric } from './support/packages.js';
import { stableGuid } from '../src/domain/stable-ids.js';
import { OutcomeRepository } from '../src/store/outcomes.js';
import { PackageTocRepository } from '../src/store/package-toc.js';
import type { ObjectOutcome } from '../src/domain/migrations/records.js';
import type { TocRow } from '../src/domain/mmp/types.js';

/** Text that an array literal (PostgreSQL's unnest path) must escape or quote, and text that must stay as it is. */
const HOSTILE = ['say "hi", {braces}', 'back\\slash \\" and \\\\', 'NULL', '', ' padded ', 'line\nbreak\ttab', 'ünïcødé ✓ 𝄞', "it's"];

for (const dialect of dialects()) {
  describe(`bulk inserts keep every value as it was written [${dialect}]`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
    });
    after(() => s.close());

    it('objects: hostile text, a null folder, large dates and ids in uses; then replaced', async () => {
      const { metadata } = s.server.env.ctx;
      const project = stableGuid('insert-rows-objects');
      const objects = HOSTILE.map((text, i) =>
        metric(text, {
          description: text,
          folderId: i === 0 ? null : stableGuid('insert-rows-folder'),
          dateCreated: 2 ** 52 + i,
          dateModified: 8_640_000_000_000_000 - i,
          ownerName: text,
          acl: [
            {
              deny: i % 2 === 1,
              type: 1,
              rights: i,
              trusteeId: stableGuid(`trustee ${i}`),
              trusteeName: text,
              trusteeType: 34,
              trusteeSubtype: 8704,
              inheritable: false,
            },
          ],
          definition: { text, nested: [text, null, i] },
          uses: [stableGuid('used b'), stableGuid('used a')].sort(),
          hidden: i % 2 === 0,
        }),
      );
      await metadata.upsertObjects(project, objects);
      const stored = await metadata.getObjects(
        project,
        objects.map((o) => o.id),
      );
      for (const o of objects) assert.deepEqual(stored.get(o.id), o);
      const renamed = objects.map((o) => ({ ...o, name: `${o.name} (renamed)`, uses: [stableGuid('used c')] }));
      await metadata.upsertObjects(project, renamed);
      const after = await metadata.getObjects(
        project,
        objects.map((o) => o.id),
      );
      for (const o of renamed) assert.deepEqual(after.get(o.id), o);
      assert.deepEqual(
        await metadata.dependentsOf(project, [stableGuid('used a'), stableGuid('used c')]),
        new Map([[stableGuid('used c'), objects.map((o) => o.id).sort()]]),
      );
    });

    it("an import's outcomes: hostile names, absent and present target ids and messages, in package order", async () => {
      const importId = stableGuid(`insert-rows-import ${dialect}`);
      const report = new OutcomeRepository(s.server.env.ctx.database.db);
      const outcomes: ObjectOutcome[] = HOSTILE.map((name, i) => ({
        id: stableGuid(`outcome ${i}`),
        type: 4,
        name,
        conflict: 'new',
        action: i % 3 === 0 ? 'keep_both' : 'create',
        ...(i % 3 === 0 ? { targetId: stableGuid(`copy ${i}`), message: `${name} (copied)` } : {}),
      }));
      await report.append(importId, 0, outcomes.slice(0, 3));
      await report.append(importId, 3, outcomes.slice(3));
      await report.close(importId);
      const page = await report.page(importId, { offset: 0, limit: 100, sort: 'package' }, await report.summary(importId));
      assert.deepEqual(page.outcomes, outcomes);
    });

    it("a package's toc rows: hostile names; a row written again stays once", async () => {
      const packageId = stableGuid(`insert-rows-package ${dialect}`);
      const toc = new PackageTocRepository(s.server.env.ctx.database.db);
      const rows: TocRow[] = HOSTILE.map((name, i) => ({
        id: stableGuid(`toc ${i}`),
        type: 4,
        subtype: 1024,
        name,
        version: stableGuid(`version ${i}`),
        action: 'force_replace',
        explicitIncluded: i % 2 === 0,
        level: 'project_object',
      }));
      await toc.append(packageId, 0, rows);
      await toc.append(packageId, 0, rows);
      assert.deepEqual(await toc.page(packageId, 0, 100), rows);
    });
  });
}
