/**
 * Records through the emulator: the caller's volunteer record (attended activities only, newest
 * first, cursor pages without loss or repetition), the certificate (figures and a serial that
 * follows them), good deeds recorded by organisers on started activities (content checked,
 * a retried call counted once) and the branch's tally, with the budget of every call.
 */
import type { TestEmulator } from '../helpers/emulator';
import { HOUR, DAY, activityCaller } from '../helpers/activity';
import { demoEmulator, rid } from '../helpers/branch';
import { participantId, refused, seedVolunteer, within } from '../helpers/volunteer';
import { certificateSerial } from '../../cloudfunctions/activity/records';
import { chinaDay } from '../../cloudfunctions/common/util';

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

/** A member of branch 1 without volunteer records in the demo seed. */
const MEMBER = 'demo-member-b1-09';
const NAME = '魏淑芬';
/** Good deeds are tested in branch 2, whose tally the demo seed leaves empty. */
const B2 = 'org-branch-2';
const ORGANISER = 'demo-organizer-2';
const B2_EXTRA = { branchId: B2, branchName: '幸福里社区第二党支部' };

/** A volunteer activity `daysAgo` days ago (negative: ahead) with the member's record. */
async function served(id: string, daysAgo: number, extra: Record<string, unknown>) {
  const startAt = new Date(Date.now() - daysAgo * DAY);
  await seedVolunteer(emu, id, {
    startAt,
    endAt: new Date(startAt.getTime() + 2 * HOUR),
    people: [{ openid: MEMBER, extra: { name: NAME, ...extra } }],
  });
  return startAt;
}

describe('myRecord and certificate', () => {
  test('attended activities only, volunteer only, cancelled left out, newest first', async () => {
    const first = await served('v1', 40, { confirmedHours: 2 });
    const last = await served('v2', 10, { confirmedHours: 1.5 });
    // Checked in but stayed too short: attended, 0 hours confirmed.
    await served('v3', 5, { confirmedHours: 0, checkedInAt: new Date(Date.now() - 5 * DAY) });
    await served('v4', -3, {}); // ahead, not attended yet
    await served('v5', 2, { state: 'cancelled', confirmedHours: null });
    // Checked in yesterday, hours not confirmed yet; marked present by hand 3 days ago.
    await served('v7', 1, { checkedInAt: new Date(Date.now() - DAY) });
    await served('v8', 3, { attendance: 'present' });
    // Stayed waitlisted (in the queue beyond the only place), and confirmed but absent.
    const waitStart = new Date(Date.now() - 4 * DAY);
    await seedVolunteer(emu, 'v9', {
      startAt: waitStart,
      endAt: new Date(waitStart.getTime() + 2 * HOUR),
      extra: { capacity: 1 },
      people: [{ openid: 'someone-else' }, { openid: MEMBER, extra: { name: NAME } }],
    });
    await served('v10', 6, { attendance: 'absent' });
    await seedVolunteer(emu, 'm1', {
      startAt: new Date(Date.now() - DAY),
      endAt: new Date(Date.now() - DAY + HOUR),
      people: [{ openid: MEMBER, extra: { kind: 'meeting', confirmedHours: 9 } }],
      extra: { kind: 'meeting', meetingType: 'memberMeeting', capacity: null, audience: 'branch' },
    });
    const r = await within('read', call(MEMBER, 'myRecord'));
    expect(r.name).toBe(NAME);
    expect(r.totalHours).toBe(3.5);
    expect(r.count).toBe(2);
    expect(r.items.map((i) => [i.activityId, i.hours])).toEqual([
      ['v7', null],
      ['v8', null],
      ['v3', 0],
      ['v2', 1.5],
      ['v1', 2],
    ]);
    expect(r.items[0]).toEqual({
      activityId: 'v7',
      title: '测试活动 v7',
      branchName: '幸福里社区第一党支部',
      startAt: expect.any(String),
      hours: null,
    });
    expect(r.nextCursor).toBeNull();

    const c = await within('read', call(MEMBER, 'certificate'));
    expect(c).toEqual({
      name: NAME,
      branchName: '幸福里社区第一党支部',
      totalHours: 3.5,
      count: 2,
      since: chinaDay(first),
      until: chinaDay(last),
      serial: expect.stringMatching(/^[0-9A-F]{12}$/),
      issuedAt: expect.any(String),
    });
    // The serial is the figures': the same tomorrow, another after more hours.
    expect((await within('read', call(MEMBER, 'certificate'))).serial).toBe(c.serial);
    expect(c.serial).toBe(certificateSerial(MEMBER, c));
    await served('v6', 1, { confirmedHours: 1 });
    expect((await within('read', call(MEMBER, 'certificate'))).serial).not.toBe(c.serial);
  });

  test('nothing yet: zero figures; a resident’s name comes from their records', async () => {
    // A member of branch 2: no activities there in the demo seed.
    expect(await within('read', call('demo-member-3', 'myRecord'))).toMatchObject({
      totalHours: 0,
      count: 0,
      items: [],
      nextCursor: null,
    });
    const none = await within('read', call('demo-member-3', 'certificate'));
    expect(none).toMatchObject({ totalHours: 0, count: 0, since: null, until: null });
    const startAt = new Date(Date.now() - 3 * DAY);
    await seedVolunteer(emu, 'v1', {
      startAt,
      endAt: new Date(startAt.getTime() + 2 * HOUR),
      people: [
        {
          openid: 'resident-9',
          extra: { name: '赵大妈', who: 'resident', phone: '13800001234', confirmedHours: 2 },
        },
      ],
    });
    const c = await within('read', call('resident-9', 'certificate'));
    expect(c).toMatchObject({ name: '赵大妈', branchName: null, totalHours: 2, count: 1 });
  });

  test('pages of 20 by cursor: every record once, also across equal start times', async () => {
    const base = Date.now() - 100 * DAY;
    const activities = [];
    const participants = [];
    for (let i = 0; i < 45; i++) {
      // Three records share each start time.
      const startAt = new Date(base + Math.floor(i / 3) * DAY);
      const id = `v${String(i).padStart(2, '0')}`;
      activities.push({ _id: id });
      participants.push({
        _id: participantId(id, MEMBER),
        activityId: id,
        branchId: 'org-branch-1',
        branchName: '幸福里社区第一党支部',
        kind: 'volunteer',
        title: `活动${i}`,
        startAt,
        year: 2025,
        openid: MEMBER,
        name: NAME,
        phone: null,
        who: 'member',
        state: 'active',
        confirmedHours: 1,
        corrections: [],
      });
    }
    await emu.seed({ activityParticipants: participants });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await within('read', call(MEMBER, 'myRecord', cursor ? { cursor } : {}));
      expect(r.items.length).toBeLessThanOrEqual(20);
      expect(r.totalHours).toBe(45);
      seen.push(...r.items.map((i) => i.activityId));
      cursor = r.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(45);
    expect(seen).toHaveLength(45);
    expect(activities).toHaveLength(45);
    const bad = await refused(call(MEMBER, 'myRecord', { cursor: 'bm90IGEgY3Vyc29y' }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });
});

describe('good deeds', () => {
  async function started(id: string, ago = HOUR) {
    await seedVolunteer(emu, id, {
      startAt: new Date(Date.now() - ago),
      endAt: new Date(Date.now() - ago + 2 * HOUR),
      extra: B2_EXTRA,
    });
  }

  test('organisers record on started activities; the tally grows; a retry counts once', async () => {
    await started('v1');
    await started('v2', 2 * DAY);
    const id = rid();
    const first = await within(
      'write',
      call(
        ORGANISER,
        'recordGoodDeeds',
        { activityId: 'v1', count: 3, note: '帮独居老人修水管' },
        id,
      ),
    );
    expect(first).toEqual({ activityId: 'v1', activityTotal: 3, branchTotal: 3 });
    const retry = await within(
      'write',
      call(
        ORGANISER,
        'recordGoodDeeds',
        { activityId: 'v1', count: 3, note: '帮独居老人修水管' },
        id,
      ),
    );
    expect(retry).toEqual(first);
    expect(emu.db.get('activities', 'v1')?.goodDeeds).toBe(3);
    const second = await within(
      'write',
      call('demo-secretary-2', 'recordGoodDeeds', {
        activityId: 'v2',
        count: 2,
        note: '清理楼道杂物',
      }),
    );
    expect(second).toEqual({ activityId: 'v2', activityTotal: 2, branchTotal: 5 });
    // Without a requestId each call is a new record.
    await within(
      'write',
      call(ORGANISER, 'recordGoodDeeds', { activityId: 'v1', count: 1, note: '代购生活用品' }),
    );
    expect(emu.db.get('activities', 'v1')?.goodDeeds).toBe(4);

    // Last year's entry counts in the total, not in the year.
    await emu.seed({
      goodDeeds: [
        {
          _id: 'g-old',
          branchId: B2,
          activityId: 'old',
          title: '去年的活动',
          count: 10,
          note: '去年的好事',
          year: new Date().getFullYear() - 1,
          by: ORGANISER,
          at: new Date(Date.now() - 400 * DAY),
        },
      ],
    });
    const tally = await within('read', call('demo-member-2', 'goodDeeds', { branchId: B2 }));
    expect(tally.branchTotal).toBe(16);
    expect(tally.yearTotal).toBe(6);
    expect(tally.recent.map((g) => g.note)).toEqual([
      '代购生活用品',
      '清理楼道杂物',
      '帮独居老人修水管',
      '去年的好事',
    ]);
    expect(tally.recent[0]).toEqual({
      activityId: 'v1',
      title: '测试活动 v1',
      count: 1,
      note: '代购生活用品',
      at: expect.any(String),
    });
  });

  test('refused: members, other branches, activities not started or cancelled, risky notes', async () => {
    await started('v1');
    await seedVolunteer(emu, 'ahead', {
      startAt: new Date(Date.now() + DAY),
      endAt: new Date(Date.now() + DAY + HOUR),
      extra: B2_EXTRA,
    });
    await seedVolunteer(emu, 'off', {
      startAt: new Date(Date.now() - HOUR),
      endAt: new Date(Date.now() + HOUR),
      extra: { cancelled: true, ...B2_EXTRA },
    });
    const input = { activityId: 'v1', count: 1, note: '帮忙搬家' };
    for (const who of ['demo-member-2', 'demo-resident', 'demo-secretary']) {
      expect((await refused(call(who, 'recordGoodDeeds', input))).code).toBe('FORBIDDEN');
    }
    expect(
      await refused(call(ORGANISER, 'recordGoodDeeds', { ...input, activityId: 'ahead' })),
    ).toEqual({ code: 'CONFLICT', message: '活动开始后才能登记办好事实事' });
    expect(
      (await refused(call(ORGANISER, 'recordGoodDeeds', { ...input, activityId: 'off' }))).code,
    ).toBe('CONFLICT');
    expect((await refused(call(ORGANISER, 'recordGoodDeeds', { ...input, count: 0 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      (await refused(call(ORGANISER, 'recordGoodDeeds', { ...input, note: '测试违规词' }))).code,
    ).toBe('CONTENT_RISKY');
    expect(emu.db.get('activities', 'v1')?.goodDeeds).toBe(0);
    // A note held for review is kept but shown neutrally.
    await within(
      'write',
      call(ORGANISER, 'recordGoodDeeds', { ...input, note: '测试待审词 帮忙' }),
    );
    const tally = await within('read', call('demo-member-2', 'goodDeeds', { branchId: B2 }));
    expect(tally.recent[0].note).toBe('（备注审核中）');
    // The tally is for the branch's members.
    for (const who of ['demo-resident', 'demo-member']) {
      expect((await refused(call(who, 'goodDeeds', { branchId: B2 }))).code).toBe('FORBIDDEN');
    }
  });
});
