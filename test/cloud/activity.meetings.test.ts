/**
 * 三会一课 and 主题党日 through the emulator with the demo seed: the expected audience, replies
 * and leave, the secretary's decision, attendance by hand, minutes (content security) and the
 * year's attendance rates.
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  DAY,
  HOUR,
  activityCaller,
  activityDoc,
  meetingInput,
  participantDoc,
  type ActivityAction,
  type ActivityCalled,
} from '../helpers/activity';
import { participantId } from '../../cloudfunctions/activity/shared';

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

async function within<A extends ActivityAction>(
  kind: 'read' | 'write',
  p: Promise<ActivityCalled<A>>,
) {
  const r = await p;
  expect(r.dbRequests).toBeGreaterThan(0);
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return ok(r.result);
}

/** Party members of branch 1 in the demo seed (everyone active but the activist). */
const PARTY_B1 = 15;

test('the expected audience: party members for 三会一课, the committee, a group, everyone on a theme day', async () => {
  const expectedOf = async (extra: Record<string, unknown>) => {
    const { activityId } = await within(
      'write',
      call('demo-secretary', 'create', meetingInput(extra), rid()),
    );
    return (
      emu.db.get('activities', activityId) as { expected: { openid: string }[] }
    ).expected.map((e) => e.openid);
  };
  const member = await expectedOf({});
  expect(member).toHaveLength(PARTY_B1);
  expect(member).not.toContain('demo-activist');
  expect((await expectedOf({ meetingType: 'committeeMeeting' })).sort()).toEqual(
    [
      'demo-deputy',
      'demo-discipline',
      'demo-masswork',
      'demo-organizer',
      'demo-propaganda',
      'demo-secretary',
    ].sort(),
  );
  expect((await expectedOf({ meetingType: 'groupMeeting', groupId: 'pg-b1-1' })).sort()).toEqual(
    ['demo-deputy', 'demo-discipline', 'demo-elder', 'demo-member', 'demo-secretary'].sort(),
  );
  expect(await expectedOf({ kind: 'themeDay', meetingType: undefined })).toContain('demo-activist');
  const noGroup = await call(
    'demo-secretary',
    'create',
    meetingInput({ meetingType: 'groupMeeting', groupId: 'pg-nope' }),
  );
  expect(err(noGroup.result).code).toBe('NOT_FOUND');
  const publicMeeting = await call(
    'demo-secretary',
    'create',
    meetingInput({ audience: 'public' }),
  );
  expect(err(publicMeeting.result).code).toBe('INVALID_ARGUMENT');
});

test('reply, leave with a reason, the secretary decides; the attendance list follows', async () => {
  const { activityId } = await within(
    'write',
    call('demo-secretary', 'create', meetingInput(), rid()),
  );
  const attend = await within(
    'write',
    call('demo-member', 'reply', { activityId, answer: 'attend' }, rid()),
  );
  expect(attend).toEqual({ activityId, reply: 'attend', leave: null });
  expect(
    err((await call('demo-elder', 'reply', { activityId, answer: 'leave' })).result),
  ).toMatchObject({
    code: 'INVALID_ARGUMENT',
  });
  const risky = await call('demo-elder', 'reply', {
    activityId,
    answer: 'leave',
    reason: '测试违规词',
  });
  expect(err(risky.result).code).toBe('CONTENT_RISKY');
  const leave = await within(
    'write',
    call('demo-elder', 'reply', { activityId, answer: 'leave', reason: '出差在外地' }, rid()),
  );
  expect(leave.leave).toMatchObject({ reason: '出差在外地', status: 'pending', decidedAt: null });
  // Not expected: the activist (三会一课 are for party members), and another branch's member.
  expect(
    err((await call('demo-activist', 'reply', { activityId, answer: 'attend' })).result),
  ).toMatchObject({
    code: 'FORBIDDEN',
    message: '您不在本次活动的应参加人员中',
  });
  expect(
    err((await call('demo-member-2', 'reply', { activityId, answer: 'attend' })).result).code,
  ).toBe('FORBIDDEN');

  // Only the secretary and deputy decide.
  const byOrganiser = await call('demo-organizer', 'decideLeave', {
    activityId,
    personId: 'demo-elder',
    approve: true,
  });
  expect(err(byOrganiser.result).code).toBe('FORBIDDEN');
  const noLeave = await call('demo-secretary', 'decideLeave', {
    activityId,
    personId: 'demo-member',
    approve: true,
  });
  expect(err(noLeave.result).code).toBe('NOT_FOUND');
  const decided = await within(
    'write',
    call(
      'demo-deputy',
      'decideLeave',
      { activityId, personId: 'demo-elder', approve: true, note: '同意' },
      rid(),
    ),
  );
  expect(decided.leave).toMatchObject({ status: 'approved', note: '同意' });

  const mine = await within('read', call('demo-elder', 'get', { activityId }));
  expect(mine.my).toMatchObject({ expected: true, reply: 'leave', attendance: 'leave' });
  expect(mine.can.reply).toBe(true);

  const list = await within('read', call('demo-secretary', 'attendance', { activityId }));
  expect(list.summary).toEqual({
    expected: PARTY_B1,
    present: 0,
    leave: 1,
    absent: 0,
    unanswered: PARTY_B1 - 2,
    rate: null,
  });
  expect(list.items).toHaveLength(PARTY_B1);
  expect(list.items.find((i) => i.personId === 'demo-elder')?.leave?.status).toBe('approved');
  expect(err((await call('demo-member', 'attendance', { activityId })).result).code).toBe(
    'FORBIDDEN',
  );
});

test('replies close at the start; attendance by hand opens 30 minutes before it', async () => {
  const startAt = new Date(Date.now() + 2 * HOUR);
  await emu.seed({
    activities: [
      activityDoc('m-soon', {
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        startAt,
        expected: [{ openid: 'demo-member', name: '李秀英' }],
      }),
      activityDoc('m-begun', {
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        startAt: new Date(Date.now() - 10 * 60_000),
        expected: [{ openid: 'demo-member', name: '李秀英' }],
      }),
    ],
  });
  const early = await call('demo-secretary', 'markAttendance', {
    activityId: 'm-soon',
    entries: [{ personId: 'demo-member', attendance: 'present' }],
  });
  expect(err(early.result)).toMatchObject({
    code: 'CONFLICT',
    message: '活动开始前 30 分钟起才能登记出勤',
  });
  const late = await call('demo-member', 'reply', { activityId: 'm-begun', answer: 'attend' });
  expect(err(late.result)).toMatchObject({ code: 'CONFLICT', message: '活动已开始，不能再回复' });
});

test('attendance by hand for a whole branch within budget; rates per meeting and per member', async () => {
  const now = Date.now();
  const expected = (
    emu.db.get('activities', 'act-b1-member-meeting') as {
      expected: { openid: string; name: string }[];
    }
  ).expected;
  expect(expected).toHaveLength(PARTY_B1);
  // Two meetings of this year that have started; replies exist for a few people only.
  const startA = new Date(now - 3 * HOUR);
  const startB = new Date(now - 2 * DAY);
  const meeting = (id: string, startAt: Date) =>
    activityDoc(id, {
      kind: 'meeting',
      meetingType: 'memberMeeting',
      audience: 'branch',
      capacity: null,
      startAt,
      endAt: new Date(startAt.getTime() + HOUR),
      expected,
    });
  const a = meeting('m-a', startA);
  const b = meeting('m-b', startB);
  await emu.seed({
    activities: [a, b],
    activityParticipants: [
      participantDoc(participantId('m-a', 'demo-member'), a, 'demo-member', {
        kind: 'meeting',
        state: null,
        reply: 'attend',
      }),
      participantDoc(participantId('m-a', 'demo-elder'), a, 'demo-elder', {
        kind: 'meeting',
        state: null,
        reply: 'leave',
        leave: {
          reason: '生病',
          status: 'approved',
          decidedAt: new Date(),
          decidedBy: 'demo-secretary',
          note: null,
        },
      }),
    ],
  });
  // Everyone at once, three values: existing documents updated, the others inserted.
  const entries = expected
    .filter((e) => e.openid !== 'demo-elder')
    .map((e, i) => ({
      personId: e.openid,
      attendance: (i % 5 === 4 ? 'absent' : 'present') as 'present' | 'absent',
    }));
  entries.push({ personId: 'demo-elder', attendance: 'leave' as never });
  const marked = await within(
    'write',
    call('demo-secretary', 'markAttendance', { activityId: 'm-a', entries }),
  );
  const absent = entries.filter((e) => e.attendance === 'absent').length;
  expect(marked.updated).toBe(PARTY_B1);
  expect(marked.summary).toMatchObject({ expected: PARTY_B1, leave: 1, absent });
  expect(marked.summary.present).toBe(PARTY_B1 - 1 - absent);
  expect(marked.summary.rate).toBe(Math.round(((PARTY_B1 - 1 - absent) / PARTY_B1) * 1000) / 10);
  // Marking the same again is the same state.
  const again = await within(
    'write',
    call('demo-secretary', 'markAttendance', { activityId: 'm-a', entries }),
  );
  expect(again.summary).toEqual(marked.summary);
  const list = await within('read', call('demo-secretary', 'attendance', { activityId: 'm-a' }));
  expect(list.summary).toEqual(marked.summary);

  const unknown = await call('demo-secretary', 'markAttendance', {
    activityId: 'm-a',
    entries: [{ personId: 'demo-activist', attendance: 'present' }],
  });
  expect(err(unknown.result).code).toBe('NOT_FOUND');

  // Meeting B: only demo-member marked present → 1 of 15.
  await within(
    'write',
    call('demo-organizer', 'markAttendance', {
      activityId: 'm-b',
      entries: [
        { personId: 'demo-member', attendance: 'present' },
        { personId: 'demo-secretary', attendance: 'absent' },
      ],
    }),
  );

  const year = new Date(now + 8 * HOUR).getUTCFullYear();
  const stats = await within('read', call('demo-secretary', 'attendanceStats', { branchId: B1 }));
  expect(stats.year).toBe(year);
  const ids = stats.meetings.map((m) => m.activityId);
  // Newest first; the seed's past party lesson is in it when it falls in this year.
  expect(ids.indexOf('m-a')).toBeLessThan(ids.indexOf('m-b'));
  expect(ids).not.toContain('act-b1-member-meeting'); // not started yet
  expect(stats.meetings.find((m) => m.activityId === 'm-b')?.summary).toMatchObject({
    present: 1,
    absent: PARTY_B1 - 1,
    rate: Math.round((1 / PARTY_B1) * 1000) / 10,
  });
  const row = (id: string) => stats.members.find((m) => m.personId === id)!;
  const lessonCounted = ['act-b1-lesson-past', 'act-b1-themeday-past'].filter((id) =>
    ids.includes(id),
  ).length;
  expect(row('demo-member')).toMatchObject({
    name: '李秀英',
    present: 2 + lessonCounted,
    absent: 0,
  });
  expect(row('demo-member').rate).toBe(100);
  expect(row('demo-elder')).toMatchObject({ present: lessonCounted, leave: 1, absent: 1 });
  expect(row('demo-elder').rate).toBe(rate(lessonCounted, 2 + lessonCounted));
  expect(err((await call('demo-member', 'attendanceStats', { branchId: B1 })).result).code).toBe(
    'FORBIDDEN',
  );
});

function rate(present: number, of: number) {
  return Math.round((present / of) * 1000) / 10;
}

test('minutes: after the start, by the secretaries, risky refused, review held, history kept', async () => {
  const startAt = new Date(Date.now() - HOUR);
  await emu.seed({
    activities: [
      activityDoc('m-min', {
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        startAt,
        expected: [{ openid: 'demo-member', name: '李秀英' }],
      }),
    ],
  });
  const activityId = 'm-min';
  const text = '会议传达了上级精神，讨论了发展党员工作，大家踊跃发言。';
  expect(err((await call('demo-organizer', 'postMinutes', { activityId, text })).result).code).toBe(
    'FORBIDDEN',
  );
  expect(
    err(
      (await call('demo-secretary', 'postMinutes', { activityId, text: `${text}测试违规词` }))
        .result,
    ).code,
  ).toBe('CONTENT_RISKY');
  const posted = await within('write', call('demo-secretary', 'postMinutes', { activityId, text }));
  expect(posted.minutes).toMatchObject({ text, authorName: '王建国', held: false });
  // The same text again adds no version.
  await within('write', call('demo-secretary', 'postMinutes', { activityId, text }));
  const held = await within(
    'write',
    call('demo-deputy', 'postMinutes', { activityId, text: `${text}测试待审词` }),
  );
  expect(held.minutes.held).toBe(true);
  const versions = emu.db.find('activityMinutes', { activityId }) as unknown[];
  expect(versions).toHaveLength(2);
  // Members see that minutes exist but not held text; the secretaries read it.
  const byMember = await within('read', call('demo-member', 'get', { activityId }));
  expect(byMember.minutes).toMatchObject({ held: true, text: '' });
  const bySecretary = await within('read', call('demo-secretary', 'get', { activityId }));
  expect(bySecretary.minutes?.text).toContain('测试待审词');
  // Released by a secretary: members read the text too; a second release says nothing is held.
  expect(
    err((await call('demo-organizer', 'moderate', { activityId, what: 'minutes' })).result).code,
  ).toBe('FORBIDDEN');
  await within('write', call('demo-secretary', 'moderate', { activityId, what: 'minutes' }));
  const released = await within('read', call('demo-member', 'get', { activityId }));
  expect(released.minutes).toMatchObject({ held: false });
  expect(released.minutes?.text).toContain('测试待审词');
  expect(
    err((await call('demo-secretary', 'moderate', { activityId, what: 'minutes' })).result),
  ).toMatchObject({ code: 'CONFLICT', message: '会议记录不在待审核状态' });

  // Not before the start.
  const { activityId: future } = await within(
    'write',
    call('demo-secretary', 'create', meetingInput(), rid()),
  );
  expect(
    err((await call('demo-secretary', 'postMinutes', { activityId: future, text })).result),
  ).toMatchObject({
    code: 'CONFLICT',
    message: '会议开始后才能发布会议记录',
  });
});
