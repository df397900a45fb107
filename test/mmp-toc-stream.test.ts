import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PackageEntry, PackageManifest } from '../src/domain/mmp/index.js';
import { archiveOf, assertRefused, jsonPart, manifestPart, pagePart, readBack, sampleEntry, sampleHeader, streamOf, tocRow, type Part } from './support/mmp.js';
import { openPackage } from '../src/domain/mmp/index.js';
import { must } from './support/must.js';

/** 6,000 objects in three pages: a manifest toc of about 1.5 MB, read in many chunks. */
function manyParts(): Part[] {
  const entries: PackageEntry[] = [];
  for (let i = 0; i < 6_000; i += 1) entries.push(sampleEntry({}, { n: i }));
  return [
    jsonPart('header.json', sampleHeader()),
    pagePart(1, entries.slice(0, 2_000)),
    pagePart(2, entries.slice(2_000, 4_000)),
    pagePart(3, entries.slice(4_000)),
  ];
}

async function lyingAt(edit: (manifest: PackageManifest) => void): Promise<Buffer> {
  const parts = manyParts();
  return archiveOf([...parts, manifestPart(parts, edit)]);
}

/** The manifest's JSON as `write` renders it, for layouts our writer never makes. */
async function withManifestText(write: (manifest: PackageManifest) => string): Promise<Buffer> {
  const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, [sampleEntry(), sampleEntry()])];
  const manifest = JSON.parse(must(manifestPart(parts).body, 'a manifest body').toString('utf8')) as PackageManifest;
  return archiveOf([...parts, { name: 'manifest.json', body: Buffer.from(write(manifest)) }]);
}

describe('a manifest toc read row by row', () => {
  it('names the row of a large toc whose field differs, with the values of both sides', async () => {
    let id = '';
    const bytes = await lyingAt((m) => {
      const row = must(m.toc[4_321], 'row 4,322');
      id = row.id;
      row.name = 'a "quoted" ]} name';
    });
    await assertRefused(bytes, new RegExp(`^manifest.json: the toc gives object ${id} name "a \\\\"quoted\\\\" \\]\\} name", but its entry has "Revenue"$`));
  });

  it('names the first row out of place in a large toc, and an object it lacks', async () => {
    let rows: [string, string] = ['', ''];
    const swapped = await lyingAt((m) => {
      const a = must(m.toc[5_000], 'row 5,001');
      const b = must(m.toc[5_001], 'row 5,002');
      rows = [a.id, b.id];
      m.toc[5_000] = b;
      m.toc[5_001] = a;
    });
    await assertRefused(swapped, new RegExp(`^manifest.json: toc row 5001 is object ${rows[1]}, but object 5001 of the package is ${rows[0]}$`));
    let dropped = '';
    const short = await lyingAt((m) => {
      dropped = must(m.toc[2_500], 'row 2,501').id;
      m.toc.splice(2_500, 1);
      m.counts.objects = 6_000;
    });
    await assertRefused(short, new RegExp(`^manifest.json: object ${dropped} is in the package but not in the toc$`));
  });

  it('reads a manifest in any member order and spacing, with names that hold JSON punctuation', async () => {
    const parts = [jsonPart('header.json', sampleHeader()), pagePart(1, [sampleEntry(), sampleEntry()])];
    const entry = sampleEntry();
    entry.object.name = 'tricky "]}, [{\\ name \u00e9\u4e2d';
    parts[1] = pagePart(1, [sampleEntry(), entry]);
    const manifest = JSON.parse(must(manifestPart(parts).body, 'a manifest body').toString('utf8')) as PackageManifest;
    const spaced = `\n {\n  "counts" : ${JSON.stringify(manifest.counts)} ,\r\n "checksums":${JSON.stringify(manifest.checksums, null, 2)},\t"toc" : [ ${manifest.toc.map((r) => JSON.stringify(r, null, 1)).join(' ,\n')} ] , "sizes": ${JSON.stringify(manifest.sizes)} }\n`;
    const back = await readBack(await archiveOf([...parts, { name: 'manifest.json', body: Buffer.from(spaced) }]));
    assert.equal(back.pages.flat()[1]?.object.name, entry.object.name);
    assert.equal(back.manifest.counts.objects, 2);
  });

  it('refuses a manifest whose JSON breaks between or inside its rows', async () => {
    const cases: Array<[string, (m: PackageManifest) => string, RegExp]> = [
      [
        'a second toc',
        (m) => `{"toc":${JSON.stringify(m.toc)},"toc":[],"counts":${JSON.stringify(m.counts)}}`,
        /^manifest.json: not valid JSON \(the member "toc" appears twice\)$/,
      ],
      ['a trailing comma', (m) => `${JSON.stringify(m).slice(0, -1)},}`, /^manifest.json: not valid JSON \(/],
      ['a trailing comma in the toc', (m) => JSON.stringify(m).replace(/\}\],"counts"/, '},],"counts"'), /^manifest.json: not valid JSON \(/],
      [
        'a missing comma between rows',
        (m) => JSON.stringify(m).replace('},{', '}{'),
        /^manifest.json: not valid JSON \(expected a comma or the end of the toc at byte \d+\)$/,
      ],
      ['a row cut short', (m) => JSON.stringify(m).replace('},{', ',{'), /^manifest.json: not valid JSON \(/],
      ['something after the object', (m) => `${JSON.stringify(m)} x`, /^manifest.json: not valid JSON \(expected nothing more at byte \d+\)$/],
      ['a manifest cut short', (m) => JSON.stringify(m).slice(0, 200), /^manifest.json: not valid JSON \(the document ends after 200 bytes, before its end\)$/],
      ['a member name that is not a string', (m) => `{toc:${JSON.stringify(m.toc)}}`, /^manifest.json: not valid JSON \(expected a member name at byte 1\)$/],
      ['a toc row that is not an object', (m) => JSON.stringify({ ...m, toc: [1, ...m.toc] }), /^manifest.json: toc\[0\] must be a JSON object$/],
      ['a toc that is not an array', (m) => JSON.stringify({ ...m, toc: 'none' }), /^manifest.json: toc must be an array$/],
      ['no toc', (m) => JSON.stringify({ ...m, toc: undefined }), /^manifest.json: toc must be an array$/],
      ['an unknown member', (m) => JSON.stringify({ ...m, extra: 1 }), /^manifest.json: extra is not a known field$/],
      ['a manifest that is an array', (m) => JSON.stringify([m]), /^manifest.json: the document must be a JSON object$/],
    ];
    for (const [what, write, message] of cases) {
      await assert.doesNotReject(assertRefused(await withManifestText(write), message), what);
    }
  });

  it('checks the toc of a manifest after a byte-order mark (read whole) row by row all the same', async () => {
    const BOM = '\uFEFF';
    const reader = await openPackage(streamOf(await withManifestText((m) => `${BOM}${JSON.stringify(m)}`)));
    let objects = 0;
    for await (const page of reader.entries()) objects += page.length;
    assert.equal(objects, 2, 'an honest manifest after a BOM reads as before');
    const phantom = sampleEntry();
    await assertRefused(
      await withManifestText((m) => `${BOM}${JSON.stringify({ ...m, toc: [...m.toc, tocRow(phantom)] })}`),
      new RegExp(`^manifest.json: the toc lists object ${phantom.object.id}, which is not in the package$`),
    );
  });

  it('refuses a __proto__ member as an unknown field, not as a prototype', async () => {
    await assertRefused(
      await withManifestText((m) => `${JSON.stringify(m).slice(0, -1)},"__proto__":{"toc":1}}`),
      /^manifest.json: __proto__ is not a known field$/,
    );
  });
});
