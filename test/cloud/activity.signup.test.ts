/**
 * Places in volunteer activities through the emulator with the demo seed: concurrent sign-ups
 * never confirm more than the capacity, the waitlist keeps arrival order, cancelling promotes
 * the first waitlisted (and tells them), retries change nothing, deadlines, residents, and the
 * audience rules (branch / reported / public / team).
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  DAY,
  HOUR,
  activityCaller,
  activityDoc,
  activityInput,
  participantDoc,
  type ActivityAction,
  type ActivityCalled,
} from '../helpers/activity';
import { participantId } from '../../cloudfunctions/activity/shared';
import { makeToken } from '../../cloudfunctions/activity/checkin';

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

/** Fisher–Yates with a seeded generator, so a failing interleaving can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `n` residents (registered users without a branch) who sign up with name and phone. */
function residents(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => ({
    openid: `res-${tag}-${String(i).padStart(2, '0')}`,
    realName: `居民${i}号`,
    phone: `139${String(10000000 + i).slice(-8)}`,
  }));
}

async function createPublic(capacity = 5, extra: Record<string, unknown> = {}) {
  const { activityId } = await within(
    'write',
    call('demo-secretary', 'create', activityInput({ capacity, ...extra }), rid()),
  );
  return activityId;
}

async function allSignups(activityId: string, status?: 'active' | 'cancelled') {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await within(
      'read',
      call('demo-secretary', 'listSignups', { activityId, status, cursor }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

describe('a burst of sign-ups for few places', () => {
  test.each([1, 2, 3, 4])(
    'interleaving %i: 40 callers for 5 places → exactly 5 confirmed, 35 waitlisted 1…35 in order',
    async (seed) => {
      const activityId = await createPublic(5);
      const people = shuffled(residents(40, `s${seed}`), seed);
      // Every caller at once; the emulator yields between requests so they interleave.
      const answers = await Promise.all(
        people.map((p) =>
          call(p.openid, 'signUp', { activityId, realName: p.realName, phone: p.phone }, rid()),
        ),
      );
      for (const a of answers) expect(a.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
      const got = answers.map((a) => ok(a.result));
      const confirmed = got.filter((g) => g.status === 'confirmed');
      const waitlisted = got.filter((g) => g.status === 'waitlisted');
      expect(confirmed).toHaveLength(5);
      expect(waitlisted).toHaveLength(35);
      expect(new Set(waitlisted.map((w) => w.position))).toEqual(
        new Set(Array.from({ length: 35 }, (_, i) => i + 1)),
      );

      // The stored queue: 40 distinct people, and what each was told matches where they stand.
      const doc = emu.db.get('activities', activityId) as { queue: string[] };
      expect(doc.queue).toHaveLength(40);
      expect(new Set(doc.queue).size).toBe(40);
      people.forEach((p, i) => {
        const at = doc.queue.indexOf(participantId(activityId, p.openid));
        expect(got[i]).toEqual({
          activityId,
          status: at < 5 ? 'confirmed' : 'waitlisted',
          position: at < 5 ? null : at - 4,
        });
      });

      // listSignups agrees, page by page, in queue order.
      const listed = await allSignups(activityId);
      expect(listed.map((s) => s.signupId)).toEqual(doc.queue);
      expect(listed.filter((s) => s.status === 'confirmed')).toHaveLength(5);
      expect(listed.slice(5).map((s) => s.position)).toEqual(
        Array.from({ length: 35 }, (_, i) => i + 1),
      );
      const { confirmedCount, waitlistCount } = await within(
        'read',
        call('demo-secretary', 'listSignups', { activityId }),
      );
      expect([confirmedCount, waitlistCount]).toEqual([5, 35]);
    },
  );

  test('one person signing up many times at once holds one place', async () => {
    const activityId = await createPublic(2);
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => call('demo-member', 'signUp', { activityId }, rid())),
    );
    for (const a of answers) expect(ok(a.result).status).toBe('confirmed');
    const doc = emu.db.get('activities', activityId) as { queue: string[] };
    expect(doc.queue).toEqual([participantId(activityId, 'demo-member')]);
  });
});

test('cancelling promotes the first waitlisted, who is notified at once', async () => {
  const activityId = await createPublic(2);
  const order = ['demo-member', 'demo-elder', 'demo-activist', 'demo-probationary'];
  for (const who of order) await within('write', call(who, 'signUp', { activityId }));
  emu.emulator.outbox.clear();

  const cancelled = await within('write', call('demo-member', 'cancel', { activityId }, rid()));
  expect(cancelled).toEqual({ activityId, status: 'cancelled', late: false, promoted: true });
  const sent = emu.emulator.outbox.list() as { touser: string; page?: string }[];
  expect(sent.map((m) => m.touser)).toEqual(['demo-activist']);
  expect(sent[0].page).toBe(`pages/activities/detail?id=${activityId}`);

  const listed = await allSignups(activityId);
  expect(listed.map((s) => [s.name, s.status, s.position])).toEqual([
    ['何永福', 'confirmed', null],
    ['吴磊', 'confirmed', null],
    ['周敏', 'waitlisted', 1],
  ]);
  const gone = await allSignups(activityId, 'cancelled');
  expect(gone.map((s) => [s.name, s.status, s.lateCancel])).toEqual([
    ['李秀英', 'cancelled', false],
  ]);

  // The member's own view moved too.
  const me = await within('read', call('demo-probationary', 'get', { activityId }));
  expect(me.my).toMatchObject({ signup: 'waitlisted', position: 1 });
  expect(me.can.cancel).toBe(true);

  // A waitlisted person leaving promotes nobody and tells nobody.
  emu.emulator.outbox.clear();
  const left = await within('write', call('demo-probationary', 'cancel', { activityId }));
  expect(left.promoted).toBe(false);
  expect(emu.emulator.outbox.list()).toHaveLength(0);

  // Cancelling again answers the same and writes nothing.
  const again = await call('demo-member', 'cancel', { activityId });
  expect(ok(again.result)).toMatchObject({ status: 'cancelled', promoted: false });
  expect(again.dbRequests).toBe(1);
});

describe('promotion notices: only the waitlisted who got a place', () => {
  const sentTo = () =>
    (emu.emulator.outbox.list() as { touser: string; data?: { thing3?: { value: string } } }[])
      .filter((m) => m.data?.thing3?.value.startsWith('候补转正'))
      .map((m) => m.touser);

  test('a sign-up racing a cancel on a non-full activity is not told 候补转正', async () => {
    for (const seed of [1, 2, 3]) {
      const activityId = await createPublic(3);
      await within('write', call('demo-member', 'signUp', { activityId }));
      await within('write', call('demo-elder', 'signUp', { activityId }));
      emu.emulator.outbox.clear();
      const racers = shuffled(
        [
          () => call('demo-member', 'cancel', { activityId }),
          () => call('demo-activist', 'signUp', { activityId }),
          () => call('demo-probationary', 'signUp', { activityId }),
        ],
        seed,
      );
      const answers = await Promise.all(racers.map((f) => f()));
      for (const a of answers) {
        expect(a.result.ok).toBe(true);
        expect(a.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
      }
      expect(sentTo()).toEqual([]);
    }
  });

  test.each([1, 2, 3, 4])(
    'interleaving %i: two concurrent cancels on a full activity promote exactly the first two waitlisted',
    async (seed) => {
      const activityId = await createPublic(2);
      const order = [
        'demo-member',
        'demo-elder',
        'demo-activist',
        'demo-probationary',
        'demo-propaganda',
      ];
      for (const who of order) await within('write', call(who, 'signUp', { activityId }));
      emu.emulator.outbox.clear();
      const answers = await Promise.all(
        shuffled(['demo-member', 'demo-elder'], seed).map((who) =>
          call(who, 'cancel', { activityId }, rid()),
        ),
      );
      for (const a of answers) {
        expect(a.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
        expect(ok(a.result).status).toBe('cancelled');
      }
      expect(new Set(sentTo())).toEqual(new Set(['demo-activist', 'demo-probationary']));
      // Concurrent cancels may each tell a promotion they both see (docs/api.md): never more
      // than once per cancel.
      expect(sentTo().length).toBeLessThanOrEqual(4);
      const listed = await allSignups(activityId);
      expect(listed.map((s) => [s.name, s.status])).toEqual([
        ['吴磊', 'confirmed'],
        ['周敏', 'confirmed'],
        ['孙伟', 'waitlisted'],
      ]);
    },
  );

  test('one cancel after another: each promoted person is told once; a waitlisted person leaving tells nobody', async () => {
    const activityId = await createPublic(1);
    for (const who of ['demo-member', 'demo-elder', 'demo-activist', 'demo-probationary']) {
      await within('write', call(who, 'signUp', { activityId }));
    }
    emu.emulator.outbox.clear();
    await within('write', call('demo-member', 'cancel', { activityId }));
    expect(sentTo()).toEqual(['demo-elder']);
    await within('write', call('demo-activist', 'cancel', { activityId }));
    expect(sentTo()).toEqual(['demo-elder']);
    await within('write', call('demo-elder', 'cancel', { activityId }));
    expect(sentTo()).toEqual(['demo-elder', 'demo-probationary']);
  });

  test('raising the capacity tells those who moved up, once, and not a newcomer', async () => {
    const activityId = await createPublic(1);
    for (const who of ['demo-member', 'demo-elder', 'demo-activist']) {
      await within('write', call(who, 'signUp', { activityId }));
    }
    emu.emulator.outbox.clear();
    const r = await call('demo-secretary', 'update', { activityId, capacity: 5 });
    expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    ok(r.result);
    expect(new Set(sentTo())).toEqual(new Set(['demo-elder', 'demo-activist']));
    emu.emulator.outbox.clear();
    await within('write', call('demo-probationary', 'signUp', { activityId }));
    ok((await call('demo-secretary', 'update', { activityId, capacity: 6 })).result);
    await within('write', call('demo-member', 'cancel', { activityId }));
    expect(sentTo()).toEqual([]);
  });
});

test('signing up again after cancelling keeps the late cancellation, check-in, hours and corrections', async () => {
  const startAt = new Date(Date.now() + 3 * HOUR);
  const pid = participantId('act-again', 'demo-member');
  const checkedInAt = new Date(Date.now() - 30 * 24 * HOUR);
  const correction = {
    from: 2,
    to: 1.5,
    reason: '提前离开',
    by: 'demo-secretary',
    byName: '王建国',
    at: new Date(Date.now() - DAY),
  };
  await emu.seed({
    activities: [activityDoc('act-again', { startAt, deadline: new Date(Date.now() + 2 * HOUR) })],
    activityParticipants: [
      // Cancelled late earlier (out of the queue), after a check-in and confirmed hours.
      participantDoc(pid, { _id: 'act-again', startAt }, 'demo-member', {
        state: 'cancelled',
        cancelledAt: new Date(Date.now() - HOUR),
        lateCancel: true,
        checkedInAt,
        checkedOutAt: new Date(checkedInAt.getTime() + HOUR),
        confirmedHours: 1.5,
        corrections: [correction],
      }),
    ],
  });
  const again = await within('write', call('demo-member', 'signUp', { activityId: 'act-again' }));
  expect(again.status).toBe('confirmed');
  const stored = emu.db.get('activityParticipants', pid) as Record<string, unknown>;
  expect(stored).toMatchObject({
    state: 'active',
    lateCancel: true,
    checkedInAt,
    confirmedHours: 1.5,
    corrections: [correction],
  });
  expect(stored.checkedOutAt).toEqual(new Date(checkedInAt.getTime() + HOUR));
  const listed = await allSignups('act-again');
  expect(listed[0]).toMatchObject({ lateCancel: true, confirmedHours: 1.5 });
  expect(listed[0].corrections).toHaveLength(1);
  const detail = await within('read', call('demo-secretary', 'get', { activityId: 'act-again' }));
  expect(detail.lateCancellations).toBe(1);
});

describe('a refused re-sign-up keeps the cancellation on record', () => {
  const cancelledAt = new Date(Date.now() - HOUR);
  const cancelledDoc = (id: string, openid: string) =>
    participantDoc(participantId(id, openid), { _id: id }, openid, {
      state: 'cancelled',
      cancelledAt,
      lateCancel: true,
    });

  test('waitlist full: FULL, and the cancelled list still has them with their cancel time', async () => {
    const queue = Array.from({ length: 201 }, (_, i) => `pfill${i}`);
    await emu.seed({
      activities: [activityDoc('act-full2', { capacity: 1, queue })],
      activityParticipants: [cancelledDoc('act-full2', 'demo-member')],
    });
    const r = await call('demo-member', 'signUp', { activityId: 'act-full2' });
    expect(err(r.result).code).toBe('FULL');
    const gone = await allSignups('act-full2', 'cancelled');
    expect(gone.map((x) => [x.name, x.status, x.cancelledAt, x.lateCancel])).toEqual([
      ['姓名mber', 'cancelled', cancelledAt.toISOString(), true],
    ]);
  });

  test('two people racing for the last waitlist place: the one refused stays cancelled', async () => {
    const queue = Array.from({ length: 200 }, (_, i) => `pfill${i}`);
    await emu.seed({
      activities: [activityDoc('act-last', { capacity: 1, queue })],
      activityParticipants: [
        cancelledDoc('act-last', 'demo-member'),
        cancelledDoc('act-last', 'demo-elder'),
      ],
    });
    const rs = await Promise.all(
      ['demo-member', 'demo-elder'].map((who) => call(who, 'signUp', { activityId: 'act-last' })),
    );
    const won = rs.filter((r) => r.result.ok);
    expect(won).toHaveLength(1);
    expect(rs.filter((r) => !r.result.ok).map((r) => err(r.result).code)).toEqual(['FULL']);
    for (const r of rs) expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    const gone = await allSignups('act-last', 'cancelled');
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({ cancelledAt: cancelledAt.toISOString(), lateCancel: true });
    const active = await allSignups('act-last');
    expect(active).toHaveLength(201);
  });

  test('a re-sign-up interrupted after taking its place is completed by the retry', async () => {
    const pid = participantId('act-half', 'demo-member');
    await emu.seed({
      activities: [activityDoc('act-half', { queue: [pid] })],
      activityParticipants: [cancelledDoc('act-half', 'demo-member')],
    });
    const r = await within('write', call('demo-member', 'signUp', { activityId: 'act-half' }));
    expect(r.status).toBe('confirmed');
    expect(emu.db.get('activityParticipants', pid)).toMatchObject({
      state: 'active',
      cancelledAt: null,
      lateCancel: true,
    });
    // Now complete: a retry writes nothing.
    const again = await call('demo-member', 'signUp', { activityId: 'act-half' });
    expect(again.dbRequests).toBe(2);
  });
});

test('once checked in (from 30 minutes before the start), cancelling is refused', async () => {
  const startAt = new Date(Date.now() + 20 * 60_000);
  const pids = ['demo-member', 'demo-elder'].map((o) => participantId('act-in', o));
  await emu.seed({
    activities: [activityDoc('act-in', { startAt, queue: pids })],
    activityParticipants: ['demo-member', 'demo-elder'].map((o, i) =>
      participantDoc(pids[i], { _id: 'act-in', startAt }, o),
    ),
  });
  const token = makeToken(
    { _id: 'act-in', tokenSecret: 'secret-act-in' },
    Math.floor(Date.now() / 1000) + 40,
  );
  const before = await within('read', call('demo-member', 'get', { activityId: 'act-in' }));
  expect(before.can.cancel).toBe(true);
  await within('write', call('demo-member', 'checkIn', { token }));
  const after = await within('read', call('demo-member', 'get', { activityId: 'act-in' }));
  expect(after.can).toMatchObject({ cancel: false, checkOut: true });
  const r = await call('demo-member', 'cancel', { activityId: 'act-in' });
  expect(err(r.result)).toEqual({ code: 'CONFLICT', message: '您已签到，不能取消报名' });
  expect((emu.db.get('activities', 'act-in') as { queue: string[] }).queue).toEqual(pids);
  // Not checked in: still allowed until the start.
  await within('write', call('demo-elder', 'cancel', { activityId: 'act-in' }));
});

test('a retried sign-up changes nothing (same call twice, and the same requestId)', async () => {
  const activityId = await createPublic(1);
  await within('write', call('demo-elder', 'signUp', { activityId }));
  const first = await within('write', call('demo-member', 'signUp', { activityId }));
  expect(first).toEqual({ activityId, status: 'waitlisted', position: 1 });
  const before = emu.db.get('activities', activityId);
  const again = await call('demo-member', 'signUp', { activityId });
  expect(ok(again.result)).toEqual(first);
  expect(again.dbRequests).toBe(2);
  const id = rid();
  const a = await call('demo-member', 'signUp', { activityId }, id);
  const b = await call('demo-member', 'signUp', { activityId }, id);
  expect(ok(a.result)).toEqual(first);
  expect(ok(b.result)).toEqual(first);
  expect(emu.db.get('activities', activityId)).toEqual(before);
});

test('the waitlist is bounded: beyond capacity + 200 the answer is FULL', async () => {
  const queue = Array.from({ length: 201 }, (_, i) => `pfill${i}`);
  await emu.seed({ activities: [activityDoc('act-full', { capacity: 1, queue })] });
  const r = await call('demo-member', 'signUp', { activityId: 'act-full' });
  expect(err(r.result)).toMatchObject({ code: 'FULL', message: '候补名额已满' });
});

describe('deadlines', () => {
  test('signing up after the deadline is CONFLICT', async () => {
    const startAt = new Date(Date.now() + DAY);
    await emu.seed({
      activities: [activityDoc('act-closed', { startAt, deadline: new Date(Date.now() - HOUR) })],
    });
    const r = await call('demo-member', 'signUp', { activityId: 'act-closed' });
    expect(err(r.result)).toMatchObject({ code: 'CONFLICT', message: '报名已截止' });
  });

  test('cancelling after the deadline is allowed until the start and flagged; after, CONFLICT', async () => {
    const startAt = new Date(Date.now() + 3 * HOUR);
    const pid = participantId('act-late', 'demo-member');
    const pid2 = participantId('act-begun', 'demo-member');
    const begun = new Date(Date.now() - HOUR);
    await emu.seed({
      activities: [
        activityDoc('act-late', { startAt, deadline: new Date(Date.now() - HOUR), queue: [pid] }),
        activityDoc('act-begun', { startAt: begun, queue: [pid2] }),
      ],
      activityParticipants: [
        participantDoc(pid, { _id: 'act-late', startAt }, 'demo-member'),
        participantDoc(pid2, { _id: 'act-begun', startAt: begun }, 'demo-member'),
      ],
    });
    const late = await within('write', call('demo-member', 'cancel', { activityId: 'act-late' }));
    expect(late).toMatchObject({ late: true, status: 'cancelled' });
    const detail = await within('read', call('demo-secretary', 'get', { activityId: 'act-late' }));
    expect(detail.lateCancellations).toBe(1);
    const listed = await allSignups('act-late', 'cancelled');
    expect(listed[0].lateCancel).toBe(true);

    const r = await call('demo-member', 'cancel', { activityId: 'act-begun' });
    expect(err(r.result)).toMatchObject({
      code: 'CONFLICT',
      message: '活动已经开始，不能再修改报名',
    });
  });
});

test('a caller without a profile must give name and phone for a public activity; phones are masked for everyone', async () => {
  const activityId = await createPublic(5);
  const none = await call('stranger-1', 'signUp', { activityId });
  expect(err(none.result)).toMatchObject({
    code: 'INVALID_ARGUMENT',
    message: '请填写姓名和手机号后再报名',
  });
  const half = await call('stranger-1', 'signUp', { activityId, realName: '张三' });
  expect(err(half.result).code).toBe('INVALID_ARGUMENT');
  const badPhone = await call('stranger-1', 'signUp', {
    activityId,
    realName: '张三',
    phone: '123',
  });
  expect(err(badPhone.result).message).toContain('手机号');
  await within(
    'write',
    call('stranger-1', 'signUp', { activityId, realName: '张三丰', phone: '13812345678' }),
  );
  // A party member of another branch is named by their membership and gives nothing.
  await within('write', call('demo-member-3', 'signUp', { activityId }));

  const bySecretary = await allSignups(activityId);
  expect(bySecretary.map((s) => [s.name, s.who, s.phone])).toEqual([
    ['张三丰', 'resident', '138****5678'],
    ['林淑珍', 'resident', null],
  ]);
  const byOrganiser = await within('read', call('demo-organizer', 'listSignups', { activityId }));
  expect(byOrganiser.items[0].phone).toBe('138****5678');
  const byMember = await call('demo-member', 'listSignups', { activityId });
  expect(err(byMember.result).code).toBe('FORBIDDEN');
});

describe('audience', () => {
  async function tryAll(activityId: string, who: string[]) {
    const out: Record<string, string> = {};
    for (const openid of who) {
      const r = await call(openid, 'signUp', {
        activityId,
        realName: '路人甲',
        phone: '13900000000',
      });
      out[openid] = r.result.ok ? r.result.data.status : r.result.error.code;
    }
    return out;
  }
  const WHO = [
    'demo-member',
    'demo-activist',
    'demo-member-2',
    'demo-secretary-2',
    'demo-resident',
  ];

  test('branch: the branch’s members only', async () => {
    const activityId = await createPublic(10, { audience: 'branch' });
    expect(await tryAll(activityId, WHO)).toEqual({
      'demo-member': 'confirmed',
      'demo-activist': 'confirmed',
      'demo-member-2': 'FORBIDDEN',
      'demo-secretary-2': 'FORBIDDEN',
      'demo-resident': 'FORBIDDEN',
    });
    // Nor may they see it.
    expect(err((await call('demo-resident', 'get', { activityId })).result).code).toBe('FORBIDDEN');
  });

  test('reported: members and members reported to the branch (双报到)', async () => {
    const activityId = await createPublic(10, { audience: 'reported' });
    expect(await tryAll(activityId, WHO)).toEqual({
      'demo-member': 'confirmed',
      'demo-activist': 'confirmed',
      'demo-member-2': 'confirmed',
      'demo-secretary-2': 'FORBIDDEN',
      'demo-resident': 'FORBIDDEN',
    });
    const listed = await allSignups(activityId);
    expect(listed.find((s) => s.name === '黄德明')?.who).toBe('reported');
  });

  test('public: anyone, residents included', async () => {
    const activityId = await createPublic(10, { audience: 'public' });
    expect(Object.values(await tryAll(activityId, WHO))).toEqual(Array(5).fill('confirmed'));
  });

  test('a team’s activity: members of the team only', async () => {
    await emu.seed({
      volunteerTeams: [
        {
          _id: 'team-t',
          branchId: B1,
          name: '测试服务队',
          description: '',
          members: ['demo-elder'],
          memberCount: 1,
          createdBy: 'demo-secretary',
          createdAt: new Date(),
        },
      ],
    });
    const activityId = await createPublic(10, { audience: 'branch', teamId: 'team-t' });
    const out = await tryAll(activityId, ['demo-elder', 'demo-member']);
    expect(out).toEqual({ 'demo-elder': 'confirmed', 'demo-member': 'FORBIDDEN' });
    const r = await call('demo-member', 'signUp', { activityId });
    expect(err(r.result).message).toBe('该活动仅限本服务队队员报名');
    await within('write', call('demo-member', 'joinTeam', { teamId: 'team-t' }));
    expect(ok((await call('demo-member', 'signUp', { activityId })).result).status).toBe(
      'confirmed',
    );
  });
});

test('meetings take no sign-ups; a cancelled activity takes none either', async () => {
  const { activityId } = await within(
    'write',
    call(
      'demo-secretary',
      'create',
      {
        branchId: B1,
        kind: 'meeting',
        title: '支部党员大会',
        startAt: new Date(Date.now() + DAY).toISOString(),
        endAt: new Date(Date.now() + DAY + HOUR).toISOString(),
      },
      rid(),
    ),
  );
  expect(err((await call('demo-member', 'signUp', { activityId })).result).code).toBe('CONFLICT');
  const vol = await createPublic(3);
  await within(
    'write',
    call('demo-secretary', 'cancelActivity', { activityId: vol, reason: '天气原因' }, rid()),
  );
  expect(err((await call('demo-member', 'signUp', { activityId: vol })).result)).toMatchObject({
    code: 'CONFLICT',
    message: '该活动已取消',
  });
});
