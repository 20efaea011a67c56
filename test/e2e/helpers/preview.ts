/**
 * Driving the browser preview (`/preview/`, preview/runtime) with Playwright: open a page as
 * a demo user, wait until its calls have answered, tap by visible text, type into fields,
 * and collect everything that went wrong on the way (the runtime's own error list, `wx.*`
 * APIs the shim lacks, console errors, uncaught page errors).
 */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { chromiumPath } from './paths';

export const VIEWPORT = { width: 1280, height: 900 };
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
];

/** `window.__preview`, the runtime's test interface (preview/runtime/main.ts). */
export interface PreviewState {
  ready: boolean;
  errors: string[];
  pending: number;
  openid: string;
  missingWx(): string[];
  routes(): string[];
}
type PreviewWindow = Window & { __preview?: PreviewState; wx?: Record<string, unknown> };

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

interface Watch {
  gateway: string;
  problems: string[];
  seen: Set<string>;
  allowedMissingWx: Set<string>;
}
const watches = new WeakMap<Page, Watch>();

function watch(page: Page): Watch {
  const w = watches.get(page);
  if (!w) throw new Error('not a preview page: create it with newPreviewPage()');
  return w;
}

function note(w: Watch, problem: string): void {
  if (w.seen.has(problem)) return;
  w.seen.add(problem);
  w.problems.push(problem);
}

/** A fresh browser context (own storage) with one page, watched for errors. */
export async function newPreviewPage(
  browser: Browser,
  gateway: string,
  opts: { deviceScaleFactor?: number } = {},
): Promise<Page> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  const w: Watch = { gateway, problems: [], seen: new Set(), allowedMissingWx: new Set() };
  watches.set(page, w);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    // Chromium's own favicon probe, not a request of the page.
    if (/\/favicon\.ico$/.test(loc?.url ?? '')) return;
    const where = loc?.url ? ` (${loc.url}:${loc.lineNumber})` : '';
    w.problems.push(`console error on ${routeOf(page)}: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => w.problems.push(`page error on ${routeOf(page)}: ${err.message}`));
  page.on('crash', () => w.problems.push('the page crashed'));
  return page;
}

function routeOf(page: Page): string {
  try {
    const u = new URL(page.url());
    return u.hash.replace(/^#\/?/, '') || u.pathname;
  } catch {
    return page.url();
  }
}

export function previewUrl(
  gateway: string,
  opts: { openid?: string; route?: string; query?: Record<string, string> | string },
): string {
  const search = opts.openid ? `?openid=${encodeURIComponent(opts.openid)}` : '';
  let hash = '';
  if (opts.route) {
    const q =
      typeof opts.query === 'string'
        ? opts.query.replace(/^\?/, '')
        : Object.entries(opts.query ?? {})
            .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
            .join('&');
    hash = `#/${opts.route.replace(/^\//, '')}${q ? `?${q}` : ''}`;
  }
  return `${gateway}/preview/${search}${hash}`;
}

/**
 * Opens the preview as `openid`, on `route` (default: the app's first page) with `query`,
 * and waits until it has booted and settled. Always a full load, even if only the hash
 * changes.
 */
export async function openPreview(
  page: Page,
  opts: { openid: string; route?: string; query?: Record<string, string> | string },
): Promise<void> {
  const w = watch(page);
  await collect(page);
  if (page.url() !== 'about:blank') await page.goto('about:blank');
  await page.goto(previewUrl(w.gateway, opts));
  await waitReady(page, opts.openid);
}

/** Waits for `__preview.ready` (throws with the runtime's errors if it never comes), then settles. */
export async function waitReady(page: Page, openid?: string): Promise<void> {
  try {
    await page.waitForFunction(
      () => {
        const p = (window as PreviewWindow).__preview;
        return !!p && (p.ready === true || p.errors.length > 0);
      },
      null,
      { timeout: 20_000 },
    );
  } catch (e) {
    throw new Error(
      `the preview did not boot at ${page.url()}: ${(e as Error).message}\n${watch(page).problems.join('\n')}`,
      { cause: e },
    );
  }
  const st = await page.evaluate(() => {
    const p = (window as PreviewWindow).__preview!;
    return { ready: p.ready, errors: [...p.errors], openid: p.openid };
  });
  if (!st.ready) {
    // Errors while booting: give the runtime a moment, it may still come up.
    await page
      .waitForFunction(() => (window as PreviewWindow).__preview?.ready === true, null, {
        timeout: 5_000,
      })
      .catch(() => {
        throw new Error(`the preview failed to boot at ${page.url()}:\n${st.errors.join('\n')}`);
      });
  }
  if (openid && st.openid !== openid) {
    throw new Error(`the preview runs as ${st.openid}, expected ${openid}`);
  }
  await settle(page);
}

/**
 * Waits until no call is in flight (`__preview.pending === 0` twice, 100 ms apart) and no
 * loading indicator is visible in the phone.
 */
export async function settle(page: Page, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    const last = await page.evaluate(() => {
      const p = (window as PreviewWindow).__preview;
      if (!p) return 'no __preview';
      if (p.pending > 0) return `${p.pending} call(s) in flight`;
      const phone = document.getElementById('phone');
      if (!phone) return '';
      const loading = Array.from(
        phone.querySelectorAll('[class*="t-loading"], #state-loading, .wx-refreshing'),
      ).find(
        (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
      );
      return loading ? `loading indicator visible (${loading.className || loading.id})` : '';
    });
    quiet = last ? 0 : quiet + 1;
    if (quiet >= 2) break;
    if (Date.now() > deadline) {
      throw new Error(`the page did not settle in ${timeoutMs} ms: ${last} (${routeOf(page)})`);
    }
    await page.waitForTimeout(100);
  }
}

/** The phone's page area, navigation bar and tab bar included. */
export function phone(page: Page): Locator {
  return page.locator('#phone');
}

/**
 * The one visible element in the phone (or in `within`) whose text is exactly `text`. The
 * navigation bar's title is skipped when the page itself shows the same words.
 */
export async function findText(
  page: Page,
  text: string,
  opts: { within?: Locator; timeoutMs?: number } = {},
): Promise<Locator> {
  const root = opts.within ?? phone(page);
  const visible = root.getByText(text, { exact: true }).filter({ visible: true });
  try {
    await visible.first().waitFor({ state: 'visible', timeout: opts.timeoutMs ?? 10_000 });
  } catch {
    throw new Error(
      `no visible "${text}" on ${routeOf(page)}; the phone shows:\n${await visibleText(page)}`,
    );
  }
  const count = await visible.count();
  if (count === 1) return visible;
  const candidates: Locator[] = [];
  for (let i = 0; i < count; i++) {
    const el = visible.nth(i);
    const inNav = await el.evaluate((node) => !!node.closest('#navbar'));
    if (!inNav) candidates.push(el);
  }
  if (candidates.length === 1) return candidates[0];
  throw new Error(`"${text}" is shown ${count} times on ${routeOf(page)}; narrow it with within`);
}

/** Taps (clicks) the visible element with exactly this text, then lets the page settle. */
export async function tapText(
  page: Page,
  text: string,
  opts: { within?: Locator } = {},
): Promise<void> {
  const el = await findText(page, text, opts);
  await el.click();
  await settle(page);
}

/**
 * The native `<input>` / `<textarea>` of a field, found by its placeholder, the aria-label
 * of the field (its host or the control itself) or the label text shown beside it.
 */
export async function field(
  page: Page,
  label: string,
  opts: { within?: Locator } = {},
): Promise<Locator> {
  const root = opts.within ?? phone(page);
  const controls = 'input, textarea';
  const candidates = [
    root.getByPlaceholder(label, { exact: true }),
    root.locator(`[aria-label="${label}"]`).locator(controls),
    root.locator(`:is(input, textarea)[aria-label="${label}"]`),
    // A label shown beside the control (TDesign's t-textarea passes no aria-label on).
    root
      .getByText(label, { exact: true })
      .locator('xpath=following::*[self::input or self::textarea][1]'),
  ];
  for (let round = 0; round < 50; round++) {
    for (const c of candidates) {
      const v = c.filter({ visible: true });
      if ((await v.count()) > 0) return v.first();
    }
    await page.waitForTimeout(100);
  }
  throw new Error(
    `no input or textarea for "${label}" on ${routeOf(page)}; the phone shows:\n${await visibleText(page)}`,
  );
}

/**
 * Puts `value` into the field (replacing what is there) as one input event, as pasting or
 * an IME commit does, then leaves the field. `typeInto` types key by key.
 */
export async function fill(
  page: Page,
  label: string,
  value: string,
  opts: { within?: Locator } = {},
): Promise<void> {
  const input = await field(page, label, opts);
  await input.click();
  await input.fill(value);
  await input.blur();
  await settle(page);
}

/** Types `text` key by key at the end of the field, as on a keyboard. */
export async function typeInto(
  page: Page,
  label: string,
  text: string,
  opts: { within?: Locator } = {},
): Promise<void> {
  const input = await field(page, label, opts);
  await input.click();
  await input.press('End');
  await input.pressSequentially(text, { delay: 20 });
  await settle(page);
}

/** Picks a demo identity in the switcher beside the phone; the preview reloads as them. */
export async function switchIdentity(page: Page, openid: string): Promise<void> {
  await collect(page);
  const radio = page
    .locator('#identities label')
    .filter({ has: page.getByText(openid, { exact: true }) })
    .getByRole('radio');
  await Promise.all([page.waitForEvent('load'), radio.click()]);
  await waitReady(page, openid);
}

/** The phone's visible text, for error messages and assertions. */
export async function visibleText(page: Page): Promise<string> {
  return page
    .locator('#phone')
    .innerText()
    .catch(() => '(no #phone)');
}

/** The visible text of the page on top (no navigation bar, no tab bar). */
export async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const frames = Array.from(document.querySelectorAll<HTMLElement>('#pages > *'));
    const shown = frames.filter((f) => !f.hidden && f.getClientRects().length > 0);
    return shown.map((f) => f.innerText).join('\n');
  });
}

/** `wx` APIs used but not provided that a test expects (it asked for them on purpose). */
export function allowMissingWx(page: Page, names: string[]): void {
  for (const n of names) watch(page).allowedMissingWx.add(n);
}

/** Moves the runtime's errors and missing `wx` APIs of the current document into the list. */
export async function collect(page: Page): Promise<void> {
  const w = watch(page);
  if (page.isClosed()) return;
  const st = await page
    .evaluate(() => {
      const p = (window as PreviewWindow).__preview;
      if (!p) return null;
      return { errors: [...p.errors], missing: p.missingWx(), route: location.hash };
    })
    .catch(() => null);
  if (!st) return;
  for (const e of st.errors) note(w, `__preview.errors (${st.route}): ${e}`);
  for (const m of st.missing) {
    if (!w.allowedMissingWx.has(m)) note(w, `missing wx API used (${st.route}): wx.${m}`);
  }
}

/** Everything that went wrong on this page since the last call; empties the list. */
export async function takeProblems(page: Page): Promise<string[]> {
  await collect(page);
  const w = watch(page);
  // The runtime also logs a missing API as a console error.
  const allowed = [...w.allowedMissingWx];
  const out = w.problems.filter(
    (p) => !(p.startsWith('console error') && allowed.some((n) => p.includes(`wx.${n} `))),
  );
  w.problems.length = 0;
  return out;
}

/** Throws if anything went wrong on the page (errors, missing wx APIs, console errors). */
export async function assertClean(page: Page): Promise<void> {
  const problems = await takeProblems(page);
  if (problems.length) {
    throw new Error(`the preview reported problems:\n  ${problems.join('\n  ')}`);
  }
}

/** Polls `check` (every 100 ms) until it returns true; throws `what` with the phone's text. */
export async function until(
  page: Page,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting: ${what}\nthe phone shows:\n${await visibleText(page)}`);
    }
    await page.waitForTimeout(100);
  }
}

/** The navigation bar's title. */
export async function navTitle(page: Page): Promise<string> {
  return (await page.locator('#nav-title').innerText()).trim();
}

/** Waits until the navigation bar shows `title` (the page on top changed), then settles. */
export async function expectTitle(page: Page, title: string): Promise<void> {
  let seen = '';
  await until(page, `navigation bar title "${title}" (is "${seen}")`, async () => {
    seen = await navTitle(page);
    return seen === title;
  });
  await settle(page);
}
