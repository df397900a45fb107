import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FILES, sha256 } from './support/shared-files.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import Fastify from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestServer, ADMIN_PASSWORD, type TestServer } from './support/server.js';
import { MIGRATIONS, json, waitForMigration } from './support/migrations.js';
import { serveConsoleFrom } from '../src/api/routes/console.js';
import { ARTIFACTS, browserSkip, launchBrowser, requireBuiltConsole, waitForFocus } from './support/browser.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { readPackageHeader } from '../src/domain/mmp/index.js';
import { packageOfSize } from './support/packages.js';
import { formatBytes } from '../web/src/format.js';
import { cuttingProxy, type CuttingProxy } from './support/cutting-proxy.js';
import { sampleHeader, written } from './support/mmp.js';
import { newMetrics } from './support/packages.js';
import { must } from './support/must.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';

// Serving the console does not touch the database: one dialect is enough.
describe('console files at /console', () => {
  let s: TestServer;
  before(async () => {
    requireBuiltConsole();
    s = await startTestServer('sqlite');
  });
  after(() => s?.close());

  it('redirects /console to /console/ and serves the page with a strict content policy', async () => {
    const bare = await fetch(`${s.url}/console`, { redirect: 'manual' });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), '/console/');
    const page = await s.request('GET', '/console/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<div id="app"><\/div>/);
  });

  it('answers unknown console paths with the page, for routing in the browser', async () => {
    const index = await (await s.request('GET', '/console/')).text();
    for (const route of ['/console/migrations', '/console/migrations/AB:CD', '/console/api/status', '/console/..%2F..%2Fpackage.json']) {
      const res = await s.request('GET', route);
      assert.equal(res.status, 200, route);
      assert.equal(await res.text(), index, route);
    }
  });

  it('keeps the Library context-path rewrite for the API', async () => {
    const res = await s.request('GET', '/MicroStrategyLibrary/api/status');
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as Record<string, unknown>).iServerVersion);
  });

  it('serves hashed assets for good and refuses missing ones with a Library error', async () => {
    const index = await (await s.request('GET', '/console/')).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index)?.[1];
    assert.ok(script, 'the page loads a script from /console/assets/');
    const asset = await s.request('GET', script);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    const missing = await s.request('GET', '/console/assets/missing.js');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { code: string }).code, 'ERR006');
  });

  it('answers 503 with an explanation when the console was not built', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'packstore-console-'));
    const app = Fastify();
    await serveConsoleFrom(path.join(empty, 'dist'))(app);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(`${url}/console/packages`);
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /npm run build:console/);
    } finally {
      await app.close();
      await rm(empty, { recursive: true, force: true });
    }
  });
});

/** The seed's step 1 on a source: a package holding the Year attribute, renamed there, and its bytes. */
async function sourcePackage(source: TestServer): Promise<Buffer> {
  const token = await source.login();
  await json(await source.request('PUT', `/api/objects/${YEAR}?type=12`, { token, headers: PROJECT, json: { name: 'Calendar Year' } }), 200);
  const created = await json(
    await source.request('POST', `${MIGRATIONS}?unlockOnStart=True`, {
      token,
      headers: { ...PROJECT, Prefer: 'respond-async' },
      json: {
        packageInfo: {
          name: 'console package',
          environment: { id: `${source.url}/`, name: 'source' },
          tocView: {
            settings: { defaultAction: 'use_existing', aclOnReplacingObjects: 'replace', aclOnNewObjects: ['keep_acl_as_source_object'] },
            content: [{ id: YEAR, type: 12, includeDependents: false, action: 'replace' }],
          },
          treeView: {},
          type: 'project',
        },
        importInfo: {},
      },
    }),
    201,
  );
  const ready = await waitForMigration(source, token, created.id, (r) => r.packageInfo.status !== 'creating');
  assert.equal(ready.packageInfo.status, 'created', ready.packageInfo.message);
  const download = await source.request('GET', `${MIGRATIONS}/packages/${ready.packageInfo.id}/binary`, { token });
  assert.equal(download.status, 200);
  return Buffer.from(await download.arrayBuffer());
}

// Browser tests run on SQLite only: the console talks HTTP, and the API tests cover both dialects.
describe('web console in Chromium [sqlite]', { skip: browserSkip }, () => {
  let source: TestServer;
  let target: TestServer;
  let targetToken: string;
  let workDir: string;
  let packageFile: string;
  let bytes: Buffer;
  let context: BrowserContext;
  let page: Page;
  let yearBefore: string;

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  const yearName = async () =>
    (await json(await target.request('GET', `/api/objects/${YEAR}?type=12`, { token: targetToken, headers: PROJECT }), 200)).name as string;
  const files = async () => json(await target.request('GET', `${FILES}?type=migrations.packages`, { token: targetToken }), 200);

  before(async () => {
    requireBuiltConsole();
    [source, target] = await Promise.all([startTestServer('sqlite'), startTestServer('sqlite')]);
    targetToken = await target.login();
    yearBefore = await yearName();
    bytes = await sourcePackage(source);
    workDir = await mkdtemp(path.join(tmpdir(), 'packstore-console-'));
    packageFile = path.join(workDir, 'console package.mmp');
    await writeFile(packageFile, bytes);
    ({ context, page } = await launchBrowser(workDir));
  });
  after(async () => {
    await context?.close();
    await Promise.all([source?.close(), target?.close()]);
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('shows the server error of a failed sign-in, then signs in', async () => {
    await page.goto(`${target.url}/console/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Packstore' }).waitFor();
    await page.getByLabel('User name').fill('Administrator');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    assert.match(await alert.innerText(), /Sign-in failed\.[\s\S]*Error code ERR003\.[\s\S]*Ticket [0-9a-f]{32}\./);
    await shot('sign-in-error');

    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const packages = page.getByRole('heading', { level: 1, name: 'Packages' });
    await packages.waitFor();
    await waitForFocus(packages, 'after sign-in, focus is on the page heading');
    const token = await page.evaluate(() => sessionStorage.getItem('packstore.authToken'));
    assert.ok(token && token.length > 20, 'the token lives in sessionStorage');
    assert.ok(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Packages' }).getAttribute('aria-current'));
  });

  it('keeps the session across a reload and starts with a skip link to the main content', async () => {
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to main content' });
    await waitForFocus(skip, 'the first Tab reaches the skip link');
    await page.keyboard.press('Enter');
    // The browser moves the focus to a link's fragment target when it next updates the page, not in the key's event: wait for it.
    await page.waitForFunction(() => document.activeElement?.id === 'main');
  });

  it('uploads a package chosen with the file picker, with checksum and upload progress', async () => {
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid="upload-status"]');
      const seen: string[] = [];
      (window as unknown as { statusLog: string[] }).statusLog = seen;
      if (status) new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, subtree: true, characterData: true });
    });
    await page.getByLabel('Package file (.mmp)').setInputFiles(packageFile);
    // The form as it is once the file is chosen: only then can it be seen not to ask for more.
    await page.getByText('Selected: console package.mmp').waitFor();
    assert.equal(await page.getByLabel('Name', { exact: true }).count(), 0, 'the form asks only for the file');
    assert.equal(await page.getByLabel('Source environment').count(), 0, 'the source comes from the package header');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const header = await readPackageHeader(Readable.from([bytes]));
    const from = `from ${header.sourceEnvironment.name || header.sourceEnvironment.id} (package ${header.packageId})`;
    await page
      .getByTestId('upload-status')
      .filter({ hasText: `Uploaded console package ${from}.` })
      .waitFor();
    const log = await page.evaluate(() => (window as unknown as { statusLog: string[] }).statusLog);
    assert.ok(
      log.some((t) => t.startsWith('Computing the checksum')),
      `checksum progress shown: ${log.join(' | ')}`,
    );
    assert.ok(
      log.some((t) => t.startsWith('Uploading:')),
      `upload progress shown: ${log.join(' | ')}`,
    );

    const stored = (await files()).data as { name: string; sha256: string; size: number; existing: boolean }[];
    assert.equal(stored.length, 1);
    assert.equal(must(stored[0], 'at least one entry in stored').sha256, sha256(bytes), "the checksum computed in the browser is the bytes' SHA-256");
    assert.equal(must(stored[0], 'at least one entry in stored').existing, true);

    const row = page.getByRole('row', { name: /console package/ });
    await row.waitFor();
    const [type, , size, date, creator] = await row.getByRole('cell').allInnerTexts();
    assert.deepEqual([type, size, creator], ['Project', formatBytes(bytes.length), 'Administrator']);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    const sourceText = await row.getByTestId('file-source').innerText();
    assert.equal(sourceText, `${header.sourceEnvironment.name || header.sourceEnvironment.id}\npackage ${header.packageId}`);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    assert.match(await row.getByTestId('file-signature').innerText(), /^(Unsigned|Signed)/);
    assert.match(date ?? '', /\d{4}/);
    await shot('packages');
  });

  it('downloads the stored package byte for byte', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download console package' }).click()]);
    const saved = path.join(workDir, 'downloaded.mmp');
    await download.saveAs(saved);
    assert.equal(sha256(await readFile(saved)), sha256(bytes));
  });

  it('starts an import into a chosen project and follows it until imported', async () => {
    await page.getByRole('button', { name: 'Import console package' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import console package' });
    await dialog.waitFor();
    await dialog.getByLabel('Target project').selectOption({ label: 'MicroStrategy Tutorial' });
    await shot('import-dialog');
    await dialog.getByRole('button', { name: 'Start import' }).click();
    await page.waitForURL(/\/console\/migrations\/[0-9A-F]{32}:[0-9A-F]{32}$/);
    await page
      .getByTestId('detail-import-status')
      .filter({ hasText: /^Imported$/ })
      .waitFor();
    const header = await readPackageHeader(Readable.from([bytes]));
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    assert.equal(await page.getByTestId('detail-source-package').innerText(), header.packageId, 'the detail traces the package to its source');
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    assert.equal(await page.getByTestId('detail-source-environment').innerText(), header.sourceEnvironment.name);
    assert.equal(await yearName(), 'Calendar Year', 'the import changed the target');
    // The report is read once the import status says imported: wait for its row.
    const object = page.getByRole('row', { name: /Calendar Year/ });
    await object.waitFor();
    assert.deepEqual((await object.getByRole('cell').allInnerTexts()).slice(0, 3), ['Attribute', 'Exists differently', 'Replace']);
    assert.equal(await page.getByRole('progressbar', { name: 'Import progress' }).getAttribute('value'), '100');
    await shot('migration-imported');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Migrations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Migrations' }).waitFor();
    await waitForFocus(page.getByRole('heading', { level: 1 }), 'focus moves to the new page');
    await page
      .getByRole('row', { name: /console package/ })
      .getByTestId('import-status')
      .filter({ hasText: 'Imported' })
      .waitFor();
    await shot('migrations');
  });

  it('undoes the import after a confirmation, and the list follows the undo', async () => {
    await page.getByRole('button', { name: 'Undo import of console package' }).click();
    const dialog = page.getByRole('dialog', { name: 'Undo the import of console package?' });
    await dialog.getByRole('button', { name: 'Undo import' }).click();
    await page
      .getByRole('row', { name: /console package/ })
      .getByTestId('import-status')
      .filter({ hasText: 'Undone' })
      .waitFor();
    assert.equal(await yearName(), yearBefore, 'undo restored the target');
    // The list's own line for the undo: any line naming console package may be an earlier one (the import's start or end).
    await page
      .getByTestId('announcer')
      .filter({ hasText: /console package: .*import undone/ })
      .waitFor();
  });

  it('deletes the migration and its uploaded file', async () => {
    await page.getByRole('link', { name: 'console package' }).click();
    await page.getByRole('heading', { level: 1, name: 'Migration: console package' }).waitFor();
    await page.getByRole('button', { name: 'Delete migration' }).click();
    await page.getByRole('dialog', { name: 'Delete console package?' }).getByRole('button', { name: 'Delete migration' }).click();
    await page.getByText('No migrations yet.').waitFor();
    assert.equal((await files()).total, 0);
    const list = await json(await target.request('GET', `${MIGRATIONS}?packageInfo.purpose=migration_from_shared_file_store`, { token: targetToken }), 200);
    assert.equal(list.total, 0);
  });

  it('hashes a file of several read slices to the SHA-256 the server checks, and deletes it from the package list', async () => {
    await page.getByRole('link', { name: 'Packages' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    // 2 MiB slices: 5 MiB and a few bytes spans three, the last one short.
    const big = await packageOfSize(5 * 1024 * 1024 + 7);
    const bigFile = path.join(workDir, 'big.mmp');
    await writeFile(bigFile, big);
    await page.getByLabel('Package file (.mmp)').setInputFiles(bigFile);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByTestId('upload-status')
      .filter({ hasText: /^Uploaded big from / })
      .waitFor();
    assert.equal(((await files()).data as { sha256: string }[])[0]?.sha256, sha256(big));

    const deleteBig = page.getByRole('button', { name: 'Delete big' });
    await deleteBig.click();
    const dialog = page.getByRole('dialog', { name: 'Delete big?' });
    await waitForFocus(dialog.getByRole('button', { name: 'Cancel' }), 'the dialog opens on its harmless choice');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await waitForFocus(deleteBig, 'Escape closes the dialog and focus goes back');
    await deleteBig.press('Enter');
    await dialog.getByRole('button', { name: 'Delete package' }).click();
    await page.getByText('No uploaded packages yet.').waitFor();
    assert.equal((await files()).total, 0);
  });

  it('takes a package dropped on the upload box', async () => {
    const dropped = await page.evaluateHandle((b64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'dropped.mmp'));
      return transfer;
    }, bytes.toString('base64'));
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page.getByRole('row', { name: /dropped/ }).waitFor();
    assert.equal(((await files()).data as { sha256: string }[])[0]?.sha256, sha256(bytes));
  });

  it('refuses bytes that are not a package with a clear error, and lists nothing for them', async () => {
    const garbageFile = path.join(workDir, 'garbage.mmp');
    await writeFile(garbageFile, randomBytes(300 * 1024));
    await page.getByLabel('Package file (.mmp)').setInputFiles(garbageFile);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The upload failed.' });
    await alert.waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
    assert.match(await alert.innerText(), /not a migration package \(\.mmp\)/);
    await shot('upload-not-a-package');
    const names = ((await files()).data as { name: string }[]).map((f) => f.name);
    assert.ok(!names.includes('garbage'), `nothing kept for the refused bytes: ${names.join(', ')}`);
  });

  it('goes back to sign-in when the session ends', async () => {
    await target.request('POST', '/api/auth/logout', { token: (await page.evaluate(() => sessionStorage.getItem('packstore.authToken'))) ?? '' });
    await page.getByRole('link', { name: 'Migrations' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Sign in to Packstore' }).waitFor();
    await page.getByText('Your session has ended.').waitFor();
  });
});

// The console's upload is a tus upload: a connection cut part-way resumes instead of failing.
describe('web console upload over a cut connection [sqlite]', { skip: browserSkip }, () => {
  let s: TestServer;
  let proxy: CuttingProxy;
  let workDir: string;
  let context: BrowserContext;
  let bytes: Buffer;

  before(async () => {
    requireBuiltConsole();
    [s, bytes] = await Promise.all([startTestServer('sqlite'), written(sampleHeader(), [newMetrics(3000, 'console resumable')])]);
    // The console's first PATCH is cut half-way; what follows passes.
    proxy = await cuttingProxy(Number(new URL(s.url).port), Math.floor(bytes.length / 2), { upload: /PATCH [^ ]*\/uploads\/[0-9a-f]{32} /, maxCuts: 1 });
    workDir = await mkdtemp(path.join(tmpdir(), 'packstore-console-cut-'));
    await writeFile(path.join(workDir, 'cut package.mmp'), bytes);
    ({ context } = await launchBrowser(workDir));
  });
  after(async () => {
    await context?.close();
    await proxy?.close();
    await s?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('resumes the upload and stores the package whole', async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    await page.goto(`${proxy.url}/console/`);
    await page.getByLabel('User name').fill('Administrator');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    await page.getByLabel('Package file (.mmp)').setInputFiles(path.join(workDir, 'cut package.mmp'));
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await page
      .getByTestId('upload-status')
      .filter({ hasText: /^Uploaded cut package from .+ \(package [0-9A-F]{32}\)\.$/ })
      .waitFor();
    assert.equal(proxy.cuts, 1, 'the proxy cut the upload');
    const listed = await json(await s.request('GET', `${FILES}?type=migrations.packages`, { token: await s.login() }), 200);
    const stored = listed.data as { name: string; sha256: string; existing: boolean }[];
    assert.deepEqual(
      stored.map((f) => [f.name, f.existing, f.sha256]),
      [['cut package', true, sha256(bytes)]],
    );
  });
});
