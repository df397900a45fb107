import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import {
  MMP_FORMAT_VERSION,
  MMP_PLATFORM_VERSION,
  openPackage,
  PackageFormatError,
  PAGE_MAX_BYTES,
  PAGE_MAX_ENTRIES,
  readPackageHeader,
  writePackage,
  type ConflictAction,
  type ContentLevel,
  type PackageEntry,
  type PackageHeader,
  type PackageHeaderInput,
  type TocRow,
} from '../src/domain/mmp/index.js';
import {
  archiveOf,
  batchesOf,
  collect,
  entryBytes,
  jsonPart,
  manifestPart,
  pagePart,
  readBack,
  sampleEntry,
  sampleHeader,
  streamOf,
  tocRow,
  written,
} from './support/mmp.js';
import { must } from './support/must.js';

const hex32 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex').toUpperCase());
const text = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const ACTIONS: ConflictAction[] = ['use_existing', 'replace', 'keep_both', 'use_newer', 'use_older', 'force_replace', 'delete'];
const LEVELS: ContentLevel[] = ['project_object', 'configuration_object', 'unknown'];

const plain = { noNullPrototype: true } as const;

const aclEntry = fc.record(
  {
    deny: fc.boolean(),
    type: fc.integer({ min: 1, max: 100 }),
    rights: fc.nat({ max: 0xffffffff }),
    trusteeId: hex32,
    trusteeName: text(20),
    trusteeType: fc.integer({ min: 1, max: 100 }),
    trusteeSubtype: fc.nat({ max: 10_000 }),
    inheritable: fc.boolean(),
  },
  plain,
);

const metadataObject = fc.record(
  {
    id: hex32,
    type: fc.integer({ min: 1, max: 100 }),
    subtype: fc.nat({ max: 20_000 }),
    name: text(40),
    description: text(80),
    folderId: fc.option(hex32, { nil: null }),
    version: hex32,
    dateCreated: fc.maxSafeNat(),
    dateModified: fc.maxSafeNat(),
    ownerId: hex32,
    ownerName: text(20),
    acl: fc.array(aclEntry, { maxLength: 3 }),
    // Only what JSON can carry: fast-check's jsonValue may produce -0, which JSON writes as 0.
    definition: fc.dictionary(
      fc.string(),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown),
      { maxKeys: 4, noNullPrototype: true },
    ),
    uses: fc.uniqueArray(hex32, { maxLength: 5 }).map((ids) => [...ids].sort()),
    hidden: fc.boolean(),
  },
  plain,
);

const packageEntry: fc.Arbitrary<PackageEntry> = fc.record(
  {
    action: fc.constantFrom(...ACTIONS),
    explicitIncluded: fc.boolean(),
    level: fc.constantFrom(...LEVELS),
    object: metadataObject,
    expectedTargetVersion: fc.option(hex32, { nil: null }),
  },
  { requiredKeys: ['action', 'explicitIncluded', 'level', 'object'], ...plain },
);

const header: fc.Arbitrary<PackageHeader> = fc.record(
  {
    formatVersion: fc.constant(MMP_FORMAT_VERSION),
    platformVersion: fc.constantFrom(MMP_PLATFORM_VERSION, '11.4.1200.0012'),
    packageId: hex32,
    packageType: fc.constantFrom('project' as const, 'configuration' as const, 'project_security' as const),
    purpose: fc.constantFrom('object_migration' as const, 'project_merge' as const, 'undo' as const),
    name: text(60),
    createdAt: fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().replace('Z', '+0000')),
    creator: fc.record({ id: hex32, name: text(20) }, plain),
    sourceEnvironment: fc.record({ id: fc.webUrl(), name: text(20) }, plain),
    sourceProject: fc.record({ id: hex32, name: text(20) }, plain),
    settings: fc.record(
      {
        defaultAction: fc.constantFrom(...ACTIONS),
        aclOnReplacingObjects: fc.constantFrom('use_existing' as const, 'replace' as const),
        aclOnNewObjects: fc.subarray(['keep_acl_as_source_object' as const, 'inherit_acl_as_dest_folder' as const]),
        validateDependencies: fc.boolean(),
        objectActions: fc.array(fc.record({ id: hex32, action: fc.constantFrom(...ACTIONS) }, plain), { maxLength: 3 }),
        objectTypeActions: fc.array(
          fc.record(
            { type: fc.nat({ max: 100 }), subtype: fc.nat({ max: 10_000 }), action: fc.constantFrom(...ACTIONS) },
            { requiredKeys: ['type', 'action'], ...plain },
          ),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['defaultAction', 'aclOnReplacingObjects', 'aclOnNewObjects'], ...plain },
    ),
    undoOf: fc.record({ packageId: hex32, importId: hex32 }, plain),
  },
  {
    requiredKeys: ['formatVersion', 'platformVersion', 'packageId', 'packageType', 'purpose', 'name', 'createdAt', 'creator', 'sourceEnvironment', 'settings'],
    ...plain,
  },
);

/** Unique objects, cut into batches of random sizes (empty batches included). */
const batches = fc
  .tuple(fc.uniqueArray(packageEntry, { selector: (e) => e.object.id, maxLength: 25 }), fc.array(fc.nat({ max: 8 }), { maxLength: 10 }))
  .map(([entries, sizes]) => {
    const cut: PackageEntry[][] = [];
    let at = 0;
    for (const size of sizes) {
      cut.push(entries.slice(at, at + size));
      at += size;
    }
    cut.push(entries.slice(at));
    return cut;
  });

/** Cheap distinct ids for the large package: random ones would cost more than the package itself. */
function countedId(n: number): string {
  return n.toString(16).toUpperCase().padStart(32, '0');
}

describe('mmp format', () => {
  it('reads back exactly what was written, in order, with a manifest that matches', async () => {
    await fc.assert(
      fc.asyncProperty(header, batches, async (h, cut) => {
        const out = new PassThrough();
        const rows: TocRow[] = [];
        const onRows = async (page: TocRow[]) => {
          rows.push(...page);
        };
        const [bytes, result] = await Promise.all([collect(out), writePackage(out, h, batchesOf(cut), undefined, { onRows })]);
        const entries = cut.flat();
        assert.deepEqual({ objects: result.objects, bytes: result.bytes }, { objects: entries.length, bytes: bytes.length });
        assert.deepEqual(rows, entries.map(tocRow), 'the writer hands over the table of contents it wrote, page by page');
        const back = await readBack(bytes);
        // The streamed manifest is, byte for byte, the JSON of the whole manifest object (as writers before it wrote).
        const { counts, checksums, sizes } = back.rawManifest;
        const whole = JSON.stringify({ toc: entries.map(tocRow), counts, checksums, sizes });
        assert.equal((await entryBytes(bytes, 'manifest.json')).toString('utf8'), whole);
        assert.deepEqual(back.header, h);
        assert.deepEqual(back.pages.flat(), entries);
        assert.deepEqual(back.rawManifest.toc, entries.map(tocRow));
        assert.deepEqual(back.manifest.counts, { objects: entries.length, entries: back.pages.length + 2 });
      }),
      { numRuns: 60 },
    );
  });

  it('fills in the format and platform versions when the caller leaves them out', async () => {
    const { formatVersion: _f, platformVersion: _p, ...rest } = sampleHeader();
    const input: PackageHeaderInput = rest;
    const out = new PassThrough();
    const [bytes] = await Promise.all([collect(out), writePackage(out, input, batchesOf([[sampleEntry()]]))]);
    const back = await readBack(bytes);
    assert.equal(back.header.formatVersion, MMP_FORMAT_VERSION);
    assert.equal(back.header.platformVersion, MMP_PLATFORM_VERSION);
  });

  it(`closes a page at ${PAGE_MAX_ENTRIES} entries and yields the pages one by one`, async () => {
    const entries = Array.from({ length: 2 * PAGE_MAX_ENTRIES + 7 }, () => sampleEntry());
    const bytes = await written(sampleHeader(), [entries.slice(0, 10), entries.slice(10)]);
    const reader = await openPackage(streamOf(bytes));
    assert.throws(() => reader.manifest(), /after entries\(\) has completed/);
    const sizes: number[] = [];
    for await (const page of reader.entries()) {
      sizes.push(page.length);
      if (sizes.length < 3) assert.throws(() => reader.manifest(), /after entries\(\) has completed/);
    }
    assert.deepEqual(sizes, [PAGE_MAX_ENTRIES, PAGE_MAX_ENTRIES, 7]);
    assert.equal(reader.manifest().counts.entries, 5);
    assert.deepEqual(Object.keys(reader.manifest().checksums), [
      'header.json',
      'objects/00000001.ndjson',
      'objects/00000002.ndjson',
      'objects/00000003.ndjson',
    ]);
  });

  it('closes a page before it would pass 4 MiB', async () => {
    const big = () => sampleEntry({}, { sql: randomBytes(525 * 1024).toString('base64') });
    const bytes = await written(sampleHeader(), [Array.from({ length: 13 }, big)]);
    const back = await readBack(bytes);
    assert.deepEqual(
      back.pages.map((p) => p.length),
      [5, 5, 3],
    );
    for (const [name, size] of Object.entries(back.manifest.sizes ?? {})) assert.ok(size <= PAGE_MAX_BYTES, `${name} is ${size} bytes`);
  });

  it('streams 200,000 objects through a file, page by page', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mmp-'));
    try {
      const file = path.join(dir, 'big.mmp');
      const total = 200_000;
      const template = sampleEntry();
      async function* generate(): AsyncGenerator<PackageEntry[]> {
        for (let at = 0; at < total; at += 1000) {
          yield Array.from({ length: 1000 }, (_, i) => {
            const id = countedId(at + i);
            const { object } = template;
            return { ...template, explicitIncluded: i % 2 === 0, object: { ...object, id, version: id, name: `Object ${at + i}` } };
          });
        }
      }
      const result = await writePackage(createWriteStream(file), sampleHeader(), generate());
      assert.deepEqual({ objects: result.objects, bytes: result.bytes }, { objects: total, bytes: (await stat(file)).size });
      const reader = await openPackage(createReadStream(file));
      let pages = 0;
      let seen = 0;
      for await (const page of reader.entries()) {
        pages += 1;
        assert.ok(page.length <= PAGE_MAX_ENTRIES);
        assert.equal(must(page[0], 'at least one entry in page').object.name, `Object ${seen}`);
        seen += page.length;
      }
      assert.equal(seen, total);
      assert.equal(pages, total / PAGE_MAX_ENTRIES);
      assert.equal(reader.manifest().counts.objects, total);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stalls on an output nobody reads instead of buffering the package', async () => {
    let pulled = 0;
    async function* generate(): AsyncGenerator<PackageEntry[]> {
      for (let i = 0; i < 40; i++) {
        pulled += 1;
        yield [sampleEntry({}, { blob: randomBytes(512 * 1024).toString('base64') })];
      }
    }
    const out = new PassThrough();
    const writing = writePackage(out, sampleHeader(), generate());
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(pulled < 40, `the writer pulled all ${pulled} batches although nothing was read`);
    const [, result] = await Promise.all([collect(out), writing]);
    assert.equal(result.objects, 40);
  });

  it('refuses duplicate ids and invalid entries when writing', async () => {
    const entry = sampleEntry();
    const refusal = (message: RegExp) => (error: unknown) => error instanceof PackageFormatError && message.test(error.message);
    await assert.rejects(written(sampleHeader(), [[entry], [sampleEntry(), entry]]), refusal(/^entry 3: object [0-9A-F]{32} appears twice/));
    const bad = sampleEntry();
    bad.object.uses = ['B'.repeat(32), 'A'.repeat(32)];
    await assert.rejects(written(sampleHeader(), [[bad]]), refusal(/^entry 1: object.uses must be sorted and without duplicates/));
    await assert.rejects(written(sampleHeader({ formatVersion: 1 }), [[sampleEntry()]]), refusal(/format version 1 cannot be written/));
    await assert.rejects(written(sampleHeader({ packageId: 'nope' }), []), refusal(/^header.json: packageId must be 32 upper-case hex/));
  });

  it('passes on the error of an output that fails', async () => {
    const out = new Writable({ write: (_chunk, _encoding, done) => done(new Error('disk full')) });
    await assert.rejects(writePackage(out, sampleHeader(), batchesOf([[sampleEntry()]])), /disk full/);
  });

  it('reads the header alone without reading further', async () => {
    const h = sampleHeader();
    const bytes = await written(h, [Array.from({ length: 3000 }, () => sampleEntry())]);
    const damaged = Buffer.concat([bytes.subarray(0, 2000), Buffer.from('garbage')]);
    assert.deepEqual(await readPackageHeader(streamOf(damaged, 512)), h);
  });

  it('stops reading its input when the caller stops early', async () => {
    const bytes = await written(sampleHeader(), [Array.from({ length: 2500 }, () => sampleEntry())]);
    const input = streamOf(bytes, 4096);
    const reader = await openPackage(input);
    for await (const page of reader.entries()) {
      assert.equal(page.length, PAGE_MAX_ENTRIES);
      break;
    }
    assert.ok(input.destroyed);
    assert.throws(() => reader.manifest(), /after entries\(\) has completed/);
  });

  it('lets a caller that only checks the header close the input', async () => {
    const input = streamOf(await written(sampleHeader(), [[sampleEntry()]]), 256);
    const reader = await openPackage(input);
    reader.close();
    assert.ok(input.destroyed);
  });

  it('reads format 1, which had no level and no sizes, and says so', async () => {
    const project = sampleEntry();
    const user = sampleEntry();
    user.object.type = 34;
    const v1 = [project, user].map(({ level: _level, ...rest }) => rest);
    const parts = [jsonPart('header.json', sampleHeader({ formatVersion: 1 })), pagePart(1, v1)];
    const manifest = manifestPart(parts, (m) => {
      delete m.sizes;
      m.toc = m.toc.map(({ level: _level, ...rest }) => rest as (typeof m.toc)[number]);
    });
    const back = await readBack(await archiveOf([...parts, manifest]));
    assert.ok(back.header.formatVersion < MMP_FORMAT_VERSION);
    assert.deepEqual(
      back.pages.flat().map((e) => e.level),
      ['project_object', 'configuration_object'],
    );
    assert.equal(back.rawManifest.toc[0]?.level, undefined, 'a format 1 toc has no level: the reader derived it from the type, as for the entries');
  });

  it('accepts an empty package', async () => {
    const back = await readBack(await written(sampleHeader(), []));
    assert.deepEqual(back.pages, []);
    assert.deepEqual(back.manifest.counts, { objects: 0, entries: 2 });
  });
});
