import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { dialects } from './support/env.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/server.js';
import { buildPackage, importToEnd, json, type Json } from './support/migrations.js';
import { createFile, multipartBody, upload } from './support/shared-files.js';
import { explicitEntry, metric, T0 } from './support/packages.js';
import { ARTIFACTS, browserSkip, launchBrowser, requireBuiltConsole } from './support/browser.js';
import type { AclEntry } from '../src/domain/objects.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { rightsWords, words } from '../src/api/contract/labels.js';
import { objectTypeName } from '../web/src/format.js';

const DIFF = '/api/migrations/diff';
const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const FILE_NAME = 'diff in the console';
const TRUSTEE = newGuid();
const ace = (rights: number): AclEntry => ({
  deny: false,
  type: 1,
  rights,
  trusteeId: TRUSTEE,
  trusteeName: 'Diff analysts',
  trusteeType: 34,
  trusteeSubtype: 8705,
  inheritable: false,
});

/** The counts of a summary as the console shows them: "<words> <count>" for each that is not 0. */
const shownCounts = (counts: Record<string, number>, label: (key: string) => string) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([key, n]) => `${label(key)}${n}`)
    .sort();

for (const dialect of dialects()) {
  describe(`console diff page in Chromium [${dialect}]`, { skip: browserSkip }, () => {
    let s: TestServer;
    let token: string;
    let workDir: string;
    let context: BrowserContext;
    let page: Page;
    let fileId: string;
    const kept = metric('Diff kept');
    const replaced = metric('Diff replaced', { definition: { formula: 'Sum(Cost)' }, acl: [ace(1)] });

    /** A diff through the API, followed until its job is done (the job runner is in-process). */
    const diffToEnd = async (body: Json, headers: Record<string, string> = {}): Promise<Json> => {
      const started = await s.request('POST', DIFF, { token, headers, json: body });
      if (started.status === 200) return json(started, 200);
      const { id } = await json(started, 202);
      for (;;) {
        const res = await s.request('GET', `${DIFF}/${id}`, { token });
        if (res.status === 200) return json(res, 200);
        assert.equal((await json(res, 202)).status, 'running');
      }
    };
    /** A project picker's choice, once the projects are listed (it is disabled while they load). */
    const chosenProject = async (select: Locator) => {
      await select.and(page.locator(':enabled')).waitFor();
      return select.inputValue();
    };
    const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `diff-${name}-${dialect}.png`), fullPage: true });
    const objects = () => page.getByRole('region', { name: 'Objects' });
    const rowNames = () => objects().locator('tbody th').allInnerTexts();
    const focused = () => page.evaluate(() => document.activeElement?.textContent ?? '');
    /** What the summary shows, by action and by type, as "<words><count>" (the chips' text runs together). */
    const summaryShown = async (label: string) =>
      (await page.getByTestId('diff-summary').getByLabel(label).locator('div').allTextContents()).map((t) => t.replace(/\s+/g, '')).sort();

    before(async () => {
      requireBuiltConsole();
      // Every diff runs as a job (202, then followed): the page's way for large packages, on a small one.
      s = await startTestServer(dialect, { 'diff.syncMaxBytes': '0' });
      token = await s.login();
      assert.equal(
        (await importToEnd(s, token, await buildPackage([explicitEntry(kept, 'replace'), explicitEntry(replaced, 'replace')]))).importInfo.status,
        'imported',
      );
      const bytes = await buildPackage([
        explicitEntry(kept, 'replace'),
        explicitEntry(
          { ...replaced, name: 'Diff replaced v2', version: newGuid(), dateModified: T0 + 60_000, definition: { formula: 'Sum(Revenue)' }, acl: [ace(7)] },
          'replace',
        ),
        explicitEntry(metric('Diff created'), 'replace'),
        explicitEntry(metric('Diff folder', { type: 8, subtype: 2048, definition: {} }), 'replace'),
      ]);
      const file = await createFile(s, token, bytes, { name: FILE_NAME, extraInfo: { packageType: 'project', packagePurpose: 'object_migration' } });
      assert.equal((await upload(s, token, file.id, multipartBody(bytes))).status, 200);
      fileId = file.id;
      workDir = await mkdtemp(path.join(tmpdir(), 'packstore-console-diff-'));
      ({ context, page } = await launchBrowser(workDir));
    });
    after(async () => {
      await context?.close();
      await s?.close();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it("opens a package's diff from its row: the summary is the API's", async () => {
      await page.goto(`${s.url}/console/`);
      await page.getByLabel('User name').fill('Administrator');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('link', { name: `Diff ${FILE_NAME} against a project` }).click();
      await page.getByRole('heading', { level: 1, name: `Diff: ${FILE_NAME}` }).waitFor();
      assert.equal(await chosenProject(page.getByLabel('Target project')), TUTORIAL_PROJECT_ID);
      await page.getByTestId('diff-summary').waitFor();

      const api = await diffToEnd(
        { packageInfo: { storage: { sharedFileStore: { files: { id: fileId } } } }, importInfo: { project: { id: TUTORIAL_PROJECT_ID } } },
        PROJECT,
      );
      assert.deepEqual(
        { create: api.summary.byAction.create, replace: api.summary.byAction.replace, keep: api.summary.byAction.keep, byType: api.summary.byType },
        { create: 2, replace: 1, keep: 1, byType: { 4: 3, 8: 1 } },
        'the package creates, replaces and keeps',
      );
      assert.match((await page.getByTestId('diff-summary').textContent()) ?? '', new RegExp(`${api.summary.total} objects`));
      assert.deepEqual(await summaryShown('Objects by action'), shownCounts(api.summary.byAction, words));
      assert.deepEqual(
        await summaryShown('Objects by type'),
        shownCounts(api.summary.byType, (t) => objectTypeName(Number(t))),
      );
      // The summary comes with the diff; its first page of objects is read after it.
      await objects().getByText(`${api.summary.total} objects match`).waitFor();
      assert.equal(await objects().locator('tbody tr').count(), api.summary.total);
      await shot('summary');
    });

    it('filters by action and type and searches by name, on the server', async () => {
      await objects().getByLabel('Action').selectOption('create');
      await page.getByText('2 objects match').waitFor();
      assert.deepEqual((await rowNames()).sort(), ['Diff created', 'Diff folder']);
      await objects().getByLabel('Type').selectOption('8');
      await page.getByText('1 object matches').waitFor();
      assert.deepEqual(await rowNames(), ['Diff folder']);
      await objects().getByLabel('Action').selectOption('');
      await objects().getByLabel('Type').selectOption('');
      // The type filter's answer also read "1 object matches": wait for the cleared list before searching.
      await page.getByText('4 objects match').waitFor();
      await objects().getByLabel('Search by name').fill('V2');
      await page.getByText('1 object matches').waitFor();
      assert.deepEqual(await rowNames(), ['Diff replaced v2']);
      assert.deepEqual(await objects().getByTestId('diff-action').allInnerTexts(), ['Replace']);
    });

    it('shows an object side by side: the definition and the ACL, before and after', async () => {
      await objects().getByRole('button', { name: 'Diff replaced v2' }).click();
      const view = page.getByRole('region', { name: 'Diff replaced v2' });
      await view.waitFor();
      const cells = async (field: string) => view.locator(`tr[data-field="${field}"]`).locator('th, td').allInnerTexts();
      assert.deepEqual(await cells('name'), ['Name', 'Diff replaced', 'Diff replaced v2']);
      assert.deepEqual(await cells('definition.formula'), ['formula', 'Sum(Cost)', 'Sum(Revenue)']);
      assert.deepEqual(await cells(`acl[grant:${TRUSTEE}]`), ['Diff analysts: grant', rightsWords(1), rightsWords(7)]);
      assert.equal(rightsWords(7), 'Browse, Use and execute, Read');
      assert.equal(await view.locator(`tr[data-field="acl[grant:${TRUSTEE}]"] del`).textContent(), 'Browse', 'the value that goes is marked');
      assert.equal(await view.locator(`tr[data-field="acl[grant:${TRUSTEE}]"] ins`).textContent(), 'Browse, Use and execute, Read', 'and the one that comes');
      await view.getByRole('table', { name: 'Access control (ACL)' }).waitFor();
      await shot('object');
      await view.getByRole('button', { name: 'Close the changes of Diff replaced v2' }).click();
      await view.waitFor({ state: 'detached' });
    });

    it('works by keyboard: Tab to the list, arrows between rows, Enter opens, Escape closes', async () => {
      const search = objects().getByLabel('Search by name');
      await search.fill('');
      await page.getByText('4 objects match').waitFor();
      await search.focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
      const names = await rowNames();
      assert.equal(await focused(), names[0], 'Tab goes from the filters to the first object');
      assert.equal(
        await page.evaluate(() => (document.activeElement ? getComputedStyle(document.activeElement).outlineStyle : '')),
        'solid',
        'the focus is visible',
      );
      await page.keyboard.press('ArrowDown');
      assert.equal(await focused(), names[1]);
      await page.keyboard.press('Enter');
      const view = page.getByTestId('diff-object');
      await view.getByRole('heading', { name: names[1] }).waitFor();
      // The heading is focused by an effect after it renders: wait for that state, not for the heading alone.
      await page.waitForFunction(() => document.activeElement?.id === 'diff-object-heading');
      await page.keyboard.press('Escape');
      await view.waitFor({ state: 'detached' });
      assert.equal(await focused(), names[1], 'Escape hands focus back to its row');
    });

    it('warns when the target changed since the diff, and diffs again', async () => {
      const renamed = await s.request('PUT', `/api/objects/${kept.id}?type=4`, { token, headers: PROJECT, json: { name: 'Diff kept, renamed meanwhile' } });
      assert.equal(renamed.status, 200, await renamed.text());
      await objects().getByLabel('Action').selectOption('keep');
      const warning = page.getByRole('alert').filter({ hasText: 'The target changed since this diff was taken.' });
      await warning.waitFor();
      await shot('stale');
      await warning.getByRole('button', { name: 'Diff again' }).click();
      await warning.waitFor({ state: 'detached' });
      await page.getByText('4 objects match').waitFor();
      assert.equal(await objects().getByLabel('Action').inputValue(), '', 'a new diff starts unfiltered');
    });

    it('holds its layout at 800 px with an object open', async () => {
      await page.setViewportSize({ width: 800, height: 900 });
      await objects().getByRole('button', { name: 'Diff replaced v2' }).click();
      await page.getByTestId('diff-object').waitFor();
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, viewport: window.innerWidth }));
      assert.ok(widths.page <= widths.viewport, `the page is not wider than the window (${widths.page} > ${widths.viewport})`);
      await shot('800px');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('starts the import from the diff page, then shows what an undo would restore', async () => {
      await page.getByRole('region', { name: 'Target' }).getByRole('button', { name: 'Import…' }).click();
      const dialog = page.getByRole('dialog', { name: `Import ${FILE_NAME}` });
      assert.equal(await chosenProject(dialog.getByLabel('Target project')), TUTORIAL_PROJECT_ID, "the diff's project is chosen");
      await dialog.getByRole('button', { name: 'Start import' }).click();
      await page.getByTestId('detail-import-status').filter({ hasText: 'Imported' }).waitFor();
      const migrationId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      const record: Json = await json(await s.request('GET', `/api/migrations/${migrationId}`, { token }), 200);
      assert.equal(record.importInfo.status, 'imported');

      await page.getByRole('link', { name: 'What an undo restores' }).click();
      await page.getByRole('heading', { level: 1, name: /^What an undo restores/ }).waitFor();
      await page.getByTestId('diff-summary').waitFor();
      const api = await diffToEnd({ packageInfo: { id: migrationId }, undo: true });
      assert.deepEqual(await summaryShown('Objects by action'), shownCounts(api.summary.byAction, words));
      await page.getByRole('button', { name: 'Undo import' }).waitFor();
      await shot('undo');
    });
  });
}
