/**
 * bench:console — the migration page of a report of BENCH_OBJECTS (default 100,000) objects in Chromium,
 * against a bare static page served by node:http (the baseline, in the same run):
 * - first paint: First Contentful Paint of each page; and, for the report, the time until its summary
 *   and first page of rows are on screen;
 * - input response: from a key typed in the report's search box (and a click on Next page) until the
 *   table shows the answer, against the baseline's input → text update;
 * p50/p99 over BENCH_RUNS (default 20), the ratios, and the peak RSS of the server's process.
 * The report is a real import's record whose outcomes are replaced, through the store, by generated ones.
 */
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { startTestServer } from '../test/support/server.js';
import { launchBrowser, requireBuiltConsole } from '../test/support/browser.js';
import { buildPackage, importToEnd } from '../test/support/migrations.js';
import { newMetrics } from '../test/support/packages.js';
import { OutcomeRepository } from '../src/store/outcomes.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const ACTIONS = ['create', 'replace', 'use_existing', 'keep_both'];
const TYPES = [4, 12, 13, 3, 1];

const BARE_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title></head>
<body><main><h1>Bare page</h1><label>Search <input id="q"></label><p id="out">ready</p></main>
<script>document.getElementById('q').addEventListener('input', (e) => { document.getElementById('out').textContent = 'typed ' + e.target.value; });</script></body></html>`;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};
const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (name: string, values: number[], baseline?: number[]) =>
  console.log(
    `${name.padEnd(44)} p50 ${ms(quantile(values, 0.5)).padStart(10)}  p99 ${ms(quantile(values, 0.99)).padStart(10)}${baseline ? `  ratio p50 ${(quantile(values, 0.5) / quantile(baseline, 0.5)).toFixed(1)}×` : ''}`,
  );

const firstContentfulPaint = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const seen = performance.getEntriesByName('first-contentful-paint')[0];
        if (seen) return resolve(seen.startTime);
        new PerformanceObserver((list) => resolve(list.getEntries()[0]?.startTime ?? Number.NaN)).observe({ type: 'paint', buffered: true });
      }),
  );

/** Time from an action done in the page until `done()` holds, measured in the page (no round trip to the bench). */
function timed(page: Page, act: string, done: string): Promise<number> {
  return page.evaluate(
    ([actSource, doneSource]) =>
      new Promise<number>((resolve) => {
        const check = new Function(`return (${doneSource})()`) as () => boolean;
        const start = performance.now();
        const observer = new MutationObserver(() => {
          if (!check()) return;
          observer.disconnect();
          resolve(performance.now() - start);
        });
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        (new Function(`(${actSource})()`) as () => void)();
      }),
    [act, done] as const,
  );
}

async function main(): Promise<void> {
  requireBuiltConsole();
  const server = await startTestServer('sqlite');
  const token = await server.login();
  const imported = await importToEnd(server, token, await buildPackage(newMetrics(1, 'bench')));
  const importId = String(imported.id).split(':')[1] ?? '';
  const outcomes = Array.from({ length: OBJECTS }, (_, i) => ({
    id: (i + 1).toString(16).toUpperCase().padStart(32, '0'),
    type: TYPES[i % TYPES.length] ?? 4,
    name: `Object ${i}`,
    conflict: i % 3 === 0 ? 'new' : 'exists_differently',
    action: ACTIONS[i % ACTIONS.length] ?? 'create',
  }));
  let started = performance.now();
  await server.server.env.ctx.database.db.transaction().execute((trx) => new OutcomeRepository(trx).record(importId, outcomes));
  console.log(`recorded ${OBJECTS.toLocaleString()} outcomes in ${ms(performance.now() - started)}`);

  const bare = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(BARE_PAGE));
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const workDir = await mkdtemp(path.join(tmpdir(), 'packstore-bench-console-'));
  const { context, page } = await launchBrowser(workDir);
  try {
    await page.goto(`${server.url}/console/`);
    await page.evaluate((t) => sessionStorage.setItem('packstore.authToken', t), token);
    const paint = { bare: [] as number[], report: [] as number[], ready: [] as number[] };
    const input = { bare: [] as number[], search: [] as number[], next: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      await page.goto(bareUrl);
      paint.bare.push(await firstContentfulPaint(page));
      input.bare.push(
        await timed(
          page,
          `() => { const q = document.getElementById('q'); q.value = 'x${run}'; q.dispatchEvent(new Event('input', { bubbles: true })); }`,
          `() => document.getElementById('out').textContent === 'typed x${run}'`,
        ),
      );

      started = Date.now();
      await page.goto(`${server.url}/console/migrations/${imported.id}`);
      await page.getByText(`1–100 of ${OBJECTS.toLocaleString('en-US').replace(/,/g, '')}`).waitFor();
      paint.report.push(await firstContentfulPaint(page));
      paint.ready.push(await page.evaluate(() => performance.now()));
      // A search that matches: "Object 1…" — the caption changes when the server's answer is shown.
      const needle = `object ${run + 1}`;
      input.search.push(
        await timed(
          page,
          `() => { const q = document.getElementById('report-q'); q.value = '${needle}'; q.dispatchEvent(new Event('input', { bubbles: true })); }`,
          `() => [...document.querySelectorAll('tbody th')].length > 0 && [...document.querySelectorAll('tbody th')].every((th) => th.textContent.toLowerCase().includes('${needle}'))`,
        ),
      );
      await page.evaluate(() => {
        const q = document.getElementById('report-q') as HTMLInputElement;
        q.value = '';
        q.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.getByText(/^1–100 of /).waitFor();
      input.next.push(
        await timed(
          page,
          `() => { window.firstRow = document.querySelector('tbody th').textContent; [...document.querySelectorAll('nav[aria-label="Object pages"] button')].find((b) => b.textContent === 'Next page').click(); }`,
          `() => document.querySelector('tbody th')?.textContent !== window.firstRow`,
        ),
      );
    }
    console.log(`\nbench:console — report page of ${OBJECTS.toLocaleString()} objects, ${RUNS} runs, Chromium (SQLite)`);
    line('bare page: first contentful paint', paint.bare);
    line('report: first contentful paint', paint.report, paint.bare);
    line('report: summary + first 100 rows on screen', paint.ready, paint.bare);
    line('bare page: input → text shown', input.bare);
    line('report: search typed → matches shown', input.search, input.bare);
    line('report: Next page → next 100 rows shown', input.next, input.bare);
    console.log(`(search includes the console's 250 ms typing debounce)`);
    console.log(`server process peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (bench and server share it)`);
  } finally {
    await context.close();
    bare.close();
    await server.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
