/** 微党课 around a lesson: 学习心得, 点题授课 and 我的积分 (issue #5). */
import type { ReflectionItem, TopicItem } from '../../typings/api';
import { callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const REFLECTIONS = 'pages/lessons/reflections';
const TOPICS = 'pages/lessons/topics';
const POINTS = 'pages/points/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

const reflection = (id: string, extra: Partial<ReflectionItem> = {}): ReflectionItem => ({
  reflectionId: id,
  lessonId: 'l1',
  authorName: '张伟',
  text: `心得${id}`,
  status: 'visible',
  createdAt: '2025-03-01T01:00:00.000Z',
  mine: false,
  ...extra,
});
const topic = (id: string, extra: Partial<TopicItem> = {}): TopicItem => ({
  topicId: id,
  title: `主题${id}`,
  detail: '',
  proposerName: '李秀英',
  supportCount: 2,
  supported: false,
  mine: false,
  status: 'open',
  lessonId: null,
  lessonTitle: null,
  createdAt: '2025-03-01T01:00:00.000Z',
  ...extra,
});

beforeAll(() => {
  prepare(REFLECTIONS);
  prepare(TOPICS);
  prepare(POINTS);
}, 90_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('学习心得', () => {
  test('one call; posting checks the text, a risky one is refused under the box, a held one says who sees it', async () => {
    stubWx('showToast', jest.fn());
    const calls = stubBackend({
      'lesson.listReflections': () =>
        ok({ items: [reflection('r1')], nextCursor: null, mine: null, canModerate: false }),
      'lesson.postReflection': (_d, _c, nth) =>
        nth === 0
          ? err('CONTENT_RISKY', '内容含有违规信息')
          : ok({ reflectionId: 'r9', status: 'held' }),
    });
    const page = open(REFLECTIONS, { id: 'l1', title: '全心全意为人民服务' });
    await waitFor(() => expect($(page, '#reflection-r1')).toBeTruthy());
    expect(calls.map((c) => c.data)).toEqual([{ lessonId: 'l1' }]);
    expect($(page, '#tabs')).toBeFalsy();
    expect($(page, '#moderate-r1')).toBeFalsy();

    tap($(page, '#post'));
    await waitFor(() => expect($(page, '#draft-error')).toBeTruthy());
    expect($(page, '#draft-error')!.dom!.textContent).toBe('请写下你的学习心得');
    emit($(page, '#draft'), 'change', { value: '测试违规词' });
    tap($(page, '#post'));
    await waitFor(() =>
      expect($(page, '#draft-error')!.dom!.textContent).toContain('内容含有违规信息'),
    );
    expect($(page, '#draft-error')!.dom!.textContent).toContain('请修改');
    emit($(page, '#draft'), 'change', { value: '要把群众的小事当大事办。' });
    tap($(page, '#post'));
    await waitFor(() => expect($(page, '#mine')).toBeTruthy());
    expect($(page, '#mine')!.dom!.textContent).toContain('审核中，目前只有你和支部书记能看到');
    expect($(page, '#post-form')).toBeFalsy();
    const [a, b] = callsOf(calls, 'lesson.postReflection');
    expect(b.data).toEqual({ lessonId: 'l1', text: '要把群众的小事当大事办。' });
    expect(a.requestId).not.toBe(b.requestId);
  });

  test('a composer hides a reflection in one tap and sees held ones in their tab', async () => {
    const calls = stubBackend({
      'lesson.listReflections': (d) =>
        ok({
          items:
            d.status === 'held'
              ? [reflection('r5', { status: 'held' })]
              : [reflection('r1'), reflection('r2')],
          nextCursor: null,
          mine: null,
          canModerate: true,
        }),
      'lesson.hideReflection': (d) =>
        ok({ reflectionId: d.reflectionId, status: d.hidden ? 'hidden' : 'visible' }),
    });
    const page = open(REFLECTIONS, { id: 'l1' });
    await waitFor(() => expect($(page, '#moderate-r1')).toBeTruthy());
    tap($(page, '#moderate-r1'));
    await waitFor(() => expect($(page, '#reflection-r1')).toBeFalsy());
    expect(callsOf(calls, 'lesson.hideReflection')[0].data).toEqual({
      reflectionId: 'r1',
      hidden: true,
    });
    expect($(page, '#reflection-r2')).toBeTruthy();

    emit($(page, '#tabs'), 'change', { value: 'held' });
    await waitFor(() => expect($(page, '#reflection-r5')).toBeTruthy());
    expect(callsOf(calls, 'lesson.listReflections')[1].data).toEqual({
      lessonId: 'l1',
      status: 'held',
    });
    tap($(page, '#moderate-r5'));
    await waitFor(() => expect($(page, '#reflection-r5')).toBeFalsy());
    expect(callsOf(calls, 'lesson.hideReflection')[1].data).toEqual({
      reflectionId: 'r5',
      hidden: false,
    });
  });
});

describe('点题授课', () => {
  test('我也想听 counts once: the button turns into 已支持 and sends nothing more', async () => {
    const calls = stubBackend({
      'lesson.listTopics': () =>
        ok({
          items: [topic('t1'), topic('t2', { supported: true, mine: true })],
          nextCursor: null,
          canAdopt: false,
        }),
      'lesson.supportTopic': () => ok({ topicId: 't1', supportCount: 3 }),
    });
    const page = open(TOPICS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#support-t1')).toBeTruthy());
    expect(calls.map((c) => c.data)).toEqual([{ branchId: 'b1' }]);
    expect($(page, '#support-t2')!.instance.data.disabled).toBe(true);
    expect($(page, '#topic-t2')!.dom!.textContent).toContain('我 提出');
    expect($(page, '#adopt-t1')).toBeFalsy();
    tap($(page, '#support-t1'));
    await waitFor(() => expect($(page, '#topic-t1')!.dom!.textContent).toContain('3 人想听'));
    expect($(page, '#support-t1')!.instance.data.disabled).toBe(true);
    tap($(page, '#support-t1'));
    page.instance.onSupport({ currentTarget: { dataset: { id: 't1' } } });
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'lesson.supportTopic')).toHaveLength(1);
    expect(callsOf(calls, 'lesson.supportTopic')[0].data).toEqual({ topicId: 't1' });
  });

  test('propose: the title is checked, then sent; a composer gets 采纳', async () => {
    stubWx('showToast', jest.fn());
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'lesson.listTopics': () => ok({ items: [topic('t1')], nextCursor: null, canAdopt: true }),
      'lesson.proposeTopic': () => ok({ topicId: 't9', status: 'open' }),
    });
    const page = open(TOPICS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#propose')).toBeTruthy());
    tap($(page, '#propose'));
    await waitFor(() => expect($(page, '#send')).toBeTruthy());
    emit($(page, '#topic-title'), 'change', { value: '学' });
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#topic-title')!.instance.data.tips).toContain('2–40'));
    expect(callsOf(calls, 'lesson.proposeTopic')).toHaveLength(0);
    emit($(page, '#topic-title'), 'change', { value: '怎样当好党员中心户' });
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#proposed-note')).toBeTruthy());
    expect(callsOf(calls, 'lesson.proposeTopic')[0].data).toEqual({
      branchId: 'b1',
      title: '怎样当好党员中心户',
    });
    tap($(page, '#adopt-t1'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalled());
    expect(navigateTo.mock.calls[0][0].url).toMatch(
      /^\/packages\/lesson-admin\/adopt\/index\?topicId=t1&branchId=b1/,
    );
  });
});

describe('我的积分', () => {
  test('my balance, today against the cap and my recent entries — no ranking', async () => {
    const calls = stubBackend({
      'lesson.myPoints': () =>
        ok({
          balance: 42,
          today: 20,
          dailyCap: 20,
          rules: { lessonStudied: 5, quizPassed: 3, passPercent: 60 },
          recent: [
            {
              entryId: 'p1',
              reason: 'quizPassed',
              refId: 'l1',
              title: '全心全意为人民服务',
              points: 0,
              nominal: 3,
              at: '2025-03-02T02:00:00Z',
              day: '2025-03-02',
            },
            {
              entryId: 'p2',
              reason: 'lessonStudied',
              refId: 'l1',
              title: '全心全意为人民服务',
              points: 5,
              nominal: 5,
              at: '2025-03-02T01:00:00Z',
              day: '2025-03-02',
            },
          ],
        }),
    });
    const page = open(POINTS);
    await waitFor(() => expect($(page, '#balance')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect($(page, '#balance')!.dom!.textContent).toBe('42');
    expect(page.text()).toContain('今天 20 / 20 分');
    expect(page.text()).toContain('学完一节微党课 +5 分');
    expect(page.text()).toContain('+0（已达当天上限）');
    expect(page.text()).toContain('+5');
    expect(page.text()).not.toMatch(/第\s*\d+\s*名|排行|榜/);
  });
});
