/**
 * The year's attendance statistics (`attendanceStats`) at scale: well over 1000 participant
 * records of the branch (meetings and a big volunteer activity) stored directly, and the rates
 * stay exact — only the meetings' expected audience counts, volunteer sign-ups never enter —
 * within the read budget.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, err } from '../helpers/branch';
import { B1, activityCaller, activityDoc, participantDoc } from '../helpers/activity';
import { within } from '../helpers/volunteer';
import { participantId } from '../../cloudfunctions/activity/shared';

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const MIN = 60_000;
const MEETINGS = 12;
const PEOPLE = 100;
const person = (j: number) => `p-${String(j).padStart(3, '0')}`;
const rate = (present: number, of: number) => Math.round((present / of) * 1000) / 10;

/**
 * Meeting i (started i + 1 minutes ago), expected: 100 people. Person j is present when
 * j < 50 + i (by hand for even j, by check-in for odd j), on leave for 90 ≤ j < 100 (by hand
 * below 95, by approved leave above), has no record at all for 80 ≤ j < 90, and replied but
 * was absent otherwise. An outsider (a reported member, not expected) checked in too.
 */
function meeting(i: number) {
  const startAt = new Date(Date.now() - (i + 1) * MIN);
  const expected = Array.from({ length: PEOPLE }, (_, j) => ({
    openid: person(j),
    name: `成员${String(j).padStart(3, '0')}`,
  }));
  const activity = activityDoc(`st-${i}`, {
    kind: 'meeting',
    meetingType: 'memberMeeting',
    audience: 'branch',
    capacity: null,
    startAt,
    expected,
  });
  const ref = { _id: activity._id, kind: 'meeting', title: activity.title, startAt };
  const docs: ReturnType<typeof participantDoc>[] = [];
  for (let j = 0; j < PEOPLE; j++) {
    if (j >= 80 && j < 90) continue;
    const base = { state: null, signedUpAt: null };
    let extra: Record<string, unknown>;
    if (j < 50 + i) {
      extra =
        j % 2 === 0
          ? { reply: 'attend', attendance: 'present' }
          : { reply: 'attend', checkedInAt: new Date(startAt.getTime() + MIN) };
    } else if (j >= 95) {
      extra = {
        reply: 'leave',
        leave: {
          reason: '出差',
          status: 'approved',
          decidedAt: startAt,
          decidedBy: 'x',
          note: null,
        },
      };
    } else if (j >= 90) {
      extra = { reply: 'leave', attendance: 'leave' };
    } else {
      extra = { reply: 'attend', attendance: 'absent' };
    }
    docs.push(
      participantDoc(participantId(ref._id, person(j)), ref, person(j), { ...base, ...extra }),
    );
  }
  docs.push(
    participantDoc(participantId(ref._id, 'outsider'), ref, 'outsider', {
      who: 'reported',
      state: null,
      attendance: 'present',
      checkedInAt: startAt,
    }),
  );
  return { activity, docs };
}

test('attendanceStats: exact rates over > 1000 records, volunteers left out, within 3 requests', async () => {
  const meetings = Array.from({ length: MEETINGS }, (_, i) => meeting(i));
  // A meeting where people replied but nobody recorded attendance: no rate, no absences.
  const quietStart = new Date(Date.now() - 30 * MIN);
  const quiet = activityDoc('st-quiet', {
    kind: 'themeDay',
    audience: 'branch',
    capacity: null,
    startAt: quietStart,
    expected: [
      { openid: person(0), name: '成员000' },
      { openid: person(1), name: '成员001' },
      { openid: person(2), name: '成员002' },
    ],
  });
  const quietRef = { _id: 'st-quiet', kind: 'themeDay', startAt: quietStart };
  // A big volunteer activity of the same branch and year: 1100 sign-ups, all present. Before
  // the fix these filled the one 1000-row read and the meetings' rates went wrong.
  const volStart = new Date(Date.now() - 20 * MIN);
  const volunteer = activityDoc('st-vol', { startAt: volStart, capacity: null });
  const volRef = { _id: 'st-vol', kind: 'volunteer', startAt: volStart };
  const volunteers = Array.from({ length: 1100 }, (_, k) =>
    participantDoc(participantId('st-vol', `v-${k}`), volRef, `v-${k}`, {
      attendance: 'present',
      checkedInAt: volStart,
    }),
  );
  const meetingDocs = meetings.flatMap((m) => m.docs);
  expect(meetingDocs.length).toBeGreaterThan(1000);
  await emu.seed({
    activities: [...meetings.map((m) => m.activity), quiet, volunteer],
    activityParticipants: [
      ...meetingDocs,
      participantDoc(participantId('st-quiet', person(0)), quietRef, person(0), {
        reply: 'attend',
        state: null,
      }),
      ...volunteers,
    ],
  });

  const year = Number(new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 4));
  const firstYear = Number(
    new Date(meetings[MEETINGS - 1].activity.startAt.getTime() + 8 * 3600_000)
      .toISOString()
      .slice(0, 4),
  );
  // A test run in the first minutes of a year would split the meetings over two years.
  if (firstYear !== year) return;
  const stats = await within('read', call('demo-secretary', 'attendanceStats', { branchId: B1 }));
  expect(stats.year).toBe(year);
  const ids = stats.meetings.map((m) => m.activityId);
  expect(ids).not.toContain('st-vol');
  for (let i = 0; i < MEETINGS; i++) {
    expect(stats.meetings.find((m) => m.activityId === `st-${i}`)?.summary).toEqual({
      expected: PEOPLE,
      present: 50 + i,
      leave: 10,
      absent: 40 - i,
      // Only the 10 without a record did not reply.
      unanswered: 10,
      rate: 50 + i,
    });
  }
  // Newest first.
  expect(ids.indexOf('st-0')).toBeLessThan(ids.indexOf('st-11'));
  expect(stats.meetings.find((m) => m.activityId === 'st-quiet')?.summary).toEqual({
    expected: 3,
    present: 0,
    leave: 0,
    absent: 0,
    unanswered: 2,
    rate: null,
  });

  const row = (openid: string) => stats.members.find((m) => m.personId === openid);
  // Always present (half by hand, half by check-in).
  expect(row(person(0))).toEqual({
    personId: person(0),
    name: '成员000',
    present: MEETINGS,
    leave: 0,
    absent: 0,
    rate: 100,
  });
  // Present from meeting 6 on (55 < 50 + i), absent before.
  expect(row(person(55))).toMatchObject({ present: 6, leave: 0, absent: 6, rate: rate(6, 12) });
  // Leave by hand and by approved leave both count as leave.
  expect(row(person(92))).toMatchObject({ present: 0, leave: MEETINGS, absent: 0, rate: 0 });
  expect(row(person(97))).toMatchObject({ present: 0, leave: MEETINGS, absent: 0, rate: 0 });
  // No record at all: absent from every recorded meeting.
  expect(row(person(85))).toMatchObject({ present: 0, leave: 0, absent: MEETINGS, rate: 0 });
  // Neither the outsider nor any volunteer is a member row.
  expect(row('outsider')).toBeUndefined();
  expect(stats.members.some((m) => m.personId.startsWith('v-'))).toBe(false);
  expect(stats.members.filter((m) => m.personId.startsWith('p-'))).toHaveLength(PEOPLE);

  expect(err((await call('demo-member', 'attendanceStats', { branchId: B1 })).result).code).toBe(
    'FORBIDDEN',
  );
});
