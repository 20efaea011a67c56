/**
 * Party member central households (issue #7) through the UI, in the browser preview against
 * the emulator with the demo seed:
 *
 * 1. 陈桂兰 (demo-resident, bound to her household linked to 李秀英's central household) sends
 *    a request from her home; 李秀英 (demo-member) finds it on the 联户 tab, accepts it and
 *    resolves it with a note; 陈桂兰 opens 我的求助 → the request and rates it 满意. The page
 *    says 已评价 · 满意, and the server agrees (`listRequests`: closed, rating satisfied).
 * 2. A caller without a branch (demo-newcomer) types the card code XFLB4E5F of 赵德顺's
 *    household and the last four digits 5678, and their home shows the central household.
 */
import type { Locator, Page } from 'playwright-core';
import {
  expectTitle,
  fill,
  findText,
  openPreview,
  pageText,
  phone,
  settle,
  switchIdentity,
  tapText,
  typeInto,
  until,
  useE2E,
} from './helpers';
import type { ListRequestsResponse, MyLiaisonResponse, RequestItem } from '../../typings/api';

const e2e = useE2E();

/** The page on top (the page stack keeps hidden pages below it). */
function top(page: Page): Locator {
  return phone(page).locator('#pages > :not([hidden])').last();
}

/** A button of the page on top by its accessible name (TDesign buttons carry aria-label). */
function button(page: Page, name: string): Locator {
  return top(page).getByRole('button', { name, exact: true }).filter({ visible: true }).first();
}

async function tap(page: Page, target: Locator, what: string): Promise<void> {
  await target.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
    throw new Error(`no visible ${what}; the page shows:\n${await pageText(page)}`);
  });
  await target.click();
  await settle(page);
}

/**
 * The tags row of a request page (resident: `#summary .head`, member: `#request .tags`): the
 * category, the state in words (TDesign's tag has no element of its own to find by id).
 */
async function statusTags(page: Page): Promise<string> {
  const row = top(page).locator('#summary .head, #request .tags').filter({ visible: true }).first();
  return (await row.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
}

/** Waits until the request page's tags show `status`. */
async function expectStatus(page: Page, status: string): Promise<void> {
  let seen = '';
  await until(page, `the request's state "${status}" (tags: "${seen}")`, async () => {
    seen = await statusTags(page);
    return seen.split(' ').includes(status);
  });
}

/** Waits until the page on top shows `text` somewhere (not necessarily as a whole element). */
async function expectShown(page: Page, text: string | RegExp): Promise<void> {
  await until(page, `the page shows ${String(text)}`, async () => {
    const shown = await pageText(page);
    return typeof text === 'string' ? shown.includes(text) : text.test(shown);
  });
}

/** The resident's own requests as the server lists them. */
async function myRequests(openid: string): Promise<RequestItem[]> {
  const res = await e2e.emulator.call<ListRequestsResponse>(
    'liaison',
    { action: 'listRequests', data: { scope: 'mine' } },
    openid,
  );
  return res.items;
}

test('a resident sends a request, the member accepts and resolves it, the resident rates it 满意', async () => {
  const page = e2e.page;
  const stamp = Date.now().toString(36).toUpperCase();
  const text = `楼道的灯坏了，晚上看不清台阶，麻烦帮忙修一下（${stamp}）`;

  // 陈桂兰 (resident): home shows her central household, 李秀英.
  await openPreview(page, { openid: 'demo-resident' });
  await findText(page, '我的中心户');
  await expectShown(page, '李秀英');

  // 请求帮助 → category → text → 发送给中心户.
  await tap(page, button(page, '请求帮助'), '请求帮助 (#request-help)');
  await expectTitle(page, '请求帮助');
  // One main action a screen: the category first (big buttons), then the text.
  await tap(page, button(page, '维修：水电、门窗、楼道等'), '维修 (#category-repair)');
  await fill(page, '例如：厨房水管漏水，麻烦帮忙看看', text, { within: top(page) });
  await tap(page, button(page, '发送给中心户'), '发送给中心户 (#send)');
  // Sent: the request's own page replaces the form.
  await expectTitle(page, '求助详情');
  await expectShown(page, text);
  await expectStatus(page, '已发送');

  const sent = (await myRequests('demo-resident')).find((r) => r.text === text);
  if (!sent) throw new Error(`listRequests (mine) has no request with the text ${text}`);
  expect(sent).toMatchObject({ status: 'submitted', category: 'repair', rating: null });
  const { requestId } = sent;

  // 李秀英 (member): 联户 tab → the request → 受理 → 办结 with a note of what was done.
  await switchIdentity(page, 'demo-member');
  await tapText(page, '联户', { within: page.locator('#tabbar') });
  await expectTitle(page, '联户');
  await tapText(page, text, { within: top(page) });
  await expectTitle(page, '处理求助');
  // The linked member sees whose request it is (never the phone).
  await expectShown(page, '陈桂兰');
  expect(await pageText(page)).not.toContain('13700001234');
  await tap(page, button(page, '受理这条求助'), '受理 (#accept)');
  await expectStatus(page, '处理中');
  await fill(page, '办理结果', '已联系物业更换楼道灯泡，晚上已经亮了。', { within: top(page) });
  await tap(page, button(page, '办结这条求助'), '办结 (#resolve)');
  await expectStatus(page, '已办结');
  await expectShown(page, '已联系物业更换楼道灯泡');

  // 陈桂兰 again: home → 我的求助 → the request → 满意.
  await switchIdentity(page, 'demo-resident');
  await tapText(page, '我的求助', { within: top(page) });
  await expectTitle(page, '我的求助');
  await tapText(page, text, { within: top(page) });
  await expectTitle(page, '求助详情');
  await expectShown(page, '已联系物业更换楼道灯泡');
  await tap(page, button(page, '满意'), '满意 (#rate-satisfied)');
  await expectStatus(page, '已评价');
  await until(page, 'the rating 满意 shows', async () =>
    /您的评价：\s*满意/.test(await top(page).locator('#rated').innerText()),
  );
  // Rated once: the rating buttons are gone.
  expect(await top(page).locator('#rate-card').count()).toBe(0);

  // The server agrees: closed, rated satisfied.
  const closed = (await myRequests('demo-resident')).find((r) => r.requestId === requestId);
  expect(closed).toMatchObject({ status: 'closed', rating: 'satisfied' });
  // And the member's list no longer counts it as open.
  const open = await e2e.emulator.call<ListRequestsResponse>(
    'liaison',
    { action: 'listRequests', data: { scope: 'household', status: 'open' } },
    'demo-member',
  );
  expect(open.items.map((r) => r.requestId)).not.toContain(requestId);
});

test('a new caller binds liaison card XFLB4E5F with the last four digits 5678 and sees the central household', async () => {
  const page = e2e.page;
  const before = await e2e.emulator.call<MyLiaisonResponse>(
    'liaison',
    { action: 'myLiaison', data: {} },
    'demo-newcomer',
  );
  expect(before.bound).toBe(false);

  // Home → 绑定连心卡 → the card's number typed → 下一步 → the last four digits → 确认绑定.
  await openPreview(page, { openid: 'demo-newcomer' });
  await tap(page, button(page, '绑定连心卡，联系您的党员中心户'), '绑定连心卡 (#bind)');
  await expectTitle(page, '绑定连心卡');
  await typeInto(page, '例如 XFLQ2C3D', 'xflb4e5f', { within: top(page) });
  await tap(page, button(page, '下一步'), '下一步 (#code-next)');
  await until(page, 'the digits step shows the card XFLB4E5F', async () =>
    (
      await top(page)
        .locator('#card-code')
        .innerText()
        .catch(() => '')
    ).includes('XFLB4E5F'),
  );
  await typeInto(page, '后四位', '5678', { within: top(page) });
  await tap(page, button(page, '确认绑定'), '确认绑定 (#bind-btn)');
  await findText(page, '绑定成功');
  await expectShown(page, '您的党员中心户是李秀英');

  // 进入首页: home now shows 我的中心户 with 李秀英.
  await tap(page, button(page, '进入首页'), '进入首页 (#go-home)');
  await expectTitle(page, '网上支部');
  await findText(page, '我的中心户');
  await expect(top(page).locator('#liaison-name').innerText()).resolves.toBe('李秀英');
  expect(await pageText(page)).not.toContain('你还没有加入党支部');

  const after = await e2e.emulator.call<MyLiaisonResponse>(
    'liaison',
    { action: 'myLiaison', data: {} },
    'demo-newcomer',
  );
  expect(after.bound).toBe(true);
  if (after.bound) {
    expect(after.member.name).toBe('李秀英');
    expect(after.headName).toBe('赵德顺');
  }
});
