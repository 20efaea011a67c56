/**
 * Activities themselves through the emulator with the demo seed: create and its checks,
 * content security, edits (capacity up confirms and notifies, down only to the queue), the
 * organisers' cancellation (everyone hears it), the lists and the detail, the caller's own
 * activities, the reminder timer, and volunteer teams.
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  B2,
  DAY,
  HOUR,
  activityCaller,
  activityDoc,
  activityInput,
  meetingInput,
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

type Sent = { touser: string; page?: string; data: Record<string, { value: string }> };
const outbox = () => emu.emulator.outbox.list() as Sent[];

describe('create', () => {
  test('a volunteer activity with its fields; secrets never leave', async () => {
    const input = activityInput({
      place: { name: '社区服务中心', latitude: 31.2, longitude: 121.4 },
      contactName: '张丽',
      contactPhone: '13800001004',
    });
    const made = await within('write', call('demo-organizer', 'create', input, rid()));
    expect(made.visibility).toBe('visible');
    const got = await within('read', call('demo-resident', 'get', { activityId: made.activityId }));
    expect(got).toMatchObject({
      kind: 'volunteer',
      kindLabel: '志愿服务',
      title: input.title,
      audience: 'public',
      capacity: 5,
      confirmedCount: 0,
      status: 'upcoming',
      branchName: '幸福里社区第一党支部',
      place: { name: '社区服务中心', latitude: 31.2, longitude: 121.4 },
      contactName: '张丽',
      contactPhone: '138****1004',
      my: { signup: 'none', expected: false },
      can: { signUp: true, manage: false, moderate: false },
    });
    expect(JSON.stringify(got)).not.toMatch(/tokenSecret|queue|expected"?:\s*\[/);
  });

  test.each([
    ['endAt before startAt', { endAt: new Date(Date.now() + HOUR).toISOString() }, 'endAt'],
    ['longer than 24 hours', { endAt: new Date(Date.now() + 3 * DAY).toISOString() }, 'endAt'],
    [
      'deadline after the start',
      { deadline: new Date(Date.now() + 2 * DAY).toISOString() },
      'deadline',
    ],
    ['capacity 0', { capacity: 0 }, 'capacity'],
    ['title too short', { title: '一' }, 'title'],
    ['bad phone', { contactPhone: '12345' }, 'contactPhone'],
    ['bad audience', { audience: 'world' }, 'audience'],
  ])('refuses %s', async (_name, extra, field) => {
    const r = await call('demo-secretary', 'create', activityInput(extra));
    const e = err(r.result);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(field);
  });

  test('an activity that already ended cannot be created; a meeting has no places', async () => {
    const past = await call(
      'demo-secretary',
      'create',
      activityInput({
        startAt: new Date(Date.now() - 3 * HOUR).toISOString(),
        endAt: new Date(Date.now() - HOUR).toISOString(),
      }),
    );
    expect(err(past.result).message).toContain('结束时间已过');
    const capped = await call('demo-secretary', 'create', meetingInput({ capacity: 5 }));
    expect(err(capped.result).message).toContain('只有志愿服务活动可以设置名额');
  });

  test('risky text is refused; text for review is held and seen by organisers only', async () => {
    const risky = await call(
      'demo-secretary',
      'create',
      activityInput({ title: '测试违规词活动' }),
    );
    expect(err(risky.result).code).toBe('CONTENT_RISKY');
    const { activityId, visibility } = await within(
      'write',
      call('demo-secretary', 'create', activityInput({ description: '内容测试待审词' }), rid()),
    );
    expect(visibility).toBe('held');
    expect(err((await call('demo-member', 'get', { activityId })).result).code).toBe('NOT_FOUND');
    expect(ok((await call('demo-propaganda', 'get', { activityId })).result).held).toBe(true);
    const listed = await within('read', call('demo-member', 'list', { branchId: B1 }));
    expect(listed.items.map((i) => i.activityId)).not.toContain(activityId);
    const byOrganiser = await within('read', call('demo-organizer', 'list', { branchId: B1 }));
    expect(byOrganiser.items.map((i) => i.activityId)).toContain(activityId);
    // Organisers may not release it; the secretary or deputy may, and members then see it.
    expect(err((await call('demo-organizer', 'moderate', { activityId })).result).code).toBe(
      'FORBIDDEN',
    );
    await within('write', call('demo-deputy', 'moderate', { activityId }));
    expect(ok((await call('demo-member', 'get', { activityId })).result).held).toBe(false);
    expect(err((await call('demo-deputy', 'moderate', { activityId })).result)).toMatchObject({
      code: 'CONFLICT',
      message: '该活动不在待审核状态',
    });
    // Held again by an edit for review, then edited to pass: visible again.
    await within(
      'write',
      call('demo-secretary', 'update', { activityId, description: '内容测试待审词，再改一次' }),
    );
    expect(err((await call('demo-member', 'get', { activityId })).result).code).toBe('NOT_FOUND');
    const edited = await within(
      'write',
      call('demo-secretary', 'update', { activityId, description: '为老人打扫卫生' }),
    );
    expect(edited.visibility).toBe('visible');
    expect(ok((await call('demo-member', 'get', { activityId })).result).held).toBe(false);
  });

  test('members may not create; nor an organiser of another branch', async () => {
    expect(err((await call('demo-member', 'create', activityInput())).result).code).toBe(
      'FORBIDDEN',
    );
    expect(err((await call('demo-secretary-2', 'create', activityInput())).result).code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('update', () => {
  test('raising the capacity confirms the first waitlisted and tells them; lowering only to the queue', async () => {
    const { activityId } = await within(
      'write',
      call('demo-secretary', 'create', activityInput({ capacity: 1 }), rid()),
    );
    for (const who of ['demo-member', 'demo-elder', 'demo-activist']) {
      await within('write', call(who, 'signUp', { activityId }));
    }
    emu.emulator.outbox.clear();
    await within('write', call('demo-secretary', 'update', { activityId, capacity: 2 }));
    expect(outbox().map((m) => m.touser)).toEqual(['demo-elder']);
    const elder = await within('read', call('demo-elder', 'get', { activityId }));
    expect(elder.my).toMatchObject({ signup: 'confirmed', position: null });
    const activist = await within('read', call('demo-activist', 'get', { activityId }));
    expect(activist.my).toMatchObject({ signup: 'waitlisted', position: 1 });

    const below = await call('demo-secretary', 'update', { activityId, capacity: 1 });
    expect(err(below.result)).toMatchObject({
      code: 'CONFLICT',
      message: '名额不能少于已确认的人数',
    });
    await within('write', call('demo-activist', 'cancel', { activityId }));
    // 2 in the queue, capacity 2 → 2 is fine, and 5 again.
    await within('write', call('demo-secretary', 'update', { activityId, capacity: 5 }));
    await within('write', call('demo-secretary', 'update', { activityId, capacity: 2 }));
  });

  test('lowering the capacity races a sign-up safely: nobody told "confirmed" is pushed out', async () => {
    const tick = () => new Promise((r) => setImmediate(r));
    // The edit also changes the title (content security between its read and its write), and
    // the sign-ups start a few ticks apart, so some land between the edit's read and write.
    for (let delay = 0; delay < 12; delay++) {
      const { activityId } = await within(
        'write',
        call('demo-secretary', 'create', activityInput({ capacity: 5 }), rid()),
      );
      await within('write', call('demo-member', 'signUp', { activityId }));
      const lowering = call('demo-secretary', 'update', {
        activityId,
        capacity: 2,
        title: `新的标题${delay}`,
      });
      for (let i = 0; i < delay; i++) await tick();
      const [lower, a, b] = await Promise.all([
        lowering,
        call('demo-elder', 'signUp', { activityId }),
        call('demo-activist', 'signUp', { activityId }),
      ]);
      const doc = emu.db.get('activities', activityId) as { capacity: number; queue: string[] };
      for (const [who, r] of [
        ['demo-elder', a],
        ['demo-activist', b],
      ] as const) {
        if (ok(r.result).status === 'confirmed') {
          expect(doc.queue.indexOf(participantId(activityId, who))).toBeLessThan(doc.capacity);
        }
      }
      expect(doc.capacity).toBe(lower.result.ok ? 2 : 5);
    }
  });

  test('a meeting edited to another group takes that group as its audience', async () => {
    const { activityId } = await within(
      'write',
      call(
        'demo-secretary',
        'create',
        meetingInput({ meetingType: 'groupMeeting', groupId: 'pg-b1-1' }),
        rid(),
      ),
    );
    await within('write', call('demo-secretary', 'update', { activityId, groupId: 'pg-b1-2' }));
    const got = await within('read', call('demo-secretary', 'get', { activityId }));
    expect(got.group).toEqual({ groupId: 'pg-b1-2', name: '第二党小组' });
    const doc = emu.db.get('activities', activityId) as { expected: { openid: string }[] };
    expect(doc.expected.map((e) => e.openid)).toContain('demo-organizer');
    expect(doc.expected.map((e) => e.openid)).not.toContain('demo-member');
  });

  test('null clears the limit, the team, the place and the contact; omitted keeps them', async () => {
    const input = activityInput({
      place: { name: '社区服务中心', latitude: 31.2, longitude: 121.4 },
      contactName: '张丽',
      contactPhone: '13800001004',
      teamId: 'team-b1-elderly',
      audience: 'branch',
    });
    const { activityId } = await within('write', call('demo-organizer', 'create', input));
    await within('write', call('demo-organizer', 'update', { activityId, title: '改过的标题' }));
    expect(await within('read', call('demo-organizer', 'get', { activityId }))).toMatchObject({
      capacity: 5,
      team: { teamId: 'team-b1-elderly' },
      contactName: '张丽',
      place: { name: '社区服务中心' },
    });
    await within(
      'write',
      call('demo-organizer', 'update', {
        activityId,
        capacity: null,
        teamId: null,
        place: null,
        contactName: null,
        contactPhone: null,
      }),
    );
    expect(await within('read', call('demo-organizer', 'get', { activityId }))).toMatchObject({
      capacity: null,
      team: null,
      contactName: null,
      contactPhone: null,
      place: null,
      placeName: null,
    });
  });

  test('not after the end, not once cancelled, not by members', async () => {
    await emu.seed({
      activities: [
        activityDoc('a-ended', {
          startAt: new Date(Date.now() - 3 * HOUR),
          endAt: new Date(Date.now() - HOUR),
        }),
      ],
    });
    expect(
      err(
        (await call('demo-secretary', 'update', { activityId: 'a-ended', title: '新标题' })).result,
      ),
    ).toMatchObject({ code: 'CONFLICT', message: '该活动已结束' });
    expect(
      err((await call('demo-member', 'update', { activityId: 'a-ended', title: '新标题' })).result)
        .code,
    ).toBe('FORBIDDEN');
  });
});

describe('participants’ copies of the activity', () => {
  test('title, start and year follow an edit into another year: attendanceStats, mine and myRecord', async () => {
    const thisYear = Number(new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 4));
    const far = new Date(`${thisYear + 1}-03-10T02:00:00.000Z`);
    const M = 'demo-member';
    const meeting = activityDoc('cp-m', {
      kind: 'meeting',
      meetingType: 'memberMeeting',
      audience: 'branch',
      capacity: null,
      startAt: far,
      expected: [{ openid: M, name: '李秀英' }],
    });
    const vol = activityDoc('cp-v', { startAt: far, queue: [participantId('cp-v', M)] });
    const later = activityDoc('cp-later', {
      startAt: new Date(Date.now() + 2 * DAY),
      queue: [participantId('cp-later', M)],
    });
    await emu.seed({
      activities: [meeting, vol, later],
      activityParticipants: [
        participantDoc(participantId('cp-m', M), meeting, M, {
          kind: 'meeting',
          state: null,
          reply: 'attend',
        }),
        participantDoc(participantId('cp-v', M), vol, M),
        participantDoc(participantId('cp-later', M), later, M),
      ],
    });
    expect(emu.db.get('activityParticipants', participantId('cp-m', M))?.year).toBe(thisYear + 1);

    // Both moved to now (started 30 minutes ago) and renamed.
    const startAt = new Date(Date.now() - 30 * 60_000).toISOString();
    const endAt = new Date(Date.now() + 90 * 60_000).toISOString();
    for (const activityId of ['cp-m', 'cp-v']) {
      await within(
        'write',
        call('demo-secretary', 'update', { activityId, title: '改期后的活动', startAt, endAt }),
      );
      expect(emu.db.get('activityParticipants', participantId(activityId, M))).toMatchObject({
        title: '改期后的活动',
        startAt: new Date(startAt),
        year: thisYear,
      });
    }
    await within(
      'write',
      call('demo-secretary', 'markAttendance', {
        activityId: 'cp-m',
        entries: [{ personId: M, attendance: 'present' }],
      }),
    );
    const token = makeToken(
      { _id: 'cp-v', tokenSecret: 'secret-cp-v' },
      Math.floor(Date.now() / 1000) + 40,
    );
    await within('write', call(M, 'checkIn', { token }));

    const stats = await within('read', call('demo-secretary', 'attendanceStats', { branchId: B1 }));
    expect(stats.year).toBe(thisYear);
    expect(stats.meetings.find((m) => m.activityId === 'cp-m')).toMatchObject({
      title: '改期后的活动',
      startAt,
      summary: { expected: 1, present: 1, rate: 100 },
    });

    const mine = await within('read', call(M, 'mine'));
    const ids = mine.items.map((i) => i.activityId);
    expect(ids.indexOf('cp-later')).toBeLessThan(ids.indexOf('cp-m'));
    expect(ids.indexOf('cp-later')).toBeLessThan(ids.indexOf('cp-v'));
    const starts = mine.items.map((i) => Date.parse(i.startAt));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));

    const record = await within('read', call(M, 'myRecord'));
    expect(record.items.find((i) => i.activityId === 'cp-v')).toMatchObject({
      title: '改期后的活动',
      startAt,
    });
  });
});

test('cancelling an activity notifies everyone signed up (waitlist too) or expected', async () => {
  const { activityId } = await within(
    'write',
    call('demo-secretary', 'create', activityInput({ capacity: 1 }), rid()),
  );
  for (const who of ['demo-member', 'demo-elder'])
    await within('write', call(who, 'signUp', { activityId }));
  emu.emulator.outbox.clear();
  const done = await within(
    'write',
    call('demo-deputy', 'cancelActivity', { activityId, reason: '台风预警' }, rid()),
  );
  expect(done).toEqual({ activityId, status: 'cancelled', notified: 2, skipped: 0 });
  expect(
    outbox()
      .map((m) => m.touser)
      .sort(),
  ).toEqual(['demo-elder', 'demo-member']);
  expect(outbox()[0].data.thing3.value).toContain('台风预警');
  const again = await call('demo-deputy', 'cancelActivity', { activityId, reason: '台风预警' });
  expect(err(again.result).code).toBe('CONFLICT');
  const got = await within('read', call('demo-member', 'get', { activityId }));
  expect(got).toMatchObject({ status: 'cancelled', cancelReason: '台风预警' });
  expect(got.can).toMatchObject({ cancel: false, signUp: false, checkIn: false });

  // A meeting: its expected audience hears it.
  emu.emulator.outbox.clear();
  const meeting = await call('demo-secretary', 'cancelActivity', {
    activityId: 'act-b1-member-meeting',
    reason: '改期举行',
  });
  expect(ok(meeting.result).notified).toBe(15);
  expect(new Set(outbox().map((m) => m.touser)).size).toBe(15);
  expect(
    err((await call('demo-member', 'cancelActivity', { activityId, reason: '不去了' })).result)
      .code,
  ).toBe('FORBIDDEN');
});

describe('lists', () => {
  test('upcoming soonest first for the caller’s branch; past newest first; each item with the caller’s state', async () => {
    const up = await within('read', call('demo-member', 'list'));
    const ids = up.items.map((i) => i.activityId);
    expect(ids).toEqual([
      'act-b1-volunteer-today',
      'act-b1-volunteer-open',
      'act-b1-member-meeting',
      'act-b1-committee-meeting',
      'act-b1-themeday',
      'act-b1-group-meeting',
    ]);
    const starts = up.items.map((i) => Date.parse(i.startAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(up.canCreate).toBe(false);
    const today = up.items[0];
    expect(today).toMatchObject({ status: 'ongoing', my: { signup: 'confirmed' } });
    const open = up.items[1];
    expect(open).toMatchObject({ capacity: 5, confirmedCount: 4, waitlistCount: 0 });
    expect(up.items[2].my).toMatchObject({ expected: true, reply: 'attend' });

    const past = await within('read', call('demo-member', 'list', { branchId: B1, when: 'past' }));
    expect(past.items.map((i) => i.activityId)).toEqual([
      'act-b1-volunteer-past',
      'act-b1-lesson-past',
      'act-b1-themeday-past',
    ]);
    expect(past.items[0].my).toMatchObject({ hours: 3, attendance: 'present' });

    const vol = await within('read', call('demo-member', 'list', { kind: 'volunteer' }));
    expect(vol.items.every((i) => i.kind === 'volunteer')).toBe(true);
    expect((await within('read', call('demo-secretary', 'list'))).canCreate).toBe(true);
  });

  test('the demo seed has upcoming and past activities of every kind, one nearly full', async () => {
    const up = await within('read', call('demo-secretary', 'list', { branchId: B1 }));
    const past = await within(
      'read',
      call('demo-secretary', 'list', { branchId: B1, when: 'past' }),
    );
    const kinds = (items: { kind: string }[]) => new Set(items.map((i) => i.kind));
    expect(kinds(up.items)).toEqual(new Set(['meeting', 'themeDay', 'volunteer']));
    expect(kinds(past.items)).toEqual(new Set(['meeting', 'themeDay', 'volunteer']));
    const committee = up.items.find((i) => i.activityId === 'act-b1-committee-meeting');
    expect(committee).toMatchObject({ meetingType: 'committeeMeeting', kindLabel: '支委会' });
    expect(committee?.my.expected).toBe(true);
    const member = await within('read', call('demo-member', 'list', { branchId: B1 }));
    expect(member.items.find((i) => i.activityId === 'act-b1-committee-meeting')?.my.expected).toBe(
      false,
    );
    const theme = await within(
      'read',
      call('demo-secretary', 'attendance', { activityId: 'act-b1-themeday-past' }),
    );
    expect(theme.summary).toMatchObject({ expected: 16, present: 13, leave: 1, absent: 2 });
    const detail = await within(
      'read',
      call('demo-member', 'get', { activityId: 'act-b1-themeday-past' }),
    );
    expect(detail.minutes?.text).toContain('重温入党誓词');
    expect(up.items.some((i) => i.capacity !== null && i.confirmedCount === i.capacity - 1)).toBe(
      true,
    );
  });

  test('residents see the public activities of every branch; a reporter the reported ones', async () => {
    const res = await within('read', call('demo-resident', 'list'));
    expect(res.items.map((i) => i.activityId)).toEqual(['act-b1-volunteer-open']);
    expect(
      err((await call('demo-resident', 'get', { activityId: 'act-b1-themeday' })).result).code,
    ).toBe('FORBIDDEN');
    const reporter = await within('read', call('demo-member-2', 'list', { branchId: B1 }));
    expect(reporter.items.map((i) => i.activityId)).toEqual([
      'act-b1-volunteer-open',
      'act-b1-themeday',
    ]);
    const other = await within('read', call('demo-secretary-2', 'list', { branchId: B1 }));
    expect(other.items.map((i) => i.activityId)).toEqual(['act-b1-volunteer-open']);
  });

  test('without a branchId a reporter’s list holds their own branch and what the branch they report to opens to them', async () => {
    const own = await within('read', call('demo-member-2', 'list', { branchId: B2 }));
    const mixed = await within('read', call('demo-member-2', 'list'));
    const ids = mixed.items.map((i) => i.activityId);
    // Branch 1's reported and public activities, none of its branch-only meetings.
    expect(ids).toEqual(expect.arrayContaining(['act-b1-volunteer-open', 'act-b1-themeday']));
    expect(ids).not.toContain('act-b1-member-meeting');
    expect(ids).not.toContain('act-b1-volunteer-today');
    for (const i of own.items) expect(ids).toContain(i.activityId);
    expect(mixed.branchId).toBe(B2);
    const starts = mixed.items.map((i) => Date.parse(i.startAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  test('a reporter’s pages stay full and complete when the other branch has many branch-only activities', async () => {
    const base = Date.now() + 3 * DAY;
    const docs = [];
    for (let i = 0; i < 45; i++) {
      docs.push(
        activityDoc(`mix-${String(i).padStart(2, '0')}`, {
          audience: i % 3 === 0 ? 'reported' : 'branch',
          startAt: new Date(base + i * 60_000),
          endAt: new Date(base + i * 60_000 + HOUR),
        }),
      );
    }
    await emu.seed({ activities: docs });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await within(
        'read',
        call('demo-member-2', 'list', cursor ? { cursor } : undefined),
      );
      seen.push(...res.items.map((i) => i.activityId));
      cursor = res.nextCursor ?? undefined;
      if (cursor) expect(res.items.length).toBeGreaterThan(0);
      pages++;
    } while (cursor && pages < 10);
    const mix = seen.filter((id) => id.startsWith('mix-'));
    expect(mix).toEqual(docs.filter((d) => d.audience === 'reported').map((d) => d._id));
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('pages of 20 in start order, equal start times included, none twice', async () => {
    const base = Date.now() + 5 * DAY;
    const docs = Array.from({ length: 45 }, (_, i) =>
      activityDoc(`bulk-${String(i).padStart(2, '0')}`, {
        branchId: B2,
        branchName: '幸福里社区第二党支部',
        audience: 'branch',
        // Groups of three share a start time.
        startAt: new Date(base + Math.floor(i / 3) * HOUR),
      }),
    );
    await emu.seed({ activities: docs });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await within('read', call('demo-member-3', 'list', { branchId: B2, cursor }));
      seen.push(...page.items.map((i) => i.activityId));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toHaveLength(45);
  });

  test('mine: what the caller signed up for, replied to or attended, newest first', async () => {
    const got = await within('read', call('demo-member', 'mine'));
    expect(got.items.map((i) => i.activityId)).toEqual([
      'act-b1-themeday',
      'act-b1-member-meeting',
      'act-b1-volunteer-today',
      'act-b1-volunteer-past',
      'act-b1-lesson-past',
      'act-b1-themeday-past',
    ]);
    const elder = async () =>
      (await within('read', call('demo-elder', 'mine'))).items.map((i) => i.activityId);
    expect(await elder()).toContain('act-b1-volunteer-open');
    await within('write', call('demo-elder', 'cancel', { activityId: 'act-b1-volunteer-open' }));
    expect(await elder()).not.toContain('act-b1-volunteer-open');
    expect(
      (await within('read', call('demo-resident', 'mine'))).items.map((i) => i.activityId),
    ).toEqual(['act-b1-volunteer-open']);
  });

  test('mine: a held activity shows a neutral title and no place to a signed-up non-organiser', async () => {
    const startAt = new Date(Date.now() + 2 * DAY);
    const held = activityDoc('act-held-mine', {
      startAt,
      visibility: 'held',
      title: '待审核的标题文字',
      place: { name: '待审核的地点' },
      queue: [
        participantId('act-held-mine', 'demo-member'),
        participantId('act-held-mine', 'demo-organizer'),
      ],
    });
    await emu.seed({
      activities: [held],
      activityParticipants: [
        participantDoc(participantId('act-held-mine', 'demo-member'), held, 'demo-member'),
        participantDoc(participantId('act-held-mine', 'demo-organizer'), held, 'demo-organizer'),
      ],
    });
    const member = await call('demo-member', 'mine');
    expect(member.dbRequests).toBeLessThanOrEqual(READ_BUDGET);
    const item = ok(member.result).items.find((i) => i.activityId === 'act-held-mine');
    expect(item).toMatchObject({ title: '活动信息审核中', placeName: null, held: true });
    expect(JSON.stringify(ok(member.result))).not.toContain('待审核的');

    const organiser = await within('read', call('demo-organizer', 'mine'));
    expect(organiser.items.find((i) => i.activityId === 'act-held-mine')).toMatchObject({
      title: '待审核的标题文字',
      placeName: '待审核的地点',
    });
  });

  test('needsContact: only callers who are party members nowhere give name and phone', async () => {
    const { activityId } = await within('write', call('demo-organizer', 'create', activityInput()));
    const needs = async (who: string) =>
      (await within('read', call(who, 'get', { activityId }))).needsContact;
    expect(await needs('demo-resident')).toBe(true);
    expect(await needs('a-stranger-openid')).toBe(true);
    expect(await needs('demo-member')).toBe(false);
    // A member of another branch is named by that membership.
    expect(await needs('demo-secretary-2')).toBe(false);
    // Once signed up, nothing is asked any more.
    await within(
      'write',
      call('demo-resident', 'signUp', { activityId, realName: '陈桂兰', phone: '13700001234' }),
    );
    expect(await needs('demo-resident')).toBe(false);
  });

  test('the detail: the right buttons for the caller’s state', async () => {
    const today = await within(
      'read',
      call('demo-member', 'get', { activityId: 'act-b1-volunteer-today' }),
    );
    expect(today.can).toMatchObject({ checkIn: true, cancel: false, signUp: false });
    const open = await within(
      'read',
      call('demo-member', 'get', { activityId: 'act-b1-volunteer-open' }),
    );
    expect(open.can).toMatchObject({ signUp: true, cancel: false });
    const meeting = await within(
      'read',
      call('demo-member-b1-03', 'get', { activityId: 'act-b1-member-meeting' }),
    );
    expect(meeting.my.leave).toMatchObject({ status: 'pending' });
    expect(meeting.can).toMatchObject({ reply: true, signUp: false });
    expect(meeting.attendance).toBeNull();
    const bySecretary = await within(
      'read',
      call('demo-secretary', 'get', { activityId: 'act-b1-lesson-past' }),
    );
    expect(bySecretary.attendance?.rate).not.toBeNull();
    expect(bySecretary.minutes?.text).toContain('做新时代合格党员');
    expect(bySecretary.can).toMatchObject({ manage: true, moderate: true });
    expect(bySecretary.goodDeeds).toBe(1);
  });
});

describe('the remind timer', () => {
  test('24 hours and 2 hours before the start, once each, to confirmed volunteers and expected members not on leave', async () => {
    const start = Date.now() + 3 * DAY;
    const { activityId } = await within(
      'write',
      call(
        'demo-secretary',
        'create',
        activityInput({
          capacity: 1,
          startAt: new Date(start).toISOString(),
          endAt: new Date(start + 2 * HOUR).toISOString(),
        }),
        rid(),
      ),
    );
    await within('write', call('demo-member', 'signUp', { activityId }));
    await within('write', call('demo-elder', 'signUp', { activityId })); // waitlisted: not reminded
    const fire = (at: number) => emu.emulator.fireTimer('activity', 'remind', new Date(at));
    const mine = () => outbox().filter((m) => m.page?.endsWith(activityId));
    emu.emulator.outbox.clear();

    await fire(start - 25 * HOUR);
    expect(mine()).toHaveLength(0);
    await fire(start - 24 * HOUR + 60_000);
    expect(mine().map((m) => m.touser)).toEqual(['demo-member']);
    expect(mine()[0].data.thing3.value).toContain('24小时');
    await fire(start - 20 * HOUR);
    await Promise.all([fire(start - 23 * HOUR), fire(start - 23 * HOUR)]);
    expect(mine()).toHaveLength(1);
    // Two runs at once at the 2-hour mark: one message.
    await Promise.all([fire(start - 2 * HOUR + 60_000), fire(start - 2 * HOUR + 60_000)]);
    expect(mine()).toHaveLength(2);
    expect(mine()[1].data.thing3.value).toContain('2小时');
    await fire(start - HOUR);
    await fire(start + HOUR);
    expect(mine()).toHaveLength(2);
    expect(
      (emu.db.get('activities', activityId) as { nextRemindAt: unknown }).nextRemindAt,
    ).toBeNull();
  });

  test('a meeting reminds its expected members but those on leave; a late run sends one, not two', async () => {
    const startAt = new Date(
      (emu.db.get('activities', 'act-b1-member-meeting') as { startAt: Date }).startAt,
    ).getTime();
    emu.emulator.outbox.clear();
    // The timer was down through the 24-hour mark: at 1.5 hours before, one reminder.
    await emu.emulator.fireTimer('activity', 'remind', new Date(startAt - 90 * 60_000));
    const sent = outbox().filter((m) => m.page?.endsWith('act-b1-member-meeting'));
    expect(sent).toHaveLength(14); // 15 party members, one on leave (pending)
    expect(sent.map((m) => m.touser)).not.toContain('demo-member-b1-03');
    await emu.emulator.fireTimer('activity', 'remind', new Date(startAt - 60 * 60_000));
    expect(outbox().filter((m) => m.page?.endsWith('act-b1-member-meeting'))).toHaveLength(14);
  });

  test('a cancelled activity is not reminded', async () => {
    await within(
      'write',
      call(
        'demo-secretary',
        'cancelActivity',
        { activityId: 'act-b1-themeday', reason: '另行通知' },
        rid(),
      ),
    );
    emu.emulator.outbox.clear();
    const start = (
      emu.db.get('activities', 'act-b1-themeday') as { startAt: Date }
    ).startAt.getTime();
    await emu.emulator.fireTimer('activity', 'remind', new Date(start - 23 * HOUR));
    expect(outbox()).toHaveLength(0);
  });
});

describe('volunteer teams', () => {
  test('organisers create (names unique in the branch), members join and leave, counts stay right', async () => {
    const made = await within(
      'write',
      call(
        'demo-secretary',
        'createTeam',
        { branchId: B1, name: '环保服务队', description: '垃圾分类宣传' },
        rid(),
      ),
    );
    const dup = await call('demo-organizer', 'createTeam', { branchId: B1, name: '环保服务队' });
    expect(err(dup.result)).toMatchObject({
      code: 'CONFLICT',
      message: '本支部已有同名的志愿服务队',
    });
    expect(
      err((await call('demo-member', 'createTeam', { branchId: B1, name: '新队' })).result).code,
    ).toBe('FORBIDDEN');
    expect(
      err(
        (await call('demo-secretary', 'createTeam', { branchId: B1, name: '测试违规词队' })).result,
      ).code,
    ).toBe('CONTENT_RISKY');

    const teamId = made.teamId;
    const joins = await Promise.all(
      ['demo-member', 'demo-member', 'demo-elder', 'demo-activist'].map((o) =>
        call(o, 'joinTeam', { teamId }),
      ),
    );
    for (const j of joins) expect(j.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    expect(joins.every((j) => ok(j.result).joined)).toBe(true);
    const doc = emu.db.get('volunteerTeams', teamId) as { members: string[]; memberCount: number };
    expect(doc.members.sort()).toEqual(['demo-activist', 'demo-elder', 'demo-member']);
    expect(doc.memberCount).toBe(3);
    expect(err((await call('demo-member-2', 'joinTeam', { teamId })).result).code).toBe(
      'FORBIDDEN',
    );

    const left = await within('write', call('demo-elder', 'leaveTeam', { teamId }));
    expect(left).toEqual({ teamId, memberCount: 2, joined: false });
    const again = await within('write', call('demo-elder', 'leaveTeam', { teamId }));
    expect(again.joined).toBe(false);
    expect((emu.db.get('volunteerTeams', teamId) as { memberCount: number }).memberCount).toBe(2);
    expect(err((await call('demo-resident', 'leaveTeam', { teamId })).result).code).toBe(
      'FORBIDDEN',
    );

    const list = await within('read', call('demo-member', 'listTeams', { branchId: B1 }));
    expect(list.canManage).toBe(false);
    expect(list.items.map((t) => [t.name, t.memberCount, t.joined])).toEqual([
      ['助老服务队', 4, true],
      ['环保服务队', 2, true],
    ]);
    expect(err((await call('demo-resident', 'listTeams', { branchId: B1 })).result).code).toBe(
      'FORBIDDEN',
    );
  });
});

/**
 * Database requests per action, measured with realistic data (the demo branch of 16 members,
 * 40 sign-ups, a full-branch attendance mark) and with a requestId where the client sends one.
 * Exact figures: a change shows here (and in docs/api.md) before it can creep past the budget.
 */
test('budgets: database requests of every action of the core, exactly', async () => {
  const got: Record<string, number> = {};
  const measure = async <A extends ActivityAction>(name: string, p: Promise<ActivityCalled<A>>) => {
    const r = await p;
    ok(r.result);
    got[name] = r.dbRequests;
    return ok(r.result);
  };
  const vol = await measure(
    'create (volunteer)',
    call('demo-secretary', 'create', activityInput({ capacity: 5 }), rid()),
  );
  await measure(
    'create (team volunteer)',
    call('demo-secretary', 'create', activityInput({ teamId: 'team-b1-elderly' }), rid()),
  );
  const meet = await measure(
    'create (meeting)',
    call('demo-secretary', 'create', meetingInput(), rid()),
  );
  const activityId = vol.activityId;
  const people = Array.from({ length: 40 }, (_, i) => `bud-${i}`);
  for (const p of people.slice(0, 39)) {
    await call(p, 'signUp', { activityId, realName: '居民甲', phone: '13900000000' });
  }
  await measure(
    'signUp (new, waitlisted)',
    call(people[39], 'signUp', { activityId, realName: '居民乙', phone: '13900000001' }),
  );
  await measure('signUp (again)', call(people[39], 'signUp', { activityId }));
  await measure('cancel (promotes)', call(people[0], 'cancel', { activityId }));
  await measure('cancel (waitlisted)', call(people[30], 'cancel', { activityId }));
  await measure('listSignups', call('demo-secretary', 'listSignups', { activityId }));
  await measure(
    'revealPhone',
    call('demo-secretary', 'revealPhone', {
      activityId,
      signupId: participantId(activityId, people[1]),
    }),
  );
  await measure(
    'update (capacity up)',
    call('demo-secretary', 'update', { activityId, capacity: 7 }),
  );
  await measure(
    'update (meeting type)',
    call('demo-secretary', 'update', { activityId: meet.activityId, meetingType: 'partyLesson' }),
  );
  await measure(
    'update (title and capacity: copies, queue)',
    call('demo-secretary', 'update', { activityId, title: '社区助老志愿服务（改）', capacity: 9 }),
  );
  await measure('get', call('demo-member', 'get', { activityId: 'act-b1-member-meeting' }));
  await measure('list', call('demo-member', 'list'));
  await measure('mine', call('demo-member', 'mine'));
  await measure(
    'reply',
    call('demo-member', 'reply', { activityId: meet.activityId, answer: 'attend' }, rid()),
  );
  await measure(
    'decideLeave',
    call(
      'demo-secretary',
      'decideLeave',
      { activityId: 'act-b1-member-meeting', personId: 'demo-member-b1-03', approve: true },
      rid(),
    ),
  );
  await measure(
    'attendance',
    call('demo-secretary', 'attendance', { activityId: 'act-b1-lesson-past' }),
  );
  const expected = (
    emu.db.get('activities', 'act-b1-lesson-past') as {
      expected: { openid: string; name: string }[];
    }
  ).expected;
  // A meeting under way where a few have replied: marking inserts the others' documents.
  const begun = activityDoc('bud-meeting', {
    kind: 'meeting',
    meetingType: 'memberMeeting',
    audience: 'branch',
    capacity: null,
    startAt: new Date(Date.now() - 10 * 60_000),
    expected,
  });
  await emu.seed({
    activities: [begun],
    activityParticipants: expected.slice(0, 6).map((e) =>
      participantDoc(participantId('bud-meeting', e.openid), begun, e.openid, {
        kind: 'meeting',
        state: null,
        reply: 'attend',
      }),
    ),
  });
  await measure(
    'markAttendance (15 people, 3 values)',
    call('demo-secretary', 'markAttendance', {
      activityId: 'bud-meeting',
      entries: expected.map((e, i) => ({
        personId: e.openid,
        attendance: (['present', 'absent', 'leave'] as const)[i % 3],
      })),
    }),
  );
  await measure(
    'postMinutes',
    call('demo-secretary', 'postMinutes', {
      activityId: 'act-b1-lesson-past',
      text: '会议记录：学习党章，交流体会，布置下月工作。',
    }),
  );
  await measure('attendanceStats', call('demo-secretary', 'attendanceStats', { branchId: B1 }));
  await measure(
    'cancelActivity',
    call('demo-secretary', 'cancelActivity', { activityId, reason: '场地临时调整' }, rid()),
  );
  await measure('listTeams', call('demo-member', 'listTeams', { branchId: B1 }));
  const team = await measure(
    'createTeam',
    call('demo-secretary', 'createTeam', { branchId: B1, name: '文明劝导队' }, rid()),
  );
  await measure('joinTeam', call('demo-member', 'joinTeam', { teamId: team.teamId }));
  await measure('leaveTeam', call('demo-member', 'leaveTeam', { teamId: team.teamId }));
  expect(got).toEqual({
    'create (volunteer)': 4,
    'create (team volunteer)': 5,
    'create (meeting)': 5,
    'signUp (new, waitlisted)': 5,
    'signUp (again)': 2,
    'cancel (promotes)': 4,
    'cancel (waitlisted)': 4,
    listSignups: 1,
    revealPhone: 2,
    'update (capacity up)': 3,
    'update (meeting type)': 3,
    'update (title and capacity: copies, queue)': 4,
    get: 2,
    list: 3,
    mine: 2,
    reply: 4,
    decideLeave: 4,
    attendance: 1,
    'markAttendance (15 people, 3 values)': 5,
    postMinutes: 3,
    attendanceStats: 3,
    cancelActivity: 4,
    listTeams: 2,
    createTeam: 4,
    joinTeam: 3,
    leaveTeam: 2,
  });
});
