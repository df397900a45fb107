import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from './support/server.js';
import { ARTIFACTS, browserSkip, launchBrowser, requireBuiltConsole } from './support/browser.js';
import { buildPackage, createPackage, importToEnd, type Json } from './support/migrations.js';
import { newMetrics } from './support/packages.js';
import { TUTORIAL_PROJECT_ID } from '../src/domain/objects.js';
import { newGuid } from '../src/domain/ids.js';
import { must } from './support/must.js';

const YEAR = '8D679D5111D3E4981000E787EC6DE8A4';
const METRICS = 250;

// Browser tests run on SQLite only: the console talks HTTP, and the API tests cover both dialects.
describe('console views: paged report, lists with filters, environment badge, 800 px [sqlite]', { skip: browserSkip }, () => {
  let s: TestServer;
  let workDir: string;
  let context: BrowserContext;
  let page: Page;
  let imported: Json;

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  before(async () => {
    requireBuiltConsole();
    s = await startTestServer('sqlite', { 'environment.name': 'Test EU', 'environment.colour': '#8a1538', 'environment.production': 'true' });
    const token = await s.login();
    const year = must(await s.server.env.ctx.metadata.getObject(TUTORIAL_PROJECT_ID, YEAR), 'the Year attribute');
    const entries = [
      ...newMetrics(METRICS, 'Console metric'),
      { action: 'replace', explicitIncluded: true, level: 'project_object', object: { ...year, name: 'Year in the console', version: newGuid() } },
    ];
    imported = await importToEnd(s, token, await buildPackage(entries as Parameters<typeof buildPackage>[0]));
    assert.equal(imported.importInfo.status, 'imported', imported.importInfo.message);
    await createPackage(s, token, { name: 'Made on this server', tocView: { settings: {}, content: [{ id: YEAR, type: 12 }] } });
    workDir = await mkdtemp(path.join(tmpdir(), 'packstore-console-views-'));
    ({ context, page } = await launchBrowser(workDir));
  });
  after(async () => {
    await context?.close();
    await s?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('names the environment, in its colour, with a production mark, before and after sign-in', async () => {
    await page.goto(`${s.url}/`);
    await page.waitForURL(/\/console\/$/);
    const badge = page.getByTestId('environment-badge');
    await badge.getByText('Production').waitFor();
    assert.match((await badge.textContent()) ?? '', /Test EU/);
    assert.equal(await page.locator('.environment-name').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(138, 21, 56)');
    // The title is set by an effect after the badge is drawn: wait for it.
    await page.waitForFunction(() => document.title.startsWith('PRODUCTION · Test EU · Sign in'));
    assert.match(await page.title(), /^PRODUCTION · Test EU · Sign in/);
    await page.getByLabel('User name').fill('Administrator');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Packages' }).waitFor();
    await page.getByRole('banner').getByText('Production').waitFor();
    // The sign-in page's title stays until the new page's effect runs.
    await page.waitForFunction(() => document.title.startsWith('PRODUCTION · Test EU · Packages'));
    assert.match(await page.title(), /^PRODUCTION · Test EU · Packages/);
    await shot('environment-badge');
  });

  it('shows where each package was imported, and the packages created here', async () => {
    const row = page.getByRole('row', { name: /uploaded/ });
    await row.getByTestId('imported-into').getByRole('link', { name: 'MicroStrategy Tutorial' }).waitFor();
    const created = page.getByRole('region', { name: 'Created in this environment' });
    await created.getByRole('row', { name: /Made on this server/ }).waitFor();
    assert.equal(await page.getByText('No uploaded packages yet.').count(), 0);
    await page.getByLabel('Search name or id').first().fill('no such package');
    await page.getByText('No packages match these filters.').waitFor();
    await page.getByLabel('Search name or id').first().fill('UPLOAD');
    await row.waitFor();
    await shot('packages-filtered');
  });

  it('filters and sorts the migrations, with started, finished and duration in a time zone', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Migrations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Migrations' }).waitFor();
    const row = page.getByRole('row', { name: /uploaded/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    const [started, finished, duration] = cells.slice(3, 6);
    for (const time of [started, finished]) assert.match(time ?? '', /\d{1,2}:\d{2}:\d{2}.*(UTC|GMT|[A-Z]{2,5})/, `a time with seconds and a zone: ${time}`);
    assert.match(duration ?? '', /\d+ (ms|s|min)/);
    assert.equal(await page.getByRole('button', { name: /^Undo import of/ }).getAttribute('class'), 'secondary', 'undo is not the primary action');

    await page.getByLabel('Status').selectOption('import_failed');
    await page.getByText('No migrations match these filters.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search name or id').fill('made on');
    await page.getByRole('row', { name: /Made on this server/ }).waitFor();
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Search name or id').fill('');
    // Z to A: newest first (the default) already reads A to Z here ("Made on this server", then "uploaded"), so only
    // this order shows on screen that the list was read again in it: "uploaded" comes first.
    await page.getByLabel('Order').selectOption('-name');
    await page
      .locator('tbody tr')
      .first()
      .filter({ has: page.getByRole('link', { name: 'uploaded', exact: true }) })
      .waitFor();
    const names = await page.locator('tbody th a').allInnerTexts();
    assert.deepEqual(
      names,
      [...names].sort((a, b) => b.localeCompare(a)),
    );
    await shot('migrations-filtered');
  });

  it('shows the report summary first, then a paged, filterable, sortable table', async () => {
    await page.goto(`${s.url}/console/migrations/${imported.id}`);
    const summary = page.getByTestId('report-summary');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', new RegExp(`${METRICS + 1} objects`));
    assert.match((await summary.getByLabel('Objects by type').textContent()) ?? '', new RegExp(`Metric\\s*${METRICS}`));
    const objects = page.getByRole('region', { name: 'Objects' });
    const bodyRows = objects.locator('tbody tr');
    await page.getByText(`1–100 of ${METRICS + 1}`).waitFor();
    assert.equal(await bodyRows.count(), 100, 'one page, not the whole report');
    await objects.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(`101–200 of ${METRICS + 1}`).waitFor();

    await objects.getByLabel('Type').selectOption('12');
    await page.getByText('1 object matches').waitFor();
    assert.deepEqual((await bodyRows.first().getByRole('cell').allInnerTexts()).slice(0, 3), ['Attribute', 'Exists differently', 'Replace']);
    await objects.getByLabel('Type').selectOption('');
    await objects.getByLabel('Search name or id').fill('console metric 24');
    await page.getByText('11 objects match').waitFor();
    await objects.getByLabel('Search name or id').fill('');
    await objects.getByLabel('Order').selectOption('-name');
    await page.getByText(`1–100 of ${METRICS + 1}`).waitFor();
    await objects.getByRole('rowheader', { name: 'Year in the console' }).waitFor();
    assert.equal(await bodyRows.first().getByRole('rowheader').textContent(), 'Year in the console', 'Z to A');
    await shot('report-paged');
  });

  it('holds its layout at 800 px: no clipped Actions column, URLs wrap between their parts', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    for (const [route, heading] of [
      ['migrations', 'Migrations'],
      ['packages', 'Packages'],
    ] as const) {
      await page.goto(`${s.url}/console/${route}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      // Every table measured, not the first one read: on the packages page the created packages are read apart.
      for (const name of [/uploaded/, /Made on this server/]) await page.getByRole('row', { name }).waitFor();
      const overflow = await page.evaluate(() => {
        const wide = [...document.querySelectorAll('.table-wrap')].filter((w) => w.scrollWidth > w.clientWidth + 1).length;
        const actions = [...document.querySelectorAll('td.row-actions')].map((cell) => cell.getBoundingClientRect().right);
        return { wide, rightmost: Math.max(...actions), page: document.documentElement.scrollWidth, viewport: window.innerWidth };
      });
      assert.equal(overflow.wide, 0, `${route}: no table scrolls sideways at 800 px`);
      assert.ok(overflow.rightmost <= overflow.viewport, `${route}: the Actions column ends inside the window (${overflow.rightmost} > ${overflow.viewport})`);
      assert.ok(overflow.page <= overflow.viewport, `${route}: the page is not wider than the window`);
      await shot(`${route}-800px`);
    }
    const url = page.locator('td.url').first();
    assert.equal(await url.evaluate((e) => getComputedStyle(e).overflowWrap), 'normal', 'a URL is never broken inside a word');
    const separators = (((await url.textContent()) ?? '').replace(/[/.:?&=]+$/, '').match(/[/.:?&=]/g) ?? []).length;
    assert.equal(await url.locator('wbr').count(), separators, 'it may wrap after each of its separators');
  });
});
