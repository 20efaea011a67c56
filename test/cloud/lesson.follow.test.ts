/**
 * For the secretary and the branch around a lesson, through the emulator with the demo seed:
 * statistics, the overview, the once-a-day reminder, reflections and topic requests, and the
 * flow the issue will check through the gateway.
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  QUIZ,
  lessonCaller,
  lessonDoc,
  lessonInput,
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

/** What the issue checks through the gateway, step by step. */
test('the issue’s flow: post with a quiz, study without answers, answer, statistics move', async () => {
  const { lessonId } = await within(
    'write',
    call('demo-secretary', 'create', lessonInput({ quiz: QUIZ, publish: true }), rid()),
  );
  const before = await within('read', call('demo-secretary', 'stats', { lessonId }));
  const got = await within('read', call('demo-member', 'get', { lessonId }));
  expect(JSON.stringify(got)).not.toMatch(/answer|explanation/);
  await within('write', call('demo-member', 'complete', { lessonId }, rid()));
  const answers = [
    { questionId: got.questions[0].questionId, choices: [1] },
    { questionId: got.questions[1].questionId, choices: [0, 2] },
  ];
  const graded = await within(
    'write',
    call('demo-member', 'submitQuiz', { lessonId, answers }, rid()),
  );
  expect(graded).toMatchObject({ score: 2, total: 2 });
  const after = await within('read', call('demo-secretary', 'stats', { lessonId }));
  expect(after.studied).toBe(before.studied + 1);
  expect(after.notStudied.map((p) => p.name)).not.toContain('李秀英');
  expect(
    err((await call('demo-secretary', 'create', lessonInput({ title: '测试违规词' }))).result).code,
  ).toBe('CONTENT_RISKY');
  expect(err((await call('demo-member', 'create', lessonInput())).result).code).toBe('FORBIDDEN');
});

describe('stats', () => {
  test('studied / audience of the current members, names of who has not, quiz results', async () => {
    const s = await within('read', call('demo-deputy', 'stats', { lessonId: 'lesson-b1-quiz' }));
    expect(s).toMatchObject({
      lessonId: 'lesson-b1-quiz',
      studied: 4,
      audience: 16,
      quiz: { questionCount: 3, takers: 3, average: 2.7, passed: 3 },
      remindedOn: null,
      canRemind: true,
    });
    expect(s.notStudied).toHaveLength(12);
    expect(s.notStudied).toContainEqual({
      membershipId: 'm-branch-1-member',
      name: '李秀英',
      partyGroupName: '第一党小组',
    });
    // Names and membership ids, never openids.
    expect(JSON.stringify(s)).not.toContain('demo-');
    // Someone who left stops counting.
    emu.db.update(
      'memberships',
      { _id: 'm-branch-1-elder' },
      { $set: { status: 'left' } },
      { multi: false, upsert: false, replace: false },
    );
    const after = await within(
      'read',
      call('demo-deputy', 'stats', { lessonId: 'lesson-b1-quiz' }),
    );
    expect([after.studied, after.audience]).toEqual([3, 15]);
  });

  test('who has not studied comes 20 a page by name', async () => {
    const memberships = Array.from({ length: 30 }, (_, i) => ({
      _id: `m-bulk-${i}`,
      openid: `bulk-${i}`,
      orgId: B1,
      fullKey: `bulk-${i}`,
      committeeId: 'org-committee',
      branchName: '幸福里社区第一党支部',
      role: 'member',
      status: 'active',
      realName: `成员${String(i).padStart(2, '0')}`,
      sortKey: `成员${String(i).padStart(2, '0')}\u0000m-bulk-${i}`,
      joinedAt: new Date(),
    }));
    await emu.seed({ memberships });
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof statsPage>> = await statsPage(cursor);
      expect(page.notStudied.length).toBeLessThanOrEqual(20);
      names.push(...page.notStudied.map((p) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toHaveLength(42);
    expect(new Set(names).size).toBe(42);
  });

  async function statsPage(cursor: string | null) {
    return within(
      'read',
      call('demo-secretary', 'stats', {
        lessonId: 'lesson-b1-quiz',
        ...(cursor ? { cursor } : {}),
      }),
    );
  }

  test('only composers see statistics', async () => {
    for (const who of ['demo-member', 'demo-organizer', 'demo-secretary-2']) {
      expect(err((await call(who, 'stats', { lessonId: 'lesson-b1-quiz' })).result).code).toBe(
        'FORBIDDEN',
      );
    }
  });
});

test('overview: the last lessons with studied / audience and the quiz average', async () => {
  const o = await within('read', call('demo-propaganda', 'overview', { branchId: B1 }));
  expect(o.members).toBe(16);
  expect(
    o.items.map((i) => [i.lessonId, i.studied, i.audience, i.quizAverage, i.quizTakers]),
  ).toEqual([
    ['lesson-b1-plain', 2, 5, null, 0], // for 第一党小组 (5 members)
    ['lesson-b1-quiz', 4, 16, 2.7, 3],
    ['lesson-b1-audio', 4, 16, null, 0],
  ]);
  expect(err((await call('demo-member', 'overview', { branchId: B1 })).result).code).toBe(
    'FORBIDDEN',
  );
});

describe('remind', () => {
  test('messages those who have not studied, once a day, with a message saying when again', async () => {
    emu.emulator.outbox.clear();
    const r = await within(
      'write',
      call('demo-secretary', 'remind', { lessonId: 'lesson-b1-quiz' }),
    );
    expect(r).toEqual({ lessonId: 'lesson-b1-quiz', sent: 12, skipped: 0 });
    const sent = emu.emulator.outbox.list() as { touser: string; page?: string }[];
    expect(sent.map((m) => m.touser)).toContain('demo-member');
    expect(sent.map((m) => m.touser)).not.toContain('demo-secretary'); // studied it
    expect(sent[0].page).toBe('pages/lessons/detail?id=lesson-b1-quiz');
    const again = await call('demo-propaganda', 'remind', { lessonId: 'lesson-b1-quiz' }, rid());
    expect(again.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    const e = err(again.result);
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toMatch(/今天已经提醒过了.*\d+月\d+日/);
    expect(emu.emulator.outbox.list()).toHaveLength(12);
    const s = await within('read', call('demo-secretary', 'stats', { lessonId: 'lesson-b1-quiz' }));
    expect(s.canRemind).toBe(false);
    expect(s.remindedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('concurrent reminders send once', async () => {
    emu.emulator.outbox.clear();
    const results = await Promise.all(
      ['demo-secretary', 'demo-deputy', 'demo-propaganda'].map((who) =>
        call(who, 'remind', { lessonId: 'lesson-b1-quiz' }),
      ),
    );
    expect(results.filter((r) => r.result.ok)).toHaveLength(1);
    expect(emu.emulator.outbox.list()).toHaveLength(12);
  });

  test('with everyone studied nothing is sent and the day is not used up', async () => {
    await emu.seed({
      lessons: [
        lessonDoc('tiny', {
          audience: { kind: 'groups', groupIds: ['pg-x'], groupNames: ['空'] },
          audienceKeys: ['pg-x'],
        }),
      ],
    });
    const r = await within('write', call('demo-secretary', 'remind', { lessonId: 'tiny' }));
    expect(r).toMatchObject({ sent: 0 });
    expect(emu.db.get('lessons', 'tiny')?.remindedOn).toBeNull();
  });

  test('members cannot remind; drafts are not reminded', async () => {
    expect(
      err((await call('demo-member', 'remind', { lessonId: 'lesson-b1-quiz' })).result).code,
    ).toBe('FORBIDDEN');
    expect(
      err((await call('demo-secretary', 'remind', { lessonId: 'lesson-b1-draft' })).result).code,
    ).toBe('CONFLICT');
  });
});

describe('reflections', () => {
  test('one per member and lesson, seen by the branch; a retry of the same text is the same answer', async () => {
    const first = await within(
      'write',
      call('demo-member', 'postReflection', { lessonId: 'lesson-b1-quiz', text: '受益匪浅' }),
    );
    expect(first.status).toBe('visible');
    const retry = await within(
      'write',
      call('demo-member', 'postReflection', { lessonId: 'lesson-b1-quiz', text: '受益匪浅' }),
    );
    expect(retry).toEqual(first);
    const second = err(
      (
        await call('demo-member', 'postReflection', {
          lessonId: 'lesson-b1-quiz',
          text: '再写一条',
        })
      ).result,
    );
    expect(second).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('学习心得'),
    });
    const list = await within(
      'read',
      call('demo-elder', 'listReflections', { lessonId: 'lesson-b1-quiz' }),
    );
    expect(list.items.map((i) => [i.authorName, i.text])).toEqual([
      ['李秀英', '受益匪浅'],
      ['刘志强', '会前定主题这一条很实用，下次支委会我们先把议题发到群里。'],
    ]);
    expect(list.mine).toBeNull();
    expect(list.canModerate).toBe(false);
    const got = await within('read', call('demo-elder', 'get', { lessonId: 'lesson-b1-quiz' }));
    expect(got.reflectionCount).toBe(2);
  });

  test('risky text is refused; text for review is held, seen by its author and composers only', async () => {
    expect(
      err(
        (
          await call('demo-member', 'postReflection', {
            lessonId: 'lesson-b1-quiz',
            text: '测试违规词',
          })
        ).result,
      ).code,
    ).toBe('CONTENT_RISKY');
    const held = await within(
      'write',
      call('demo-member', 'postReflection', { lessonId: 'lesson-b1-quiz', text: '测试待审词' }),
    );
    expect(held.status).toBe('held');
    const others = await within(
      'read',
      call('demo-elder', 'listReflections', { lessonId: 'lesson-b1-quiz' }),
    );
    expect(others.items.map((i) => i.text)).not.toContain('测试待审词');
    const mine = await within(
      'read',
      call('demo-member', 'listReflections', { lessonId: 'lesson-b1-quiz' }),
    );
    expect(mine.mine).toMatchObject({ text: '测试待审词', status: 'held' });
    const queue = await within(
      'read',
      call('demo-propaganda', 'listReflections', { lessonId: 'lesson-b1-quiz', status: 'held' }),
    );
    expect(queue.items.map((i) => i.reflectionId)).toEqual([held.reflectionId]);
    expect(
      err(
        (
          await call('demo-member', 'listReflections', {
            lessonId: 'lesson-b1-quiz',
            status: 'held',
          })
        ).result,
      ).code,
    ).toBe('FORBIDDEN');
    const shown = await within(
      'write',
      call(
        'demo-propaganda',
        'hideReflection',
        { reflectionId: held.reflectionId, hidden: false },
        rid(),
      ),
    );
    expect(shown.status).toBe('visible');
  });

  test('composers hide a reflection; members cannot', async () => {
    const [r] = emu.db.find('lessonReflections', {
      lessonId: 'lesson-b1-audio',
      status: 'visible',
    });
    const id = String(r._id);
    expect(
      err((await call('demo-member', 'hideReflection', { reflectionId: id })).result).code,
    ).toBe('FORBIDDEN');
    const hidden = await within(
      'write',
      call('demo-secretary', 'hideReflection', { reflectionId: id }, rid()),
    );
    expect(hidden.status).toBe('hidden');
    const list = await within(
      'read',
      call('demo-member', 'listReflections', { lessonId: 'lesson-b1-audio' }),
    );
    expect(list.items).toEqual([]);
    expect(
      err((await call('demo-secretary', 'hideReflection', { reflectionId: 'nope' })).result).code,
    ).toBe('NOT_FOUND');
  });
});

describe('topics', () => {
  test('propose, support once (CONFLICT on repeat, the same answer on a retry), adopt with a lesson', async () => {
    const t = await within(
      'write',
      call(
        'demo-member',
        'proposeTopic',
        { branchId: B1, title: '讲讲党费怎么交', detail: '想了解标准' },
        rid(),
      ),
    );
    expect(t.status).toBe('open');
    expect(
      err((await call('demo-member', 'supportTopic', { topicId: t.topicId }, rid())).result).code,
    ).toBe('CONFLICT'); // the proposer already counts
    const first = await within(
      'write',
      call('demo-elder', 'supportTopic', { topicId: t.topicId }, 'req-support-elder'),
    );
    expect(first).toEqual({ topicId: t.topicId, supportCount: 2 });
    const retried = await within(
      'write',
      call('demo-elder', 'supportTopic', { topicId: t.topicId }, 'req-support-elder'),
    );
    expect(retried).toEqual(first);
    const repeat = err(
      (await call('demo-elder', 'supportTopic', { topicId: t.topicId }, rid())).result,
    );
    expect(repeat).toMatchObject({ code: 'CONFLICT', message: '您已支持过这个点题' });
    expect(emu.db.get('lessonTopics', t.topicId)?.supportCount).toBe(2);

    const list = await within('read', call('demo-elder', 'listTopics', { branchId: B1 }));
    expect(list.items[0]).toMatchObject({
      topicId: t.topicId,
      supportCount: 2,
      supported: true,
      mine: false,
      proposerName: '李秀英',
    });
    expect(JSON.stringify(list)).not.toContain('demo-');

    expect(
      err(
        (
          await call('demo-member', 'adoptTopic', {
            topicId: t.topicId,
            lessonId: 'lesson-b1-audio',
          })
        ).result,
      ).code,
    ).toBe('FORBIDDEN');
    const adopted = await within(
      'write',
      call('demo-propaganda', 'adoptTopic', { topicId: t.topicId, lessonId: 'lesson-b1-audio' }),
    );
    expect(adopted).toEqual({ topicId: t.topicId, status: 'adopted', lessonId: 'lesson-b1-audio' });
    const done = await within(
      'read',
      call('demo-member', 'listTopics', { branchId: B1, status: 'adopted' }),
    );
    expect(done.items.map((i) => [i.topicId, i.lessonTitle])).toContainEqual([
      t.topicId,
      '十分钟微党课：增强“四个意识”',
    ]);
    expect(
      err((await call('demo-masswork', 'supportTopic', { topicId: t.topicId }, rid())).result).code,
    ).toBe('CONFLICT');
  });

  test('concurrent supports by one member count once', async () => {
    const results = await Promise.all([
      call('demo-elder', 'supportTopic', { topicId: 'topic-b1-transfer' }, rid()),
      call('demo-elder', 'supportTopic', { topicId: 'topic-b1-transfer' }, rid()),
    ]);
    expect(results.filter((r) => r.result.ok)).toHaveLength(1);
    expect(emu.db.get('lessonTopics', 'topic-b1-transfer')?.supportCount).toBe(4);
  });

  test('a topic needing review is the proposer’s until adopted; risky ones are refused', async () => {
    expect(
      err(
        (await call('demo-member', 'proposeTopic', { branchId: B1, title: '测试违规词' }, rid()))
          .result,
      ).code,
    ).toBe('CONTENT_RISKY');
    const held = await within(
      'write',
      call('demo-member', 'proposeTopic', { branchId: B1, title: '测试待审词话题' }, rid()),
    );
    expect(held.status).toBe('held');
    const own = await within('read', call('demo-member', 'listTopics', { branchId: B1 }));
    expect(own.items.map((i) => i.topicId)).toContain(held.topicId);
    const other = await within('read', call('demo-elder', 'listTopics', { branchId: B1 }));
    expect(other.items.map((i) => i.topicId)).not.toContain(held.topicId);
    const queue = await within(
      'read',
      call('demo-secretary', 'listTopics', { branchId: B1, status: 'held' }),
    );
    expect(queue.items.map((i) => i.topicId)).toEqual([held.topicId]);
    expect(
      err((await call('demo-elder', 'supportTopic', { topicId: held.topicId }, rid())).result).code,
    ).toBe('CONFLICT');
  });

  test('another branch cannot see or support the topics', async () => {
    expect(err((await call('demo-member-2', 'listTopics', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
    expect(
      err(
        (await call('demo-secretary-2', 'supportTopic', { topicId: 'topic-b1-transfer' }, rid()))
          .result,
      ).code,
    ).toBe('FORBIDDEN');
  });
});
