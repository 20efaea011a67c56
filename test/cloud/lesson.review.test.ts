/**
 * The reviewer's fixes to the `lesson` function (issue #5 follow-up), through the emulator
 * with the demo seed: quiz versions (an edit of the questions makes earlier scores stale),
 * the audience rule on every action about one lesson, adopting only published lessons, file
 * ids without `.`/`..` segments, a points balance whose aggregate answers one row, statistics
 * of current audience members only, and reminders that reach everyone. Budgets: read 3,
 * write 5.
 */
import type { Result } from '../../typings/api';
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  FILE_PREFIX,
  QUIZ,
  lessonCaller,
  lessonDoc,
  lessonInput,
  progressDoc,
  type LessonAction,
  type LessonCalled,
} from '../helpers/lesson';

let emu: TestEmulator;
const call = lessonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => {
  jest.restoreAllMocks();
  return emu.close();
});

async function within<A extends LessonAction>(kind: 'read' | 'write', p: Promise<LessonCalled<A>>) {
  const r = await p;
  expect(r.dbRequests).toBeGreaterThan(0);
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return ok(r.result);
}

const setMembership = (id: string, set: Record<string, unknown>) =>
  emu.db.update(
    'memberships',
    { _id: id },
    { $set: set },
    { multi: false, upsert: false, replace: false },
  );

describe('quiz versions: an edit of the questions makes earlier scores stale', () => {
  /** A published lesson with QUIZ that demo-member has studied and passed with 2 of 2. */
  async function passedLesson() {
    const { lessonId } = await within(
      'write',
      call('demo-secretary', 'create', lessonInput({ quiz: QUIZ, publish: true }), rid()),
    );
    await within('write', call('demo-member', 'complete', { lessonId }));
    const { questions } = await within('read', call('demo-member', 'get', { lessonId }));
    const q = questions.map((x) => x.questionId);
    const passed = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId,
        answers: [
          { questionId: q[0], choices: [1] },
          { questionId: q[1], choices: [0, 2] },
        ],
      }),
    );
    expect(passed).toMatchObject({ score: 2, passed: true, points: { points: 3 } });
    return { lessonId, q };
  }

  /** Saves the lesson as its composer sees it, with `change` applied. */
  async function edit(lessonId: string, change: (e: Record<string, unknown>) => void) {
    const got = await within('read', call('demo-secretary', 'get', { lessonId }));
    const { groups: _g, needsReview: _n, ...editable } = got.editable!;
    const data: Record<string, unknown> = { ...editable, lessonId };
    change(data);
    return within('write', call('demo-secretary', 'update', data));
  }

  test('a changed answer: not passed, out of the average, and the next attempt replaces the old best', async () => {
    const { lessonId, q } = await passedLesson();
    // The first question's right answer becomes C.
    const saved = await edit(lessonId, (d) => {
      const quiz = d.quiz as { answer: number[] }[];
      quiz[0] = { ...quiz[0], answer: [2] };
    });
    expect(saved.status).toBe('published');

    const got = await within('read', call('demo-member', 'get', { lessonId }));
    expect(got.studied).toBe(true); // the study record stays
    expect(got.bestScore).toBeNull();
    expect(got.my).toMatchObject({ studied: true, bestScore: null, passed: false });
    const list = await within('read', call('demo-member', 'list', { branchId: B1 }));
    expect(list.items.find((i) => i.lessonId === lessonId)).toMatchObject({
      studied: true,
      bestScore: null,
    });
    const stats = await within('read', call('demo-secretary', 'stats', { lessonId }));
    expect(stats.studied).toBe(1);
    expect(stats.quiz).toEqual({ questionCount: 2, takers: 0, average: null, passed: 0 });
    const overview = await within('read', call('demo-secretary', 'overview', { branchId: B1 }));
    expect(overview.items.find((i) => i.lessonId === lessonId)).toMatchObject({
      studied: 1,
      quizTakers: 0,
      quizAverage: null,
    });

    // The old answers now score 1 of 2: that is the best on this version, not the old 2.
    const old = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId,
        answers: [
          { questionId: q[0], choices: [1] },
          { questionId: q[1], choices: [0, 2] },
        ],
      }),
    );
    expect(old).toMatchObject({ score: 1, total: 2, passed: false, bestScore: 1, points: null });
    expect((await within('read', call('demo-member', 'get', { lessonId }))).my).toMatchObject({
      bestScore: 1,
      passed: false,
    });
    expect(
      (await within('read', call('demo-secretary', 'stats', { lessonId }))).quiz,
    ).toMatchObject({ takers: 1, average: 1, passed: 0 });

    // Passing the new version: passed again, but the quizPassed points stay once per lesson.
    const right = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId,
        answers: [
          { questionId: q[0], choices: [2] },
          { questionId: q[1], choices: [0, 2] },
        ],
      }),
    );
    expect(right).toMatchObject({ score: 2, passed: true, bestScore: 2, points: null });
    expect(emu.db.find('points', { openid: 'demo-member', reason: 'quizPassed' })).toHaveLength(1);
    expect(
      (await within('read', call('demo-secretary', 'stats', { lessonId }))).quiz,
    ).toMatchObject({ takers: 1, average: 2, passed: 1 });
  });

  test('an added question and a changed option make a new version too', async () => {
    for (const change of [
      (d: Record<string, unknown>) => {
        d.quiz = [...(d.quiz as unknown[]), { ...QUIZ[0], text: '新加的一题' }];
      },
      (d: Record<string, unknown>) => {
        const quiz = d.quiz as { options: string[] }[];
        quiz[1] = { ...quiz[1], options: ['支部党员大会', '联欢会', '党小组会'] };
      },
    ]) {
      const { lessonId } = await passedLesson();
      await edit(lessonId, change);
      const got = await within('read', call('demo-member', 'get', { lessonId }));
      expect(got.my).toMatchObject({ bestScore: null, passed: false });
    }
  });

  test('editing the title, the body or an explanation keeps the scores', async () => {
    const { lessonId } = await passedLesson();
    await edit(lessonId, (d) => {
      d.title = '改过的标题';
      d.body = [{ type: 'p', runs: [{ text: '改过的正文' }] }];
      const quiz = d.quiz as { explanation?: string }[];
      quiz[0] = { ...quiz[0], explanation: '改过的解析' };
    });
    const got = await within('read', call('demo-member', 'get', { lessonId }));
    expect(got).toMatchObject({ title: '改过的标题', bestScore: 2 });
    expect(got.my).toMatchObject({ studied: true, bestScore: 2, passed: true });
    const stats = await within('read', call('demo-secretary', 'stats', { lessonId }));
    expect(stats.quiz).toEqual({ questionCount: 2, takers: 1, average: 2, passed: 1 });
  });
});

describe('the audience rule holds for every action about one lesson', () => {
  // lesson-b1-plain is for 第一党小组; demo-organizer is in 第二党小组, demo-activist in none.
  test('a member outside the audience cannot read, answer or discuss the lesson', async () => {
    await emu.seed({
      lessonProgress: [progressDoc('lesson-b1-plain', 'demo-organizer')],
    });
    for (const who of ['demo-organizer', 'demo-activist']) {
      const attempts: Promise<{ result: Result<unknown>; dbRequests: number }>[] = [
        call(who, 'get', { lessonId: 'lesson-b1-plain' }),
        call(who, 'complete', { lessonId: 'lesson-b1-plain' }),
        call(who, 'submitQuiz', { lessonId: 'lesson-b1-plain', answers: [] }),
        call(who, 'listReflections', { lessonId: 'lesson-b1-plain' }),
        call(who, 'postReflection', { lessonId: 'lesson-b1-plain', text: '学有所获' }),
      ];
      for (const r of await Promise.all(attempts)) {
        expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
        expect(err(r.result)).toEqual({
          code: 'FORBIDDEN',
          message: '这节微党课不在您的学习范围内',
        });
      }
    }
    expect(emu.db.find('lessonReflections', { lessonId: 'lesson-b1-plain' })).toHaveLength(0);
  });

  test('members in the audience and composers outside it pass', async () => {
    const mine = await within('read', call('demo-member', 'get', { lessonId: 'lesson-b1-plain' }));
    expect(mine.forMe).toBe(true);
    // demo-propaganda composes and is in 第二党小组.
    const composer = await within(
      'read',
      call('demo-propaganda', 'get', { lessonId: 'lesson-b1-plain' }),
    );
    expect(composer).toMatchObject({ forMe: false, canManage: true });
    await within(
      'read',
      call('demo-propaganda', 'listReflections', { lessonId: 'lesson-b1-plain' }),
    );
    const posted = await within(
      'write',
      call('demo-member', 'postReflection', { lessonId: 'lesson-b1-plain', text: '学有所获' }),
    );
    expect(posted.status).toBe('visible');
    // The same one rule for studying: a composer passes there too.
    const done = await within(
      'write',
      call('demo-propaganda', 'complete', { lessonId: 'lesson-b1-plain' }),
    );
    expect(done.firstTime).toBe(true);
  });

  test('leaving the audience (another party group) closes the lesson to that member', async () => {
    setMembership('m-branch-1-member', { partyGroupId: 'pg-b1-2', partyGroupName: '第二党小组' });
    expect(
      err((await call('demo-member', 'get', { lessonId: 'lesson-b1-plain' })).result).code,
    ).toBe('FORBIDDEN');
  });
});

describe('adoptTopic links only a published whole-branch lesson of the same branch', () => {
  test('a draft, a held or a scheduled lesson is CONFLICT in Chinese', async () => {
    await emu.seed({
      lessons: [
        lessonDoc('l-held', { status: 'held', heldIntent: { publishAt: null }, publishedAt: null }),
        lessonDoc('l-sched', {
          status: 'scheduled',
          publishAt: new Date(Date.now() + 86400_000),
          publishedAt: null,
        }),
      ],
    });
    for (const lessonId of ['lesson-b1-draft', 'l-held', 'l-sched']) {
      const r = await call('demo-secretary', 'adoptTopic', {
        topicId: 'topic-b1-transfer',
        lessonId,
      });
      expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
      expect(err(r.result)).toEqual({
        code: 'CONFLICT',
        message: '只能关联本支部已发布的微党课，请先发布这节课',
      });
    }
    expect(emu.db.get('lessonTopics', 'topic-b1-transfer')?.status).toBe('open');
    // Published, but for 第一党小组 only: the topic's link would be closed to most members.
    const groupOnly = await call('demo-secretary', 'adoptTopic', {
      topicId: 'topic-b1-transfer',
      lessonId: 'lesson-b1-plain',
    });
    expect(err(groupOnly.result)).toEqual({
      code: 'CONFLICT',
      message: '点题是全支部提出的，只能关联学习对象为全体党员的微党课',
    });
    expect(emu.db.get('lessonTopics', 'topic-b1-transfer')?.status).toBe('open');
    const adopted = await within(
      'write',
      call('demo-secretary', 'adoptTopic', {
        topicId: 'topic-b1-transfer',
        lessonId: 'lesson-b1-quiz',
      }),
    );
    expect(adopted.lessonId).toBe('lesson-b1-quiz');
  });
});

describe('file ids: no `.` or `..` segment, no backslash', () => {
  const bad = [
    `${FILE_PREFIX}../avatars/x.png`,
    `${FILE_PREFIX}a/../../avatars/x.png`,
    `${FILE_PREFIX}./x.png`,
    `${FILE_PREFIX}a/./x.png`,
    `${FILE_PREFIX}a/..`,
    `${FILE_PREFIX}..`,
    `${FILE_PREFIX}a\\..\\x.png`,
  ];
  test.each(bad)('%s is refused naming the field', async (fileID) => {
    for (const [extra, field] of [
      [{ coverFileID: fileID }, 'coverFileID'],
      [{ body: [{ type: 'img', fileID }] }, 'body.0.fileID'],
      [{ media: { kind: 'audio', fileID } }, 'media.fileID'],
    ] as const) {
      const e = err((await call('demo-secretary', 'create', lessonInput(extra))).result);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect((e.details as { fields: string[] }).fields).toEqual([field]);
      expect(e.message).toContain('「.」或「..」');
    }
  });

  test('dots inside names are fine', async () => {
    const r = await within(
      'write',
      call(
        'demo-secretary',
        'create',
        lessonInput({ coverFileID: `${FILE_PREFIX}2024/a.b..c.png` }),
        rid(),
      ),
    );
    expect(r.status).toBe('draft');
  });
});

test('myPoints: the balance stays right however many days have points (one aggregate row)', async () => {
  // CloudBase answers an aggregate without `$limit` with at most 20 rows; the emulator does
  // not, so this test applies that default to every aggregate the function sends.
  const real = emu.db.aggregate.bind(emu.db);
  const spy = jest
    .spyOn(emu.db, 'aggregate')
    .mockImplementation((name: string, pipeline: Record<string, unknown>[]) => {
      const rows = real(name, pipeline);
      return pipeline.some((s) => '$limit' in s) ? rows : rows.slice(0, 20);
    });
  const entry = (day: string, i: number) => ({
    _id: `e-${day}-${i}`,
    openid: 'demo-resident',
    reason: 'lessonStudied',
    refId: `old-${day}-${i}`,
    branchId: B1,
    title: '旧课',
    points: 3,
    day,
    orderKey: `${day}T01:00:00.000Z#e-${day}-${i}`,
    createdAt: new Date(`${day}T01:00:00.000Z`),
  });
  // 30 days with 3 points each, and one day with 5 × 3 = 15 points (10 count).
  const days = Array.from({ length: 30 }, (_, i) => `2025-01-${String(i + 1).padStart(2, '0')}`);
  await emu.seed({
    points: [
      ...days.map((d) => entry(d, 0)),
      ...Array.from({ length: 5 }, (_, i) => entry('2025-03-01', i)),
    ],
  });
  const mine = await within('read', call('demo-resident', 'myPoints'));
  expect(spy).toHaveBeenCalled();
  expect(mine).toMatchObject({ balance: 30 * 3 + 10, today: 0 });
});

describe('stats and overview count current audience members only', () => {
  test('people who left, moved to another party group or never belonged do not count', async () => {
    // lesson-b1-plain is for 第一党小组: secretary, member, deputy, discipline, elder; the
    // seed has the secretary and the elder studied.
    await emu.seed({
      lessonProgress: [
        progressDoc('lesson-b1-plain', 'demo-discipline'),
        progressDoc('lesson-b1-plain', 'demo-organizer'), // 第二党小组
        progressDoc('lesson-b1-plain', 'demo-member-2'), // branch 2
        progressDoc('lesson-b1-plain', 'somebody-gone'), // no membership at all
      ],
    });
    const before = await within(
      'read',
      call('demo-deputy', 'stats', { lessonId: 'lesson-b1-plain' }),
    );
    expect([before.studied, before.audience]).toEqual([3, 5]);
    setMembership('m-branch-1-discipline', { status: 'left' });
    setMembership('m-branch-1-elder', { partyGroupId: 'pg-b1-2', partyGroupName: '第二党小组' });
    const s = await within('read', call('demo-deputy', 'stats', { lessonId: 'lesson-b1-plain' }));
    expect([s.studied, s.audience]).toEqual([1, 3]);
    expect(s.notStudied.map((p) => p.name)).toEqual(['刘志强', '李秀英']);
    const o = await within('read', call('demo-deputy', 'overview', { branchId: B1 }));
    const item = o.items.find((i) => i.lessonId === 'lesson-b1-plain')!;
    expect([item.studied, item.audience]).toEqual([1, 3]);
    for (const i of o.items) expect(i.studied).toBeLessThanOrEqual(i.audience);
  });
});

test('remind reaches every audience member who has not studied, however many', async () => {
  const memberships = Array.from({ length: 520 }, (_, i) => ({
    _id: `m-many-${i}`,
    openid: `many-${i}`,
    orgId: B1,
    fullKey: `many-${i}`,
    committeeId: 'org-committee',
    branchName: '幸福里社区第一党支部',
    role: 'member',
    status: 'active',
    realName: `成员${String(i).padStart(3, '0')}`,
    sortKey: `成员${String(i).padStart(3, '0')}\u0000m-many-${i}`,
    joinedAt: new Date(),
  }));
  await emu.seed({ memberships });
  emu.emulator.outbox.clear();
  const r = await within('write', call('demo-secretary', 'remind', { lessonId: 'lesson-b1-quiz' }));
  // 12 of the seed and the 520 new members.
  expect(r).toEqual({ lessonId: 'lesson-b1-quiz', sent: 532, skipped: 0 });
  const sent = emu.emulator.outbox.list() as { touser: string }[];
  expect(new Set(sent.map((m) => m.touser)).size).toBe(532);
});
