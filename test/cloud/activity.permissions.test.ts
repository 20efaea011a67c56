/**
 * The permission matrix of the `activity` function (docs/permissions.md, "Activities"): every
 * action × every role through the emulator with the demo seed. The expectation is this file's
 * copy of the documented table, not policy.ts. An allowed cell must answer `ok: true` (each
 * role gets its own fixture where an action consumes one), or exactly the domain error listed
 * in `OUTCOMES`. Audience-dependent actions have one row per audience.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, rid } from '../helpers/branch';
import {
  B1,
  HOUR,
  activityCaller,
  activityDoc,
  activityInput,
  participantDoc,
  type ActivityAction,
} from '../helpers/activity';
import { participantId } from '../../cloudfunctions/activity/shared';
import { makeToken } from '../../cloudfunctions/activity/checkin';

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
  /** A party member of the other branch of the same committee (its secretary: an organiser there). */
  nonMember: 'demo-secretary-2',
  /** A registered user in no branch. */
  resident: 'demo-resident',
  /** A member of branch 2 actively reported (双报到) to branch 1: not a member of it. */
  reported: 'demo-member-2',
  committeeAdmin: 'demo-committee',
} as const;
type Role = keyof typeof ROLES;
const COLUMNS = Object.keys(ROLES) as Role[];
const ORGANISERS = COLUMNS.slice(0, 6);
const BRANCH1 = COLUMNS.slice(0, 9);

// prettier-ignore
/** Copy of docs/permissions.md (activity table): Y allowed, · FORBIDDEN. Columns in ROLES order. */
const TABLE: Record<string, string> = {
  create:          'Y Y Y Y Y Y · · · · · · ·',
  update:          'Y Y Y Y Y Y · · · · · · ·',
  cancelActivity:  'Y Y Y Y Y Y · · · · · · ·',
  moderate:        'Y Y · · · · · · · · · · ·',
  list:            'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  getBranch:       'Y Y Y Y Y Y Y Y Y · · · ·',
  getReported:     'Y Y Y Y Y Y Y Y Y · · Y ·',
  getPublic:       'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  mine:            'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  signUpBranch:    'Y Y Y Y Y Y Y Y Y · · · ·',
  signUpReported:  'Y Y Y Y Y Y Y Y Y · · Y ·',
  signUpPublic:    'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  cancel:          'Y Y Y Y Y Y Y Y Y · · · ·',
  listSignups:     'Y Y Y Y Y Y · · · · · · ·',
  revealPhone:     'Y Y · · · · · · · · · · ·',
  reply:           'Y Y Y Y Y Y Y Y Y · · · ·',
  attendance:      'Y Y Y Y Y Y · · · · · · ·',
  decideLeave:     'Y Y · · · · · · · · · · ·',
  markAttendance:  'Y Y Y Y Y Y · · · · · · ·',
  postMinutes:     'Y Y · · · · · · · · · · ·',
  attendanceStats: 'Y Y Y Y Y Y · · · · · · ·',
  checkInToken:    'Y Y Y Y Y Y · · · · · · ·',
  checkIn:         'Y Y Y Y Y Y Y Y Y · · · ·',
  checkOut:        'Y Y Y Y Y Y Y Y Y · · · ·',
  confirmHours:    'Y Y Y Y Y Y · · · · · · ·',
  listTeams:       'Y Y Y Y Y Y Y Y Y · · · ·',
  createTeam:      'Y Y Y Y Y Y · · · · · · ·',
  joinTeam:        'Y Y Y Y Y Y Y Y Y · · · ·',
  leaveTeam:       'Y Y Y Y Y Y Y Y Y · · · ·',
  myRecord:        'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  certificate:     'Y Y Y Y Y Y Y Y Y Y Y Y Y',
  recordGoodDeeds: 'Y Y Y Y Y Y · · · · · · ·',
  goodDeeds:       'Y Y Y Y Y Y Y Y Y · · · ·',
  exportSignups:   'Y Y Y Y Y Y · · · · · · ·',
  exportHours:     'Y Y Y Y Y Y · · · · · · ·',
};

/** Allowed cells with a documented domain answer (none: every allowed cell answers ok). */
const OUTCOMES: Record<string, Partial<Record<Role, string>>> = {};

const LIVE = 'perm-live';
const own = (role: Role, allowed: readonly Role[], prefix: string) =>
  `${prefix}${allowed.includes(role) ? role : 'secretary'}`;
const token = () =>
  makeToken({ _id: LIVE, tokenSecret: `secret-${LIVE}` }, Math.floor(Date.now() / 1000) + 40);
const today = new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);

type Req = { action: ActivityAction; data?: unknown | ((role: Role) => unknown) };
const REQUESTS: Record<string, Req> = {
  create: { action: 'create', data: activityInput() },
  update: {
    action: 'update',
    data: { activityId: 'act-b1-volunteer-open', title: '社区清洁行动' },
  },
  cancelActivity: {
    action: 'cancelActivity',
    data: (r: Role) => ({ activityId: own(r, ORGANISERS, 'perm-cancel-'), reason: '天气原因' }),
  },
  moderate: {
    action: 'moderate',
    data: (r: Role) => ({ activityId: own(r, ['secretary', 'deputySecretary'], 'perm-held-') }),
  },
  list: { action: 'list', data: { branchId: B1 } },
  getBranch: { action: 'get', data: { activityId: 'act-b1-member-meeting' } },
  getReported: { action: 'get', data: { activityId: 'act-b1-themeday' } },
  getPublic: { action: 'get', data: { activityId: 'act-b1-volunteer-open' } },
  mine: { action: 'mine' },
  signUpBranch: { action: 'signUp', data: { activityId: 'perm-branch' } },
  signUpReported: { action: 'signUp', data: { activityId: 'perm-reported' } },
  signUpPublic: {
    action: 'signUp',
    data: { activityId: 'perm-public', realName: '陈桂兰', phone: '13700001234' },
  },
  cancel: { action: 'cancel', data: { activityId: 'perm-signed' } },
  listSignups: { action: 'listSignups', data: { activityId: 'act-b1-volunteer-open' } },
  revealPhone: {
    action: 'revealPhone',
    data: {
      activityId: 'act-b1-volunteer-open',
      signupId: participantId('act-b1-volunteer-open', 'demo-resident'),
    },
  },
  reply: { action: 'reply', data: { activityId: 'act-b1-themeday', answer: 'attend' } },
  attendance: { action: 'attendance', data: { activityId: 'act-b1-lesson-past' } },
  decideLeave: {
    action: 'decideLeave',
    data: { activityId: 'act-b1-member-meeting', personId: 'demo-member-b1-03', approve: true },
  },
  markAttendance: {
    action: 'markAttendance',
    data: {
      activityId: 'act-b1-lesson-past',
      entries: [{ personId: 'demo-member', attendance: 'present' }],
    },
  },
  postMinutes: {
    action: 'postMinutes',
    data: { activityId: 'act-b1-lesson-past', text: '会议学习了党章，大家交流了学习体会。' },
  },
  attendanceStats: { action: 'attendanceStats', data: { branchId: B1 } },
  checkInToken: { action: 'checkInToken', data: { activityId: LIVE } },
  checkIn: { action: 'checkIn', data: () => ({ token: token() }) },
  checkOut: { action: 'checkOut', data: () => ({ token: token() }) },
  confirmHours: {
    action: 'confirmHours',
    data: {
      activityId: 'act-b1-volunteer-past',
      entries: [{ signupId: participantId('act-b1-volunteer-past', 'demo-member') }],
    },
  },
  listTeams: { action: 'listTeams', data: { branchId: B1 } },
  createTeam: {
    action: 'createTeam',
    data: (r: Role) => ({ branchId: B1, name: `服务队${COLUMNS.indexOf(r)}` }),
  },
  joinTeam: { action: 'joinTeam', data: { teamId: 'team-b1-elderly' } },
  leaveTeam: { action: 'leaveTeam', data: { teamId: 'team-b1-elderly' } },
  myRecord: { action: 'myRecord' },
  certificate: { action: 'certificate' },
  recordGoodDeeds: {
    action: 'recordGoodDeeds',
    data: { activityId: 'act-b1-volunteer-past', count: 1, note: '帮老人修好了水龙头' },
  },
  goodDeeds: { action: 'goodDeeds', data: { branchId: B1 } },
  exportSignups: { action: 'exportSignups', data: { activityId: 'act-b1-volunteer-open' } },
  exportHours: {
    action: 'exportHours',
    data: { branchId: B1, from: `${today.slice(0, 4)}-01-01`, to: today },
  },
};

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
  const soon = new Date(Date.now() + 2 * 86400_000);
  const begun = new Date(Date.now() - 10 * 60_000);
  const b1 = BRANCH1.map((r) => ROLES[r]);
  const queueOf = (id: string) => b1.map((o) => participantId(id, o));
  const signed = activityDoc('perm-signed', {
    audience: 'branch',
    capacity: null,
    startAt: soon,
    queue: queueOf('perm-signed'),
  });
  const live = activityDoc(LIVE, {
    audience: 'branch',
    capacity: null,
    startAt: begun,
    endAt: new Date(Date.now() + 2 * HOUR),
    queue: queueOf(LIVE),
  });
  await emu.seed({
    activities: [
      ...ORGANISERS.map((r) => activityDoc(`perm-cancel-${r}`, { startAt: soon })),
      ...(['secretary', 'deputySecretary'] as const).map((r) =>
        activityDoc(`perm-held-${r}`, { startAt: soon, visibility: 'held' }),
      ),
      activityDoc('perm-branch', { audience: 'branch', capacity: null, startAt: soon }),
      activityDoc('perm-reported', { audience: 'reported', capacity: null, startAt: soon }),
      activityDoc('perm-public', { audience: 'public', capacity: null, startAt: soon }),
      signed,
      live,
    ],
    activityParticipants: [
      ...b1.map((o) => participantDoc(participantId('perm-signed', o), signed, o)),
      // Checked in already, so checkOut has something to end (and checkIn keeps the first time).
      ...b1.map((o) =>
        participantDoc(participantId(LIVE, o), live, o, {
          checkedInAt: new Date(Date.now() - 5 * 60_000),
        }),
      ),
    ],
  });
});
afterEach(() => emu.close());

test('the table covers every action of the activity function', async () => {
  const { main } = (await import('../../cloudfunctions/activity/index')) as {
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
