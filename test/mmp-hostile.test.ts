import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { openPackage, PackageFormatError, readPackageHeader, type PackageEntry } from '../src/domain/mmp/index.js';
import {
  archiveOf,
  assertRefused,
  bombOf,
  jsonPart,
  manifestPart,
  pagePart,
  readBack,
  sampleEntry,
  sampleHeader,
  streamOf,
  tarOf,
  truncatedTar,
  validParts,
  type Part,
  written,
} from './support/mmp.js';
import { paddedPackage } from './support/padded-package.js';
import { must } from './support/must.js';

const MiB = 1024 * 1024;
const ID = /[0-9A-F]{32}/.source;

/** A valid header and page, then `extra`, then a manifest that tells the truth about what precedes it. */
function after(extra: Part[], entries: PackageEntry[] = [sampleEntry()]): Part[] {
  const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, entries), ...extra];
  return [...parts, manifestPart(parts)];
}

/** Two valid pages, with the manifest edited to lie. */
async function lyingManifest(edit: Parameters<typeof manifestPart>[1]): Promise<Buffer> {
  const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, [sampleEntry(), sampleEntry()]), pagePart(2, [sampleEntry()])];
  return archiveOf([...parts, manifestPart(parts, edit)]);
}

describe('mmp hostile packages', () => {
  describe('entry names and types', () => {
    for (const name of ['../x', '/etc/passwd', 'objects/../../x', 'objects\\..\\x', 'C:/Windows/x']) {
      it(`refuses the name ${name}`, async () => {
        const escaped = JSON.stringify(name).replace(/[\\[\]().]/g, '\\$&');
        await assertRefused(
          await archiveOf(after([{ name, body: Buffer.from('{}') }])),
          new RegExp(`^${escaped}: the entry name escapes the package \\(path traversal\\)$`),
        );
        await assertRefused(await archiveOf([{ name, body: Buffer.from('{}') }]), /escapes the package/);
      });
    }

    it('refuses a symlink, a hard link and a directory', async () => {
      await assertRefused(
        await archiveOf([{ name: 'header.json', type: 'symlink', linkname: '/etc/passwd' }]),
        /^"header.json": a symlink entry; a package holds only regular files$/,
      );
      await assertRefused(
        await archiveOf(after([{ name: 'objects/00000002.ndjson', type: 'link', linkname: 'header.json' }])),
        /^"objects\/00000002.ndjson": a link entry/,
      );
      await assertRefused(await archiveOf(after([{ name: 'objects/', type: 'directory' }])), /^"objects\/": a directory entry/);
    });

    it('refuses entries a package does not have', async () => {
      await assertRefused(await archiveOf(after([{ name: 'notes.txt', body: Buffer.from('hi') }])), /^"notes.txt": not an entry a package may have$/);
      await assertRefused(await archiveOf(after([pagePart(0, [sampleEntry()])])), /^"objects\/00000000.ndjson": not an entry/);
      await assertRefused(await archiveOf(after([{ name: 'objects/2.ndjson', body: Buffer.from('') }])), /^"objects\/2.ndjson": not an entry/);
    });
  });

  describe('order', () => {
    it('refuses a package without header.json first', async () => {
      const parts = validParts([[sampleEntry()]]);
      await assertRefused(
        await archiveOf(parts.slice(1)),
        /^header.json is missing: it must be the first entry, but the package starts with "objects\/00000001.ndjson"$/,
      );
      await assertRefused(await archiveOf([]), /^package is empty: header.json is missing$/);
    });

    it('refuses pages out of order and a second header', async () => {
      const [header, one, two] = [jsonPart('header.json', sampleHeader()), pagePart(1, [sampleEntry()]), pagePart(2, [sampleEntry()])];
      await assertRefused(
        await archiveOf([header, two, one, manifestPart([header, two, one])]),
        /^objects\/00000002.ndjson: out of order; expected objects\/00000001.ndjson or manifest.json$/,
      );
      await assertRefused(
        await archiveOf([header, one, header, manifestPart([header, one, header])]),
        /^header.json: out of order; expected objects\/00000002.ndjson/,
      );
    });

    it('refuses a package without manifest.json', async () => {
      const parts = validParts([[sampleEntry()]]);
      await assertRefused(await archiveOf(parts.slice(0, -1)), /^package is truncated: it ends before manifest.json$/);
    });

    it('refuses an entry after manifest.json', async () => {
      const parts = validParts([[sampleEntry()]]);
      await assertRefused(await archiveOf([...parts, pagePart(2, [sampleEntry()])]), /^"objects\/00000002.ndjson": no entry may follow manifest.json$/);
      await assertRefused(await archiveOf([...parts, must(parts.at(-1), 'a last entry in parts')]), /^"manifest.json": no entry may follow manifest.json$/);
    });
  });

  describe('truncation and corruption', () => {
    it('refuses a truncated gzip stream', async () => {
      const bytes = await written(sampleHeader(), [Array.from({ length: 50 }, () => sampleEntry())]);
      for (const keep of [bytes.length - 4, Math.floor(bytes.length / 2), 30]) {
        await assertRefused(bytes.subarray(0, keep), /^package is truncated/);
      }
    });

    it('refuses a truncated tar inside a complete gzip stream', async () => {
      const bytes = await written(sampleHeader(), [Array.from({ length: 50 }, () => sampleEntry())]);
      await assertRefused(truncatedTar(bytes, 3000), /^package is truncated: the tar archive ends inside an entry$/);
      await assertRefused(truncatedTar(bytes, 1024), /^package is truncated/);
    });

    it('refuses bytes that are not gzip, and a tar that is not compressed', async () => {
      await assertRefused(Buffer.from('PK\u0003\u0004 this is a zip file'), /^package is not a valid gzip stream/);
      await assertRefused(await tarOf(validParts([[sampleEntry()]])), /^package is not a valid gzip stream/);
    });

    it('refuses bytes after the last gzip member, and reads a package of several members', async () => {
      const bytes = await archiveOf(validParts([[sampleEntry()]]));
      // zlib itself drops what follows a member when it starts with a zero byte.
      await assertRefused(Buffer.concat([bytes, Buffer.alloc(5000)]), /^package has 5000 bytes after the end of its gzip stream; nothing may follow it$/);
      await assertRefused(Buffer.concat([bytes, Buffer.from([0])]), /^package has 1 bytes after the end of its gzip stream/);
      await assertRefused(Buffer.concat([bytes, Buffer.from('appended')]), /^package is not a valid gzip stream/);
      const tarBytes = await tarOf(validParts([[sampleEntry()]]));
      const twoMembers = Buffer.concat([gzipSync(tarBytes.subarray(0, 700)), gzipSync(tarBytes.subarray(700))]);
      assert.equal((await readBack(twoMembers)).pages.length, 1);
    });

    it('refuses a package whose compressed bytes were altered', async () => {
      const bytes = Buffer.from(await written(sampleHeader(), [Array.from({ length: 50 }, () => sampleEntry())]));
      const crc = bytes.length - 6; // inside the gzip trailer's CRC
      bytes.writeUInt8(bytes.readUInt8(crc) ^ 0xff, crc);
      await assertRefused(bytes, /^package is not a valid gzip stream/);
    });

    it('refuses a page whose content was changed after the manifest was made', async () => {
      const parts = validParts([[sampleEntry()], [sampleEntry({ action: 'use_existing' })]]);
      const page = must(parts[2], 'an entry 2 in parts');
      parts[2] = { ...page, body: Buffer.from(must(page.body, 'a body on the object page').toString().replace('"use_existing"', '"force_replace"')) };
      await assertRefused(
        await archiveOf(parts),
        /^objects\/00000002.ndjson: checksum mismatch \(manifest.json says [0-9a-f]{64}, the entry has [0-9a-f]{64}\)$/,
      );
    });
  });

  describe('limits', () => {
    it('refuses a decompression bomb by its compression ratio, early', async () => {
      const bomb = await bombOf(60 * MiB);
      assert.ok(bomb.length < MiB, 'the bomb itself is small');
      await assertRefused(bomb, /^package expands more than 200 times when decompressed \(maxCompressionRatio\): refused as a decompression bomb$/);
    });

    it('refuses a package larger than maxTotalBytes uncompressed', async () => {
      await assertRefused(await bombOf(20 * MiB), /^package is larger than 4194304 bytes uncompressed \(maxTotalBytes\)$/, {
        maxTotalBytes: 4 * MiB,
        maxCompressionRatio: 1e6,
      });
    });

    it('refuses an entry larger than maxEntryBytes before reading it', async () => {
      await assertRefused(await bombOf(60 * MiB), /^objects\/00000001.ndjson: 62914560 bytes is over the limit of 1048576 bytes \(maxEntryBytes\)$/, {
        maxEntryBytes: MiB,
      });
    });

    it('refuses one huge object line', async () => {
      const huge = sampleEntry({}, { sql: 'SELECT 1 -- '.repeat(200_000) });
      await assertRefused(
        await archiveOf(after([], [sampleEntry(), huge])),
        /^objects\/00000001.ndjson line 2: longer than 1048576 bytes \(maxObjectBytes\)$/,
        { maxObjectBytes: MiB },
      );
    });

    it('refuses more objects than maxEntries', async () => {
      const parts = validParts([[sampleEntry(), sampleEntry()], [sampleEntry()]]);
      await assertRefused(await archiveOf(parts), /^objects\/00000002.ndjson line 1: the package has more than 2 objects \(maxEntries\)$/, { maxEntries: 2 });
    });

    it('refuses a header larger than maxObjectBytes', async () => {
      const parts = validParts([[sampleEntry()]], sampleHeader({ name: 'x'.repeat(1000) }));
      await assertRefused(await archiveOf(parts), /^header.json: \d+ bytes is over the limit of 512 bytes \(maxObjectBytes\)$/, { maxObjectBytes: 512 });
    });

    it('refuses a manifest larger than the package it describes could need', async () => {
      const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, [sampleEntry()])];
      const padded = manifestPart(parts);
      padded.body = Buffer.concat([must(padded.body, 'a body on the object page'), Buffer.alloc(2 * MiB, 0x20)]);
      await assertRefused(
        await archiveOf([...parts, padded]),
        /^manifest.json is \d+ bytes; the limit for a package of 1 objects in \d+ bytes of pages is \d+$/,
      );
    });
  });

  describe('padded manifests: bounded memory', () => {
    /** Reads `bytes` through the real reader, and the most the process's RSS grew while it did. */
    async function refusedWithGrowth(bytes: Buffer): Promise<{ message: string; growth: number }> {
      const before = process.memoryUsage().rss;
      let peak = before;
      async function* watched() {
        for await (const chunk of streamOf(bytes, 64 * 1024)) {
          peak = Math.max(peak, process.memoryUsage().rss);
          yield chunk as Buffer;
        }
      }
      const reader = await openPackage(Readable.from(watched()));
      const error = await (async () => {
        for await (const _page of reader.entries());
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof PackageFormatError, `expected a PackageFormatError, got ${String(error)}`);
      return { message: error.message, growth: peak - before };
    }

    // The attacker's packages: objects padded with whitespace, and a manifest of whitespace as large as the pages
    // (the old limit), compressed just under the reader's ratio limit. The old reader read the manifest whole and
    // grew by gigabytes; the second one failed with "not valid UTF-8".
    for (const [lines, label] of [
      [700, '8 MB (700 MiB manifest)'],
      [2000, '23 MB (2 GiB manifest)'],
    ] as const) {
      it(`refuses the manifest of a padded ${label} package by its size, while RSS grows less than 200 MB`, async () => {
        const bytes = paddedPackage(lines, 60);
        const { message, growth } = await refusedWithGrowth(bytes);
        assert.match(
          message,
          new RegExp(
            `^manifest.json is ${lines * MiB + 2} bytes; the limit for a package of ${lines} objects in \\d+ bytes of pages is ${MiB + lines * 8192}$`,
          ),
        );
        assert.ok(growth < 200 * MiB, `RSS grew by ${Math.round(growth / MiB)} MiB while reading a ${bytes.length}-byte package`);
      });
    }
  });

  describe('a manifest that lies', () => {
    it('with a toc row of the wrong shape, named by its place in the streamed toc', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          const row = must(m.toc[2], 'a third toc row');
          m.toc[2] = { ...row, version: 'not a guid' };
        }),
        /^manifest.json: toc\[2\].version must be 32 upper-case hex$/,
      );
    });

    it('about the object count', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          m.counts.objects = 4;
        }),
        /^manifest.json: counts.objects is 4 but the package holds 3 objects$/,
      );
    });

    it('about the entry count', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          m.counts.entries = 3;
        }),
        /^manifest.json: counts.entries is 3 but the package holds 4 entries$/,
      );
    });

    it('about a checksum', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          m.checksums['objects/00000001.ndjson'] = '0'.repeat(64);
        }),
        /^objects\/00000001.ndjson: checksum mismatch/,
      );
      await assertRefused(
        await lyingManifest((m) => {
          delete m.checksums['header.json'];
        }),
        /^manifest.json: has no checksum for header.json$/,
      );
      await assertRefused(
        await lyingManifest((m) => {
          m.checksums['objects/00000009.ndjson'] = '0'.repeat(64);
        }),
        /^manifest.json: lists a checksum for "objects\/00000009.ndjson", which is not an entry before it$/,
      );
    });

    it('about a size', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          must(m.sizes, 'sizes in the manifest')['objects/00000002.ndjson'] = 10;
        }),
        /^objects\/00000002.ndjson: size mismatch \(manifest.json says 10, the entry has \d+\)$/,
      );
      await assertRefused(
        await lyingManifest((m) => {
          delete m.sizes;
        }),
        /^manifest.json: sizes must be a JSON object$/,
      );
    });

    it('about the toc: an object missing from it, one too many, one out of order', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          m.toc.pop();
          m.counts.objects = 3;
        }),
        new RegExp(`^manifest.json: object ${ID} is in the package but not in the toc$`),
      );
      await assertRefused(
        await lyingManifest((m) => {
          m.toc.push({ ...must(m.toc[0], 'at least one entry in m.toc'), id: 'A'.repeat(32) });
        }),
        /^manifest.json: the toc lists object A{32}, which is not in the package$/,
      );
      await assertRefused(
        await lyingManifest((m) => {
          m.toc.push(must(m.toc[0], 'at least one entry in m.toc'));
        }),
        new RegExp(`^manifest.json: the toc lists object ${ID} twice$`),
      );
      await assertRefused(
        await lyingManifest((m) => {
          m.toc.reverse();
        }),
        new RegExp(`^manifest.json: toc row 1 is object ${ID}, but object 1 of the package is ${ID}$`),
      );
    });

    it('about the toc: an action, a version or the explicit flag that differs', async () => {
      await assertRefused(
        await lyingManifest((m) => {
          must(m.toc[1], 'an entry 1 in m.toc').action = 'delete';
        }),
        new RegExp(`^manifest.json: the toc gives object ${ID} action "delete", but its entry has "replace"$`),
      );
      await assertRefused(
        await lyingManifest((m) => {
          must(m.toc[2], 'an entry 2 in m.toc').version = 'B'.repeat(32);
        }),
        /^manifest.json: the toc gives object [0-9A-F]{32} version "B{32}"/,
      );
      await assertRefused(
        await lyingManifest((m) => {
          must(m.toc[0], 'at least one entry in m.toc').explicitIncluded = false;
        }),
        /explicitIncluded false, but its entry has true$/,
      );
    });
  });

  describe('content', () => {
    it('refuses duplicate ids within a page and across pages', async () => {
      const twice = sampleEntry();
      await assertRefused(
        await archiveOf(validParts([[twice, sampleEntry(), twice]])),
        new RegExp(`^objects/00000001.ndjson line 3: object ${twice.object.id} appears twice in the package$`),
      );
      await assertRefused(
        await archiveOf(validParts([[twice], [sampleEntry(), twice]])),
        new RegExp(`^objects/00000002.ndjson line 2: object ${twice.object.id} appears twice in the package$`),
      );
    });

    it('refuses a future format version before anything else', async () => {
      const future = { formatVersion: 9, something: 'new', entirely: ['different'] };
      await assertRefused(await archiveOf(validParts([[sampleEntry()]], future)), /^header.json: format version 9 is newer than this server reads \(2\)$/);
      await assertRefused(
        await archiveOf(validParts([[sampleEntry()]], sampleHeader({ formatVersion: 0 }))),
        /^header.json: format version 0 is older than this server reads \(1 to 2\)$/,
      );
      await assertRefused(
        await archiveOf(validParts([[sampleEntry()]], { ...sampleHeader(), formatVersion: '2' })),
        /^header.json: formatVersion must be an integer$/,
      );
    });

    it('refuses malformed JSON in every entry', async () => {
      const header = jsonPart('header.json', sampleHeader());
      await assertRefused(await archiveOf([{ name: 'header.json', body: Buffer.from('{"formatVersion": 2,') }]), /^header.json: not valid JSON \(/);
      await assertRefused(
        await archiveOf([header, { name: 'objects/00000001.ndjson', body: Buffer.from('{"action":\n') }]),
        /^objects\/00000001.ndjson line 1: not valid JSON \(/,
      );
      await assertRefused(
        await archiveOf([header, { name: 'objects/00000001.ndjson', body: Buffer.from([0xff, 0xfe, 0x0a]) }]),
        /^objects\/00000001.ndjson line 1: not valid UTF-8$/,
      );
      const page = pagePart(1, [sampleEntry()]);
      await assertRefused(
        await archiveOf([header, { ...page, body: Buffer.concat([must(page.body, 'a body on the object page'), Buffer.from('\n')]) }]),
        /^objects\/00000001.ndjson line 2: an empty line$/,
      );
      await assertRefused(
        await archiveOf([header, { ...page, body: must(page.body, 'a body on the object page').subarray(0, -1) }]),
        /^objects\/00000001.ndjson line 1: the line does not end with a newline$/,
      );
      await assertRefused(await archiveOf([header, { name: 'objects/00000001.ndjson', body: Buffer.alloc(0) }]), /^objects\/00000001.ndjson: an empty page/);
      await assertRefused(await archiveOf([header, { name: 'manifest.json', body: Buffer.from('[1,2') }]), /^manifest.json: not valid JSON \(/);
    });

    const wrongFields: Array<[string, (e: Record<string, unknown> & { object: Record<string, unknown> }) => void, RegExp]> = [
      [
        'a lower-case id',
        (e) => {
          e.object.id = 'a'.repeat(32);
        },
        /object.id must be 32 upper-case hex$/,
      ],
      [
        'an unknown action',
        (e) => {
          e.action = 'merge';
        },
        /action must be one of use_existing, replace, keep_both, use_newer, use_older, force_replace, delete$/,
      ],
      [
        'a type given as a string',
        (e) => {
          e.object.type = '4';
        },
        /object.type must be an integer$/,
      ],
      [
        'uses that is not an array',
        (e) => {
          e.object.uses = 'ABC';
        },
        /object.uses must be an array$/,
      ],
      [
        'uses with a bad id',
        (e) => {
          e.object.uses = ['B'.repeat(32), 'nope'];
        },
        /object.uses\[1\] must be 32 upper-case hex$/,
      ],
      [
        'an ACL entry without rights',
        (e) => {
          e.object.acl = [{ deny: false, type: 1, trusteeId: 'A'.repeat(32), trusteeName: 'x', trusteeType: 34, trusteeSubtype: 8704, inheritable: true }];
        },
        /object.acl\[0\].rights must be an integer$/,
      ],
      [
        'a definition that is an array',
        (e) => {
          e.object.definition = [];
        },
        /object.definition must be a JSON object$/,
      ],
      [
        'a name that is too long',
        (e) => {
          e.object.name = 'n'.repeat(5000);
        },
        /object.name must be at most 1024 characters$/,
      ],
      [
        'a missing level',
        (e) => {
          delete e.level;
        },
        /level must be one of project_object, configuration_object, unknown$/,
      ],
      [
        'an unknown field',
        (e) => {
          e.object.__proto__extra = 1;
        },
        /object.__proto__extra is not a known field$/,
      ],
      [
        'a page line that is not an object',
        (e) => {
          e.object = null as unknown as Record<string, unknown>;
        },
        /object must be a JSON object$/,
      ],
    ];
    for (const [what, spoil, message] of wrongFields) {
      it(`refuses an entry with ${what}`, async () => {
        const entry = JSON.parse(JSON.stringify(sampleEntry())) as Record<string, unknown> & { object: Record<string, unknown> };
        spoil(entry);
        const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, [entry])];
        await assertRefused(await archiveOf([...parts, manifestPart(parts)]), new RegExp(`^objects/00000001.ndjson line 1: ${message.source.slice(0, -1)}$`));
      });
    }

    it('refuses a header with wrong field types', async () => {
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ ...sampleHeader(), packageType: 'everything' }, /^header.json: packageType must be one of project, configuration, project_security$/],
        [{ ...sampleHeader(), createdAt: 'yesterday' }, /^header.json: createdAt must be a date/],
        [
          { ...sampleHeader(), settings: { ...sampleHeader().settings, objectActions: [{ id: 'x', action: 'replace' }] } },
          /^header.json: settings.objectActions\[0\].id must be 32 upper-case hex$/,
        ],
        [{ ...sampleHeader(), creator: 'Administrator' }, /^header.json: creator must be a JSON object$/],
        [[sampleHeader()] as unknown as Record<string, unknown>, /^header.json: the document must be a JSON object$/],
      ];
      for (const [header, message] of cases) {
        await assertRefused(await archiveOf(validParts([[sampleEntry()]], header)), message);
        await assert.rejects(readPackageHeader(streamOf(await archiveOf(validParts([], header)))), PackageFormatError);
      }
    });

    it('never lets a hostile page reach the caller as a whole package', async () => {
      const parts = validParts([[sampleEntry()], [sampleEntry()]]);
      parts[2] = {
        ...must(parts[2], 'an entry 2 in parts'),
        body: Buffer.from(must(must(parts[2], 'an entry 2 in parts').body, 'parts[2]!.body').toString().replace('"replace"', '"delete"')),
      };
      const reader = await openPackage(streamOf(await archiveOf(parts)));
      const pages: PackageEntry[][] = [];
      await assert.rejects(async () => {
        for await (const page of reader.entries()) pages.push(page);
      }, /checksum mismatch/);
      assert.equal(pages.length, 2, 'pages are yielded as they come; the caller commits only after entries() completes');
      assert.throws(() => reader.manifest(), /after entries\(\) has completed/);
    });
  });
});
