/**
 * 网上支部's join flow through the UI only, in the browser preview against the emulator:
 * the secretary makes an invitation code, a newcomer applies with it, the secretary
 * approves, the newcomer's home shows the branch.
 */
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
  until,
  useE2E,
} from './helpers';

const e2e = useE2E();

test('invite code → application → approval → the newcomer is in the branch', async () => {
  const page = e2e.page;

  // 王建国 (secretary): home → 工作台 → 邀请党员加入 → 生成邀请码.
  await openPreview(page, { openid: 'demo-secretary' });
  await tapText(page, '邀请党员加入');
  await expectTitle(page, '邀请党员加入');
  await tapText(page, '生成邀请码');
  const shown = await pageText(page);
  expect(shown).toContain('幸福里社区第一党支部');
  const code = /新的邀请码\s*\n\s*([A-Za-z0-9]{4,16})\s*\n/.exec(shown)?.[1];
  if (!code) throw new Error(`no invitation code on the page:\n${shown}`);
  // The new code also tops the list of active invitations.
  expect(shown.split(code).length - 1).toBeGreaterThanOrEqual(2);

  // 赵小明 (newcomer), chosen in the identity switcher: home → 输入邀请码加入支部.
  await switchIdentity(page, 'demo-newcomer');
  await expectTitle(page, '网上支部');
  expect(await pageText(page)).toContain('你还没有加入党支部');
  await tapText(page, '输入邀请码加入支部');
  await expectTitle(page, '加入党支部');
  await fill(page, '邀请码', code);
  await fill(page, '真实姓名', '赵小明');
  await tapText(page, '预备党员');
  // 入党日期: WeChat's date picker sheet (年 / 月 / 日 columns, 确定).
  await tapText(page, '请选择');
  const sheet = page.getByRole('dialog', { name: '入党日期' });
  await sheet.getByRole('listbox', { name: '年' }).getByRole('option', { name: '2020年' }).click();
  await tapText(page, '确定', { within: sheet });
  await until(page, '入党日期 2020-…', async () =>
    /入党日期\s*2020-\d\d-\d\d/.test(await pageText(page)),
  );
  await fill(page, '手机号', '13800138000');
  await tapText(page, '提交申请');
  await findText(page, '申请已提交，等待审核');
  expect(await pageText(page)).toContain('幸福里社区第一党支部');

  // Back on home, the application is under review.
  await tapText(page, '返回首页');
  await expectTitle(page, '网上支部');
  await findText(page, '入党申请审核中');

  // 王建国 again: home → 入党申请审批 → 通过 on 赵小明's card.
  await switchIdentity(page, 'demo-secretary');
  await tapText(page, '入党申请审批');
  await expectTitle(page, '入党申请审批');
  expect(await pageText(page)).toContain('赵小明');
  await phone(page).getByRole('button', { name: '通过赵小明的申请', exact: true }).click();
  await settle(page);
  await until(
    page,
    "赵小明's application leaves the list",
    async () => !(await pageText(page)).includes('赵小明'),
  );

  // 赵小明 reloads home: the branch card with the branch and the role.
  await openPreview(page, { openid: 'demo-newcomer' });
  const home = await pageText(page);
  expect(home).toContain('幸福里社区第一党支部');
  expect(home).toContain('预备党员');
  expect(home).not.toContain('入党申请审核中');
});
