/**
 * Volunteer activities through the UI (issue #6): a member signs up on the activity's page,
 * the organiser opens the live check-in QR code on their phone, the member scans it — the
 * preview's 「模拟扫码」 sheet gets a screenshot of the organiser's code, as a person would
 * photograph the other phone, and decodes it in the page — and is checked in. And when the
 * places are taken, signing up puts the member on the waitlist: 候补第 1 位.
 *
 * The activity is created for each test through the gateway as 王建国 (demo-secretary): it
 * starts in 10 minutes (the check-in window opens 30 minutes before the start), sign-up
 * closes in 5 minutes, 2 places.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import {
  openPreview,
  pageText,
  phone,
  settle,
  tapText,
  until,
  useE2E,
  type E2EContext,
} from './helpers';

const e2e = useE2E();

const MINUTE = 60_000;

interface Membership {
  branchId: string;
  status: string;
}

async function secretaryBranch(ctx: E2EContext): Promise<string> {
  const me = await ctx.emulator.call<{ memberships: Membership[] }>(
    'branch',
    { action: 'me', data: {} },
    'demo-secretary',
  );
  const active = me.memberships.find((m) => m.status === 'active');
  if (!active) throw new Error('branch.me: demo-secretary has no active membership');
  return active.branchId;
}

/** A volunteer activity of the secretary's branch, open for sign-up now, check-in open too. */
async function createVolunteerActivity(
  ctx: E2EContext,
  title: string,
): Promise<{ activityId: string; branchId: string }> {
  const branchId = await secretaryBranch(ctx);
  const now = Date.now();
  const created = await ctx.emulator.call<{ activityId: string }>(
    'activity',
    {
      action: 'create',
      data: {
        branchId,
        kind: 'volunteer',
        title,
        description: '陪伴社区独居老人，帮助打扫卫生、检查水电。',
        place: { name: '幸福里社区党群服务中心' },
        startAt: new Date(now + 10 * MINUTE).toISOString(),
        endAt: new Date(now + 130 * MINUTE).toISOString(),
        deadline: new Date(now + 5 * MINUTE).toISOString(),
        audience: 'branch',
        capacity: 2,
      },
    },
    'demo-secretary',
  );
  return { activityId: created.activityId, branchId };
}

/**
 * The element with this WXML id in the page on top. TDesign's components are virtual hosts
 * (no element of their own, as in WeChat), so their buttons are found by name: `button()`.
 */
function byId(page: Page, id: string): Locator {
  return phone(page).locator(`#pages > :not([hidden]) #${id}`).filter({ visible: true }).first();
}

/** A button of the page on top by its accessible name (TDesign's aria-label). */
function button(page: Page, name: string): Locator {
  return phone(page)
    .locator('#pages > :not([hidden])')
    .getByRole('button', { name, exact: true })
    .filter({ visible: true })
    .first();
}

async function tap(page: Page, target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    throw new Error(`no visible ${what}; the page shows:\n${await pageText(page)}`);
  });
  await target.click();
  await settle(page);
}

async function openDetail(page: Page, openid: string, activityId: string): Promise<void> {
  await openPreview(page, { openid, route: 'pages/activities/detail', query: { id: activityId } });
  await byId(page, 'action-card').waitFor({ state: 'visible' });
}

/** The text of #my-state (您已报名… / 已在候补第 n 位…), waiting until it says `expected`. */
async function expectMyState(page: Page, expected: RegExp): Promise<void> {
  await until(page, `#my-state matching ${expected}`, async () =>
    expected.test(await byId(page, 'my-state').innerText()),
  );
}

test('a member signs up, the organiser shows the live QR code, the member scans it and is checked in', async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const title = `敬老志愿服务 ${stamp}`;
  const { activityId } = await createVolunteerActivity(e2e, title);

  // 李秀英 (member) opens the activity and signs up: one of the 2 places is hers.
  const member = e2e.page;
  await openDetail(member, 'demo-member', activityId);
  expect(await pageText(member)).toContain(title);
  await tap(member, button(member, '报名'), '报名 (#signup-btn)');
  await expectMyState(member, /您已报名/);
  await button(member, '取消报名').waitFor({ state: 'visible' });

  // 王建国 (organiser), on his own phone: the activity → 签到二维码 → the live code.
  const organiser = await e2e.newPage();
  await openDetail(organiser, 'demo-secretary', activityId);
  await tapText(organiser, '签到二维码', { within: byId(organiser, 'organiser') });
  const qr = byId(organiser, 'checkin-qr');
  await qr.waitFor({ state: 'visible' });
  await until(organiser, 'the QR image has loaded', () =>
    qr.evaluate((host) => {
      const img = host.matches('img') ? (host as HTMLImageElement) : host.querySelector('img');
      return !!img && img.complete && img.naturalWidth > 0;
    }),
  );
  // A photo of the organiser's screen: the code as shown, at the phone's size.
  const shot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wszb-e2e-qr-')), 'checkin.png');
  await qr.screenshot({ path: shot });

  // 李秀英 taps 扫码签到; the 模拟扫码 sheet takes the picture and decodes it in the page.
  await member.bringToFront();
  // Sign-up and check-in are both open (the start is 10 minutes away): 扫码签到 is offered.
  // (No settling here: the button shows its spinner until the scan answers.)
  const checkIn = button(member, '扫码签到');
  await checkIn.waitFor({ state: 'visible' }).catch(async () => {
    throw new Error(`no 扫码签到 (#checkin-btn); the page shows:\n${await pageText(member)}`);
  });
  await checkIn.click();
  const sheet = member.getByRole('dialog', { name: '模拟扫码' });
  await sheet.waitFor({ state: 'visible' });
  await sheet.locator('input[type="file"]').setInputFiles(shot);
  await sheet.waitFor({ state: 'detached', timeout: 10_000 }).catch(async () => {
    throw new Error(`the sheet did not close: ${await sheet.innerText()}`);
  });
  await settle(member);
  await until(member, 'the detail shows the check-in time', async () =>
    /已签到 \d{2}:\d{2}/.test(await byId(member, 'my-record').innerText()),
  );
  await button(member, '扫码签退').waitFor({ state: 'visible' });
  expect(await byId(member, 'action-error').count()).toBe(0);

  // After a reload the server says the same: checked in.
  await openDetail(member, 'demo-member', activityId);
  expect(await byId(member, 'my-record').innerText()).toMatch(/已签到 \d{2}:\d{2}/);
  await button(member, '扫码签退').waitFor({ state: 'visible' });

  fs.rmSync(path.dirname(shot), { recursive: true, force: true });
});

test('when the places are taken, signing up puts the member on the waitlist: 候补第 1 位', async () => {
  const stamp = Date.now().toString(36).toUpperCase();
  const { activityId } = await createVolunteerActivity(e2e, `社区清洁志愿服务 ${stamp}`);
  // Both places go to others first.
  for (const openid of ['demo-secretary', 'demo-deputy']) {
    const r = await e2e.emulator.call<{ status: string }>(
      'activity',
      { action: 'signUp', data: { activityId } },
      openid,
    );
    expect(r.status).toBe('confirmed');
  }

  const page = e2e.page;
  await openDetail(page, 'demo-member', activityId);
  // The places are taken: the button says so.
  await tap(page, button(page, '报名候补'), '报名候补 (#signup-btn)');
  await expectMyState(page, /候补第 1 位/);
  expect(await pageText(page)).toContain('候补第 1 位');
});
