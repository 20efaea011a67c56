/** 微党课 for composers: the composer, the statistics with 提醒, and the overview (issue #5). */
import type { ComposeOptionsResponse, LessonEditable } from '../../typings/api';
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { lessonDetail, lessonItem, lessonStats } from './helpers/lessons';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const COMPOSE = 'packages/lesson-admin/compose/index';
const STATS = 'packages/lesson-admin/stats/index';
const OVERVIEW = 'packages/lesson-admin/overview/index';
const ADOPT = 'packages/lesson-admin/adopt/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

const OPTIONS: ComposeOptionsResponse = {
  branchId: 'b1',
  branchName: '幸福里社区第一党支部',
  groups: [
    { groupId: 'g1', name: '第一党小组' },
    { groupId: 'g2', name: '第二党小组' },
  ],
  limits: {
    titleMax: 40,
    summaryMax: 120,
    blocksMax: 60,
    textMax: 6000,
    minutesMax: 15,
    questionsMax: 10,
    optionsMin: 2,
    optionsMax: 6,
    optionMax: 60,
    questionMax: 200,
    explanationMax: 300,
    reflectionMax: 300,
    topicTitleMax: 40,
    topicDetailMax: 200,
  },
};

beforeAll(() => {
  prepare(COMPOSE);
  prepare(STATS);
  prepare(OVERVIEW);
  prepare(ADOPT);
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

describe('composer', () => {
  const blocks = (page: LoadedPage) => page.instance.data.blocks as { key: string; type: string }[];
  const questions = (page: LoadedPage) => page.instance.data.questions as { key: string }[];
  const lastBlock = (page: LoadedPage) => blocks(page)[blocks(page).length - 1].key;

  async function openNew(handlers: Parameters<typeof stubBackend>[0] = {}) {
    const calls = stubBackend({ 'lesson.composeOptions': () => ok(OPTIONS), ...handlers });
    const page = open(COMPOSE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#title')).toBeTruthy());
    return { calls, page };
  }

  /** Title, one paragraph and one single-choice question with its answer. */
  async function writeLesson(page: LoadedPage) {
    emit($(page, '#title'), 'change', { value: ' 全心全意为人民服务 ' });
    const p = blocks(page)[0].key;
    emit($(page, `#block-text-${p}`), 'change', { value: '第一段。\n第二段。' });
    tap($(page, '#add-question'));
    await waitFor(() => expect(questions(page)).toHaveLength(1));
    const q = questions(page)[0].key;
    await waitFor(() => expect($(page, `#q-text-${q}`)).toBeTruthy());
    emit($(page, `#q-text-${q}`), 'change', { value: '党的根本宗旨是什么？' });
    emit($(page, `#q-opt-${q}-0`), 'change', { value: '全心全意为人民服务' });
    emit($(page, `#q-opt-${q}-1`), 'change', { value: '发展经济' });
    emit($(page, `#q-answer-${q}`), 'change', { value: 0 });
    emit($(page, `#q-expl-${q}`), 'change', { value: '党章总纲。' });
    return q;
  }

  test('one call on open; empty fields are said under each field and nothing is sent', async () => {
    const { calls, page } = await openNew();
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.composeOptions']);
    expect(calls[0].data).toEqual({ branchId: 'b1' });
    expect(page.text()).toContain('发布到：幸福里社区第一党支部');
    // It starts with one paragraph, open for writing.
    expect(blocks(page)).toHaveLength(1);
    const p = blocks(page)[0].key;
    expect($(page, `#block-text-${p}`)).toBeTruthy();

    tap($(page, '#add-question'));
    await waitFor(() => expect(questions(page)).toHaveLength(1));
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#title')!.instance.data.tips).toBe('请填写标题'));
    expect($(page, `#block-error-${p}`)!.dom!.textContent).toContain('这一段还是空的');
    const q = questions(page)[0].key;
    expect($(page, `#q-error-${q}`)!.dom!.textContent).toContain('请填写题目');
    expect($(page, '#form-error')!.dom!.textContent).toContain('请按红字提示修改');
    expect(callsOf(calls, 'lesson.create')).toHaveLength(0);

    // A question with its text but an empty option, then without an answer.
    emit($(page, `#q-text-${q}`), 'change', { value: '题目' });
    emit($(page, `#q-opt-${q}-0`), 'change', { value: '甲' });
    tap($(page, '#submit'));
    await waitFor(() =>
      expect($(page, `#q-error-${q}`)!.dom!.textContent).toContain('选项不能为空'),
    );
    emit($(page, `#q-opt-${q}-1`), 'change', { value: '乙' });
    tap($(page, '#submit'));
    await waitFor(() =>
      expect($(page, `#q-error-${q}`)!.dom!.textContent).toContain('请选出正确答案'),
    );
    // Audience by groups needs a group.
    emit($(page, '#audience-kind'), 'change', { value: 'groups' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#audience-error')).toBeTruthy());
    expect($(page, '#audience-error')!.dom!.textContent).toContain('请至少选择一个党小组');
    expect(callsOf(calls, 'lesson.create')).toHaveLength(0);
  });

  test('blocks are added, moved and removed; the body goes as safe blocks in that order', async () => {
    const { calls, page } = await openNew({
      'lesson.create': () =>
        ok({
          lessonId: 'l9',
          status: 'published',
          publishAt: null,
          publishedAt: '2025-03-01T00:00:00Z',
        }),
    });
    emit($(page, '#title'), 'change', { value: '标题' });
    const p = blocks(page)[0].key;
    emit($(page, `#block-text-${p}`), 'change', { value: '<b>正文</b>' });
    emit($(page, `#block-bold-${p}`), 'change', { value: true });

    tap($(page, '#add-h'));
    await waitFor(() => expect(blocks(page)).toHaveLength(2));
    const h = lastBlock(page);
    await waitFor(() => expect($(page, `#block-text-${h}`)).toBeTruthy());
    emit($(page, `#block-text-${h}`), 'change', { value: '一、小标题' });

    tap($(page, '#add-ul'));
    await waitFor(() => expect(blocks(page)).toHaveLength(3));
    const ul = lastBlock(page);
    await waitFor(() => expect($(page, `#block-text-${ul}`)).toBeTruthy());
    emit($(page, `#block-text-${ul}`), 'change', { value: '第一条\n\n第二条' });
    emit($(page, `#block-numbered-${ul}`), 'change', { value: true });

    tap($(page, '#add-p'));
    await waitFor(() => expect(blocks(page)).toHaveLength(4));
    const extra = lastBlock(page);
    // The sub-heading goes first.
    tap($(page, `#block-${p} .block__row`));
    await waitFor(() => expect(page.instance.data.editing).toBe(p));
    tap($(page, `#block-down-${p}`));
    await waitFor(() => expect(blocks(page).map((b) => b.key)).toEqual([h, p, ul, extra]));
    // The empty paragraph is removed.
    tap($(page, `#block-${extra} .block__row`));
    await waitFor(() => expect($(page, `#block-remove-${extra}`)).toBeTruthy());
    tap($(page, `#block-remove-${extra}`));
    await waitFor(() => expect(blocks(page)).toHaveLength(3));
    expect($(page, `#block-${extra}`)).toBeFalsy();

    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'lesson.create')).toHaveLength(1));
    expect(callsOf(calls, 'lesson.create')[0].data.body).toEqual([
      { type: 'h', text: '一、小标题' },
      { type: 'p', runs: [{ text: '<b>正文</b>', bold: true }] },
      { type: 'ol', items: [[{ text: '第一条' }], [{ text: '第二条' }]] },
    ]);
  });

  test('questions: added one at a time up to 10, then the button stops', async () => {
    const { page } = await openNew();
    for (let i = 1; i <= 10; i++) {
      tap($(page, '#add-question'));
      await waitFor(() => expect(questions(page)).toHaveLength(i));
    }
    expect($(page, '#add-question')!.instance.data.disabled).toBe(true);
    expect(page.text()).toContain('已有 10 道题');
    page.instance.onAddQuestion();
    await waitFor(() => expect($(page, '#quiz-error')).toBeTruthy());
    expect(questions(page)).toHaveLength(10);
    expect($(page, '#quiz-error')!.dom!.textContent).toContain('最多 10 道题');
    // Only the question being edited is open; removing one frees a place.
    const last = questions(page)[9].key;
    tap($(page, `#q-remove-${last}`));
    await waitFor(() => expect(questions(page)).toHaveLength(9));
    expect($(page, '#add-question')!.instance.data.disabled).toBe(false);
  });

  test('publish sends the whole lesson with a requestId that a retry reuses; edited content gets a new one', async () => {
    const redirect = stubWx('redirectTo', jest.fn());
    const { calls, page } = await openNew({
      'lesson.create': (_d, _c, nth) =>
        nth < 2
          ? offline
          : ok({
              lessonId: 'l9',
              status: 'published',
              publishAt: null,
              publishedAt: '2025-03-01T00:00:00Z',
            }),
    });
    await writeLesson(page);
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-error')!.dom!.textContent).toContain('网络不可用'));
    const [first] = callsOf(calls, 'lesson.create');
    expect(first.data).toEqual({
      branchId: 'b1',
      title: '全心全意为人民服务',
      body: [
        { type: 'p', runs: [{ text: '第一段。' }] },
        { type: 'p', runs: [{ text: '第二段。' }] },
      ],
      coverFileID: null,
      media: null,
      minutes: 1,
      audience: { kind: 'branch' },
      quiz: [
        {
          text: '党的根本宗旨是什么？',
          kind: 'single',
          options: ['全心全意为人民服务', '发展经济'],
          answer: [0],
          explanation: '党章总纲。',
        },
      ],
      publish: true,
    });
    expect(first.requestId).toBeTruthy();

    tap($(page, '#submit'));
    await waitFor(() => expect(callsOf(calls, 'lesson.create')).toHaveLength(2));
    await waitFor(() => expect(page.instance.data.submitting).toBe(false));
    expect(callsOf(calls, 'lesson.create')[1].requestId).toBe(first.requestId);

    emit($(page, '#title'), 'change', { value: '全心全意为人民服务（修订）' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    const third = callsOf(calls, 'lesson.create')[2];
    expect(third.requestId).not.toBe(first.requestId);
    expect(third.data.title).toBe('全心全意为人民服务（修订）');
    expect($(page, '#result-title')!.dom!.textContent).toContain('已发布');
    tap($(page, '#to-stats'));
    await waitFor(() =>
      expect(redirect).toHaveBeenCalledWith({ url: '/packages/lesson-admin/stats/index?id=l9' }),
    );
  });

  test('the server’s field errors go under the block or question they name; CONTENT_RISKY says what to do', async () => {
    const { page } = await openNew({
      'lesson.create': (_d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '参数「quiz.0.options.1」有误：选项最多 60 个字', {
              fields: ['quiz.0.options.1', 'body.1.runs.0.text'],
            })
          : err('CONTENT_RISKY', '内容含有违规信息'),
    });
    const q = await writeLesson(page);
    tap($(page, `#q-done-${q}`));
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, `#q-error-${q}`)).toBeTruthy());
    expect($(page, `#q-error-${q}`)!.dom!.textContent).toBe('选项最多 60 个字');
    // body.1 is the second line of the first paragraph block: its block gets the error.
    const p = blocks(page)[0].key;
    expect($(page, `#block-error-${p}`)!.dom!.textContent).toContain('请检查此项');
    expect(page.instance.data.openQuestion).toBe(q);

    tap($(page, '#submit'));
    await waitFor(() =>
      expect($(page, '#form-error')!.dom!.textContent).toContain('内容含有违规信息'),
    );
    expect($(page, '#form-error')!.dom!.textContent).toContain('请修改');
  });

  test('只存草稿 stays on the form; the next save updates that lesson', async () => {
    const { calls, page } = await openNew({
      'lesson.create': () =>
        ok({ lessonId: 'd1', status: 'draft', publishAt: null, publishedAt: null }),
      'lesson.update': () =>
        ok({ lessonId: 'd1', status: 'draft', publishAt: null, publishedAt: null }),
      'lesson.publish': () =>
        ok({
          lessonId: 'd1',
          status: 'published',
          publishAt: null,
          publishedAt: '2025-03-01T00:00:00Z',
        }),
    });
    await writeLesson(page);
    emit($(page, '#mode'), 'change', { value: 'draft' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#form-note')).toBeTruthy());
    expect(callsOf(calls, 'lesson.create')[0].data.publish).toBeUndefined();
    expect($(page, '#result')).toBeFalsy();
    // Now publish it: the saved draft is updated, then published.
    emit($(page, '#mode'), 'change', { value: 'now' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    expect(callsOf(calls, 'lesson.create')).toHaveLength(1);
    expect(callsOf(calls, 'lesson.update')[0].data.lessonId).toBe('d1');
    expect(callsOf(calls, 'lesson.publish')[0].data).toEqual({ lessonId: 'd1' });
  });

  test('定时发布 sends publishAt; a held lesson says it waits for review', async () => {
    const { calls, page } = await openNew({
      'lesson.create': (d) =>
        ok({ lessonId: 'l5', status: 'held', publishAt: d.publishAt, publishedAt: null }),
    });
    await writeLesson(page);
    emit($(page, '#mode'), 'change', { value: 'schedule' });
    await waitFor(() => expect($(page, '#publish-at')).toBeTruthy());
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    const sent = callsOf(calls, 'lesson.create')[0].data;
    expect(sent.publish).toBeUndefined();
    const at = new Date(sent.publishAt);
    // The default: tomorrow at 8:00.
    expect(at.getHours()).toBe(8);
    expect(at.getTime()).toBeGreaterThan(Date.now());
    expect($(page, '#result-title')!.dom!.textContent).toContain('等待审核');
  });

  test('edit: one get, the form filled from `editable`, saved with update', async () => {
    const editable: LessonEditable = {
      title: '旧标题',
      summary: '旧摘要',
      body: [
        { type: 'p', runs: [{ text: '混合' }, { text: '加粗', bold: true }] },
        { type: 'img', fileID: 'cloud://env.b/lessons/x.png', alt: '合影' },
      ],
      coverFileID: null,
      media: null,
      minutes: 6,
      audience: { kind: 'groups', groupIds: ['g2'] },
      quiz: [
        {
          questionId: 'qa',
          text: '题',
          kind: 'multiple',
          options: ['a', 'b', 'c'],
          answer: [0, 2],
        },
      ],
      groups: OPTIONS.groups,
      needsReview: false,
    };
    const calls = stubBackend({
      'lesson.get': () => ok(lessonDetail({ canManage: true, editable })),
      'lesson.update': () =>
        ok({
          lessonId: 'l1',
          status: 'published',
          publishAt: null,
          publishedAt: '2025-03-01T00:00:00Z',
        }),
    });
    const page = open(COMPOSE, { lessonId: 'l1' });
    await waitFor(() => expect($(page, '#title')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.get']);
    expect($(page, '#title')!.instance.data.value).toBe('旧标题');
    expect(page.instance.data.canChooseMode).toBe(false);
    emit($(page, '#title'), 'change', { value: '新标题' });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    const [u] = callsOf(calls, 'lesson.update');
    expect(u.data.lessonId).toBe('l1');
    expect(u.data.title).toBe('新标题');
    // Untouched paragraph keeps its mixed bold; the picture and the question keep their ids.
    expect(u.data.body).toEqual(editable.body);
    expect(u.data.audience).toEqual({ kind: 'groups', groupIds: ['g2'] });
    expect(u.data.quiz[0]).toMatchObject({ questionId: 'qa', answer: [0, 2], kind: 'multiple' });
    expect(callsOf(calls, 'lesson.publish')).toHaveLength(0);
  });

  test('uploads: hidden in local mode; in the preview the cover goes to lessons/ and is sent', async () => {
    const { page } = await openNew();
    expect($(page, '#cover-upload')).toBeFalsy();
    expect(page.text()).toContain('本地调试模式不能上传图片和音视频');
    opened?.detach();

    stubWx('getAccountInfoSync', () => ({
      miniProgram: { appId: 'preview', envVersion: 'develop', version: '' },
    }));
    stubWx('chooseMedia', (o: any) =>
      o.success({ tempFiles: [{ tempFilePath: 'wxfile://tmp/cover.png' }] }),
    );
    const uploads: string[] = [];
    const cloud: Record<string, unknown> = {
      init: jest.fn(),
      uploadFile: (o: any) => {
        uploads.push(o.cloudPath);
        setTimeout(() => o.success({ fileID: `cloud://env.b/${o.cloudPath}` }), 1);
      },
    };
    stubWx('cloud', cloud as unknown as () => void);
    const second = await openNew({
      'lesson.create': () =>
        ok({
          lessonId: 'l9',
          status: 'published',
          publishAt: null,
          publishedAt: '2025-03-01T00:00:00Z',
        }),
    });
    tap($(second.page, '#cover-upload'));
    await waitFor(() => expect(second.page.instance.data.coverFileID).toMatch(/^cloud:/));
    expect(uploads[0]).toMatch(/^lessons\/.+\.png$/);
    await writeLesson(second.page);
    tap($(second.page, '#submit'));
    await waitFor(() => expect(callsOf(second.calls, 'lesson.create')).toHaveLength(1));
    expect(callsOf(second.calls, 'lesson.create')[0].data.coverFileID).toBe(
      `cloud://env.b/${uploads[0]}`,
    );
  });
});

describe('statistics', () => {
  test('one call: studied / audience, the quiz and who has not studied', async () => {
    const calls = stubBackend({ 'lesson.stats': () => ok(lessonStats()) });
    const page = open(STATS, { id: 'l1' });
    await waitFor(() => expect($(page, '#counts')).toBeTruthy());
    expect(calls.map((c) => c.data)).toEqual([{ lessonId: 'l1' }]);
    expect($(page, '#counts')!.dom!.textContent).toBe('已学 12 / 30');
    expect(page.text()).toContain('18 人还没有学');
    expect(page.text()).toContain('10 人作答，平均 1.6 分（满分 2），8 人通过');
    expect($(page, '#person-m1')).toBeTruthy();
    expect(page.text()).toContain('李秀英');
  });

  test('提醒未学的党员: sent once; a second time the same day says when it may be sent again', async () => {
    const calls = stubBackend({
      'lesson.stats': () => ok(lessonStats()),
      'lesson.remind': (_d, _c, nth) =>
        nth === 0
          ? ok({ lessonId: 'l1', sent: 15, skipped: 3 })
          : err('RATE_LIMITED', '今天已经提醒过了，每节课每天只能提醒一次，请于明天再试'),
    });
    const page = open(STATS, { id: 'l1' });
    await waitFor(() => expect($(page, '#remind')).toBeTruthy());
    expect($(page, '#remind')!.instance.data.disabled).toBe(false);
    tap($(page, '#remind'));
    await waitFor(() => expect($(page, '#remind-result')).toBeTruthy());
    expect($(page, '#remind-result')!.dom!.textContent).toContain(
      '已提醒 15 人，3 人没有开启学习提醒',
    );
    expect($(page, '#remind')!.instance.data.disabled).toBe(true);
    expect(page.text()).toContain('今天已提醒过');
    expect(callsOf(calls, 'lesson.remind')[0].data).toEqual({ lessonId: 'l1' });

    // Another phone (or a stale page) tries again: the server's limit is shown as it words it.
    page.instance.setData({ canRemind: true, remindResult: '' });
    tap($(page, '#remind'));
    await waitFor(() =>
      expect($(page, '#remind-result')!.dom!.textContent).toContain(
        '每节课每天只能提醒一次，请于明天再试',
      ),
    );
    expect($(page, '#remind')!.instance.data.disabled).toBe(true);
    expect(page.text()).toContain('今天已提醒过');
  });

  test('reminded today already (from the server): the button is off and says so', async () => {
    const day = new Date();
    const pad = (n: number) => String(n).padStart(2, '0');
    const today = `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
    const calls = stubBackend({
      'lesson.stats': () => ok(lessonStats({ canRemind: false, remindedOn: today })),
    });
    const page = open(STATS, { id: 'l1' });
    await waitFor(() => expect($(page, '#remind')).toBeTruthy());
    expect($(page, '#remind')!.instance.data.disabled).toBe(true);
    expect(page.text()).toContain('今天已提醒过');
    tap($(page, '#remind'));
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'lesson.remind')).toHaveLength(0);
  });

  test('加载更多 appends the next names with the cursor', async () => {
    const calls = stubBackend({
      'lesson.stats': (d) =>
        d.cursor
          ? ok(
              lessonStats({
                notStudied: [{ membershipId: 'm3', name: '赵敏', partyGroupName: null }],
              }),
            )
          : ok(lessonStats({ nextCursor: 'n1' })),
    });
    const page = open(STATS, { id: 'l1' });
    await waitFor(() => expect($(page, '#more')).toBeTruthy());
    tap($(page, '#more'));
    await waitFor(() => expect($(page, '#person-m3')).toBeTruthy());
    expect(callsOf(calls, 'lesson.stats')[1].data).toEqual({ lessonId: 'l1', cursor: 'n1' });
    expect(page.instance.data.items.map((r: { name: string }) => r.name)).toEqual([
      '李秀英',
      '张伟',
      '赵敏',
    ]);
  });
});

describe('overview', () => {
  test('the last lessons with studied / audience; 待审核 → 通过 releases one in one tap', async () => {
    const navigateTo = stubWx('navigateTo', jest.fn());
    const calls = stubBackend({
      'lesson.overview': () =>
        ok({
          branchId: 'b1',
          members: 30,
          items: [
            {
              lessonId: 'l1',
              title: '全心全意为人民服务',
              publishedAt: '2025-03-01T00:00:00Z',
              studied: 12,
              audience: 30,
              questionCount: 2,
              quizAverage: 1.6,
              quizTakers: 10,
            },
          ],
        }),
      'lesson.list': () =>
        ok({
          items: [lessonItem('h1', { status: 'held' }), lessonItem('h2', { status: 'held' })],
          nextCursor: null,
          canCompose: true,
        }),
      'lesson.moderate': () =>
        ok({
          lessonId: 'h1',
          status: 'published',
          publishAt: null,
          publishedAt: '2025-03-01T00:00:00Z',
        }),
    });
    const page = open(OVERVIEW, { branchId: 'b1', canModerate: '1' });
    await waitFor(() => expect($(page, '#overview-l1')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['lesson.overview']);
    expect(page.text()).toContain('已学 12 / 30');
    tap($(page, '#overview-l1'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/lesson-admin/stats/index?id=l1' }),
    );

    emit($(page, '#tabs'), 'change', { value: 'held' });
    await waitFor(() => expect($(page, '#approve-h1')).toBeTruthy());
    expect(callsOf(calls, 'lesson.list')[0].data).toEqual({ branchId: 'b1', status: 'held' });
    tap($(page, '#approve-h1'));
    await waitFor(() => expect($(page, '#row-h1')).toBeFalsy());
    expect($(page, '#row-h2')).toBeTruthy();
    const [m] = callsOf(calls, 'lesson.moderate');
    expect(m.data).toEqual({ lessonId: 'h1', approve: true });
    expect(m.requestId).toBeTruthy();
  });
});

describe('adopting a topic', () => {
  test('a lesson for some party groups only is listed but cannot be linked', async () => {
    stubBackend({
      'lesson.list': () =>
        ok({
          items: [
            lessonItem('all', { title: '全体党员的课' }),
            lessonItem('grp', {
              title: '小组的课',
              audience: {
                kind: 'groups',
                groups: [{ groupId: 'g1', name: '第一党小组' }],
                label: '第一党小组',
              },
            }),
          ],
          nextCursor: null,
        }),
    });
    const page = open(ADOPT, { branchId: 'b1', topicId: 't1', title: '讲讲转正' });
    await waitFor(() => expect(page.text()).toContain('小组的课'));
    const choices = page.instance.data.choices as { value: string; disabled?: boolean }[];
    expect(choices.find((c) => c.value === 'grp')?.disabled).toBe(true);
    expect(choices.find((c) => c.value === 'all')?.disabled).toBeFalsy();
    expect(page.text()).toContain('仅第一党小组可学，不能关联');
  });
});
