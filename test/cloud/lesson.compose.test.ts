/**
 * Composing micro party lessons through the emulator with the demo seed: drafts, publishing
 * now or on schedule (the timer), content security (the emulator's test words), held lessons
 * and their release, edits, validation with Chinese messages naming the field, and budgets.
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  FILE_PREFIX,
  QUIZ,
  lessonCaller,
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

const memberSees = async (lessonId: string) =>
  (await within('read', call('demo-member', 'list', { branchId: B1 }))).items.some(
    (i) => i.lessonId === lessonId,
  );

test('composeOptions: the branch, its party groups and the limits, for composers only', async () => {
  const r = await within('read', call('demo-propaganda', 'composeOptions', { branchId: B1 }));
  expect(r).toMatchObject({
    branchId: B1,
    branchName: '幸福里社区第一党支部',
    groups: [
      { groupId: 'pg-b1-1', name: '第一党小组' },
      { groupId: 'pg-b1-2', name: '第二党小组' },
    ],
    limits: { minutesMax: 15, questionsMax: 10 },
  });
  expect(err((await call('demo-member', 'composeOptions', { branchId: B1 })).result).code).toBe(
    'FORBIDDEN',
  );
});

test('a draft stays with the composers until it is published', async () => {
  const draft = await within('write', call('demo-propaganda', 'create', lessonInput(), rid()));
  expect(draft).toMatchObject({ status: 'draft', publishAt: null, publishedAt: null });
  expect(await memberSees(draft.lessonId)).toBe(false);
  expect(err((await call('demo-member', 'get', { lessonId: draft.lessonId })).result).code).toBe(
    'NOT_FOUND',
  );
  const published = await within(
    'write',
    call('demo-secretary', 'publish', { lessonId: draft.lessonId }, rid()),
  );
  expect(published).toMatchObject({ status: 'published', publishedAt: expect.any(String) });
  expect(await memberSees(draft.lessonId)).toBe(true);
  const again = err((await call('demo-secretary', 'publish', { lessonId: draft.lessonId })).result);
  expect(again.code).toBe('CONFLICT');
});

test('create: the contract of the issue, with defaults filled in', async () => {
  const r = await within(
    'write',
    call('demo-secretary', 'create', lessonInput({ quiz: QUIZ, publish: true }), rid()),
  );
  const got = await within('read', call('demo-secretary', 'get', { lessonId: r.lessonId }));
  expect(got).toMatchObject({
    title: '学习新思想 做好接班人',
    summary: '一、为什么要学 党员要坚持学习。 学原文 悟原理',
    minutes: 1,
    questionCount: 2,
    authorName: '王建国',
    audience: { kind: 'branch', label: '全体党员' },
  });
});

test('a lesson for chosen party groups reaches only their members', async () => {
  const r = await within(
    'write',
    call(
      'demo-secretary',
      'create',
      lessonInput({ publish: true, audience: { kind: 'groups', groupIds: ['pg-b1-2'] } }),
      rid(),
    ),
  );
  // demo-member is in 第一党小组, demo-organizer in 第二党小组.
  expect(await memberSees(r.lessonId)).toBe(false);
  const theirs = await within('read', call('demo-organizer', 'list', { branchId: B1 }));
  expect(theirs.items.find((i) => i.lessonId === r.lessonId)?.audience.label).toBe('第二党小组');
  const stats = await within('read', call('demo-secretary', 'stats', { lessonId: r.lessonId }));
  expect(stats.audience).toBe(8); // the members of 第二党小组 in the seed
  const unknown = err(
    (
      await call(
        'demo-secretary',
        'create',
        lessonInput({ audience: { kind: 'groups', groupIds: ['pg-b2-1'] } }),
      )
    ).result,
  );
  expect(unknown).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('党小组') });
});

describe('content security', () => {
  test('risky text anywhere (title, body, a question, an explanation) is refused and nothing is stored', async () => {
    const before = emu.db.count('lessons');
    const variants = [
      lessonInput({ title: '测试违规词' }),
      lessonInput({ body: [{ type: 'p', runs: [{ text: '正文里有测试违规词' }] }] }),
      lessonInput({ quiz: [{ ...QUIZ[0], options: ['测试违规词', '二'] }] }),
      lessonInput({ quiz: [{ ...QUIZ[0], explanation: '解析：测试违规词' }] }),
      lessonInput({ summary: '测试违规词', publish: true }),
    ];
    for (const v of variants) {
      const e = err((await call('demo-secretary', 'create', v, rid())).result);
      expect(e).toMatchObject({
        code: 'CONTENT_RISKY',
        message: expect.stringMatching(/[\u4e00-\u9fa5]/),
      });
    }
    expect(emu.db.count('lessons')).toBe(before);
  });

  test('text for review is held for the secretary, hidden from members, then released', async () => {
    const r = await within(
      'write',
      call(
        'demo-propaganda',
        'create',
        lessonInput({ publish: true, body: [{ type: 'p', runs: [{ text: '测试待审词' }] }] }),
        rid(),
      ),
    );
    expect(r.status).toBe('held');
    expect(await memberSees(r.lessonId)).toBe(false);
    const held = await within(
      'read',
      call('demo-secretary', 'list', { branchId: B1, status: 'held' }),
    );
    expect(held.items.map((i) => i.lessonId)).toEqual([r.lessonId]);
    // The propaganda committee member composes but does not release held lessons.
    expect(
      err(
        (await call('demo-propaganda', 'moderate', { lessonId: r.lessonId, approve: true })).result,
      ).code,
    ).toBe('FORBIDDEN');
    const released = await within(
      'write',
      call('demo-deputy', 'moderate', { lessonId: r.lessonId, approve: true }, rid()),
    );
    expect(released.status).toBe('published');
    expect(await memberSees(r.lessonId)).toBe(true);
  });

  test('an edit needing review takes a published lesson off the list; a clean edit publishes a held one', async () => {
    const { lessonId } = await within(
      'write',
      call('demo-secretary', 'create', lessonInput({ publish: true }), rid()),
    );
    await within('write', call('demo-member', 'complete', { lessonId }));
    const held = await within(
      'write',
      call('demo-secretary', 'update', { ...lessonInput({ title: '测试待审词' }), lessonId }),
    );
    expect(held.status).toBe('held');
    expect(await memberSees(lessonId)).toBe(false);
    const clean = await within(
      'write',
      call('demo-secretary', 'update', { ...lessonInput({ title: '新标题' }), lessonId }),
    );
    expect(clean.status).toBe('published');
    const got = await within('read', call('demo-member', 'get', { lessonId }));
    expect(got).toMatchObject({ title: '新标题', studied: true });
  });

  test('a held lesson can be sent back to draft', async () => {
    const r = await within(
      'write',
      call('demo-secretary', 'create', lessonInput({ title: '测试待审词', publish: true }), rid()),
    );
    const back = await within(
      'write',
      call('demo-secretary', 'moderate', { lessonId: r.lessonId, approve: false }, rid()),
    );
    expect(back.status).toBe('draft');
    expect(
      err(
        (await call('demo-secretary', 'moderate', { lessonId: r.lessonId, approve: true })).result,
      ).code,
    ).toBe('CONFLICT');
  });
});

describe('scheduled publishing', () => {
  test('the timer publishes a scheduled lesson when its time has come, at that time', async () => {
    const at = new Date(Date.now() + 30 * 60_000).toISOString();
    const r = await within(
      'write',
      call('demo-secretary', 'create', lessonInput({ publishAt: at }), rid()),
    );
    expect(r).toMatchObject({ status: 'scheduled', publishAt: at, publishedAt: null });
    // Not yet due: the timer leaves it alone.
    expect((await emu.emulator.fireTimer('lesson', 'publishScheduled')).result).toEqual({
      ok: true,
      data: null,
    });
    expect(await memberSees(r.lessonId)).toBe(false);
    // Its time comes (moved into the past rather than waiting half an hour).
    const past = new Date(Date.now() - 60_000);
    emu.db.update(
      'lessons',
      { _id: r.lessonId },
      { $set: { publishAt: past } },
      { multi: false, upsert: false, replace: false },
    );
    const fired = await emu.emulator.fireTimer('lesson', 'publishScheduled');
    expect(fired.result).toEqual({ ok: true, data: null });
    expect(await memberSees(r.lessonId)).toBe(true);
    const got = await within('read', call('demo-member', 'get', { lessonId: r.lessonId }));
    expect(got).toMatchObject({ status: 'published', publishedAt: past.toISOString() });
    // A second run changes nothing.
    await emu.emulator.fireTimer('lesson', 'publishScheduled');
    expect(emu.db.get('lessons', r.lessonId)?.status).toBe('published');
  });

  test('config.json declares the timer; a draft is scheduled by publish and unscheduled back', async () => {
    expect(emu.emulator.triggers()).toContainEqual({
      fn: 'lesson',
      trigger: { name: 'publishScheduled', type: 'timer', config: '0 */5 * * * * *' },
    });
    const at = new Date(Date.now() + 2 * 86400_000).toISOString();
    const s = await within(
      'write',
      call('demo-secretary', 'publish', { lessonId: 'lesson-b1-draft', publishAt: at }, rid()),
    );
    expect(s).toMatchObject({ status: 'scheduled', publishAt: at });
    const d = await within(
      'write',
      call('demo-secretary', 'unschedule', { lessonId: 'lesson-b1-draft' }, rid()),
    );
    expect(d.status).toBe('draft');
    emu.db.update(
      'lessons',
      { _id: 'lesson-b1-draft' },
      { $set: { publishAt: new Date(Date.now() - 60_000) } },
      { multi: false, upsert: false, replace: false },
    );
    await emu.emulator.fireTimer('lesson', 'publishScheduled');
    expect(emu.db.get('lessons', 'lesson-b1-draft')?.status).toBe('draft');
  });

  test('a schedule must be 5 minutes to 60 days ahead, and not together with publish', async () => {
    for (const publishAt of [
      new Date(Date.now() - 60_000).toISOString(),
      new Date(Date.now() + 61 * 86400_000).toISOString(),
      '明天早上',
    ]) {
      const e = err((await call('demo-secretary', 'create', lessonInput({ publishAt }))).result);
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['publishAt'] } });
    }
    const both = err(
      (
        await call(
          'demo-secretary',
          'create',
          lessonInput({ publish: true, publishAt: new Date(Date.now() + 3600_000).toISOString() }),
        )
      ).result,
    );
    expect(both.message).toContain('只能选一个');
  });
});

test('remove takes a lesson from every list and keeps its study records', async () => {
  await within('write', call('demo-secretary', 'remove', { lessonId: 'lesson-b1-audio' }, rid()));
  expect(await memberSees('lesson-b1-audio')).toBe(false);
  expect(err((await call('demo-member', 'get', { lessonId: 'lesson-b1-audio' })).result).code).toBe(
    'NOT_FOUND',
  );
  expect(emu.db.find('lessonProgress', { lessonId: 'lesson-b1-audio' }).length).toBeGreaterThan(0);
  expect((await within('read', call('demo-member', 'myPoints'))).balance).toBe(2);
});

describe('validation: a clear Chinese message naming the field', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['no title', { title: '' }, 'title', /标题|title/],
    ['title too long', { title: '长'.repeat(41) }, 'title', /40/],
    ['HTML instead of blocks', { body: '<p>正文</p>' }, 'body', /body/],
    ['unknown block type', { body: [{ type: 'script', text: 'x' }] }, 'body.0.type', /./],
    ['empty paragraph', { body: [{ type: 'p', runs: [] }] }, 'body.0.runs', /段落不能为空/],
    [
      'a picture from the web',
      { body: [{ type: 'img', fileID: 'https://example.com/a.png' }] },
      'body.0.fileID',
      /lessons/,
    ],
    [
      'a picture outside lessons/',
      { coverFileID: 'cloud://local.6c6f-local-1250000000/avatars/a.png' },
      'coverFileID',
      /lessons/,
    ],
    [
      'too long',
      { body: [{ type: 'p', runs: Array(13).fill({ text: '字'.repeat(500) }) }] },
      'body',
      /6000/,
    ],
    ['16 minutes', { minutes: 16 }, 'minutes', /15/],
    [
      'single choice with two answers',
      { quiz: [{ ...QUIZ[0], answer: [0, 1] }] },
      'quiz.0.answer',
      /单选题/,
    ],
    [
      'an answer that is no option',
      { quiz: [{ ...QUIZ[0], answer: [5] }] },
      'quiz.0.answer',
      /选项/,
    ],
    ['one option', { quiz: [{ ...QUIZ[0], options: ['一'], answer: [0] }] }, 'quiz.0.options', /2/],
    ['eleven questions', { quiz: Array(11).fill(QUIZ[0]) }, 'quiz', /10/],
    ['audio without a file', { media: { kind: 'audio' } }, 'media.fileID', /./],
  ];
  test.each(cases)('%s', async (_name, extra, field, message) => {
    const e = err((await call('demo-secretary', 'create', lessonInput(extra))).result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect((e.details as { fields: string[] }).fields[0]).toBe(field);
    expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(e.message).toMatch(message);
  });

  test('a cloud file of another environment is refused', async () => {
    const e = err(
      (
        await call(
          'demo-secretary',
          'create',
          lessonInput({
            media: { kind: 'video', fileID: 'cloud://prod-9.7072-prod-1/lessons/v.mp4' },
          }),
        )
      ).result,
    );
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['media.fileID'] } });
    const fine = await call(
      'demo-secretary',
      'create',
      lessonInput({ media: { kind: 'video', fileID: `${FILE_PREFIX}v.mp4` } }),
      rid(),
    );
    expect(ok(fine.result).status).toBe('draft');
  });
});

describe('who may compose', () => {
  test('a plain member, a committee member without the role, another branch and a resident cannot', async () => {
    for (const who of [
      'demo-member',
      'demo-organizer',
      'demo-secretary-2',
      'demo-resident',
      'demo-committee',
    ]) {
      const e = err((await call(who, 'create', lessonInput({ publish: true }), rid())).result);
      expect(e.code).toBe('FORBIDDEN');
    }
    expect(emu.db.count('lessons')).toBe(4);
  });

  test('a member of another branch cannot read the lessons; a resident neither', async () => {
    for (const who of ['demo-secretary-2', 'demo-member-2', 'demo-resident']) {
      expect(err((await call(who, 'list', { branchId: B1 })).result).code).toBe('FORBIDDEN');
      expect(err((await call(who, 'get', { lessonId: 'lesson-b1-quiz' })).result).code).toBe(
        'FORBIDDEN',
      );
    }
  });

  test('identity comes from WeChat only: an openid in data changes nothing', async () => {
    const e = err(
      (await call('demo-member', 'create', { ...lessonInput(), openid: 'demo-secretary' })).result,
    );
    expect(e.code).toBe('FORBIDDEN');
  });
});
