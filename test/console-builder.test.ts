import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { dialects } from './support/env.js';
import { startTestServer, ADMIN_PASSWORD, type TestServer } from './support/server.js';
import { MIGRATIONS, json, type Json } from './support/migrations.js';
import { ARTIFACTS, browserSkip, launchBrowser, requireBuiltConsole, waitForFocus } from './support/browser.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { counted, objectTypeName } from '../web/src/format.js';
import { must } from './support/must.js';

const PROJECT = { 'X-MSTR-ProjectID': TUTORIAL_PROJECT_ID };
const REVENUE_METRIC = '4C05177011D3E877C000B3B2D86C964F';
const METRIC = 4;
const FACT = 13;
const FOLDER = 8;
/** What the builder shows per page of results (RESULTS_PAGE in the console). */
const PAGE = 25;

for (const dialect of dialects()) {
  describe(`console package builder in Chromium [${dialect}]`, { skip: browserSkip }, () => {
    let s: TestServer;
    let token: string;
    let workDir: string;
    let context: BrowserContext;
    let page: Page;
    /** What the page has put in the package so far, by id, as the server describes the objects. */
    const expected = new Map<string, { id: string; type: number; name: string }>();

    const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `builder-${name}-${dialect}.png`), fullPage: true });
    /** Every result of a metadata search, straight from the API. */
    const search = async (query: string): Promise<Json[]> => {
      const stored = await json(await s.request('POST', `/api/v2/metadataSearches/results?domain=2&${query}`, { token, headers: PROJECT, json: {} }), 200);
      const results = await s.request('GET', `/api/metadataSearches/results?searchId=${stored.id}`, { token });
      assert.equal(results.status, 200);
      return (await results.json()) as Json[];
    };
    const children = async (folderId: string): Promise<Json[]> => {
      const res = await s.request('GET', `/api/folders/${folderId}`, { token, headers: PROJECT });
      assert.equal(res.status, 200);
      return (await res.json()) as Json[];
    };
    const childNamed = async (folderId: string, name: string) => {
      const found = (await children(folderId)).find((o) => o.name === name);
      assert.ok(found, `${name} is in folder ${folderId}`);
      return found;
    };
    const expect = (objects: readonly Json[]) => {
      for (const o of objects) expected.set(o.id, { id: o.id, type: o.type, name: o.name });
    };
    const searchPanel = () => page.getByRole('region', { name: 'Search', exact: true });

    before(async () => {
      requireBuiltConsole();
      s = await startTestServer(dialect);
      token = await s.login();
      workDir = await mkdtemp(path.join(tmpdir(), 'packstore-builder-'));
      ({ context, page } = await launchBrowser(workDir));
    });
    after(async () => {
      await context?.close();
      await s?.close();
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    it('signs in and opens the builder from the main navigation', async () => {
      await page.goto(`${s.url}/console/`);
      await page.getByLabel('User name').fill('Administrator');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Build a package' }).click();
      const heading = page.getByRole('heading', { level: 1, name: 'Build a package' });
      await heading.waitFor();
      await waitForFocus(heading, 'focus moves to the new page');
      await page.getByLabel('Source project').selectOption({ label: 'MicroStrategy Tutorial' });
      await page.getByRole('heading', { level: 3, name: 'Folder: MicroStrategy Tutorial' }).waitFor();
    });

    it('searches by name and type, and picks a result with the keyboard', async () => {
      const panel = searchPanel();
      await panel.getByLabel('Name contains').fill('revenue');
      await panel.getByLabel('Type').selectOption({ label: 'Metric' });
      await panel.getByRole('button', { name: 'Search' }).click();
      const server = await search(`name=revenue&pattern=4&type=${METRIC}`);
      assert.ok(server.length > 1);
      const table = panel.getByRole('table', { name: `Search results: ${server.length} objects` });
      await table.waitFor();
      const rows = table.locator('tbody tr');
      assert.equal(await rows.count(), server.length);
      for (const row of await rows.all()) {
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
        const [name, type] = [await row.getByRole('rowheader').innerText(), await row.getByRole('cell').first().innerText()];
        assert.match(name, /revenue/i);
        assert.equal(type, 'Metric');
      }

      const revenue = must(
        server.find((o) => o.id === REVENUE_METRIC),
        "the Revenue metric in the server's results",
      );
      const pick = table.getByRole('button', { name: `Pick ${revenue.name}`, exact: true });
      await pick.focus();
      await page.keyboard.press('Space');
      assert.equal(await pick.getAttribute('aria-pressed'), 'true');
      await waitForFocus(pick, 'focus stays on the toggle');
      await page
        .getByTestId('announcer')
        .filter({ hasText: `Picked ${revenue.name}: 1 object added.` })
        .waitFor();
      expect([revenue]);
      await page.getByTestId('content-summary').filter({ hasText: '1 object: 1 picked, 0 added as dependencies.' }).waitFor();
    });

    it('pages through results a page at a time, and filters by modification date', async () => {
      const panel = searchPanel();
      await panel.getByLabel('Name contains').fill('');
      await panel.getByRole('button', { name: 'Search' }).click();
      const metrics = await search(`type=${METRIC}`);
      assert.ok(metrics.length > PAGE, 'more metrics than one page holds');
      const pager = panel.getByRole('navigation', { name: 'Search result pages' });
      await pager.getByText(`1–${PAGE} of ${metrics.length}`).waitFor();
      assert.equal(await panel.locator('tbody tr').count(), PAGE, 'one page, not every result');
      const firstPage = await panel.getByRole('rowheader').allInnerTexts();
      await pager.getByRole('button', { name: 'Next page' }).click();
      await pager.getByText(`${PAGE + 1}–${metrics.length} of ${metrics.length}`).waitFor();
      const secondPage = await panel.getByRole('rowheader').allInnerTexts();
      assert.equal(secondPage.length, metrics.length - PAGE);
      assert.deepEqual(
        [...firstPage, ...secondPage],
        metrics.map((o) => o.name),
        "the pages are the server's results in order",
      );

      await panel.getByLabel('Modified since').fill('2999-01-01');
      await panel.getByRole('button', { name: 'Search' }).click();
      await panel.getByText('No objects match.').waitFor();

      // One metric changed today: a search from today's date finds it among the few changed since.
      const today = new Date().toISOString().slice(0, 10);
      const touched = must(
        metrics.find((o) => o.id !== REVENUE_METRIC),
        'a metric other than Revenue',
      );
      await json(
        await s.request('PUT', `/api/objects/${touched.id}?type=${METRIC}`, { token, headers: PROJECT, json: { description: 'changed by the builder test' } }),
        200,
      );
      const since = await search(`type=${METRIC}&beginModificationTime=${today}T00:00:00Z`);
      assert.ok(since.some((o) => o.id === touched.id) && since.length < metrics.length);
      await panel.getByLabel('Modified since').fill(today);
      await panel.getByRole('button', { name: 'Search' }).click();
      await panel.getByRole('table', { name: `Search results: ${since.length} object${since.length === 1 ? '' : 's'}` }).waitFor();
      assert.deepEqual(
        await panel.getByRole('rowheader').allInnerTexts(),
        since.map((o) => o.name),
      );
    });

    it('browses folders and picks an object and a whole folder', async () => {
      const browser = page.getByRole('region', { name: 'Browse folders' });
      const publicObjects = await childNamed('D43364C684E34A5F9B2F9AD7108F7828', 'Public Objects');
      const sharedReports = await childNamed(publicObjects.id, 'Shared Reports');
      const report = (await children(sharedReports.id)).find((o) => o.type !== FOLDER);
      assert.ok(report, 'Shared Reports holds something besides folders');

      await browser.getByRole('button', { name: 'Open folder Public Objects' }).click();
      const heading = browser.getByRole('heading', { level: 3, name: 'Folder: Public Objects' });
      await heading.waitFor();
      await browser.getByRole('button', { name: 'Open folder Shared Reports' }).click();
      await browser.getByRole('heading', { level: 3, name: 'Folder: Shared Reports' }).waitFor();
      await browser.getByRole('table', { name: /^Shared Reports: / }).waitFor();
      await waitForFocus(browser.getByRole('heading', { level: 3 }), 'focus follows into the folder');
      await browser.getByRole('button', { name: `Pick ${report.name}`, exact: true }).click();
      expect([report]);

      await browser.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Public Objects' }).click();
      await heading.waitFor();
      await browser.getByRole('button', { name: 'Open folder Prompts' }).click();
      await browser.getByRole('heading', { level: 3, name: 'Folder: Prompts' }).waitFor();
      const prompts = await childNamed(publicObjects.id, 'Prompts');
      const below = await search(`root=${prompts.id}`);
      await browser.getByRole('button', { name: 'Pick Prompts and everything below it' }).click();
      expect([prompts, ...below]);
      await page
        .getByTestId('content-summary')
        .filter({ hasText: `${expected.size} objects: ${expected.size} picked` })
        .waitFor();
      await shot('picked');
    });

    it('names the rows on screen while the next page of a folder loads, then the next ones', async () => {
      const browser = page.getByRole('region', { name: 'Browse folders' });
      const publicObjects = await childNamed('D43364C684E34A5F9B2F9AD7108F7828', 'Public Objects');
      const metrics = await childNamed(publicObjects.id, 'Metrics');
      const total = (await children(metrics.id)).length;
      assert.ok(total > PAGE, 'Metrics holds more than a page');
      await browser.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Public Objects' }).click();
      await browser.getByRole('heading', { level: 3, name: 'Folder: Public Objects' }).waitFor();
      await browser.getByRole('button', { name: 'Open folder Metrics' }).click();
      const pager = browser.getByRole('navigation', { name: 'Folder pages' });
      await pager.getByText(`1–${PAGE} of ${total}`).waitFor();
      const firstPage = await browser.getByRole('rowheader').allInnerTexts();

      // The next page's answer is held until the test has read the screen.
      let requested: () => void = () => undefined;
      const held = new Promise<void>((resolve) => (requested = resolve));
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const nextPage = `**/api/folders/${metrics.id}?offset=${PAGE}&*`;
      await page.route(nextPage, async (route) => {
        requested();
        await released;
        await route.continue();
      });
      await pager.getByRole('button', { name: 'Next page' }).click();
      await held;
      assert.equal(await pager.locator('span').textContent(), `1–${PAGE} of ${total}`, 'the pager names the rows still on screen');
      assert.deepEqual(await browser.getByRole('rowheader').allInnerTexts(), firstPage);
      release();
      await pager.getByText(`${PAGE + 1}–${total} of ${total}`).waitFor();
      assert.equal(await browser.getByRole('rowheader').count(), total - PAGE);
      await page.unroute(nextPage);
    });

    it('adds the dependencies of the picked objects by type and shows the counts by type', async () => {
      const picked = [...expected.values()];
      for (const object of picked) expect(await search(`usedByObject=${object.id};${object.type}&usedByRecursive=true&type=${FACT}`));
      const dependencies = expected.size - picked.length;
      assert.ok(dependencies > 0, 'the picked objects use facts');

      const content = page.getByRole('region', { name: 'Package content' });
      await content.getByRole('checkbox', { name: 'Fact' }).check();
      await content.getByRole('button', { name: 'Add dependencies' }).click();
      await page
        .getByTestId('content-summary')
        .filter({ hasText: `${expected.size} objects: ${picked.length} picked, ${dependencies} added as dependencies.` })
        .waitFor();
      await page
        .getByTestId('announcer')
        .filter({ hasText: `Dependencies of ${counted(picked.length, 'picked object')}: ${counted(dependencies, 'object')} added.` })
        .waitFor();

      const counts = new Map<string, number>();
      for (const o of expected.values()) counts.set(objectTypeName(o.type), (counts.get(objectTypeName(o.type)) ?? 0) + 1);
      const table = content.getByRole('table', { name: 'Objects by type' });
      const shown = new Map<string, number>();
      for (const row of await table.locator('tbody tr').all()) {
        // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the text the user sees, which is what is checked
        shown.set(await row.getByRole('rowheader').innerText(), Number(await row.getByRole('cell').innerText()));
      }
      assert.deepEqual(shown, counts);
      await shot('content');
    });

    it('holds at 800 px wide without sideways scrolling', async () => {
      await page.setViewportSize({ width: 800, height: 900 });
      await page.getByRole('heading', { level: 2, name: 'Package content' }).scrollIntoViewIfNeeded();
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 800), 'nothing sticks out of an 800 px window');
      await shot('800px');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('creates the package, follows it until created, and links to it', async () => {
      const create = page.getByRole('region', { name: 'Create the package' });
      await create.getByLabel('Package name').fill('builder package');
      await create.getByRole('button', { name: `Create package of ${expected.size} objects` }).click();
      const status = page.getByTestId('creation-status').filter({ hasText: /^Created: builder package\./ });
      await status.waitFor();
      await waitForFocus(status, 'the result takes the focus');
      await shot('created');
      await create.getByRole('link', { name: 'Open builder package' }).click();
      await page.getByRole('heading', { level: 1, name: 'Migration: builder package' }).waitFor();
      const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');

      const record = await json(await s.request('GET', `${MIGRATIONS}/${id}?showContent=tocview`, { token, headers: PROJECT }), 200);
      assert.equal(record.packageInfo.status, 'created');
      assert.equal(record.packageInfo.name, 'builder package');
      const rows = record.packageInfo.tocView.content as Json[];
      assert.deepEqual(new Set(rows.map((r) => `${r.id}:${r.type}`)), new Set([...expected.values()].map((o) => `${o.id}:${o.type}`)));
      assert.ok(rows.every((r) => r.explicitIncluded === true && r.action === 'replace'));
    });
  });
}
