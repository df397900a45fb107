import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { openPackage, PackageFormatError, type PackageLimits, type PackageReader } from '../src/domain/mmp/index.js';
import { openPackageInThread } from '../src/services/package-thread/threaded-reader.js';
import { archiveOf, bombOf, manifestPart, pagePart, jsonPart, sampleEntry, sampleHeader, streamOf, truncatedTar, validParts, written } from './support/mmp.js';

type Opener = (input: Readable, limits?: Partial<PackageLimits>) => Promise<PackageReader>;

/** Everything a reader tells its caller, or the error it ends with (its class and message). */
async function outcome(open: Opener, bytes: Buffer, limits: Partial<PackageLimits> = {}) {
  try {
    const reader = await open(streamOf(bytes), limits);
    const pages = [];
    for await (const page of reader.entries()) pages.push(page);
    return { header: reader.header, pages, manifest: reader.manifest(), signature: reader.signature() };
  } catch (error) {
    return { error: error instanceof PackageFormatError ? 'PackageFormatError' : String(error), message: error instanceof Error ? error.message : '' };
  }
}

const many = (n: number) => Array.from({ length: n }, () => sampleEntry());

/** Packages honest and hostile: the threaded reader must answer each exactly as the reader on the caller's thread. */
const vectors: Array<[string, () => Promise<Buffer>, Partial<PackageLimits>?]> = [
  ['three pages', () => written(sampleHeader(), [many(40), many(3), many(1)])],
  ['a truncated gzip stream', async () => (await written(sampleHeader(), [many(50)])).subarray(0, 700)],
  ['a truncated tar', async () => truncatedTar(await written(sampleHeader(), [many(50)]), 3000)],
  ['bytes that are not gzip', async () => Buffer.from('PK\u0003\u0004 this is a zip file')],
  ['a decompression bomb', () => bombOf(64 * 1024 * 1024)],
  ['a line that is not JSON', () => archiveOf([jsonPart('header.json', sampleHeader()), { name: 'objects/00000001.ndjson', body: Buffer.from('{"oops"\n') }])],
  [
    'a manifest that lies about a checksum',
    async () => {
      const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, many(2))];
      return archiveOf([...parts, manifestPart(parts, (m) => (m.checksums['objects/00000001.ndjson'] = '0'.repeat(64)))]);
    },
  ],
  ['an entry after the manifest', async () => archiveOf([...validParts([many(1)]), pagePart(2, many(1))])],
  ['more objects than maxEntries', () => written(sampleHeader(), [many(30)]), { maxEntries: 10 }],
];

describe('package reader on its own thread', () => {
  for (const [what, bytesOf, limits] of vectors) {
    it(`answers as the reader on the caller's thread: ${what}`, async () => {
      const bytes = await bytesOf();
      const inline = await outcome(openPackage, bytes, limits);
      assert.deepEqual(await outcome(openPackageInThread, bytes, limits), inline);
    });
  }

  it('surfaces the input’s own error, and stops reading', async () => {
    const bytes = await written(sampleHeader(), [many(200), many(200)]);
    const broken = new Error('the storage connection was reset');
    let pulled = 0;
    const input = Readable.from(
      (function* chunks() {
        for (let at = 0; at < bytes.length; at += 1024) {
          pulled += 1;
          if (at >= bytes.length / 2) throw broken;
          yield bytes.subarray(at, at + 1024);
        }
      })(),
    );
    // Wherever the failure lands (before the header has come back, or between pages), it is the input's own error.
    await assert.rejects(
      (async () => {
        const reader = await openPackageInThread(input);
        for await (const _page of reader.entries());
      })(),
      (error: unknown) => error === broken,
    );
    assert.ok(input.destroyed, 'the input is destroyed');
    assert.ok(pulled <= Math.ceil(bytes.length / 2 / 1024) + 1, 'nothing was read past the failure');
  });

  it('destroys its input when closed before the end', async () => {
    const bytes = await archiveOf(validParts([many(100), many(100), many(100)]));
    const input = streamOf(bytes, 512);
    const reader = await openPackageInThread(input);
    for await (const page of reader.entries()) {
      assert.equal(page.length, 100);
      break;
    }
    assert.ok(input.destroyed);
    assert.throws(() => reader.manifest(), /only after entries\(\) has completed/);
  });
});
