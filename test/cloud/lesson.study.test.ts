/**
 * Studying micro party lessons through the emulator with the demo seed: the list (for the
 * member, unstudied first), the reader with no answers for members, `complete`, the quiz
 * graded on the server, the points ledger with its daily cap under retries and concurrency,
 * and the database requests of each action (ARCHITECTURE §6).
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
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
afterEach(() => emu.close());

async function within<A extends LessonAction>(kind: 'read' | 'write', p: Promise<LessonCalled<A>>) {
  const r = await p;
  expect(r.dbRequests).toBeGreaterThan(0);
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return ok(r.result);
}

/** Words that would show an answer or an explanation anywhere in a serialized response. */
function expectNoAnswers(value: unknown) {
  const json = JSON.stringify(value);
  expect(json).not.toMatch(/answer|explanation|correct/i);
  // Explanation texts of the test quiz, the seeded quiz and the seeded fixtures.
  const secrets = [
    '解析甲',
    '解析乙',
    '秘密解析',
    '支部工作条例',
    '时间可以灵活安排',
    '社区协商的形式',
  ];
  for (const secret of secrets) {
    expect(json).not.toContain(secret);
  }
}

async function publishedWithQuiz() {
  const created = await within(
    'write',
    call('demo-secretary', 'create', lessonInput({ quiz: QUIZ, publish: true }), rid()),
  );
  expect(created.status).toBe('published');
  return created.lessonId;
}

describe('answers never reach a member before they submit', () => {
  test('get and list as a member carry no answer or explanation, before and after answering', async () => {
    const id = await publishedWithQuiz();
    const got = await within('read', call('demo-member', 'get', { lessonId: id }));
    expect(got.questions).toHaveLength(2);
    expect(got.questions[0]).toEqual({
      questionId: expect.any(String),
      text: QUIZ[0].text,
      kind: 'single',
      options: QUIZ[0].options,
    });
    expect(got.editable).toBeUndefined();
    expectNoAnswers(got);
    expectNoAnswers(await within('read', call('demo-member', 'list', { branchId: B1 })));

    await within('write', call('demo-member', 'complete', { lessonId: id }));
    const answers = got.questions.map((q) => ({ questionId: q.questionId, choices: [0] }));
    await within('write', call('demo-member', 'submitQuiz', { lessonId: id, answers }));
    expectNoAnswers(await within('read', call('demo-member', 'get', { lessonId: id })));
    // Even a committee member who may not compose (discipline) gets none.
    expectNoAnswers(await within('read', call('demo-discipline', 'get', { lessonId: id })));
  });

  test('complete, stats, overview and reflections carry none either, for members and composers', async () => {
    const id = await publishedWithQuiz();
    for (const lessonId of [id, 'lesson-b1-quiz']) {
      expectNoAnswers(await within('write', call('demo-member', 'complete', { lessonId })));
      const { questions } = await within('read', call('demo-member', 'get', { lessonId }));
      const answers = questions.map((q) => ({ questionId: q.questionId, choices: [0] }));
      await within('write', call('demo-member', 'submitQuiz', { lessonId, answers }));
      await within(
        'write',
        call('demo-member', 'postReflection', { lessonId, text: '答题后写的心得' }),
      );
      // After answering too: only `submitQuiz` itself answered with them.
      expectNoAnswers(await within('write', call('demo-member', 'complete', { lessonId })));
      for (const who of ['demo-member', 'demo-elder', 'demo-secretary']) {
        expectNoAnswers(await within('read', call(who, 'listReflections', { lessonId })));
      }
      for (const who of ['demo-secretary', 'demo-propaganda']) {
        expectNoAnswers(await within('read', call(who, 'stats', { lessonId })));
      }
      // A member asking for the statistics is refused, with nothing of the quiz either.
      expectNoAnswers((await call('demo-member', 'stats', { lessonId })).result);
    }
    expectNoAnswers(await within('read', call('demo-secretary', 'overview', { branchId: B1 })));
    expectNoAnswers((await call('demo-member', 'overview', { branchId: B1 })).result);
  });

  test('the seeded quiz lesson too, for every non-composing role', async () => {
    for (const who of ['demo-member', 'demo-elder', 'demo-activist', 'demo-organizer']) {
      const got = await within('read', call(who, 'get', { lessonId: 'lesson-b1-quiz' }));
      expect(got.questions).toHaveLength(3);
      expectNoAnswers(got);
    }
  });

  test('composers get the lesson as written, answers included, to edit it', async () => {
    const id = await publishedWithQuiz();
    for (const who of ['demo-secretary', 'demo-deputy', 'demo-propaganda']) {
      const got = await within('read', call(who, 'get', { lessonId: id }));
      expect(got.canManage).toBe(true);
      expect(got.editable?.quiz.map((q) => q.answer)).toEqual([[1], [0, 2]]);
      expect(got.editable?.quiz[1].explanation).toBe(QUIZ[1].explanation);
      expect(got.editable?.groups.map((g) => g.name)).toEqual(['第一党小组', '第二党小组']);
      // The questions everyone sees stay answer-free even for them.
      expectNoAnswers(got.questions);
    }
  });
});

test('get renders the body as whitelisted rich-text nodes, text never parsed as HTML', async () => {
  const { lessonId } = await within(
    'write',
    call(
      'demo-secretary',
      'create',
      lessonInput({
        publish: true,
        body: [
          { type: 'h', level: 4, text: '小标题' },
          {
            type: 'p',
            runs: [{ text: '<script>alert(1)</script>' }, { text: '重点', bold: true }],
          },
          { type: 'ol', items: [[{ text: '第一' }], [{ text: '第二', bold: true }]] },
        ],
      }),
      rid(),
    ),
  );
  const got = await within('read', call('demo-member', 'get', { lessonId }));
  expect(got.nodes).toEqual([
    { name: 'h4', attrs: { class: 'lesson-h' }, children: [{ type: 'text', text: '小标题' }] },
    {
      name: 'p',
      attrs: { class: 'lesson-p' },
      children: [
        { type: 'text', text: '<script>alert(1)</script>' },
        { name: 'strong', children: [{ type: 'text', text: '重点' }] },
      ],
    },
    {
      name: 'ol',
      attrs: { class: 'lesson-list' },
      children: [
        { name: 'li', children: [{ type: 'text', text: '第一' }] },
        { name: 'li', children: [{ name: 'strong', children: [{ type: 'text', text: '第二' }] }] },
      ],
    },
  ]);
});

test('pictures are temporary URLs of our own cloud files; the audio of the seed has its fileID', async () => {
  const up = await emu.emulator.storage.uploadFile({
    cloudPath: 'lessons/pic.png',
    fileContent: Buffer.from('png'),
  });
  const fileID = (up as { fileID: string }).fileID;
  const { lessonId } = await within(
    'write',
    call(
      'demo-secretary',
      'create',
      lessonInput({
        publish: true,
        coverFileID: fileID,
        body: [{ type: 'img', fileID, alt: '合影' }],
      }),
      rid(),
    ),
  );
  const got = await within('read', call('demo-member', 'get', { lessonId }));
  expect(got.cover).toMatch(/^https?:\/\//);
  expect(got.nodes).toEqual([
    {
      name: 'img',
      attrs: expect.objectContaining({ src: expect.stringMatching(/^https?:\/\//), alt: '合影' }),
    },
  ]);
  const audio = await within('read', call('demo-member', 'get', { lessonId: 'lesson-b1-audio' }));
  expect(audio.media).toEqual(
    expect.objectContaining({ kind: 'audio', fileID: expect.stringMatching(/^cloud:\/\//) }),
  );
  expect(audio.mediaKind).toBe('audio');
});

describe('list', () => {
  test('the demo member sees lessons for them with the unstudied first, drafts never', async () => {
    const page = await within('read', call('demo-member', 'list', { branchId: B1 }));
    // demo-member (第一党小组) studied only the audio lesson in the seed.
    expect(page.items.map((i) => [i.lessonId, i.studied])).toEqual([
      ['lesson-b1-plain', false],
      ['lesson-b1-quiz', false],
      ['lesson-b1-audio', true],
    ]);
    expect(page.nextCursor).toBeNull();
    expect(page.canCompose).toBe(false);
    expect(page.items[0].audience).toEqual({
      kind: 'groups',
      groups: [{ groupId: 'pg-b1-1', name: '第一党小组' }],
      label: '第一党小组',
    });
  });

  test('a lesson for another party group is not in a member’s list; composers see all', async () => {
    // demo-organizer is in 第二党小组: the plain lesson is for 第一党小组 only.
    const other = await within('read', call('demo-organizer', 'list', { branchId: B1 }));
    expect(other.items.map((i) => i.lessonId)).not.toContain('lesson-b1-plain');
    const sec = await within('read', call('demo-propaganda', 'list', { branchId: B1 }));
    expect(sec.items.map((i) => i.lessonId).sort()).toEqual([
      'lesson-b1-audio',
      'lesson-b1-plain',
      'lesson-b1-quiz',
    ]);
    expect(sec.items.find((i) => i.lessonId === 'lesson-b1-plain')?.forMe).toBe(false);
    const drafts = await within(
      'read',
      call('demo-secretary', 'list', { branchId: B1, status: 'draft' }),
    );
    expect(drafts.items.map((i) => i.lessonId)).toEqual(['lesson-b1-draft']);
    expect(
      err((await call('demo-member', 'list', { branchId: B1, status: 'draft' })).result).code,
    ).toBe('FORBIDDEN');
  });

  test('pages of 20 without repeats; within a page the unstudied come first', async () => {
    const base = Date.now() - 86400_000;
    const lessons = Array.from({ length: 45 }, (_, i) =>
      lessonDoc(`bulk-${String(i).padStart(2, '0')}`, {
        publishedAt: new Date(base + i * 60_000),
        listAt: new Date(base + i * 60_000),
      }),
    );
    await emu.seed({
      lessons,
      // Studied: every third lesson.
      lessonProgress: lessons
        .filter((_, i) => i % 3 === 0)
        .map((l) => progressDoc(l._id, 'demo-member')),
    });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const page = await within(
        'read',
        call('demo-member', 'list', { branchId: B1, ...(cursor ? { cursor } : {}) }),
      );
      expect(page.items.length).toBeLessThanOrEqual(20);
      const flags = page.items.map((i) => i.studied);
      // All unstudied before all studied.
      expect(flags).toEqual([...flags].sort((a, b) => Number(a) - Number(b)));
      seen.push(...page.items.map((i) => i.lessonId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(48);
    // The first page is the 20 newest.
    expect(seen.slice(0, 20).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `bulk-${44 - i}`).sort(),
    );
  });

  test('without branchId: a member gets their own branch’s lessons and the branch it is', async () => {
    const withId = await within('read', call('demo-member', 'list', { branchId: B1 }));
    const r = await call('demo-member', 'list', {});
    expect(r.dbRequests).toBeLessThanOrEqual(3);
    const page = ok(r.result);
    expect(page.items).toEqual(withId.items);
    expect(page.branchId).toBe(B1);
    expect(page.branch).toEqual({
      branchId: B1,
      branchName: expect.any(String),
      committeeId: expect.any(String),
      role: 'member',
    });
    expect(page.branch?.branchName).not.toBe('');
    expect(withId.branchId).toBe(B1);
    expect(withId.branch?.role).toBe('member');
    // A composer without branchId: their branch, with 发布微党课 and the unpublished tabs.
    const sec = await within('read', call('demo-secretary', 'list', {}));
    expect(sec).toMatchObject({ branchId: B1, canCompose: true, branch: { role: 'secretary' } });
    const drafts = await within('read', call('demo-secretary', 'list', { status: 'draft' }));
    expect(drafts.items.map((i) => i.lessonId)).toEqual(['lesson-b1-draft']);
  });

  test('without branchId, no active membership: an empty list with branchId null, not an error', async () => {
    for (const who of ['demo-resident', 'demo-newcomer']) {
      const r = await call(who, 'list', {});
      expect(r.dbRequests).toBe(1);
      expect(ok(r.result)).toEqual({
        items: [],
        nextCursor: null,
        canCompose: false,
        branchId: null,
        branch: null,
      });
      // Unpublished lists stay for composers.
      expect(err((await call(who, 'list', { status: 'draft' })).result).code).toBe('FORBIDDEN');
      // Naming a branch is still refused.
      expect(err((await call(who, 'list', { branchId: B1 })).result).code).toBe('FORBIDDEN');
    }
  });

  test('a bad cursor is refused in Chinese naming the field', async () => {
    const e = err((await call('demo-member', 'list', { branchId: B1, cursor: 'nope' })).result);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['cursor'] } });
    expect(e.message).toContain('cursor');
  });
});

describe('complete', () => {
  test('marks studied once and awards points once, whatever the retries', async () => {
    const first = await within(
      'write',
      call('demo-member', 'complete', { lessonId: 'lesson-b1-quiz' }, 'req-complete-1'),
    );
    expect(first).toMatchObject({
      firstTime: true,
      points: {
        reason: 'lessonStudied',
        points: 2,
        nominal: 2,
        capped: false,
        today: 2,
        dailyCap: 10,
      },
    });
    // The same requestId again, then another one: studied already, nothing more awarded.
    for (const id of ['req-complete-1', 'req-complete-2']) {
      const again = await within(
        'write',
        call('demo-member', 'complete', { lessonId: 'lesson-b1-quiz' }, id),
      );
      expect(again).toMatchObject({ firstTime: false, points: null, studiedAt: first.studiedAt });
    }
    const pts = await within('read', call('demo-member', 'myPoints'));
    expect(pts.today).toBe(2);
    expect(emu.db.find('points', { openid: 'demo-member', refId: 'lesson-b1-quiz' })).toHaveLength(
      1,
    );
    expect(
      emu.db.find('lessonProgress', { openid: 'demo-member', lessonId: 'lesson-b1-quiz' }),
    ).toHaveLength(1);
    const list = await within('read', call('demo-member', 'list', { branchId: B1 }));
    expect(list.items.find((i) => i.lessonId === 'lesson-b1-quiz')?.studied).toBe(true);
  });

  test('two concurrent completes make one study record and one award', async () => {
    const both = await Promise.all([
      call('demo-member', 'complete', { lessonId: 'lesson-b1-quiz' }, rid()),
      call('demo-member', 'complete', { lessonId: 'lesson-b1-quiz' }, rid()),
    ]);
    const data = both.map((r) => ok(r.result));
    for (const r of both) expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    expect(data.filter((d) => d.points !== null)).toHaveLength(1);
    expect(
      emu.db.find('lessonProgress', { openid: 'demo-member', lessonId: 'lesson-b1-quiz' }),
    ).toHaveLength(1);
    expect(emu.db.find('points', { openid: 'demo-member', refId: 'lesson-b1-quiz' })).toHaveLength(
      1,
    );
    expect((await within('read', call('demo-member', 'myPoints'))).today).toBe(2);
  });

  test('only a published lesson, only for its audience, only by members of the branch', async () => {
    // The plain lesson is for 第一党小组; demo-organizer is in 第二党小组.
    const notMine = err(
      (await call('demo-organizer', 'complete', { lessonId: 'lesson-b1-plain' })).result,
    );
    expect(notMine).toMatchObject({ code: 'FORBIDDEN', message: '这节微党课不在您的学习范围内' });
    expect(
      err((await call('demo-member', 'complete', { lessonId: 'lesson-b1-draft' })).result).code,
    ).toBe('NOT_FOUND');
    expect(
      err((await call('demo-secretary', 'complete', { lessonId: 'lesson-b1-draft' })).result).code,
    ).toBe('CONFLICT');
    expect(
      err((await call('demo-secretary-2', 'complete', { lessonId: 'lesson-b1-quiz' })).result).code,
    ).toBe('FORBIDDEN');
    expect(err((await call('demo-member', 'complete', { lessonId: 'nope' })).result).code).toBe(
      'NOT_FOUND',
    );
    expect(emu.db.find('points', { openid: 'demo-organizer' })).toHaveLength(0);
  });

  test('an edit after publishing keeps the study records', async () => {
    const id = await publishedWithQuiz();
    await within('write', call('demo-member', 'complete', { lessonId: id }));
    const got = await within('read', call('demo-secretary', 'get', { lessonId: id }));
    const edited = await within(
      'write',
      call('demo-secretary', 'update', {
        ...got.editable!,
        groups: undefined,
        needsReview: undefined,
        lessonId: id,
        title: '改过的标题',
      }),
    );
    expect(edited.status).toBe('published');
    const after = await within('read', call('demo-member', 'get', { lessonId: id }));
    expect(after).toMatchObject({ title: '改过的标题', studied: true, my: { studied: true } });
    const stats = await within('read', call('demo-secretary', 'stats', { lessonId: id }));
    expect(stats.studied).toBe(1);
  });
});

describe('submitQuiz', () => {
  async function studiedQuiz() {
    const id = await publishedWithQuiz();
    await within('write', call('demo-member', 'complete', { lessonId: id }));
    const { questions } = await within('read', call('demo-member', 'get', { lessonId: id }));
    return { id, q: questions.map((x) => x.questionId) };
  }

  test('grades single choice, and multiple choice all-or-nothing; returns answers and explanations', async () => {
    const { id, q } = await studiedQuiz();
    const partial = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId: id,
        answers: [
          { questionId: q[0], choices: [1] },
          { questionId: q[1], choices: [0] }, // one of two right options: wrong
        ],
      }),
    );
    expect(partial).toMatchObject({
      score: 1,
      total: 2,
      passed: false,
      bestScore: 1,
      points: null,
    });
    expect(partial.results).toEqual([
      {
        questionId: q[0],
        correct: true,
        chosen: [1],
        answer: [1],
        explanation: QUIZ[0].explanation,
      },
      {
        questionId: q[1],
        correct: false,
        chosen: [0],
        answer: [0, 2],
        explanation: QUIZ[1].explanation,
      },
    ]);
    const extra = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId: id,
        answers: [
          { questionId: q[0], choices: [1] },
          { questionId: q[1], choices: [0, 1, 2] }, // a wrong option too: wrong
        ],
      }),
    );
    expect(extra.results[1].correct).toBe(false);
    const right = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId: id,
        answers: [
          { questionId: q[1], choices: [2, 0] }, // order does not matter
          { questionId: q[0], choices: [1] },
        ],
      }),
    );
    expect(right).toMatchObject({ score: 2, total: 2, passed: true, bestScore: 2, attempts: 3 });
    expect(right.points).toMatchObject({ reason: 'quizPassed', points: 3, nominal: 3 });
    // An unanswered question is wrong; a wrong single choice is wrong.
    const blank = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId: id,
        answers: [{ questionId: q[0], choices: [0] }],
      }),
    );
    expect(blank).toMatchObject({ score: 0, passed: false, bestScore: 2, points: null });
  });

  test('the best score is kept across retries and the pass is rewarded once', async () => {
    const { id, q } = await studiedQuiz();
    const all = [
      { questionId: q[0], choices: [1] },
      { questionId: q[1], choices: [0, 2] },
    ];
    const best = await within(
      'write',
      call('demo-member', 'submitQuiz', { lessonId: id, answers: all }),
    );
    expect(best.points?.points).toBe(3);
    const worse = await within(
      'write',
      call('demo-member', 'submitQuiz', { lessonId: id, answers: [] }, 'req-quiz-retry'),
    );
    expect(worse).toMatchObject({ score: 0, bestScore: 2 });
    // A retry scoring LOWER (1 of 2) than the best: what is STORED stays 2 — read back by the
    // reader and the statistics, not taken from the response (computed in memory).
    const lower = await within(
      'write',
      call('demo-member', 'submitQuiz', {
        lessonId: id,
        answers: [{ questionId: q[0], choices: [1] }],
      }),
    );
    expect(lower).toMatchObject({ score: 1, passed: false, bestScore: 2 });
    const kept = await within('read', call('demo-member', 'get', { lessonId: id }));
    expect(kept.my).toMatchObject({ bestScore: 2, attempts: 3, passed: true });
    expect((await within('read', call('demo-secretary', 'stats', { lessonId: id }))).quiz).toEqual({
      questionCount: 2,
      takers: 1,
      average: 2,
      passed: 1,
    });
    const again = await within(
      'write',
      call('demo-member', 'submitQuiz', { lessonId: id, answers: all }, 'req-quiz-retry'),
    );
    expect(again).toMatchObject({ score: 2, passed: true, points: null });
    const got = await within('read', call('demo-member', 'get', { lessonId: id }));
    expect(got.my).toMatchObject({ bestScore: 2, attempts: 4, passed: true, studied: true });
    expect(emu.db.find('points', { openid: 'demo-member', reason: 'quizPassed' })).toHaveLength(1);
    const stats = await within('read', call('demo-secretary', 'stats', { lessonId: id }));
    expect(stats.quiz).toEqual({ questionCount: 2, takers: 1, average: 2, passed: 1 });
  });

  test('study first; a lesson without questions has no quiz; bad answers are named', async () => {
    const id = await publishedWithQuiz();
    const early = err(
      (await call('demo-member', 'submitQuiz', { lessonId: id, answers: [] })).result,
    );
    expect(early).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('我已学完') });
    await within('write', call('demo-member', 'complete', { lessonId: 'lesson-b1-audio' }));
    expect(
      err(
        (await call('demo-member', 'submitQuiz', { lessonId: 'lesson-b1-audio', answers: [] }))
          .result,
      ).code,
    ).toBe('CONFLICT');
    const dup = err(
      (
        await call('demo-member', 'submitQuiz', {
          lessonId: id,
          answers: [
            { questionId: 'a', choices: [0] },
            { questionId: 'a', choices: [1] },
          ],
        })
      ).result,
    );
    expect(dup).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['answers'] } });
    expect(dup.message).toContain('同一道题只能作答一次');
    const missing = err((await call('demo-member', 'submitQuiz', { lessonId: id })).result);
    expect(missing).toMatchObject({ code: 'INVALID_ARGUMENT', message: '请填写「answers」' });
  });
});

describe('points', () => {
  test('capped at 10 a day: the award that crosses the cap counts in part, later ones 0', async () => {
    const ids = ['cap-1', 'cap-2', 'cap-3'];
    await emu.seed({ lessons: ids.map((id) => lessonDoc(id)) });
    const complete = (id: string) =>
      within('write', call('demo-member', 'complete', { lessonId: id }, rid()));
    const pass = (id: string) =>
      within(
        'write',
        call(
          'demo-member',
          'submitQuiz',
          { lessonId: id, answers: [{ questionId: 'q1', choices: [0] }] },
          rid(),
        ),
      );
    expect((await complete('cap-1')).points).toMatchObject({ points: 2, today: 2 });
    expect((await pass('cap-1')).points).toMatchObject({ points: 3, today: 5 });
    expect((await complete('cap-2')).points).toMatchObject({ points: 2, today: 7 });
    expect((await complete('cap-3')).points).toMatchObject({ points: 2, today: 9 });
    expect((await pass('cap-2')).points).toMatchObject({
      points: 1,
      nominal: 3,
      capped: true,
      today: 10,
    });
    expect((await pass('cap-3')).points).toMatchObject({
      points: 0,
      nominal: 3,
      capped: true,
      today: 10,
    });
    const mine = await within('read', call('demo-member', 'myPoints'));
    expect(mine.today).toBe(10);
    // The seed gave demo-member 2 points in March for the audio lesson.
    expect(mine.balance).toBe(12);
    expect(mine.rules).toEqual({
      liaisonService: 1,
      lessonStudied: 2,
      quizPassed: 3,
      passPercent: 60,
      volunteerHours: 1,
      volunteerMax: 5,
    });
    expect(mine.recent.map((e) => [e.refId, e.reason, e.points, e.nominal])).toEqual([
      ['cap-3', 'quizPassed', 0, 3],
      ['cap-2', 'quizPassed', 1, 3],
      ['cap-3', 'lessonStudied', 2, 2],
      ['cap-2', 'lessonStudied', 2, 2],
      ['cap-1', 'quizPassed', 3, 3],
      ['cap-1', 'lessonStudied', 2, 2],
    ]);
    expect(JSON.stringify(mine)).not.toMatch(/rank/i);
  });

  test('concurrent awards of different lessons never count more than the cap', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `burst-${i}`);
    await emu.seed({ lessons: ids.map((id) => lessonDoc(id)) });
    const results = await Promise.all(
      ids.map((id) => call('demo-elder', 'complete', { lessonId: id }, rid())),
    );
    for (const r of results) ok(r.result);
    // Every completion is recorded (8 × 2 points are worth 16); what counts is capped.
    expect(emu.db.find('points', { openid: 'demo-elder', reason: 'lessonStudied' })).toHaveLength(
      8 + 3, // and the three of the seed
    );
    const mine = await within('read', call('demo-elder', 'myPoints'));
    expect(mine.today).toBe(10);
    expect(
      mine.recent.filter((e) => e.day === mine.recent[0].day).reduce((s, e) => s + e.points, 0),
    ).toBe(10);
  });

  test('anyone may see their own points; a resident has none', async () => {
    const r = await within('read', call('demo-resident', 'myPoints'));
    expect(r).toMatchObject({ balance: 0, today: 0, dailyCap: 10, recent: [] });
  });
});
