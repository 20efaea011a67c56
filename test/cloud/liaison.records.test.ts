/**
 * Service records (办实事 / 走访) through the emulator with the demo seed: the linked member logs
 * a service (dated within the last 30 days, note checked, ≤ 6 photos from `liaison-records/`);
 * it counts in the branch's good-deeds tally (`activity.goodDeeds`, with a neutral note) and
 * earns 1 point per household served per day (a repeat the same day earns 0, the daily cap
 * applies); a retry counts once; the household's records page by cursor for its member and the
 * secretaries (not the mass-work member).
 */
import type { TestEmulator } from '../helpers/emulator';
import { activityCaller } from '../helpers/activity';
import { demoEmulator, err, ok, rid } from '../helpers/branch';
import { B1, DAY, exactly, HH_MEMBER, liaisonCaller, MEMBER, refused } from '../helpers/liaison';
import { lessonCaller } from '../helpers/lesson';
import { chinaDay } from '../../cloudfunctions/common/util';
import { entryId } from '../../cloudfunctions/common/points';

let emu: TestEmulator;
const call = liaisonCaller(() => emu);
const activity = activityCaller(() => emu);
const lesson = lessonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const HEAD = '陈桂兰';
const note = '上门看望陈阿姨，帮她换了厨房水龙头';
const today = () => chinaDay(new Date());
const daysAgo = (n: number) => chinaDay(new Date(Date.now() - n * DAY));

const log = (extra: Record<string, unknown> = {}, openid = MEMBER, requestId = rid()) =>
  call(
    openid,
    'logService',
    { householdId: HH_MEMBER, residentId: 'res-b1-01', category: 'visit', note, ...extra },
    requestId,
  );

const ledger = () =>
  emu.db.find('points', { openid: MEMBER, reason: 'liaisonService' }) as {
    refId: string;
    title: string;
    points: number;
    day: string;
  }[];

describe('logService', () => {
  test('a record, a good deed in the branch tally, one point per household served per day', async () => {
    const deedsBefore = await exactly(3, activity('demo-secretary', 'goodDeeds', { branchId: B1 }));
    const first = await exactly(5, log());
    expect(first).toEqual({ recordId: expect.any(String), points: 1 });
    expect(emu.db.get('liaisonRecords', first.recordId)).toMatchObject({
      householdId: HH_MEMBER,
      residentId: 'res-b1-01',
      branchId: B1,
      memberOpenid: MEMBER,
      date: today(),
      category: 'visit',
      note,
      held: false,
    });
    // The tally every member of the branch reads: counted, with a neutral title and note.
    const deeds = await exactly(3, activity('demo-member-b1-09', 'goodDeeds', { branchId: B1 }));
    expect(deeds.branchTotal).toBe(deedsBefore.branchTotal + 1);
    expect(deeds.yearTotal).toBe(deedsBefore.yearTotal + 1);
    expect(deeds.recent[0]).toMatchObject({ title: '联户走访', count: 1, activityId: '' });
    expect(JSON.stringify(deeds)).not.toContain(HEAD);
    expect(JSON.stringify(deeds)).not.toContain('水龙头');
    expect(ledger()).toEqual([
      expect.objectContaining({
        refId: `${HH_MEMBER}:res-b1-01:${today()}`,
        title: '联户走访',
        points: 1,
        day: today(),
      }),
    ]);

    // The same household again today: recorded, but no point.
    const again = await exactly(5, log({ category: 'help', note: '又去帮忙修了灯' }));
    expect(again.points).toBe(0);
    expect(ledger()).toHaveLength(1);
    // Another household, work for several households ('all'), an earlier day: a point each.
    expect((await exactly(5, log({ residentId: 'res-b1-02' }))).points).toBe(1);
    expect((await exactly(5, log({ residentId: undefined, category: 'policy' }))).points).toBe(1);
    expect((await exactly(5, log({ date: daysAgo(3) }))).points).toBe(1);
    expect(
      ledger()
        .map((e) => e.refId)
        .sort(),
    ).toEqual(
      [
        `${HH_MEMBER}:res-b1-01:${today()}`,
        `${HH_MEMBER}:res-b1-02:${today()}`,
        `${HH_MEMBER}:all:${today()}`,
        `${HH_MEMBER}:res-b1-01:${daysAgo(3)}`,
      ].sort(),
    );
    expect(ledger().find((e) => e.refId.endsWith(daysAgo(3)))?.day).toBe(daysAgo(3));
    const deedsAfter = await exactly(3, activity(MEMBER, 'goodDeeds', { branchId: B1 }));
    expect(deedsAfter.branchTotal).toBe(deedsBefore.branchTotal + 5);
    const points = ok((await lesson(MEMBER, 'myPoints')).result);
    expect(points.recent.filter((e) => e.reason === 'liaisonService')).toHaveLength(4);
  });

  test('the daily cap applies: a full day earns 0', async () => {
    const day = today();
    const now = new Date();
    await emu.seed({
      points: [
        {
          _id: entryId(MEMBER, 'lessonStudied', 'l-cap'),
          openid: MEMBER,
          reason: 'lessonStudied',
          refId: 'l-cap',
          branchId: B1,
          title: '学习',
          points: 10,
          day,
          orderKey: `${new Date(now.getTime() - 60_000).toISOString()}#x`,
          createdAt: now,
        },
      ],
    });
    const capped = await exactly(5, log());
    expect(capped.points).toBe(0);
    // Recorded in the ledger (worth 1), counted 0 by the cap.
    expect(ledger()).toHaveLength(1);
  });

  test('a retry with the same requestId counts once', async () => {
    const id = rid();
    const first = await exactly(5, log({}, MEMBER, id));
    const retry = await exactly(5, log({}, MEMBER, id));
    expect(retry.recordId).toBe(first.recordId);
    expect(retry.points).toBe(0);
    expect(emu.db.find('liaisonRecords', { householdId: HH_MEMBER })).toHaveLength(3); // 2 seeded + 1
    const deeds = emu.db.find('goodDeeds', { branchId: B1 }) as { recordId?: string }[];
    expect(deeds.filter((d) => d.recordId === first.recordId)).toHaveLength(1);
    expect(ledger()).toHaveLength(1);
  });

  test('date, note, photos and who: checked before anything is written', async () => {
    const records = () => emu.db.find('liaisonRecords', {}).length;
    const before = records();
    const tomorrow = chinaDay(new Date(Date.now() + DAY));
    for (const date of [tomorrow, daysAgo(31), '2025-13-40', 'yesterday']) {
      const e = await refused(log({ date }));
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['date'] } });
    }
    const photos = Array.from({ length: 7 }, (_, i) => `cloud://env.b/liaison-records/p${i}.jpg`);
    expect(await refused(log({ photos }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { fields: ['photos'] },
    });
    // Photos only from the folder the visit page uploads to (the timer's sweep deletes them
    // after an erasure: a file from anywhere else must never get there).
    for (const foreign of [
      'cloud://env.b/visits/p1.jpg',
      'cloud://env.b/liaison-requests/p1.jpg',
      'cloud://env.b/liaison-exports/org-branch-1/residents.xlsx',
      'cloud://env.b/liaison-records/../liaison-exports/x.xlsx',
    ]) {
      expect(await refused(log({ photos: [foreign] }))).toEqual({
        code: 'INVALID_ARGUMENT',
        message: '图片地址不正确，只能使用在本页上传的图片，请重新上传',
        details: { fields: ['photos.0'] },
      });
    }
    expect((await refused(log({ note: '测试违规词' }))).code).toBe('CONTENT_RISKY');
    // Only the linked member: not the secretary, not another household's member.
    for (const who of ['demo-secretary', 'demo-elder', 'demo-masswork', 'demo-resident']) {
      expect((await refused(log({}, who))).code).toBe('FORBIDDEN');
    }
    // A resident household of another central household.
    expect((await refused(log({ residentId: 'res-b2-01' }))).code).toBe('NOT_FOUND');
    expect((await refused(log({ householdId: 'hh-none' }))).code).toBe('NOT_FOUND');
    expect(records()).toBe(before);
    expect(ledger()).toHaveLength(0);
    // 30 days back and 6 photos are fine.
    const ok30 = await exactly(5, log({ date: daysAgo(30), photos: photos.slice(0, 6) }));
    expect(ok30.points).toBe(1);
  });
});

describe('listServiceRecords', () => {
  test('held notes and residents’ names: the member and secretaries only; others refused', async () => {
    const held = await exactly(5, log({ note: '调解时遇到测试待审词' }));
    expect(emu.db.get('liaisonRecords', held.recordId)).toMatchObject({ held: true });
    const mine = await exactly(2, call(MEMBER, 'listServiceRecords', { householdId: HH_MEMBER }));
    expect(mine.items[0]).toMatchObject({
      recordId: held.recordId,
      note: '调解时遇到测试待审词',
      held: true,
      residentName: HEAD,
      date: today(),
    });
    const secretary = await exactly(
      2,
      call('demo-secretary', 'listServiceRecords', { householdId: HH_MEMBER }),
    );
    expect(secretary.items[0].residentName).toBe(HEAD);
    // Mass work manages households, not what is written about residents: refused (the
    // dashboard gives them the figures).
    for (const who of [
      'demo-masswork',
      'demo-elder',
      'demo-member-b1-09',
      'demo-resident',
      'demo-secretary-2',
    ]) {
      const r = await call(who, 'listServiceRecords', { householdId: HH_MEMBER });
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(r.dbRequests).toBe(1);
      expect(JSON.stringify(r.result)).not.toContain(HEAD);
      expect(JSON.stringify(r.result)).not.toContain('测试待审词');
    }
  });

  test('a member who stepped down no longer reads the household’s records; managers still do', async () => {
    const { recordId } = await exactly(5, log());
    expect(
      (await exactly(2, call(MEMBER, 'listServiceRecords', { householdId: HH_MEMBER }))).items.map(
        (i) => i.recordId,
      ),
    ).toContain(recordId);
    ok(
      (
        await call(MEMBER, 'stepDown', {
          householdId: HH_MEMBER,
          toHouseholdId: 'hh266b3cda23cbcbd5660aa9a667e80b',
        })
      ).result,
    );
    expect(emu.db.get('liaisonHouseholds', HH_MEMBER)).toMatchObject({ active: false });
    const r = await call(MEMBER, 'listServiceRecords', { householdId: HH_MEMBER });
    expect(err(r.result).code).toBe('FORBIDDEN');
    expect(r.dbRequests).toBe(1);
    expect(JSON.stringify(r.result)).not.toContain(HEAD);
    expect(JSON.stringify(r.result)).not.toContain(note);
    // The secretary still reads the household's work log, names included.
    const secretary = await exactly(
      2,
      call('demo-secretary', 'listServiceRecords', { householdId: HH_MEMBER }),
    );
    expect(secretary.items.find((i) => i.recordId === recordId)).toMatchObject({
      note,
      residentName: HEAD,
    });
  });

  test('pages of 20, newest first, each record once', async () => {
    const base = Date.now() - 50 * DAY;
    await emu.seed({
      liaisonRecords: Array.from({ length: 43 }, (_, i) => ({
        _id: `rec-bulk-${String(i).padStart(2, '0')}`,
        householdId: HH_MEMBER,
        residentId: i % 2 ? 'res-b1-02' : null,
        branchId: B1,
        grid: '幸福里第一网格',
        memberOpenid: MEMBER,
        date: chinaDay(new Date(base + Math.floor(i / 3) * DAY)),
        category: 'visit',
        note: `走访 ${i}`,
        photos: [],
        held: false,
        // Three share each creation time.
        createdAt: new Date(base + Math.floor(i / 3) * DAY),
      })),
    });
    const seen: string[] = [];
    const times: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await exactly(
        2,
        call(MEMBER, 'listServiceRecords', {
          householdId: HH_MEMBER,
          ...(cursor ? { cursor } : {}),
        }),
      );
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((i) => i.recordId));
      times.push(...page.items.map((i) => i.createdAt));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const total = emu.db.find('liaisonRecords', { householdId: HH_MEMBER }).length;
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(times).toEqual([...times].sort().reverse());
    const bad = await refused(
      call(MEMBER, 'listServiceRecords', { householdId: HH_MEMBER, cursor: 'bm90IGEgY3Vyc29y' }),
    );
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });
});
