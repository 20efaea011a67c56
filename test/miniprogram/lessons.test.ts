/** 微党课 for members: the 学习 tab list, the reader and the quiz (issue #5). */
import fs from 'fs';
import path from 'path';
import { BRANCH_CONTEXT_KEY } from '../../miniprogram/utils/branch-context';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import {
  MEMBER_BRANCH,
  NODES,
  QUESTIONS,
  lessonDetail,
  lessonItem,
  quizResult,
} from './helpers/lessons';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const MP = path.resolve(__dirname, '../../miniprogram');
const LIST = 'pages/lessons/index';
const DETAIL = 'pages/lessons/detail';
const QUIZ = 'pages/lessons/quiz';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const rows = (page: LoadedPage) => page.page.querySelectorAll('.lesson-row');
const state = (page: LoadedPage) => $(page, '#state')!;

beforeAll(() => {
  prepare(LIST);
  prepare(DETAIL);
  prepare(QUIZ);
}, 90_000);
beforeEach(() => {
  useEnvVersion('develop');
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('学习 tab: the lesson list', () => {
  test('one call for the remembered branch; unstudied lessons carry 未学, studied ones 已学 and the best score', async () => {
    useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'lesson.list': () =>
        ok({
          items: [
            lessonItem('l2', { title: '没学的课' }),
            lessonItem('l1', { title: '学过的课', studied: true, questionCount: 3, bestScore: 2 }),
          ],
          nextCursor: null,
          canCompose: false,
        }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(2));
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.list']);
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    const [first, second] = rows(page);
    expect(first.dom!.textContent).toContain('没学的课');
    expect(first.dom!.textContent).toContain('未学');
    expect(first.dom!.textContent).not.toContain('已学');
    expect(second.dom!.textContent).toContain('已学');
    expect(second.dom!.textContent).not.toContain('未学');
    expect(second.dom!.textContent).toContain('最好成绩 2 / 3');
    expect($(page, '#compose')).toBeFalsy();
    expect($(page, '#go-manage')).toBeFalsy();
    expect(page.text()).toContain('已显示全部微党课');
  });

  test('pages of 20: reaching the bottom loads the next page with the cursor, once, until the end', async () => {
    useStorage(MEMBER_BRANCH);
    const firstPage = Array.from({ length: 20 }, (_, i) => lessonItem(`a${i}`));
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    const calls = stubBackend({
      'lesson.list': (data) =>
        data.cursor === 'c1'
          ? {
              until: held,
              reply: {
                statusCode: 200,
                data: ok({ items: [lessonItem('z1')], nextCursor: null, canCompose: false }),
              },
            }
          : ok({ items: firstPage, nextCursor: 'c1', canCompose: false }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(20));
    expect(page.text()).not.toContain('已显示全部微党课');
    page.instance.onReachBottom();
    page.instance.onReachBottom();
    await waitFor(() => expect(page.instance.data.loadingMore).toBe(true));
    release();
    await waitFor(() => expect(rows(page)).toHaveLength(21));
    const list = callsOf(calls, 'lesson.list');
    expect(list.map((c) => c.data)).toEqual([{ branchId: 'b1' }, { branchId: 'b1', cursor: 'c1' }]);
    expect(page.text()).toContain('已显示全部微党课');
    page.instance.onReachBottom();
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'lesson.list')).toHaveLength(2);
  });

  test('opened first (no branch remembered): one call without branchId, and the branch it names is remembered', async () => {
    const store = useStorage();
    const calls = stubBackend({
      'lesson.list': () =>
        ok({
          items: [lessonItem('l1', { branchId: 'b7' })],
          nextCursor: 'c1',
          canCompose: true,
          branchId: 'b7',
          branch: { branchId: 'b7', branchName: '第七支部', committeeId: 'c1', role: 'secretary' },
        }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.list']);
    expect(calls[0].data).toEqual({});
    expect(store.get(BRANCH_CONTEXT_KEY)).toEqual({
      branchId: 'b7',
      branchName: '第七支部',
      committeeId: 'c1',
      role: 'secretary',
    });
    expect(page.instance.data.branchId).toBe('b7');
    // A composer is offered 发布微党课 and 微党课管理.
    expect($(page, '#compose')).toBeTruthy();
    expect($(page, '#go-manage')).toBeTruthy();
    // The next page names the branch it got.
    page.instance.onReachBottom();
    await waitFor(() => expect(callsOf(calls, 'lesson.list')).toHaveLength(2));
    expect(callsOf(calls, 'lesson.list')[1].data).toEqual({ branchId: 'b7', cursor: 'c1' });
  });

  test('a remembered branch that is refused: one retry without branchId, and the new branch remembered', async () => {
    const store = useStorage(MEMBER_BRANCH);
    const calls = stubBackend({
      'lesson.list': (data) =>
        data.branchId === 'b1'
          ? err('FORBIDDEN', '您不是该支部的成员')
          : ok({
              items: [lessonItem('l9')],
              nextCursor: null,
              canCompose: false,
              branchId: 'b2',
              branch: { branchId: 'b2', branchName: '第二支部', committeeId: 'c1', role: 'member' },
            }),
    });
    const page = open(LIST);
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    expect(calls.map((c) => `${c.fn}.${c.action}:${c.data?.branchId ?? ''}`)).toEqual([
      'lesson.list:b1',
      'lesson.list:',
    ]);
    expect((store.get(BRANCH_CONTEXT_KEY) as { branchId: string }).branchId).toBe('b2');
  });

  test('no branch: one call, an empty state that leads to joining, nothing remembered', async () => {
    const store = useStorage();
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'lesson.list': () =>
        ok({ items: [], nextCursor: null, canCompose: false, branchId: null, branch: null }),
    });
    const page = open(LIST);
    await waitFor(() => expect(state(page).querySelector('#state-empty')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.list']);
    expect(page.text()).toContain('加入党支部后，可以在这里学习支部的微党课');
    expect($(page, '#go-topics')).toBeFalsy();
    expect(store.get(BRANCH_CONTEXT_KEY)).toBeFalsy();
    tap(state(page).querySelector('#empty-action'));
    await waitFor(() => expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' }));
  });

  test('error → 重新加载; tapping a lesson opens the reader with its id', async () => {
    useStorage(MEMBER_BRANCH);
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({
      'lesson.list': (_d, _c, nth) =>
        nth === 0
          ? offline
          : ok({ items: [lessonItem('l1')], nextCursor: null, canCompose: false }),
    });
    const page = open(LIST);
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('网络不可用');
    tap(state(page).querySelector('#retry'));
    await waitFor(() => expect(rows(page)).toHaveLength(1));
    tap($(page, '#lesson-l1')!.querySelector('.lesson'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/pages/lessons/detail?id=l1' }),
    );
  });

  test('pull to refresh asks for the first page again', async () => {
    useStorage(MEMBER_BRANCH);
    const stop = stubWx('stopPullDownRefresh', jest.fn());
    const calls = stubBackend({
      'lesson.list': (_d, _c, nth) =>
        ok({
          items: [lessonItem(nth ? 'new' : 'old')],
          nextCursor: null,
          canCompose: false,
        }),
    });
    const page = open(LIST);
    await waitFor(() => expect(page.text()).toContain('微党课old'));
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(page.text()).toContain('微党课new'));
    expect(callsOf(calls, 'lesson.list').map((c) => c.data)).toEqual([
      { branchId: 'b1' },
      { branchId: 'b1' },
    ]);
    expect(stop).toHaveBeenCalled();
  });
});

describe('reader', () => {
  interface FakeObserver {
    selector: string;
    cb: (r: { intersectionRatio: number }) => void;
    disconnect: jest.Mock;
  }
  /** Capture the page's IntersectionObserver before the lesson arrives. */
  function watchObserver(page: LoadedPage): { current: FakeObserver | null } {
    const ref: { current: FakeObserver | null } = { current: null };
    page.instance.createIntersectionObserver = () => {
      const o: FakeObserver = { selector: '', cb: () => undefined, disconnect: jest.fn() };
      ref.current = o;
      return {
        relativeToViewport: () => ({
          observe: (selector: string, cb: FakeObserver['cb']) => {
            o.selector = selector;
            o.cb = cb;
          },
        }),
        disconnect: o.disconnect,
      };
    };
    return ref;
  }
  const completeBtn = (page: LoadedPage) => $(page, '#complete')!;

  test('one call; the body is the server nodes as they came, and the page holds no answers', async () => {
    useStorage();
    const calls = stubBackend({ 'lesson.get': () => ok(lessonDetail()) });
    const page = open(DETAIL, { id: 'l1' });
    await waitFor(() => expect($(page, '#body')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.get']);
    expect(calls[0].data).toEqual({ lessonId: 'l1' });
    // The template binds them to <rich-text nodes> (rendered for real in the e2e test).
    expect(page.instance.data.nodes).toEqual(NODES);
    expect($(page, '#body')!.dom!.tagName.toLowerCase()).toBe('wx-rich-text');
    expect(fs.readFileSync(path.join(MP, 'pages/lessons/detail.wxml'), 'utf8')).toMatch(
      /<rich-text\s[^>]*nodes="\{\{nodes\}\}"/,
    );
    const held = JSON.stringify(page.instance.data);
    expect(held).not.toMatch(/"answer"|"explanation"/);
    expect(held).not.toContain(QUESTIONS[0].options[1]);
    expect(page.text()).toContain('约 8 分钟 · 2 道题');
    expect(page.text()).toContain('学习心得');
  });

  test('「我已学完」 is disabled until the end marker is seen; then one tap completes it', async () => {
    useStorage();
    const calls = stubBackend({
      'lesson.get': () => ok(lessonDetail()),
      'lesson.complete': () =>
        ok({
          lessonId: 'l1',
          studiedAt: '2025-03-02T02:00:00.000Z',
          firstTime: true,
          points: {
            reason: 'lessonStudied',
            points: 5,
            nominal: 5,
            capped: false,
            today: 5,
            dailyCap: 20,
          },
        }),
    });
    const page = open(DETAIL, { id: 'l1' });
    const observer = watchObserver(page);
    await waitFor(() => expect(completeBtn(page)).toBeTruthy());
    await waitFor(() => expect(observer.current?.selector).toBe('#lesson-end'));
    expect(completeBtn(page).instance.data.disabled).toBe(true);
    expect(page.text()).toContain('请读到最后，再点「我已学完」确认');
    tap(completeBtn(page));
    page.instance.onComplete();
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'lesson.complete')).toHaveLength(0);

    // Not yet on screen: still disabled.
    observer.current!.cb({ intersectionRatio: 0 });
    await new Promise((r) => setTimeout(r, 10));
    expect(completeBtn(page).instance.data.disabled).toBe(true);
    // The end comes into view.
    observer.current!.cb({ intersectionRatio: 1 });
    await waitFor(() => expect(completeBtn(page).instance.data.disabled).toBe(false));
    expect(observer.current!.disconnect).toHaveBeenCalled();
    tap(completeBtn(page));
    await waitFor(() => expect($(page, '#studied')).toBeTruthy());
    const [complete] = callsOf(calls, 'lesson.complete');
    expect(complete.data).toEqual({ lessonId: 'l1' });
    expect(complete.requestId).toBeTruthy();
    expect(page.text()).toContain('已学完');
    expect(page.text()).toContain('积分 +5');
    expect($(page, '#complete')).toBeFalsy();
    // The quiz opens now.
    expect($(page, '#quiz')).toBeTruthy();
  });

  test('scrolling to the bottom also counts as reaching the end; a failed complete keeps its requestId', async () => {
    useStorage();
    const calls = stubBackend({
      'lesson.get': () => ok(lessonDetail({ questions: [] })),
      'lesson.complete': (_d, _c, nth) =>
        nth === 0
          ? offline
          : ok({
              lessonId: 'l1',
              studiedAt: '2025-03-02T02:00:00.000Z',
              firstTime: true,
              points: null,
            }),
    });
    const page = open(DETAIL, { id: 'l1' });
    await waitFor(() => expect(completeBtn(page)).toBeTruthy());
    expect(completeBtn(page).instance.data.disabled).toBe(true);
    page.instance.onReachBottom();
    await waitFor(() => expect(completeBtn(page).instance.data.disabled).toBe(false));
    expect(page.text()).toContain('已读到结尾');
    tap(completeBtn(page));
    await waitFor(() => expect($(page, '#complete-error')).toBeTruthy());
    expect($(page, '#complete-error')!.dom!.textContent).toContain('网络不可用');
    tap(completeBtn(page));
    await waitFor(() => expect($(page, '#studied')).toBeTruthy());
    const [a, b] = callsOf(calls, 'lesson.complete');
    expect(a.requestId).toBe(b.requestId);
    // No questions: no quiz card.
    expect($(page, '#quiz-card')).toBeFalsy();
  });

  test('studied before: no button, the date and the best score with 再答一次', async () => {
    useStorage();
    stubBackend({
      'lesson.get': () =>
        ok(
          lessonDetail({
            studied: true,
            my: {
              studied: true,
              studiedAt: '2025-03-02T02:00:00.000Z',
              bestScore: 1,
              attempts: 2,
              passed: false,
            },
          }),
        ),
    });
    const page = open(DETAIL, { id: 'l1' });
    await waitFor(() => expect($(page, '#studied')).toBeTruthy());
    expect($(page, '#complete')).toBeFalsy();
    expect(page.text()).toContain('2025年3月2日已学完');
    expect($(page, '#best')!.dom!.textContent).toContain('最好成绩 1 / 2');
    expect(page.text()).toContain('再答一次');
  });

  test('audio plays through an inner audio context made on the first tap', async () => {
    useStorage();
    const handlers: Record<string, () => void> = {};
    const audio = {
      src: '',
      currentTime: 0,
      duration: 0,
      play: jest.fn(() => handlers.play?.()),
      pause: jest.fn(() => handlers.pause?.()),
      destroy: jest.fn(),
      onPlay: (f: () => void) => (handlers.play = f),
      onPause: (f: () => void) => (handlers.pause = f),
      onEnded: (f: () => void) => (handlers.ended = f),
      onError: (f: () => void) => (handlers.error = f),
      onTimeUpdate: (f: () => void) => (handlers.time = f),
    };
    const create = stubWx(
      'createInnerAudioContext',
      jest.fn(() => audio),
    );
    stubBackend({
      'lesson.get': () =>
        ok(
          lessonDetail({
            mediaKind: 'audio',
            media: {
              kind: 'audio',
              fileID: 'cloud://env.b/lessons/a.mp3',
              url: 'https://tmp/a.mp3',
            },
          }),
        ),
    });
    const page = open(DETAIL, { id: 'l1' });
    await waitFor(() => expect($(page, '#play')).toBeTruthy());
    expect(create).not.toHaveBeenCalled();
    tap($(page, '#play'));
    await waitFor(() => expect(audio.play).toHaveBeenCalled());
    expect(audio.src).toBe('https://tmp/a.mp3');
    await waitFor(() => expect(page.text()).toContain('暂停'));
    tap($(page, '#play'));
    await waitFor(() => expect(audio.pause).toHaveBeenCalled());
    expect(create).toHaveBeenCalledTimes(1);
    page.instance.onUnload();
    expect(audio.destroy).toHaveBeenCalled();
  });

  test('a composer previewing another group’s lesson gets no study button but 学习情况 and 编辑', async () => {
    useStorage();
    const navigateTo = stubWx('navigateTo', jest.fn());
    stubBackend({ 'lesson.get': () => ok(lessonDetail({ forMe: false, canManage: true })) });
    const page = open(DETAIL, { id: 'l1' });
    await waitFor(() => expect($(page, '#go-stats')).toBeTruthy());
    expect($(page, '#complete')).toBeFalsy();
    tap($(page, '#go-stats'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/lesson-admin/stats/index?id=l1' }),
    );
  });

  test('NOT_FOUND is shown with 重新加载', async () => {
    useStorage();
    stubBackend({ 'lesson.get': () => err('NOT_FOUND', '未找到该微党课') });
    const page = open(DETAIL, { id: 'nope' });
    await waitFor(() => expect(state(page).querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('未找到该微党课');
  });
});

describe('quiz', () => {
  const studied = () =>
    lessonDetail({
      studied: true,
      my: {
        studied: true,
        studiedAt: '2025-03-02T02:00:00.000Z',
        bestScore: null,
        attempts: 0,
        passed: false,
      },
    });
  const pickSingle = (page: LoadedPage, value: number) =>
    emit($(page, '#choices-qa'), 'change', { value });
  const pickMultiple = (page: LoadedPage, value: number[]) =>
    emit($(page, '#choices-qb'), 'change', { value });

  test('single choice is a radio group, multiple a checkbox group; nothing held tells the answer', async () => {
    useStorage();
    const calls = stubBackend({ 'lesson.get': () => ok(studied()) });
    const page = open(QUIZ, { id: 'l1' });
    await waitFor(() => expect($(page, '#choices-qa')).toBeTruthy());
    expect(calls).toHaveLength(1);
    expect($(page, '#choices-qa')!.instance.data.classPrefix).toBe('t-radio-group');
    expect($(page, '#choices-qb')!.instance.data.classPrefix).toBe('t-checkbox-group');
    expect(page.text()).toContain('A. 全心全意为人民服务');
    expect(page.text()).toContain('D. 茶话会');
    expect(JSON.stringify(page.instance.data)).not.toMatch(/"answer"|"explanation"|"correct"/);
  });

  test('every question must be answered: the missing ones are named and nothing is sent', async () => {
    useStorage();
    const calls = stubBackend({ 'lesson.get': () => ok(studied()) });
    const page = open(QUIZ, { id: 'l1' });
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    pickSingle(page, 0);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#unanswered')).toBeTruthy());
    expect($(page, '#unanswered')!.dom!.textContent).toContain('第 2 题还没有作答');
    expect(callsOf(calls, 'lesson.submitQuiz')).toHaveLength(0);
  });

  test('submit sends the chosen options; the results show what was right with explanations; 再答一次 is a new attempt', async () => {
    useStorage();
    const calls = stubBackend({
      'lesson.get': () => ok(studied()),
      'lesson.submitQuiz': (_d, _c, nth) =>
        nth === 0
          ? ok(quizResult())
          : ok(
              quizResult({
                score: 2,
                passed: true,
                bestScore: 2,
                attempts: 2,
                results: [
                  { questionId: 'qa', correct: true, chosen: [0], answer: [0], explanation: null },
                  {
                    questionId: 'qb',
                    correct: true,
                    chosen: [0, 1, 2],
                    answer: [0, 1, 2],
                    explanation: null,
                  },
                ],
                points: {
                  reason: 'quizPassed',
                  points: 3,
                  nominal: 3,
                  capped: false,
                  today: 8,
                  dailyCap: 20,
                },
              }),
            ),
    });
    const page = open(QUIZ, { id: 'l1' });
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    pickSingle(page, 0);
    pickMultiple(page, [0, 3]);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#score')).toBeTruthy());
    const [first] = callsOf(calls, 'lesson.submitQuiz');
    expect(first.data).toEqual({
      lessonId: 'l1',
      answers: [
        { questionId: 'qa', choices: [0] },
        { questionId: 'qb', choices: [0, 3] },
      ],
    });
    expect(first.requestId).toBeTruthy();
    expect($(page, '#score')!.dom!.textContent).toBe('1 / 2');
    const qa = $(page, '#result-qa')!.dom!.textContent!;
    const qb = $(page, '#result-qb')!.dom!.textContent!;
    expect(qa).toContain('答对了');
    expect(qa).toContain('这是党章规定的。');
    expect(qb).toContain('答错了');
    expect(qb).toContain('你的答案：A、D');
    expect(qb).toContain('正确答案：A、B、C');
    expect(qb).toContain('解析：三会一课');
    expect($(page, '#best')!.dom!.textContent).toContain('最好成绩 1 / 2');

    tap($(page, '#again'));
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    expect(page.instance.data.picked).toEqual([-1, []]);
    pickSingle(page, 0);
    pickMultiple(page, [0, 1, 2]);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#score')!.dom!.textContent).toBe('2 / 2'));
    const [, second] = callsOf(calls, 'lesson.submitQuiz');
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.data.answers[1]).toEqual({ questionId: 'qb', choices: [0, 1, 2] });
    expect(page.text()).toContain('通过了');
    expect(page.text()).toContain('积分 +3');
  });

  test('a failed submit is retried with the same requestId; a changed answer gets a new one', async () => {
    useStorage();
    const calls = stubBackend({
      'lesson.get': () => ok(studied()),
      'lesson.submitQuiz': (_d, _c, nth) => (nth < 2 ? offline : ok(quizResult())),
    });
    const page = open(QUIZ, { id: 'l1' });
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    pickSingle(page, 1);
    pickMultiple(page, [1]);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#submit-error')).toBeTruthy());
    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'lesson.submitQuiz')).toHaveLength(2));
    await waitFor(() => expect(page.instance.data.submitting).toBe(false));
    pickSingle(page, 0);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#score')).toBeTruthy());
    const [a, b, c] = callsOf(calls, 'lesson.submitQuiz');
    expect(a.requestId).toBe(b.requestId);
    expect(c.requestId).not.toBe(a.requestId);
    expect(c.data.answers[0]).toEqual({ questionId: 'qa', choices: [0] });
  });

  test('not studied yet: says to study first and offers no submit', async () => {
    useStorage();
    stubBackend({ 'lesson.get': () => ok(lessonDetail()) });
    const page = open(QUIZ, { id: 'l1' });
    await waitFor(() => expect($(page, '#need-study')).toBeTruthy());
    expect($(page, '#submit')).toBeFalsy();
    expect(page.text()).toContain('请先学完这节课');
  });
});
