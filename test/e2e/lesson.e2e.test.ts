/**
 * 微党课 through the UI (issue #5): the secretary composes and publishes a lesson with one
 * question, a member opens it from the 学习 tab, reads to the end, confirms 我已学完, answers
 * the question and sees the score; the secretary's 学习情况 then counts one more studied.
 */
import type { Page } from 'playwright-core';
import {
  expectTitle,
  fill,
  findText,
  openPreview,
  pageText,
  phone,
  settle,
  tapText,
  until,
  useE2E,
} from './helpers';

const e2e = useE2E();

/** 已学 n / m on the statistics page. */
async function studiedCount(page: Page): Promise<{ studied: number; audience: number }> {
  const m = /已学 (\d+) \/ (\d+)/.exec(await pageText(page));
  if (!m) throw new Error(`no 已学 n / m on the page:\n${await pageText(page)}`);
  return { studied: Number(m[1]), audience: Number(m[2]) };
}

/** Scrolls the page on top to its bottom, as a finger would (fires onReachBottom). */
async function scrollToEnd(page: Page): Promise<void> {
  await page.evaluate(() => {
    const frames = Array.from(document.querySelectorAll<HTMLElement>('.wx-page-frame'));
    const top = frames.filter((f) => !f.hidden).pop();
    const scroller = top?.querySelector<HTMLElement>('.wx-page-scroller');
    if (!scroller) throw new Error('no page scroller');
    scroller.scrollTo({ top: scroller.scrollHeight });
  });
  await settle(page);
}

/** The 「我已学完」 button is disabled (TDesign renders the state as a class). */
async function completeDisabled(page: Page): Promise<boolean> {
  const button = phone(page).getByRole('button', { name: '我已学完', exact: true });
  return button.evaluate(
    (el) =>
      (el as HTMLButtonElement).disabled ||
      el.getAttribute('aria-disabled') === 'true' ||
      /--disabled/.test(el.className),
  );
}

test('secretary publishes a lesson with a question → a member studies and answers → 已学 +1', async () => {
  const page = e2e.page;
  const stamp = Date.now().toString(36).toUpperCase();
  const title = `学习身边的榜样 ${stamp}`;
  // Long enough to need scrolling: the end of the body is below the screen.
  const paragraphs = Array.from(
    { length: 14 },
    (_, i) =>
      `第${i + 1}段：社区党员坚持每周走访独居老人，帮助解决生活中的实际困难。编号 ${stamp}。`,
  );
  const question = '党员走访独居老人，体现的是什么？';
  const right = '全心全意为人民服务';
  const wrong = '完成任务指标';

  // 王建国 (secretary): home → 工作台 → 发布微党课.
  await openPreview(page, { openid: 'demo-secretary' });
  await tapText(page, '发布微党课');
  await expectTitle(page, '发布微党课');
  await fill(page, '标题', title);
  await fill(page, '写一段正文，换行即另起一段', paragraphs.join('\n'));
  await tapText(page, '添加一道题');
  await fill(page, '题目', question);
  await fill(page, '选项 A', right);
  await fill(page, '选项 B', wrong);
  await tapText(page, `A. ${right}`);
  await tapText(page, '确认发布');
  await findText(page, '已发布');
  await tapText(page, '查看学习情况');
  await expectTitle(page, '学习情况');
  const before = await studiedCount(page);
  expect(await pageText(page)).toContain(title);

  // 李秀英 (member): home → 学习 tab → the new lesson, marked 未学.
  await openPreview(page, { openid: 'demo-member' });
  await tapText(page, '学习', { within: page.locator('#tabbar') });
  await expectTitle(page, '学习');
  const row = phone(page).getByRole('link', { name: `未学，${title}`, exact: true });
  await row.waitFor({ state: 'visible' });
  await row.click();
  await settle(page);
  await expectTitle(page, title);
  const reader = await pageText(page);
  expect(reader).toContain(paragraphs[0]);
  expect(reader).toContain(paragraphs[13]);
  // Not at the end yet: 我已学完 cannot be tapped.
  expect(await completeDisabled(page)).toBe(true);
  await findText(page, '请读到最后，再点「我已学完」确认');
  await scrollToEnd(page);
  await until(
    page,
    '我已学完 enabled after reaching the end',
    async () => !(await completeDisabled(page)),
  );
  await tapText(page, '我已学完');
  await until(page, 'the lesson is marked studied', async () =>
    /\d+年\d+月\d+日已学完/.test(await pageText(page)),
  );

  // The quiz: one single-choice question, graded on the server.
  await tapText(page, '开始答题');
  await expectTitle(page, '课后测试');
  expect(await pageText(page)).toContain(question);
  await tapText(page, `A. ${right}`);
  await tapText(page, '提交答案');
  await findText(page, '1 / 1');
  const result = await pageText(page);
  expect(result).toContain('答对了');
  expect(result).toContain('通过了');

  // 王建国: 工作台 → 微党课管理 → the lesson → 学习情况 counts one more.
  await openPreview(page, { openid: 'demo-secretary' });
  await tapText(page, '微党课管理');
  await expectTitle(page, '微党课管理');
  await phone(page)
    .getByRole('button', { name: new RegExp(`^${title}，已学`) })
    .or(phone(page).getByText(title, { exact: true }))
    .first()
    .click();
  await settle(page);
  await expectTitle(page, '学习情况');
  const after = await studiedCount(page);
  expect(after.studied).toBe(before.studied + 1);
  expect(after.audience).toBe(before.audience);
  expect(await pageText(page)).toContain('1 人作答');
});
