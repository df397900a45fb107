import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CONSOLE_DIST } from '../../src/api/routes/console.js';

/** Debian's chromium, driven by playwright-core: the console tests run in a real browser. */
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** Screenshots for people to look at (git-ignored). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'console');

export const browserSkip =
  !existsSync(CHROMIUM) && !process.env.CI ? `no Chromium at ${CHROMIUM} (apt-get install -y chromium); browser tests are skipped outside CI` : false;

export function requireBuiltConsole(): void {
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) throw new Error('web/dist is missing: run `npm run build:console` (npm ci builds it).');
}

/**
 * A headless Chromium with its profile in `workDir`, and its first page; screenshots go to test-artifacts/console.
 */
export async function launchBrowser(workDir: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  await mkdir(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    acceptDownloads: true,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return { context, page };
}

/**
 * Waits until the element has the focus, and fails saying `what` if it never does (within 5 s). Focus moves in
 * the page's own time: a dialog hands it back as it closes, which may be a frame after it is hidden.
 */
export async function waitForFocus(locator: Locator, what: string): Promise<void> {
  const has = () => locator.evaluate((element) => element === document.activeElement);
  const element = await locator.elementHandle();
  await locator
    .page()
    .waitForFunction((e) => e === document.activeElement, element, { timeout: 5_000 })
    .catch(() => undefined);
  if (!(await has())) throw new Error(`${what}: the focus is elsewhere`);
}
