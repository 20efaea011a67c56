/**
 * The permission matrix of the `lesson` function (docs/permissions.md, "Micro party lessons"):
 * every action × every role through the emulator with the demo seed. The expectation is this
 * file's copy of the documented table, not policy.ts. An allowed cell must answer `ok: true`
 * (each role gets its own fixture where an action consumes one), or exactly the domain error
 * listed in `OUTCOMES`.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, rid } from '../helpers/branch';
import {
  B1,
  lessonCaller,
  lessonDoc,
  lessonInput,
  progressDoc,
  type LessonAction,
} from '../helpers/lesson';

const ROLES = {
  secretary: 'demo-secretary',
  deputySecretary: 'demo-deputy',
  organizationCommittee: 'demo-organizer',
  propagandaCommittee: 'demo-propaganda',
  disciplineCommittee: 'demo-discipline',
  massWorkCommittee: 'demo-masswork',
  member: 'demo-member',
  probationary: 'demo-probationary',
  activist: 'demo-activist',
  /** A party member of the other branch of the same committee (its secretary: a composer there). */
  nonMember: 'demo-secretary-2',
  resident: 'demo-resident',
  /** A member of branch 2 actively reported (双报到) to branch 1: not a member of it. */
  reported: 'demo-member-2',
  committeeAdmin: 'demo-committee',
} as const;
type Role = keyof typeof ROLES;
const COLUMNS = Object.keys(ROLES) as Role[];
const COMPOSERS: Role[] = ['secretary', 'deputySecretary', 'propagandaCommittee'];
const BRANCH1: Role[] = COLUMNS.slice(0, 9);

// prettier-ignore
/** Copy of docs/permissions.md (lesson table): Y allowed, · FORBIDDEN. Columns in ROLES order. */
const TABLE: Record<string, string> = {
  composeOptions:  'Y Y · Y · · · · · · · · ·',
  create:          'Y Y · Y · · · · · · · · ·',
  update:          'Y Y · Y · · · · · · · · ·',
  publish:         'Y Y · Y · · · · · · · · ·',
  unschedule:      'Y Y · Y · · · · · · · · ·',
  remove:          'Y Y · Y · · · · · · · · ·',
  moderate:        'Y Y · · · · · · · · · · ·',
  list:            'Y Y Y Y Y Y Y Y Y · · · ·',
  listUnpublished: 'Y Y · Y · · · · · · · · ·',
  get:             'Y Y Y Y Y Y Y Y Y · · · ·',
  getDraft:        'Y Y Y Y Y Y Y Y Y · · · ·',
  complete:        'Y Y Y Y Y Y Y Y Y · · · ·',
  submitQuiz:      'Y Y Y Y Y Y Y Y Y · · · ·',
  stats:           'Y Y · Y · · · · · · · · ·',
  overview:        'Y Y · Y · · · · · · · · ·',
  remind:          'Y Y · Y · · · · · · · · ·',
  listReflections: 'Y Y Y Y Y Y Y Y Y · · · ·',
  postReflection:  'Y Y Y Y Y Y Y Y Y · · · ·',
  hideReflection:  'Y Y · Y · · · · · · · · ·',
  listTopics:      'Y Y Y Y Y Y Y Y Y · · · ·',
  proposeTopic:    'Y Y Y Y Y Y Y Y Y · · · ·',
  supportTopic:    'Y Y Y Y Y Y Y Y Y · · · ·',
  adoptTopic:      'Y Y · Y · · · · · · · · ·',
  myPoints:        'Y Y Y Y Y Y Y Y Y Y Y Y Y',
};

/** Allowed cells with a documented domain answer: a draft is NOT_FOUND for non-composers. */
const OUTCOMES: Record<string, Partial<Record<Role, string>>> = {
  getDraft: Object.fromEntries(
    BRANCH1.filter((r) => !COMPOSERS.includes(r)).map((r) => [r, 'NOT_FOUND']),
  ),
};

const own = (role: Role, allowed: readonly Role[], prefix: string) =>
  `${prefix}${allowed.includes(role) ? role : 'secretary'}`;

type Req = { action: LessonAction; data?: unknown | ((role: Role) => unknown) };
const CONTENT = lessonInput();
const { branchId: _branch, ...CONTENT_ONLY } = CONTENT;
const REQUESTS: Record<string, Req> = {
  composeOptions: { action: 'composeOptions', data: { branchId: B1 } },
  create: { action: 'create', data: CONTENT },
  update: { action: 'update', data: { ...CONTENT_ONLY, lessonId: 'lesson-b1-draft' } },
  publish: { action: 'publish', data: (r: Role) => ({ lessonId: own(r, COMPOSERS, 'l-draft-') }) },
  unschedule: {
    action: 'unschedule',
    data: (r: Role) => ({ lessonId: own(r, COMPOSERS, 'l-sched-') }),
  },
  remove: { action: 'remove', data: (r: Role) => ({ lessonId: own(r, COMPOSERS, 'l-rm-') }) },
  moderate: {
    action: 'moderate',
    data: (r: Role) => ({
      lessonId: own(r, ['secretary', 'deputySecretary'], 'l-held-'),
      approve: true,
    }),
  },
  list: { action: 'list', data: { branchId: B1 } },
  listUnpublished: { action: 'list', data: { branchId: B1, status: 'draft' } },
  get: { action: 'get', data: { lessonId: 'lesson-b1-quiz' } },
  getDraft: { action: 'get', data: { lessonId: 'lesson-b1-draft' } },
  complete: { action: 'complete', data: { lessonId: 'lesson-b1-audio' } },
  submitQuiz: {
    action: 'submitQuiz',
    data: { lessonId: 'l-quiz', answers: [{ questionId: 'q1', choices: [0] }] },
  },
  stats: { action: 'stats', data: { lessonId: 'lesson-b1-quiz' } },
  overview: { action: 'overview', data: { branchId: B1 } },
  remind: { action: 'remind', data: (r: Role) => ({ lessonId: own(r, COMPOSERS, 'l-remind-') }) },
  listReflections: { action: 'listReflections', data: { lessonId: 'lesson-b1-quiz' } },
  postReflection: {
    action: 'postReflection',
    // For the whole branch: the audience rule (footnote 2) is lesson.review.test.ts's.
    data: { lessonId: 'lesson-b1-audio', text: '学有所获' },
  },
  hideReflection: { action: 'hideReflection', data: { reflectionId: 'r-perm' } },
  listTopics: { action: 'listTopics', data: { branchId: B1 } },
  proposeTopic: { action: 'proposeTopic', data: { branchId: B1, title: '讲讲志愿服务' } },
  supportTopic: { action: 'supportTopic', data: { topicId: 'topic-perm' } },
  adoptTopic: {
    action: 'adoptTopic',
    data: { topicId: 'topic-b1-transfer', lessonId: 'lesson-b1-audio' },
  },
  myPoints: { action: 'myPoints' },
};

let emu: TestEmulator;
const call = lessonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
  const soon = new Date(Date.now() + 86400_000);
  const perRole = (prefix: string, roles: readonly Role[], extra: Record<string, unknown>) =>
    roles.map((r) => lessonDoc(`${prefix}${r}`, extra));
  await emu.seed({
    lessons: [
      ...perRole('l-draft-', COMPOSERS, { status: 'draft', publishedAt: null }),
      ...perRole('l-sched-', COMPOSERS, {
        status: 'scheduled',
        publishAt: soon,
        publishedAt: null,
      }),
      ...perRole('l-rm-', COMPOSERS, {}),
      ...perRole('l-held-', ['secretary', 'deputySecretary'], {
        status: 'held',
        heldIntent: { publishAt: null },
        publishedAt: null,
      }),
      ...perRole('l-remind-', COMPOSERS, {}),
      lessonDoc('l-quiz'),
    ],
    // Everyone in branch 1 has studied l-quiz, so submitting is the only question.
    lessonProgress: BRANCH1.map((r) => progressDoc('l-quiz', ROLES[r])),
    lessonReflections: [
      {
        _id: 'r-perm',
        lessonId: 'lesson-b1-quiz',
        branchId: B1,
        openid: 'demo-member-b1-01',
        authorName: '田秀兰',
        text: '心得',
        status: 'visible',
        createdAt: new Date(),
      },
    ],
    lessonTopics: [
      {
        _id: 'topic-perm',
        branchId: B1,
        openid: 'demo-member-b1-01',
        proposerName: '田秀兰',
        title: '讲讲垃圾分类',
        detail: '',
        status: 'open',
        supporters: ['demo-member-b1-01'],
        supportCount: 1,
        lessonId: null,
        lessonTitle: null,
        createdAt: new Date(),
        adoptedAt: null,
      },
    ],
  });
});
afterEach(() => emu.close());

test('the table covers every action of the lesson function', async () => {
  const { main } = (await import('../../cloudfunctions/lesson/index')) as {
    main: { meta: { actions: Record<string, string> } };
  };
  const actions = new Set(Object.values(REQUESTS).map((r) => r.action));
  for (const action of Object.keys(main.meta.actions)) expect(actions).toContain(action);
  for (const row of Object.keys(TABLE)) expect(REQUESTS).toHaveProperty(row);
});

/** Secretary last: their writes must not consume a fixture the others fall back on first. */
const ORDER: Role[] = [...COLUMNS.filter((r) => r !== 'secretary'), 'secretary'];

describe.each(Object.keys(TABLE))('%s', (row) => {
  test('every role gets exactly the documented answer', async () => {
    const cells = TABLE[row].split(' ');
    expect(cells).toHaveLength(COLUMNS.length);
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    const req = REQUESTS[row];
    for (const role of ORDER) {
      want[role] = cells[COLUMNS.indexOf(role)];
      const data = typeof req.data === 'function' ? req.data(role) : req.data;
      const { result } = await call(ROLES[role], req.action, data as never, rid());
      if (!result.ok && ['INVALID_ARGUMENT', 'INTERNAL'].includes(result.error.code)) {
        throw new Error(`${row} by ${role}: ${result.error.message}`);
      }
      const expected = OUTCOMES[row]?.[role] ?? 'ok';
      const outcome = result.ok ? 'ok' : result.error.code;
      got[role] = outcome === 'FORBIDDEN' ? '·' : outcome === expected ? 'Y' : outcome;
    }
    expect(got).toEqual(want);
  });
});
