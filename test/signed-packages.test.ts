import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { dialects } from './support/env.js';
import { expectLibraryError, startTestServer, type TestServer } from './support/server.js';
import { createFile, FILES, multipartBody, upload } from './support/shared-files.js';
import { buildPackage, createPackage, FINAL_IMPORT_STATES, importFile, json, MIGRATIONS, waitForMigration, type Json } from './support/migrations.js';
import { archiveOf, jsonPart, type Part } from './support/mmp.js';
import { newMetrics } from './support/packages.js';
import { cliHome, type CliHome } from './support/cli-client.js';
import { runCli } from './support/cli.js';
import { must } from './support/must.js';
import { openPackage, signatureVerifies } from '../src/domain/mmp/index.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import type { PackageManifest } from '../src/domain/mmp/types.js';

const KEYS = '/api/environment/keys';
const TRUSTED = '/api/environment/trustedKeys';

/** The entries of a package, in order, as the tar holds them. */
async function partsOf(bytes: Buffer): Promise<Part[]> {
  const extract = tar.extract();
  const parts: Part[] = [];
  Readable.from([gunzipSync(bytes)]).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    parts.push({ name: entry.header.name, body: Buffer.concat(chunks) });
  }
  return parts;
}

async function signatureOf(bytes: Buffer) {
  const reader = await openPackage(Readable.from([bytes]));
  for await (const _page of reader.entries());
  return reader.signature();
}

/** Uploads `bytes` as a new shared file; returns the file and the upload's answer. */
async function uploadPackage(s: TestServer, token: string, bytes: Buffer): Promise<{ file: Json; res: Response }> {
  const file = await createFile(s, token, bytes, { name: 'signed', extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
  return { file, res: await upload(s, token, file.id, multipartBody(bytes)) };
}

function importRequest(s: TestServer, token: string, fileId: string): Promise<Response> {
  return s.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
    token,
    headers: { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID, Prefer: 'respond-async' },
    json: {
      packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } }, purpose: 'migration_from_shared_file_store' },
      importInfo: { environment: { id: `${s.url}/`, name: 'target' }, project: { id: TUTORIAL_PROJECT_ID, name: 'MicroStrategy Tutorial' } },
    },
  });
}

async function importedRecord(s: TestServer, token: string, fileId: string): Promise<Json> {
  const id = await importFile(s, token, fileId);
  return waitForMigration(s, token, id, (r) => FINAL_IMPORT_STATES.includes(r.importInfo.status));
}

async function fileOf(s: TestServer, token: string, fileId: string): Promise<Json> {
  const list = await json(await s.request('GET', `${FILES}?offset=0&limit=1000`, { token }), 200);
  return must(
    (list.data as Json[]).find((f) => f.id === fileId),
    `the file ${fileId} in the list`,
  );
}

for (const dialect of dialects()) {
  describe(`signed packages [${dialect}]`, () => {
    let source: TestServer;
    let target: TestServer;
    let sourceToken = '';
    let targetToken = '';
    let home: CliHome;
    /** A package the source made of objects the target does not have: importing it changes the target. */
    let signed: Buffer;

    before(async () => {
      [source, target, home] = await Promise.all([
        startTestServer(dialect),
        startTestServer(dialect, { 'migrations.requireSignedPackages': 'true' }),
        cliHome(),
      ]);
      [sourceToken, targetToken] = await Promise.all([source.login(), target.login()]);
      const metrics = newMetrics(3, `signed ${dialect}`);
      const seeded = await importedRecord(source, sourceToken, (await uploadPackage(source, sourceToken, await buildPackage(metrics))).file.id as string);
      assert.equal(seeded.importInfo.status, 'imported', seeded.importInfo.message);
      const created = await createPackage(source, sourceToken, {
        tocView: { settings: { defaultAction: 'replace' }, content: metrics.map((m) => ({ id: m.object.id, type: 4, action: 'replace' })) },
      });
      assert.equal(created.packageInfo.signature.state, 'signed-trusted', 'a package this environment made is signed by it');
      const download = await source.request('GET', `${MIGRATIONS}/packages/${created.packageInfo.id}/binary`, { token: sourceToken });
      signed = Buffer.from(await download.arrayBuffer());
      await home.json(['login', target.url, '--profile', 'target']);
    });
    after(async () => {
      await Promise.all([source?.close(), target?.close(), home?.dispose()]);
    });

    const tutorialOf = (s: TestServer) => s.server.env.ctx.metadata.fingerprint(TUTORIAL_PROJECT_ID);

    it('signs what it writes with the key it publishes, over the manifest', async () => {
      const keys = await json(await source.request('GET', KEYS), 200);
      assert.equal(keys.environmentId, source.url);
      const current = must((keys.keys as Json[])[0], 'a published key');
      const signature = await signatureOf(signed);
      assert.ok(signature, 'the package carries signature.json');
      assert.equal(signature.keyId, current.keyId);
      assert.equal(signature.environmentId, source.url);
      assert.ok(signatureVerifies(signature, current.publicKey as string));
      const manifest = must(
        (await partsOf(signed)).find((p) => p.name === 'manifest.json'),
        'manifest.json in the package',
      );
      assert.equal(signature.manifestSha256, createHash('sha256').update(must(manifest.body, 'the manifest body')).digest('hex'));
    });

    it('refuses a package with one byte changed and its checksums recomputed, and changes nothing', async () => {
      // The target trusts the source here, so only the change can be what refuses it.
      await json(await target.request('POST', TRUSTED, { token: targetToken, json: await json(await source.request('GET', KEYS), 200) }), 200);
      const parts = await partsOf(signed);
      const page = must(
        parts.find((p) => p.name.startsWith('objects/')),
        'an objects page in the package',
      );
      const body = Buffer.from(must(page.body, 'the page body'));
      const at = body.indexOf('Sum(Revenue)');
      body[at] = 'P'.charCodeAt(0); // Pum(Revenue): one byte, valid JSON still
      page.body = body;
      const manifestPart = must(
        parts.find((p) => p.name === 'manifest.json'),
        'manifest.json in the package',
      );
      const manifest = JSON.parse(must(manifestPart.body, 'the manifest body').toString()) as PackageManifest;
      manifest.checksums[page.name] = createHash('sha256').update(body).digest('hex');
      const rebuilt = parts.map((p) => (p.name === 'manifest.json' ? jsonPart('manifest.json', manifest) : p));
      const tampered = await archiveOf(rebuilt);
      const before = await tutorialOf(target);
      // createFile declares the tampered bytes' own size and sha256: the transport checks pass.
      const { file, res } = await uploadPackage(target, targetToken, tampered);
      const error = await expectLibraryError(res, 400, 'ERR006');
      assert.match(error.message, /changed after it was written|tampered/);
      assert.equal((await fileOf(target, targetToken, file.id as string)).existing, false, 'nothing of it was kept');
      await expectLibraryError(await importRequest(target, targetToken, file.id as string), 400, 'ERR006');
      assert.equal(await tutorialOf(target), before, 'the project is unchanged');
      await target.request('DELETE', `${TRUSTED}/${must(await signatureOf(signed), 'the package signature').keyId}`, { token: targetToken });
    });

    it('refuses an untrusted signer under requireSignedPackages, and lets the same package in once trusted (CLI)', async () => {
      const { file, res } = await uploadPackage(target, targetToken, signed);
      assert.equal(res.status, 200);
      const uploaded = (await res.json()) as Json;
      assert.equal(uploaded.signature.state, 'signed-unknown');
      assert.equal(uploaded.signature.environmentId, source.url);
      const before = await tutorialOf(target);
      const refusal = await expectLibraryError(await importRequest(target, targetToken, file.id as string), 400, 'ERR006');
      assert.ok(refusal.message.includes(source.url), refusal.message);
      assert.ok(refusal.message.includes(`packstore trust add ${source.url}`), refusal.message);
      assert.equal(await tutorialOf(target), before);
      const listed = await home.run(['files', 'ls', '--profile', 'target']);
      assert.match(listed.stdout, new RegExp(`${file.id}.*Signed by an unknown key \\(${source.url}`));

      await home.json(['trust', 'add', source.url, '--profile', 'target']);
      const trusted = await home.json<Json[]>(['trust', 'ls', '--profile', 'target']);
      assert.deepEqual(
        trusted.map((k) => k.environmentId),
        [source.url],
      );
      const record = await importedRecord(target, targetToken, file.id as string);
      assert.equal(record.importInfo.status, 'imported', record.importInfo.message);
      assert.deepEqual(record.packageInfo.signature, { state: 'signed-trusted', environmentId: source.url, keyId: must(trusted[0], 'a trusted key').keyId });
      assert.notEqual(await tutorialOf(target), before);
      const shown = await home.json<Json>(['migrations', 'show', record.id as string, '--profile', 'target']);
      assert.equal(shown.packageInfo.signature.state, 'signed-trusted');
      await home.json(['trust', 'rm', source.url, '--profile', 'target']);
      assert.deepEqual(await home.json(['trust', 'ls', '--profile', 'target']), []);
    });

    it('refuses an unsigned package under requireSignedPackages, naming its source', async () => {
      const { file, res } = await uploadPackage(target, targetToken, await buildPackage(newMetrics(1, 'unsigned')));
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as Json).signature.state, 'unsigned');
      const refusal = await expectLibraryError(await importRequest(target, targetToken, file.id as string), 400, 'ERR006');
      assert.match(refusal.message, /not signed/);
      assert.match(refusal.message, /packstore trust add/);
    });

    it('keeps packages signed before a key rotation verifiable', async () => {
      const oldKey = must(await signatureOf(signed), 'the package signature').keyId;
      const rotated = await runCli(['keys', 'rotate'], source.files.config);
      assert.equal(rotated.code, 0, rotated.stderr);
      const keys = await json(await source.request('GET', KEYS), 200);
      const current = must((keys.keys as Json[])[0], 'the new current key, listed first');
      const retired = must((keys.keys as Json[])[1], 'the retired key, listed second');
      assert.notEqual(current.keyId, oldKey);
      assert.equal(retired.keyId, oldKey);
      assert.ok(typeof retired.retiredAt === 'number');
      // The source still verifies its own old package …
      const own = await uploadPackage(source, sourceToken, signed);
      assert.equal(((await own.res.json()) as Json).signature.state, 'signed-trusted');
      // … and a target that trusts the source's published keys (API) imports it.
      await json(await target.request('POST', TRUSTED, { token: targetToken, json: keys }), 200);
      const { file } = await uploadPackage(target, targetToken, signed);
      const record = await importedRecord(target, targetToken, file.id as string);
      assert.equal(record.importInfo.status, 'imported', record.importInfo.message);
      assert.equal(record.packageInfo.signature.keyId, oldKey);
      // New packages are signed with the new key.
      const made = await createPackage(source, sourceToken, { tocView: { content: [{ id: '8D679D5111D3E4981000E787EC6DE8A4', type: 12 }] } });
      assert.equal(made.packageInfo.signature.keyId, current.keyId);
      for (const key of keys.keys as Json[]) await target.request('DELETE', `${TRUSTED}/${key.keyId}`, { token: targetToken });
    });

    it("audits trust changes and refuses a key under another key's id", async () => {
      const keys = await json(await source.request('GET', KEYS), 200);
      const first = must((keys.keys as Json[])[0], 'a published key');
      const forged = { ...keys, keys: [{ ...first, keyId: '0123456789abcdef' }] };
      const refused = await expectLibraryError(await target.request('POST', TRUSTED, { token: targetToken, json: forged }), 400, 'ERR006');
      assert.match(refused.message, /keyId/);
      await json(await target.request('POST', TRUSTED, { token: targetToken, json: keys }), 200);
      assert.equal((await target.request('DELETE', `${TRUSTED}/${first.keyId}`, { token: targetToken })).status, 204);
      const audit = async (action: string) =>
        (await json(await target.request('GET', `/api/audit?action=${action}`, { token: targetToken }), 200)).data as Json[];
      const added = await audit('trust.add');
      assert.ok(
        added.some((row) => row.outcome === 200 && String(row.target).includes(first.keyId as string) && row.userName === 'administrator'),
        JSON.stringify(added),
      );
      assert.ok(
        added.some((row) => row.outcome === 400),
        'the refused attempt is audited too',
      );
      const removed = await audit('trust.remove');
      assert.ok(
        removed.some((row) => row.outcome === 204 && row.target === first.keyId),
        JSON.stringify(removed),
      );
    });
  });
}
