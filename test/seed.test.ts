import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestEnvironmentFiles, dialects } from './support/env.js';
import { startTestServer, type TestServer } from './support/server.js';
import { growProject } from '../src/store/metadata/seed-generator.js';
import { seedObject } from '../src/domain/seed-objects.js';
import { stableGuid } from '../src/domain/stable-ids.js';
import { OBJECT_TYPE } from '../src/domain/objects.js';
import type { MetadataRepository } from '../src/store/metadata/repository.js';
import { must } from './support/must.js';

const run = promisify(execFile);
const PROJECT = stableGuid('seed-test-project');

async function allObjects(repo: MetadataRepository, projectId: string) {
  const objects = [];
  for await (const batch of repo.iterateObjects(projectId, 200)) objects.push(...batch);
  return objects;
}

describe('seed objects', () => {
  it('are a pure function of their number', () => {
    assert.deepEqual(seedObject(1234), seedObject(1234));
    assert.notEqual(seedObject(1234).id, seedObject(1235).id);
  });
});

for (const dialect of dialects()) {
  describe(`packstore seed [${dialect}]`, () => {
    let a: TestServer;
    let b: TestServer;
    before(async () => {
      a = await startTestServer(dialect);
      b = await startTestServer(dialect);
    });
    after(async () => {
      await a.close();
      await b.close();
    });

    it('grows a new project to exactly N realistic, consistent objects', async () => {
      const repo = a.server.env.ctx.metadata;
      const result = await growProject(repo, { projectId: PROJECT, objects: 450, batchSize: 100 });
      assert.deepEqual(result, { before: 1, after: 450, created: 449 }, 'a new project starts with its root folder');
      assert.equal(await repo.countObjects(PROJECT), 450);
      assert.ok(await repo.getProject(PROJECT));
      const objects = await allObjects(repo, PROJECT);
      const ids = new Set(objects.map((o) => o.id));
      for (const o of objects) {
        for (const used of o.uses) assert.ok(ids.has(used), `${o.name} uses an existing object`);
        if (o.folderId !== null) assert.ok(ids.has(o.folderId), `${o.name} sits in an existing folder`);
      }
      const types = new Set(objects.map((o) => o.type));
      for (const type of [
        OBJECT_TYPE.FOLDER,
        OBJECT_TYPE.TABLE,
        OBJECT_TYPE.ATTRIBUTE,
        OBJECT_TYPE.FACT,
        OBJECT_TYPE.METRIC,
        OBJECT_TYPE.REPORT,
        OBJECT_TYPE.DOCUMENT,
      ]) {
        assert.ok(types.has(type), `holds type ${type}`);
      }
      const report = must(
        objects.find((o) => o.type === OBJECT_TYPE.REPORT),
        'a report among the seeded objects',
      );
      assert.ok(report.uses.length >= 3, 'reports use metrics and attributes');
    });

    it('changes nothing when run again with the same N', async () => {
      const repo = a.server.env.ctx.metadata;
      const before = await repo.fingerprint(PROJECT);
      assert.deepEqual(await growProject(repo, { projectId: PROJECT, objects: 450 }), { before: 450, after: 450, created: 0 });
      assert.deepEqual(await growProject(repo, { projectId: PROJECT, objects: 100 }), { before: 450, after: 450, created: 0 });
      assert.equal(await repo.fingerprint(PROJECT), before);
    });

    it('gives the same project whether grown in steps or at once, in any environment', async () => {
      await growProject(a.server.env.ctx.metadata, { projectId: PROJECT, objects: 720, batchSize: 64 });
      await growProject(b.server.env.ctx.metadata, { projectId: PROJECT, objects: 720 });
      assert.equal(await a.server.env.ctx.metadata.fingerprint(PROJECT), await b.server.env.ctx.metadata.fingerprint(PROJECT));
    });

    it('refuses counts out of range', async () => {
      await assert.rejects(growProject(a.server.env.ctx.metadata, { projectId: PROJECT, objects: 1_000_001 }), RangeError);
      await assert.rejects(growProject(a.server.env.ctx.metadata, { projectId: PROJECT, objects: 1.5 }), RangeError);
    });

    it('runs from the command line, idempotently', async () => {
      const files = await createTestEnvironmentFiles(dialect);
      try {
        await writeFile(path.join(files.dataDir, 'configOverride.properties'), `database.url=${files.config.databaseUrl}\n`);
        const cli = (...args: string[]) =>
          run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'seed', ...args, '--data-dir', files.dataDir], {
            env: { ...process.env, PACKSTORE_ADMIN_PASSWORD: 'cli-admin-password-1' },
          });
        const first = await cli('--objects', '300');
        assert.match(first.stdout, /→ 300 objects \(\d+ created\)/);
        const second = await cli('--objects', '300');
        assert.match(second.stdout, /300 → 300 objects \(0 created\)/);
        await assert.rejects(cli('--objects', 'many'), /--objects/);
      } finally {
        await files.dispose();
      }
    });
  });
}
