/**
 * One emulator and one Chromium per test file, a fresh browser context per test, and after
 * each test: nothing went wrong in the preview (helpers/preview.ts `assertClean`).
 *
 *   const e2e = useE2E();
 *   test('…', async () => {
 *     const page = e2e.page;
 *     await openPreview(page, { openid: 'demo-member', route: 'pages/notices/index' });
 *     await tapText(page, '三月主题党日活动安排');
 *   });
 *
 * E2E_SCREENSHOTS=1 saves the page after each test to artifacts/e2e/.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from './emulator';
import { ROOT } from './paths';
import { assertClean, launchChromium, newPreviewPage } from './preview';

export * from './preview';
export { startEmulator } from './emulator';
export type { RunningEmulator } from './emulator';

export interface E2EContext {
  browser: Browser;
  emulator: RunningEmulator;
  /** This test's page (a new browser context each test). */
  page: Page;
  /** Another page in its own context, e.g. a second user side by side; checked like `page`. */
  newPage(): Promise<Page>;
}

export function useE2E(): E2EContext {
  let browser: Browser | undefined;
  let emulator: RunningEmulator | undefined;
  let pages: Page[] = [];
  const ctx = {
    get browser() {
      if (!browser) throw new Error('the browser did not start (see beforeAll)');
      return browser;
    },
    get emulator() {
      if (!emulator) throw new Error('the emulator did not start (see beforeAll)');
      return emulator;
    },
    get page() {
      if (!pages[0]) throw new Error('no page: use e2e.page inside a test');
      return pages[0];
    },
    async newPage() {
      const p = await newPreviewPage(ctx.browser, ctx.emulator.url);
      pages.push(p);
      return p;
    },
  } as E2EContext;

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, saying how to install it.
    browser = await launchChromium();
    emulator = await startEmulator();
  }, 60_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await emulator?.stop();
  }, 30_000);

  beforeEach(async () => {
    pages = [];
    await ctx.newPage();
  });

  afterEach(async () => {
    const open = pages;
    pages = [];
    try {
      if (process.env.E2E_SCREENSHOTS) await saveScreenshots(open);
      const problems: string[] = [];
      for (const p of open) {
        try {
          await assertClean(p);
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      if (problems.length) throw new Error(problems.join('\n'));
    } finally {
      await Promise.all(
        open.map((p) =>
          p
            .context()
            .close()
            .catch(() => undefined),
        ),
      );
    }
  });

  return ctx;
}

async function saveScreenshots(pages: Page[]): Promise<void> {
  const name = (expect.getState().currentTestName ?? 'test').replace(/[^\w\u4e00-\u9fa5-]+/g, '_');
  const dir = path.join(ROOT, 'artifacts', 'e2e');
  fs.mkdirSync(dir, { recursive: true });
  await Promise.all(
    pages.map((p, i) =>
      p
        .screenshot({ path: path.join(dir, `${name}${i ? `-${i}` : ''}.png`) })
        .catch(() => undefined),
    ),
  );
}
