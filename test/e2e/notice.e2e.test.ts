/**
 * A notice through the UI: the secretary publishes it, a member reads it, the secretary's
 * read receipts show the member as read.
 */
import { expectTitle, fill, openPreview, pageText, phone, tapText, until, useE2E } from './helpers';

const e2e = useE2E();

test('publish a notice → a member reads it → 已读情况 lists the member', async () => {
  const page = e2e.page;
  const stamp = Date.now().toString(36).toUpperCase();
  const title = `周六志愿服务安排 ${stamp}`;
  const body = `本周六上午 9 点在社区党群服务中心门口集合，参加环境整治志愿服务。编号 ${stamp}。`;

  // 王建国 (secretary): home → 工作台 → 发布通知.
  await openPreview(page, { openid: 'demo-secretary' });
  await tapText(page, '发布通知');
  await expectTitle(page, '发布通知');
  await fill(page, '标题', title);
  await fill(page, '正文', body);
  await tapText(page, '发布');
  // Published: a toast, then back to home.
  await expectTitle(page, '网上支部');

  // 李秀英 (member): home → 全部通知 → the new notice, unread first → its body.
  await openPreview(page, { openid: 'demo-member' });
  await tapText(page, '全部通知');
  await expectTitle(page, '通知公告');
  await tapText(page, title);
  // The detail page puts the notice's title in the navigation bar.
  await expectTitle(page, title);
  expect(await pageText(page)).toContain(body);

  // 王建国: the notice's detail says who has read it; 已读情况 → 已读 tab lists 李秀英.
  await openPreview(page, { openid: 'demo-secretary' });
  await tapText(page, '全部通知');
  await expectTitle(page, '通知公告');
  await tapText(page, title);
  await expectTitle(page, title);
  await tapText(page, '查看已读未读 · 提醒未读');
  await expectTitle(page, '已读情况');
  // 王建国 read it by posting it? Whoever the server counts, 李秀英 is among the readers.
  const counts = /已读 (\d+) \/ (\d+)/.exec(await pageText(page));
  expect(counts).not.toBeNull();
  expect(Number(counts![1])).toBeGreaterThanOrEqual(1);
  // 未读 first: the members who have not read it (何永福 among them), 李秀英 not there.
  await until(page, 'the 未读 list', async () => (await pageText(page)).includes('何永福'));
  expect(await pageText(page)).not.toContain('李秀英');
  const readTab = phone(page).getByText(`已读 ${counts![1]}`, { exact: true });
  await readTab.click();
  await until(page, '李秀英 in the 已读 list', async () =>
    (await pageText(page)).includes('李秀英'),
  );
});
