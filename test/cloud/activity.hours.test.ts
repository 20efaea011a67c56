/**
 * Service hours: the rule (attended overlap, ≥ 60 % counts including exactly 60 %, nearest
 * half hour) as a pure function, and `confirmHours` through the emulator: computed hours
 * confirmed, corrections that need a reason and are all kept, points for confirmed hours once
 * per person and activity in the ledger shared with lessons and capped by the same daily cap,
 * grouped writes within the budget with `pending` for the rest, and who may confirm when.
 */
import type { TestEmulator } from '../helpers/emulator';
import { HOUR, activityCaller } from '../helpers/activity';
import { lessonCaller } from '../helpers/lesson';
import { demoEmulator, ok } from '../helpers/branch';
import { participantId, refused, seedVolunteer, within } from '../helpers/volunteer';
import {
  HELD_REASON,
  computeHours,
  correctionReason,
  type StoredCorrection,
} from '../../cloudfunctions/activity/hours';
import { entryId } from '../../cloudfunctions/common/points';
import { chinaDay } from '../../cloudfunctions/common/util';

const MIN = 60_000;
const T0 = new Date('2025-05-10T01:00:00.000Z');
const T1 = new Date(T0.getTime() + 2 * HOUR);
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const rule = (inMin: number | null, outMin: number | null, attendance: string | null = null) =>
  computeHours(
    { startAt: T0, endAt: T1 },
    {
      checkedInAt: inMin === null ? null : at(inMin),
      checkedOutAt: outMin === null ? null : at(outMin),
      attendance: attendance as 'present' | null,
    },
  );

describe('the hours rule', () => {
  test('at the 60 % edge: 59 % gives nothing, exactly 60 % counts', () => {
    // 2 hours: 60 % = 72 minutes.
    expect(rule(0, 72)).toEqual({ attendedMinutes: 72, hours: 1 });
    expect(rule(48, 120)).toEqual({ attendedMinutes: 72, hours: 1 });
    expect(rule(0, 70.8)).toEqual({ attendedMinutes: 70, hours: 0 }); // 59 %
    expect(rule(0, 71.999)).toEqual({ attendedMinutes: 71, hours: 0 });
    // 60 % of an odd length, to the millisecond.
    const odd = { startAt: T0, endAt: new Date(T0.getTime() + 50 * MIN) };
    expect(computeHours(odd, { checkedInAt: T0, checkedOutAt: at(30) }).hours).toBe(0.5);
    expect(
      computeHours(odd, { checkedInAt: T0, checkedOutAt: new Date(at(30).getTime() - 1) }).hours,
    ).toBe(0);
  });

  test('rounded to the nearest half hour', () => {
    expect(rule(0, 120).hours).toBe(2);
    expect(rule(0, 104).hours).toBe(1.5); // 104 min = 3.47 half hours → 3
    expect(rule(0, 105).hours).toBe(2); // 3.5 half hours rounds up
    expect(rule(0, 89).hours).toBe(1.5);
    expect(rule(0, 75).hours).toBe(1.5); // 2.5 half hours rounds up
    expect(rule(0, 74).hours).toBe(1); // 2.47 → 2
    const long = { startAt: T0, endAt: new Date(T0.getTime() + 8 * HOUR) };
    expect(computeHours(long, { checkedInAt: T0, checkedOutAt: at(7 * 60 + 44) }).hours).toBe(7.5);
    expect(computeHours(long, { checkedInAt: T0, checkedOutAt: at(7 * 60 + 46) }).hours).toBe(8);
  });

  test('only the time within the activity counts; no check-out counts nothing', () => {
    expect(rule(-60, 180)).toEqual({ attendedMinutes: 120, hours: 2 });
    expect(rule(-60, 30)).toEqual({ attendedMinutes: 30, hours: 0 });
    expect(rule(130, 200)).toEqual({ attendedMinutes: 0, hours: 0 });
    expect(rule(0, null)).toEqual({ attendedMinutes: 0, hours: 0 });
    expect(rule(0, null, 'present')).toEqual({ attendedMinutes: 0, hours: 0 });
    // Marked present by hand, no scan: the whole activity.
    expect(rule(null, null, 'present')).toEqual({ attendedMinutes: 120, hours: 2 });
    expect(rule(null, null, 'absent')).toEqual({ attendedMinutes: 0, hours: 0 });
  });
});

let emu: TestEmulator;
const call = activityCaller(() => emu);
const lesson = lessonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const ORGANISER = 'demo-organizer';
const A = 'demo-member-b1-01';
const B = 'demo-member-b1-03';
const C = 'demo-member-b1-05';
const W = 'demo-member-b1-07';

/**
 * An activity that ended 10 minutes ago (2 hours): A attended it all (2 h), B exactly 60 %
 * (1 h), C checked in but not out (0); W is on the waitlist.
 */
async function ended(id = 'v1') {
  const start = Date.now() - 2 * HOUR - 10 * MIN;
  const atMin = (m: number) => new Date(start + m * MIN);
  const { pids } = await seedVolunteer(emu, id, {
    startAt: new Date(start),
    endAt: new Date(start + 2 * HOUR),
    extra: { capacity: 3 },
    people: [
      { openid: A, extra: { checkedInAt: atMin(-5), checkedOutAt: atMin(125) } },
      { openid: B, extra: { checkedInAt: atMin(48), checkedOutAt: atMin(121) } },
      { openid: C, extra: { checkedInAt: atMin(0) } },
      { openid: W },
    ],
  });
  return { pids, start };
}

const participant = (id: string, openid: string) =>
  emu.db.get('activityParticipants', participantId(id, openid)) as Record<string, unknown>;
const pointsOf = (openid: string, refId: string) =>
  emu.db.get('points', entryId(openid, 'volunteerHours', refId)) as Record<string, unknown> | null;

describe('confirmHours', () => {
  test('confirms the computed hours, sets the flag, awards points to those with hours', async () => {
    const { pids } = await ended();
    // Three different values (2, 1, 0), the flag and the points: two calls at most.
    const all = pids.slice(0, 3).map((signupId) => ({ signupId }));
    const r = await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: all }),
    );
    expect(r.confirmed + r.pending.length).toBe(3);
    expect(r.corrected).toBe(0);
    if (r.pending.length) {
      const rest = all.filter((e) => r.pending.includes(e.signupId));
      const r2 = await within(
        'write',
        call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: rest }),
      );
      expect(r2).toEqual({ confirmed: rest.length, corrected: 0, pending: [] });
    }
    expect(participant('v1', A).confirmedHours).toBe(2);
    expect(participant('v1', B).confirmedHours).toBe(1);
    expect(participant('v1', C).confirmedHours).toBe(0);
    expect(emu.db.get('activities', 'v1')?.hoursConfirmed).toBe(true);
    expect(pointsOf(A, 'v1')).toMatchObject({ points: 2, reason: 'volunteerHours', refId: 'v1' });
    expect(pointsOf(B, 'v1')).toMatchObject({ points: 1 });
    expect(pointsOf(C, 'v1')).toBeNull();

    // Confirming the same again writes nothing (one read).
    const again = await call(ORGANISER, 'confirmHours', {
      activityId: 'v1',
      entries: pids.slice(0, 3).map((signupId) => ({ signupId })),
    });
    expect(ok(again.result)).toEqual({ confirmed: 3, corrected: 0, pending: [] });
    expect(again.dbRequests).toBe(1);
  });

  test('a correction needs a reason; every correction is kept; points are awarded once', async () => {
    const { pids } = await ended();
    const [pa] = pids;
    const noReason = await refused(
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pa, hours: 3 }] }),
    );
    expect(noReason.code).toBe('INVALID_ARGUMENT');
    expect(noReason.message).toContain('原因');
    expect(participant('v1', A).confirmedHours).toBeNull();

    const first = await within(
      'write',
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pa, hours: 3, reason: '提前到场布置会场' }],
      }),
    );
    expect(first).toEqual({ confirmed: 1, corrected: 1, pending: [] });
    // The first confirmation awards by its hours: 3 points.
    expect(pointsOf(A, 'v1')).toMatchObject({ points: 3 });

    // Back to 2.5 with another reason: both corrections are kept, oldest first.
    await within(
      'write',
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pa, hours: 2.5, reason: '核实后按实际时间' }],
      }),
    );
    const stored = participant('v1', A);
    expect(stored.confirmedHours).toBe(2.5);
    expect(stored.corrections).toEqual([
      expect.objectContaining({
        from: 2,
        to: 3,
        reason: '提前到场布置会场',
        byName: '张丽',
        by: ORGANISER,
      }),
      expect.objectContaining({ from: 3, to: 2.5, reason: '核实后按实际时间', byName: '张丽' }),
    ]);
    // Omitting the hours keeps the confirmed 2.5 (no reason needed, nothing changes).
    const keep = await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pa }] }),
    );
    expect(keep.corrected).toBe(0);
    expect(participant('v1', A).confirmedHours).toBe(2.5);
    // Still the one entry of 3 points.
    expect(pointsOf(A, 'v1')).toMatchObject({ points: 3 });
    expect(emu.db.find('points', { refId: 'v1', openid: A })).toHaveLength(1);
    // Hours not in half hours are refused.
    const bad = await refused(
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pa, hours: 1.25, reason: '随便改改' }],
      }),
    );
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });

  test('many different changes: grouped writes within the budget, the rest pending until done', async () => {
    const start = Date.now() - 3 * HOUR;
    const people = Array.from({ length: 12 }, (_, i) => ({
      openid: `vol-${i}`,
      extra: { name: `志愿者${i}` },
    }));
    const { pids } = await seedVolunteer(emu, 'v2', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      extra: { capacity: 20 },
      people,
    });
    // Twelve different hours (0.5 … 6): twelve groups, each with points.
    let entries = pids.map((signupId, i) => ({
      signupId,
      hours: (i + 1) / 2,
      reason: '按签到表核实',
    }));
    let calls = 0;
    while (entries.length) {
      const r = await within(
        'write',
        call(ORGANISER, 'confirmHours', { activityId: 'v2', entries }),
      );
      expect(r.pending.length).toBeLessThan(entries.length);
      entries = entries.filter((e) => r.pending.includes(e.signupId));
      calls++;
    }
    expect(calls).toBeGreaterThan(1);
    pids.forEach((_, i) => {
      expect(participant('v2', `vol-${i}`).confirmedHours).toBe((i + 1) / 2);
      expect(pointsOf(`vol-${i}`, 'v2')?.points).toBe(
        Math.min(5, Math.max(1, Math.floor((i + 1) / 2))),
      );
    });
  });

  test('points are capped by the daily cap shared with lessons, on the service day', async () => {
    const { pids, start } = await ended();
    // A already has 9 points from a lesson on the activity's day, before it started.
    const before = new Date(start - 1000);
    await emu.seed({
      points: [
        {
          _id: entryId(A, 'quizPassed', 'some-lesson'),
          openid: A,
          reason: 'quizPassed',
          refId: 'some-lesson',
          branchId: 'org-branch-1',
          title: '一节课',
          points: 9,
          day: chinaDay(before),
          orderKey: `${before.toISOString()}#x`,
          createdAt: before,
        },
      ],
    });
    await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pids[0] }] }),
    );
    // Dated by the activity's day and start, not by when it was confirmed.
    expect(pointsOf(A, 'v1')).toMatchObject({
      day: chinaDay(new Date(start)),
      orderKey: expect.stringMatching(new RegExp(`^${new Date(start).toISOString()}#`)),
    });
    const mine = ok((await lesson(A, 'myPoints')).result);
    const entry = mine.recent.find((e) => e.reason === 'volunteerHours');
    expect(entry).toMatchObject({
      refId: 'v1',
      nominal: 2,
      points: 1,
      day: chinaDay(new Date(start)),
    });
    expect(mine.rules).toMatchObject({ volunteerHours: 1, volunteerMax: 5 });
  });

  test('activities of different days confirmed on one day: each earns, the cap is per service day', async () => {
    // Three activities of 5 hours each, 1, 2 and 3 days ago; A attended them all.
    const ids = ['d1', 'd2', 'd3'];
    for (const [i, id] of ids.entries()) {
      const start = Date.now() - (i + 1) * 24 * HOUR;
      await seedVolunteer(emu, id, {
        startAt: new Date(start),
        endAt: new Date(start + 5 * HOUR),
        people: [{ openid: A, extra: { attendance: 'present' } }],
      });
    }
    // All confirmed by one organiser now: 5 points each, every one counted.
    for (const id of ids) {
      await within(
        'write',
        call(ORGANISER, 'confirmHours', {
          activityId: id,
          entries: [{ signupId: participantId(id, A) }],
        }),
      );
    }
    const days = new Set(ids.map((id) => pointsOf(A, id)?.day));
    expect(days.size).toBe(3);
    const mine = ok((await lesson(A, 'myPoints')).result);
    const earned = mine.recent.filter((e) => e.reason === 'volunteerHours');
    expect(earned.map((e) => e.points)).toEqual([5, 5, 5]);
    expect(mine.balance).toBe(15);
  });

  test('confirmed 0, then corrected upwards: the correction earns the points, once', async () => {
    const { pids } = await ended();
    const pc = pids[2]; // C: checked in, never out: 0 computed
    await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pc }] }),
    );
    expect(participant('v1', C).confirmedHours).toBe(0);
    expect(pointsOf(C, 'v1')).toBeNull();
    await within(
      'write',
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pc, hours: 3, reason: '忘记签退，核实全程在场' }],
      }),
    );
    expect(pointsOf(C, 'v1')).toMatchObject({ points: 3 });
    // Down to 0 and up again: still the one entry of 3 points (corrections do not change it).
    for (const [hours, reason] of [
      [0, '核实后未到场'],
      [1, '核实后按一小时'],
    ] as const) {
      await within(
        'write',
        call(ORGANISER, 'confirmHours', {
          activityId: 'v1',
          entries: [{ signupId: pc, hours, reason }],
        }),
      );
    }
    expect(participant('v1', C).confirmedHours).toBe(1);
    expect(emu.db.find('points', { refId: 'v1', openid: C })).toEqual([
      expect.objectContaining({ points: 3 }),
    ]);
  });

  test('points already in for many (an interrupted call): recovered within the budget', async () => {
    const start = Date.now() - 3 * HOUR;
    const people = Array.from({ length: 30 }, (_, i) => ({
      openid: `vol-${i}`,
      extra: { attendance: 'present' },
    }));
    const { pids } = await seedVolunteer(emu, 'v3', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      extra: { capacity: 30 },
      people,
    });
    // An earlier call stored the points of the first 20 and stopped before the hours.
    await emu.seed({
      points: people.slice(0, 20).map((p) => ({
        _id: entryId(p.openid, 'volunteerHours', 'v3'),
        openid: p.openid,
        reason: 'volunteerHours',
        refId: 'v3',
        branchId: 'org-branch-1',
        title: 't',
        points: 2,
        day: chinaDay(new Date(start)),
        orderKey: `${new Date(start).toISOString()}#${p.openid}`,
        createdAt: new Date(),
      })),
    });
    let entries = pids.map((signupId) => ({ signupId }));
    let calls = 0;
    while (entries.length) {
      const r = await within(
        'write',
        call(ORGANISER, 'confirmHours', { activityId: 'v3', entries }),
      );
      entries = entries.filter((e) => r.pending.includes(e.signupId));
      if (++calls > 3) throw new Error('no progress');
    }
    people.forEach((p) => {
      expect(participant('v3', p.openid).confirmedHours).toBe(2);
      expect(emu.db.find('points', { refId: 'v3', openid: p.openid })).toHaveLength(1);
    });
  });

  test('two organisers correcting one person at once: every correction starts where the last ended', async () => {
    const { pids } = await ended();
    await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pids[0] }] }),
    );
    const base = participant('v1', A).confirmedHours as number;
    const send = (who: string, hours: number, reason: string) =>
      call(who, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pids[0], hours, reason }],
      });
    const answers = await Promise.all([
      send(ORGANISER, base + 1, '补录提前到场的时间'),
      send('demo-secretary', base + 1.5, '现场负责人确认多服务一小时半'),
    ]);
    // Whoever found the hours changed under them is told to send again (pending).
    for (const [i, r] of answers.entries()) {
      const d = ok(r.result);
      if (d.pending.length) {
        const again = await send(
          i === 0 ? ORGANISER : 'demo-secretary',
          base + (i === 0 ? 1 : 1.5),
          'x再次提交的原因',
        );
        expect(ok(again.result).pending).toEqual([]);
      }
    }
    const chain = participant('v1', A).corrections as { from: number; to: number }[];
    expect(chain.length).toBeGreaterThanOrEqual(1);
    chain.forEach((c, i) => expect(c.from).toBe(i === 0 ? base : chain[i - 1].to));
    expect(participant('v1', A).confirmedHours).toBe(chain[chain.length - 1].to);
  });

  test('a correction reason held by content security: stored held, shown to secretaries only', async () => {
    const { pids } = await ended();
    const risky = await refused(
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pids[0], hours: 3, reason: '提前到场测试违规词' }],
      }),
    );
    expect(risky.code).toBe('CONTENT_RISKY');
    await within(
      'write',
      call(ORGANISER, 'confirmHours', {
        activityId: 'v1',
        entries: [{ signupId: pids[0], hours: 3, reason: '提前到场测试待审词' }],
      }),
    );
    const [c] = participant('v1', A).corrections as StoredCorrection[];
    expect(c).toMatchObject({ reason: '提前到场测试待审词', reasonHeld: true, to: 3 });
    expect(correctionReason(c, false)).toBe(HELD_REASON);
    expect(correctionReason(c, true)).toBe('提前到场测试待审词');
    // Through listSignups: other organisers read the placeholder, the secretary the text.
    const reasonFor = async (who: string) =>
      (await within('read', call(who, 'listSignups', { activityId: 'v1' }))).items.find(
        (i) => i.signupId === pids[0],
      )!.corrections[0].reason;
    expect(await reasonFor(ORGANISER)).toBe(HELD_REASON);
    expect(await reasonFor('demo-secretary')).toBe('提前到场测试待审词');
  });

  test('who and when: organisers after the end, confirmed sign-ups of a volunteer activity', async () => {
    const { pids } = await ended();
    const entries = [{ signupId: pids[0] }];
    for (const who of ['demo-member', 'demo-resident', 'demo-secretary-2']) {
      expect((await refused(call(who, 'confirmHours', { activityId: 'v1', entries }))).code).toBe(
        'FORBIDDEN',
      );
    }
    // The waitlisted W.
    expect(
      (
        await refused(
          call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: pids[3] }] }),
        )
      ).code,
    ).toBe('CONFLICT');
    expect(
      (
        await refused(
          call(ORGANISER, 'confirmHours', { activityId: 'v1', entries: [{ signupId: 'pnope' }] }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect(
      (
        await refused(
          call(ORGANISER, 'confirmHours', {
            activityId: 'v1',
            entries: [{ signupId: pids[0] }, { signupId: pids[0] }],
          }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');

    // Not ended yet.
    const { pids: p2 } = await seedVolunteer(emu, 'v3', {
      startAt: new Date(Date.now() - HOUR),
      endAt: new Date(Date.now() + HOUR),
      people: [{ openid: A }],
    });
    expect(
      await refused(
        call(ORGANISER, 'confirmHours', { activityId: 'v3', entries: [{ signupId: p2[0] }] }),
      ),
    ).toEqual({ code: 'CONFLICT', message: '活动结束后才能确认服务时长' });

    // A meeting has no hours.
    const { pids: p3 } = await seedVolunteer(emu, 'm1', {
      startAt: new Date(Date.now() - 3 * HOUR),
      endAt: new Date(Date.now() - HOUR),
      people: [{ openid: A, extra: { kind: 'meeting' } }],
      extra: { kind: 'meeting', meetingType: 'memberMeeting', capacity: null, audience: 'branch' },
    });
    expect(
      (
        await refused(
          call(ORGANISER, 'confirmHours', { activityId: 'm1', entries: [{ signupId: p3[0] }] }),
        )
      ).code,
    ).toBe('CONFLICT');
    // Every committee role may confirm.
    await within('write', call('demo-discipline', 'confirmHours', { activityId: 'v1', entries }));
  });
});
