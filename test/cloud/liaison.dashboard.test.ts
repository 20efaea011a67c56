/**
 * The central-household dashboard and the committee's settings through the emulator with the
 * demo seed: figures by grid against the stored households, requests and service records, the
 * figures after requests are sent, accepted, resolved, rated and overdue and services logged,
 * who may see it, who may change the settings (committee secretaries; ranges, min ≤ max), and
 * the budgets.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  B2,
  exactly,
  HH_B2,
  HH_ELDER,
  HH_MEMBER,
  HOUR,
  liaisonCaller,
  refused,
} from '../helpers/liaison';

let emu: TestEmulator;
const call = liaisonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const DEFAULTS = { maxResidents: 10, minResidents: 5, acceptHours: 24, resolveHours: 72 };

type Household = { _id: string; grid: string; residentCount: number; boundCount: number };
type Req = { grid: string; status: string; dueAt: Date | null; rating: string | null };

const households = (branchId: string) =>
  emu.db.find('liaisonHouseholds', { branchId, active: true }) as unknown as Household[];
const requests = (branchId: string) =>
  emu.db.find('liaisonRequests', { branchId }) as unknown as Req[];
const records = (branchId: string) =>
  emu.db.find('liaisonRecords', { branchId, date: { $gte: '' } });

const setStored = (collection: string, id: string, set: Record<string, unknown>) =>
  emu.db.update(
    collection,
    { _id: id },
    { $set: set },
    { multi: false, upsert: false, replace: false },
  );

describe('dashboard', () => {
  test('figures by grid against the seed; settings; no resident data', async () => {
    const d = await exactly(3, call('demo-secretary', 'dashboard', { branchId: B1 }));
    const hh = households(B1);
    const residents = hh.reduce((n, h) => n + h.residentCount, 0);
    const bound = hh.reduce((n, h) => n + h.boundCount, 0);
    const reqs = requests(B1);
    const open = reqs.filter((r) => r.status === 'submitted' || r.status === 'accepted');
    expect(d).toMatchObject({
      branchName: '幸福里社区第一党支部',
      settings: DEFAULTS,
      canEditSettings: false,
      canSeeResidents: true,
      committeeId: 'org-committee',
    });
    expect(d.totals).toMatchObject({
      households: hh.length,
      residents,
      boundResidents: bound,
      coverage: Math.round((bound / residents) * 1000) / 1000,
      needsMore: hh.filter((h) => h.residentCount < 5).length,
      openRequests: open.length,
      overdueRequests: open.filter((r) => r.dueAt && new Date(r.dueAt).getTime() <= Date.now())
        .length,
      ratings: {
        satisfied: reqs.filter((r) => r.rating === 'satisfied').length,
        basically: reqs.filter((r) => r.rating === 'basically').length,
        unsatisfied: reqs.filter((r) => r.rating === 'unsatisfied').length,
      },
      serviceRecords: records(B1).length,
    });
    expect(d.totals.households).toBeGreaterThanOrEqual(2);
    expect(d.totals.openRequests).toBeGreaterThanOrEqual(2); // req-demo-open, req-demo-accepted
    expect(d.totals.ratings.satisfied).toBeGreaterThanOrEqual(1); // req-demo-closed
    expect(d.totals.satisfaction).not.toBeNull();
    expect(d.totals.avgAcceptHours).toBeGreaterThan(0);
    expect(d.totals.avgResolveHours).toBeGreaterThan(0);
    // demo-elder's household has 3 of the norm of 5; demo-member's has 6.
    expect(d.needsMore).toContainEqual({
      householdId: HH_ELDER,
      memberName: '何永福',
      grid: expect.any(String),
      residentCount: 3,
    });
    expect(d.needsMore.map((n) => n.householdId)).not.toContain(HH_MEMBER);
    // By grid: every grid of the branch's households, adding up to the totals.
    expect(d.byGrid.map((g) => g.grid)).toEqual(
      expect.arrayContaining([...new Set(hh.map((h) => h.grid))]),
    );
    for (const key of [
      'households',
      'residents',
      'boundResidents',
      'needsMore',
      'openRequests',
      'serviceRecords',
    ] as const) {
      expect(d.byGrid.reduce((n, g) => n + g[key], 0)).toBe(d.totals[key]);
    }
    const text = JSON.stringify(d);
    for (const secret of ['陈桂兰', '13700001234', '13912345678', '腿脚不便', 'elderly']) {
      expect(text).not.toContain(secret);
    }
  });

  test('figures follow requests, ratings, deadlines, services and the settings', async () => {
    const before = await exactly(3, call('demo-secretary-2', 'dashboard', { branchId: B2 }));
    // Branch 2 has no requests in the seed.
    expect(before.totals).toMatchObject({
      households: 1,
      residents: 5,
      needsMore: 0,
      openRequests: 0,
      overdueRequests: 0,
      avgAcceptHours: null,
      avgResolveHours: null,
      satisfaction: null,
      ratings: { satisfied: 0, basically: 0, unsatisfied: 0 },
    });
    // A resident of branch 2 binds (stored as bindResident leaves it).
    await emu.seed({
      liaisonBindings: [
        {
          _id: 'resident-b2',
          residentId: 'res-b2-01',
          householdId: HH_B2,
          branchId: B2,
          boundAt: new Date(),
        },
      ],
    });
    setStored('liaisonResidents', 'res-b2-01', { boundOpenids: ['resident-b2'] });
    const hb = emu.db.get('liaisonHouseholds', HH_B2) as unknown as Household;
    setStored('liaisonHouseholds', HH_B2, { boundCount: hb.boundCount + 1 });

    const send = async () =>
      ok(
        (
          await call(
            'resident-b2',
            'submitRequest',
            { category: 'dispute', text: '楼上漏水到我家' },
            rid(),
          )
        ).result,
      ).requestId;
    const a = await send();
    const b = await send();
    // A was sent 10 hours ago: accepted and resolved now, 10 hours after.
    setStored('liaisonRequests', a, { createdAt: new Date(Date.now() - 10 * HOUR) });
    ok((await call('demo-member-2', 'updateRequest', { requestId: a, status: 'accepted' })).result);
    ok(
      (
        await call('demo-member-2', 'updateRequest', {
          requestId: a,
          status: 'resolved',
          note: '已协调楼上修好',
        })
      ).result,
    );
    ok((await call('resident-b2', 'rateRequest', { requestId: a, rating: 'unsatisfied' })).result);
    // B's deadline passed.
    setStored('liaisonRequests', b, { dueAt: new Date(Date.now() - 60_000) });
    ok(
      (
        await call(
          'demo-member-2',
          'logService',
          { householdId: HH_B2, category: 'mediation', note: '调解邻里漏水纠纷' },
          rid(),
        )
      ).result,
    );
    const after = await exactly(3, call('demo-secretary-2', 'dashboard', { branchId: B2 }));
    const grid = (emu.db.get('liaisonHouseholds', HH_B2) as unknown as Household).grid;
    const expected = {
      households: 1,
      residents: 5,
      boundResidents: before.totals.boundResidents + 1,
      coverage: Math.round(((before.totals.boundResidents + 1) / 5) * 1000) / 1000,
      needsMore: 0,
      openRequests: 1,
      overdueRequests: 1,
      avgAcceptHours: 10,
      avgResolveHours: 10,
      ratings: { satisfied: 0, basically: 0, unsatisfied: 1 },
      satisfaction: 0,
      serviceRecords: before.totals.serviceRecords + 1,
    };
    expect(after.totals).toEqual(expected);
    expect(after.byGrid).toEqual([{ grid, ...expected }]);

    // The committee raises the norm to 6: branch 2's household (5) now needs more.
    await exactly(
      5,
      call(
        'demo-committee',
        'updateSettings',
        { committeeId: 'org-committee', minResidents: 6 },
        rid(),
      ),
    );
    const raised = await exactly(3, call('demo-secretary-2', 'dashboard', { branchId: B2 }));
    expect(raised.settings).toEqual({ ...DEFAULTS, minResidents: 6 });
    expect(raised.totals.needsMore).toBe(1);
    expect(raised.needsMore).toEqual([
      { householdId: HH_B2, memberName: '黄德明', grid, residentCount: 5 },
    ]);
  });

  test('after an erasure: ratings and times stay, its open requests and binding leave', async () => {
    const before = await exactly(3, call('demo-secretary', 'dashboard', { branchId: B1 }));
    // demo-resident's household (res-b1-01): req-demo-open (open), req-demo-closed (rated).
    ok((await call('demo-resident', 'eraseMyData', { confirm: true }, rid())).result);
    const after = await exactly(3, call('demo-secretary', 'dashboard', { branchId: B1 }));
    expect(after.totals).toEqual({
      ...before.totals,
      residents: before.totals.residents - 1,
      boundResidents: before.totals.boundResidents - 1,
      coverage: expect.any(Number),
      openRequests: before.totals.openRequests - 1,
      overdueRequests: before.totals.overdueRequests,
    });
    // Satisfaction and the average times count the anonymised requests as before.
    expect(after.totals.ratings).toEqual(before.totals.ratings);
    expect(after.totals.satisfaction).toBe(before.totals.satisfaction);
    expect(after.totals.avgAcceptHours).toBe(before.totals.avgAcceptHours);
    expect(after.totals.avgResolveHours).toBe(before.totals.avgResolveHours);
    expect(JSON.stringify(after)).not.toContain('陈桂兰');
  });

  test('managers and committee secretaries only', async () => {
    for (const [who, seesResidents] of [
      ['demo-deputy', true],
      ['demo-masswork', false],
    ] as const) {
      const d = await exactly(3, call(who, 'dashboard', { branchId: B1 }));
      expect(d.canEditSettings).toBe(false);
      expect(d.canSeeResidents).toBe(seesResidents);
    }
    const byCommittee = await exactly(3, call('demo-committee', 'dashboard', { branchId: B1 }));
    expect(byCommittee.canEditSettings).toBe(true);
    expect(byCommittee.canSeeResidents).toBe(false);
    for (const who of [
      'demo-member',
      'demo-elder',
      'demo-resident',
      'demo-secretary-2',
      'demo-newcomer',
    ]) {
      const r = await call(who, 'dashboard', { branchId: B1 });
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(r.dbRequests).toBeLessThanOrEqual(3);
      expect(JSON.stringify(r.result)).not.toContain('何永福');
    }
    expect(
      (await refused(call('demo-secretary', 'dashboard', { branchId: 'org-none' }))).code,
    ).toBe('FORBIDDEN');
  });
});

describe('updateSettings', () => {
  test('committee secretaries; ranges; min ≤ max; what is not given stays', async () => {
    const C = 'org-committee';
    for (const who of ['demo-secretary', 'demo-masswork', 'demo-member', 'demo-resident']) {
      const e = await refused(
        call(who, 'updateSettings', { committeeId: C, maxResidents: 8 }, rid()),
      );
      expect(e.code).toBe('FORBIDDEN');
    }
    // Not a committee the caller runs.
    expect(
      (
        await refused(
          call('demo-committee', 'updateSettings', { committeeId: B1, maxResidents: 8 }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    // 1–20: a household's residents always fit in one page of 20.
    for (const bad of [
      { maxResidents: 21 },
      { maxResidents: 30 },
      { minResidents: 21 },
      { maxResidents: 0 },
      { minResidents: 1.5 },
      { acceptHours: 0 },
      { acceptHours: 169 },
      { resolveHours: 721 },
    ]) {
      const e = await refused(call('demo-committee', 'updateSettings', { committeeId: C, ...bad }));
      expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: Object.keys(bad) } });
    }
    // The default maximum is 10: a minimum of 11 is refused; with a maximum of 12 it is fine.
    const above = await refused(
      call('demo-committee', 'updateSettings', { committeeId: C, minResidents: 11 }),
    );
    expect(above).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { fields: ['minResidents'] },
    });
    const lower = await refused(
      call('demo-committee', 'updateSettings', { committeeId: C, maxResidents: 4 }),
    );
    expect(lower).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { fields: ['maxResidents'] },
    });
    expect(
      (emu.db.get('organizations', C) as { liaisonSettings?: unknown }).liaisonSettings,
    ).toBeUndefined();

    const first = await exactly(
      3,
      call('demo-committee', 'updateSettings', {
        committeeId: C,
        maxResidents: 12,
        minResidents: 11,
      }),
    );
    expect(first.settings).toEqual({ ...DEFAULTS, maxResidents: 12, minResidents: 11 });
    const second = await exactly(
      5,
      call('demo-committee', 'updateSettings', { committeeId: C, resolveHours: 48 }, rid()),
    );
    expect(second.settings).toEqual({
      maxResidents: 12,
      minResidents: 11,
      acceptHours: 24,
      resolveHours: 48,
    });
    expect(
      (emu.db.get('organizations', C) as { liaisonSettings?: unknown }).liaisonSettings,
    ).toEqual(second.settings);
    const d = await exactly(3, call('demo-secretary', 'dashboard', { branchId: B1 }));
    expect(d.settings).toEqual(second.settings);
    // The top of the range is allowed.
    const top = await exactly(
      3,
      call('demo-committee', 'updateSettings', { committeeId: C, maxResidents: 20 }),
    );
    expect(top.settings.maxResidents).toBe(20);
  });
});
