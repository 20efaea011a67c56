/**
 * Central households, linked resident households and residents' binding through the emulator
 * with the demo seed: designation (idempotent), the link cap (the committee's maximum, also
 * after it changes), stepping down, the residents' list (masked phones, care tags gated), the
 * audit-logged reveal, binding with the last four digits and the lock, family members,
 * `myLiaison` and `branch.me`, `myData` and erasure. Every call's database requests are
 * asserted exactly.
 */
import type { Result } from '../../typings/api';
import type { TestEmulator } from '../helpers/emulator';
import { branchCaller, demoEmulator, err as errOf, ok as okOf, rid } from '../helpers/branch';
import {
  B1,
  B2,
  CARD_01,
  CARD_02,
  costs,
  HH_B2,
  HH_ELDER,
  HH_MEMBER,
  HOUR,
  liaisonCaller,
  type LiaisonAction,
} from '../helpers/liaison';
import { householdId } from '../../cloudfunctions/liaison/shared';

let emu: TestEmulator;
const call = liaisonCaller(() => emu);
const branchCall = branchCaller(() => emu);

/** `ok` / `err` of a call's answer or of the call itself. */
type Called<T> = Result<T> | { result: Result<T>; dbRequests: number };
const unwrap = <T>(x: Called<T>): Result<T> => ('dbRequests' in x ? x.result : x);
const ok = <T>(x: Called<T>) => okOf(unwrap(x));
const err = <T>(x: Called<T>) => errOf(unwrap(x));

const doc = (collection: string, id: string) => emu.db.get(collection, id) as any;
const set = (collection: string, id: string, fields: Record<string, unknown>) =>
  emu.db.update(
    collection,
    { _id: id },
    { $set: fields },
    { multi: false, upsert: false, replace: false },
  );
const residentInput = (i: number, extra: Record<string, unknown> = {}) => ({
  householdId: HH_ELDER,
  headName: `测试户${i}`,
  address: { building: '6', unit: '1', room: `${100 + i}` },
  phone: `1390000${String(1000 + i).padStart(4, '0')}`,
  ...extra,
});

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

test('the seed: ids derived as the function derives them, counters agree with documents', () => {
  expect(householdId(B1, 'demo-member')).toBe(HH_MEMBER);
  expect(householdId(B1, 'demo-elder')).toBe(HH_ELDER);
  expect(householdId(B2, 'demo-member-2')).toBe(HH_B2);
  for (const h of emu.db.find('liaisonHouseholds', {}) as any[]) {
    const residents = emu.db.find('liaisonResidents', { householdId: h._id, active: true });
    expect(h.residentCount).toBe(residents.length);
    expect(h.boundCount).toBe(residents.filter((r: any) => r.boundOpenids.length > 0).length);
    const open = emu.db.find('liaisonRequests', {
      householdId: h._id,
      status: { $in: ['submitted', 'accepted'] },
    });
    expect(h.openRequests).toBe(open.length);
  }
  const open = doc('liaisonRequests', 'req-demo-open');
  expect(Date.now() - open.createdAt.getTime()).toBeGreaterThan(1.9 * HOUR);
  expect(Date.now() - open.createdAt.getTime()).toBeLessThan(2.1 * HOUR);
  expect(open.dueAt.getTime() - Date.now()).toBeGreaterThan(21.9 * HOUR);
});

// ---------------------------------------------------------------- designate

describe('designateHousehold', () => {
  const input = {
    branchId: B1,
    memberOpenid: 'demo-probationary',
    address: { building: '7', unit: '2', room: '301' },
    promise: '邻里有事找我',
    showPhone: true,
  };

  test('creates once; designating again answers the same household and applies the fields', async () => {
    const first = ok(await costs(3, call('demo-secretary', 'designateHousehold', input, rid())));
    const id = householdId(B1, 'demo-probationary');
    expect(first).toEqual({ householdId: id, created: true });
    expect(doc('liaisonHouseholds', id)).toMatchObject({
      memberName: '周敏',
      address: '7栋2单元301室',
      grid: '幸福里第一网格（1–6 栋）',
      promise: '邻里有事找我',
      promiseHeld: false,
      showPhone: true,
      active: true,
      residentCount: 0,
    });
    const again = ok(
      await costs(
        3,
        call('demo-masswork', 'designateHousehold', { ...input, grid: '幸福里第一网格' }, rid()),
      ),
    );
    expect(again).toEqual({ householdId: id, created: false });
    expect(doc('liaisonHouseholds', id).grid).toBe('幸福里第一网格');
    expect(emu.db.find('liaisonHouseholds', { memberOpenid: 'demo-probationary' })).toHaveLength(1);
  });

  test("designating again never changes the member's own consent to show their phone", async () => {
    // The member withdraws it; a manager designates the household again with showPhone: true.
    ok(
      await costs(
        4,
        call('demo-member', 'updateHousehold', { householdId: HH_MEMBER, showPhone: false }, rid()),
      ),
    );
    const again = ok(
      await costs(
        3,
        call(
          'demo-secretary',
          'designateHousehold',
          { branchId: B1, memberOpenid: 'demo-member', address: '幸福里2栋101室', showPhone: true },
          rid(),
        ),
      ),
    );
    expect(again).toEqual({ householdId: HH_MEMBER, created: false });
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({
      showPhone: false,
      address: '幸福里2栋101室',
    });
    const card = ok(await call('demo-resident', 'myLiaison'));
    expect(card).toMatchObject({ bound: true, member: { name: '李秀英', phone: null } });
    expect(JSON.stringify(card)).not.toContain('13800001002');
  });

  test('an activist or someone outside the branch is not a party member of it', async () => {
    for (const memberOpenid of ['demo-activist', 'demo-member-2', 'demo-newcomer']) {
      const e = err(
        await costs(2, call('demo-secretary', 'designateHousehold', { ...input, memberOpenid })),
      );
      expect(e).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('党员'),
      });
    }
  });

  test('a promise held for review is kept from residents until released', async () => {
    ok(
      await call(
        'demo-secretary',
        'designateHousehold',
        { ...input, promise: '测试待审词 我的承诺' },
        rid(),
      ),
    );
    expect(doc('liaisonHouseholds', householdId(B1, 'demo-probationary')).promiseHeld).toBe(true);
  });
});

// ---------------------------------------------------------------- add, cap

describe('addResident and the cap', () => {
  test('adds up to the committee maximum, then FULL naming it', async () => {
    // demo-elder's household has 3 of 10.
    for (let i = 4; i <= 10; i++) {
      const r = await costs(3, call('demo-secretary', 'addResident', residentInput(i), rid()));
      const data = ok(r);
      expect(data).toMatchObject({ residentCount: i, max: 10 });
      expect(data.cardCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    }
    // The household (1), the refused place (1), whether a retry of this call had added it (1).
    const full = err(
      await costs(3, call('demo-secretary', 'addResident', residentInput(11), rid())),
    );
    expect(full).toEqual({ code: 'FULL', message: '每个中心户最多联系 10 户，已达上限' });
    expect(doc('liaisonHouseholds', HH_ELDER).residentCount).toBe(10);
    expect(emu.db.count('liaisonResidents', { householdId: HH_ELDER, active: true })).toBe(10);
  });

  test("the committee's changed maximum applies at once", async () => {
    set('organizations', 'org-committee', {
      liaisonSettings: { maxResidents: 4, minResidents: 2, acceptHours: 24, resolveHours: 72 },
    });
    ok(await call('demo-elder', 'addResident', residentInput(4), rid()));
    const e = err(await call('demo-elder', 'addResident', residentInput(5), rid()));
    expect(e).toEqual({ code: 'FULL', message: '每个中心户最多联系 4 户，已达上限' });
  });

  test('a retry with the same requestId answers the same resident (also when it filled the last place)', async () => {
    set('liaisonHouseholds', HH_ELDER, { residentCount: 9 });
    const id = rid();
    const first = ok(await call('demo-elder', 'addResident', residentInput(4), id));
    const retry = ok(await costs(3, call('demo-elder', 'addResident', residentInput(4), id)));
    expect(retry.residentId).toBe(first.residentId);
    expect(retry.cardCode).toBe(first.cardCode);
    expect(doc('liaisonHouseholds', HH_ELDER).residentCount).toBe(10);
    expect(emu.db.count('liaisonResidents', { householdId: HH_ELDER })).toBe(4);
  });

  test('the linked member adds (care tags too); the mass-work member adds no resident at all', async () => {
    ok(await call('demo-elder', 'addResident', residentInput(4, { careTags: ['elderly'] }), rid()));
    // The household with the caller (1), refused: no place taken, nothing inserted.
    const e = err(await costs(1, call('demo-masswork', 'addResident', residentInput(5), rid())));
    expect(e).toEqual({
      code: 'FORBIDDEN',
      message: '联系户的信息只有支部书记、副书记和联系该户的党员可以查看和管理',
    });
    expect(doc('liaisonHouseholds', HH_ELDER).residentCount).toBe(4);
    expect(err(await call('demo-member', 'addResident', residentInput(6), rid())).code).toBe(
      'FORBIDDEN',
    );
  });

  test('bad input names the field', async () => {
    const e = err(await call('demo-elder', 'addResident', residentInput(4, { phone: '123' })));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['phone'] } });
  });
});

// ---------------------------------------------------------------- step down

describe('stepDown', () => {
  test('hands the residents and open requests to a household with room; a retry answers the same', async () => {
    // demo-member's 6 cannot go to demo-elder's 3 under a maximum of 8.
    set('organizations', 'org-committee', {
      liaisonSettings: { maxResidents: 8, minResidents: 5, acceptHours: 24, resolveHours: 72 },
    });
    const refused = err(
      await costs(
        2,
        call('demo-member', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }),
      ),
    );
    expect(refused.code).toBe('FULL');
    expect(doc('liaisonHouseholds', HH_ELDER).residentCount).toBe(3);

    set('organizations', 'org-committee', { 'liaisonSettings.maxResidents': 10 });
    emu.emulator.outbox.clear();
    const moved = ok(
      await costs(
        5,
        call('demo-member', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }),
      ),
    );
    expect(moved).toEqual({ householdId: HH_MEMBER, movedResidents: 6 });
    // The receiving member hears how much came to them; the moved households' bound WeChat
    // users (res-b1-01: demo-resident) that their central household changed. Figures only.
    const sent = emu.emulator.outbox.list() as {
      touser: string;
      page: string;
      data: Record<string, { value: string }>;
    }[];
    expect(sent.map((m) => [m.touser, m.page, m.data.thing1.value, m.data.thing3.value])).toEqual(
      expect.arrayContaining([
        ['demo-elder', 'pages/liaison/index', '党员中心户调整', '6户联系户转给您，2条诉求待办'],
        ['demo-resident', 'pages/index/index', '党员中心户调整', '您家的联系党员已更换，请查看'],
      ]),
    );
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent)).not.toMatch(/陈桂兰|13700001234|李秀英|何永福|3栋1单元302室/);
    expect(doc('liaisonHouseholds', HH_ELDER)).toMatchObject({
      residentCount: 9,
      boundCount: 1,
      openRequests: 2,
    });
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({ active: false, residentCount: 0 });
    expect(emu.db.count('liaisonResidents', { householdId: HH_ELDER })).toBe(9);
    expect(doc('liaisonRequests', 'req-demo-open')).toMatchObject({
      householdId: HH_ELDER,
      memberOpenid: 'demo-elder',
      memberName: '何永福',
    });
    expect(doc('liaisonRequests', 'req-demo-closed').householdId).toBe(HH_MEMBER);
    // The bound resident now sees the new member.
    const mine = ok(await call('demo-resident', 'myLiaison'));
    expect(mine).toMatchObject({ bound: true, householdId: HH_ELDER, member: { name: '何永福' } });

    const again = ok(
      await costs(
        1,
        call('demo-member', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }),
      ),
    );
    expect(again).toEqual(moved);
    expect(doc('liaisonHouseholds', HH_ELDER).residentCount).toBe(9);
    // The retry tells nobody again.
    expect(emu.emulator.outbox.list()).toHaveLength(2);
  });

  test('a target of another branch is refused; residents need a target', async () => {
    expect(err(await call('demo-member', 'stepDown', { householdId: HH_MEMBER }))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { fields: ['toHouseholdId'] },
    });
    expect(
      err(
        await call('demo-secretary', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_B2 }),
      ),
    ).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test('the member who stepped down reaches the residents they handed over by no path', async () => {
    ok(await call('demo-member', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }));
    for (const householdId of [HH_MEMBER, HH_ELDER]) {
      const r = await call('demo-member', 'listResidents', { householdId });
      expect(err(r).code).toBe('FORBIDDEN');
    }
    for (const action of ['revealPhone', 'cardImage'] as const) {
      const r = await call('demo-member', action, { residentId: 'res-b1-02' }, rid());
      expect(err(r).code).toBe('FORBIDDEN');
      expect(JSON.stringify(r)).not.toMatch(/13912345678|XFLB4E5F/);
    }
    const tab = ok(await costs(2, call('demo-member', 'myHouseholds')));
    expect(tab).toMatchObject({ households: [], requests: [] });
    expect(emu.db.count('auditLogs', {})).toBe(0);
  });

  test('a stepped-down household still holding residents gives its member nothing', async () => {
    // Not how stepDown leaves it (it moves every resident), but whatever the state, an
    // inactive household has no householder (shared.ts `householdResource`).
    set('liaisonHouseholds', HH_MEMBER, { active: false });
    const before = JSON.stringify(doc('liaisonResidents', 'res-b1-02'));
    const attempts: [LiaisonAction, Record<string, unknown>][] = [
      ['listResidents', { householdId: HH_MEMBER }],
      ['addResident', { ...residentInput(4), householdId: HH_MEMBER }],
      ['updateResident', { residentId: 'res-b1-02', people: 3 }],
      ['revealPhone', { residentId: 'res-b1-02' }],
      ['cardImage', { residentId: 'res-b1-02' }],
      ['updateHousehold', { householdId: HH_MEMBER, promise: '有事找我' }],
      ['exportResidents', { householdId: HH_MEMBER }],
      ['listServiceRecords', { householdId: HH_MEMBER }],
    ];
    for (const [action, data] of attempts) {
      const r = await call('demo-member', action, data, rid());
      expect([action, err(r).code]).toEqual([action, 'FORBIDDEN']);
      expect(JSON.stringify(r)).not.toMatch(/13912345678|赵德顺|XFLB4E5F/);
    }
    // The member's own work log: refused too (records.ts: FORBIDDEN or CONFLICT 已卸任).
    const logged = await call(
      'demo-member',
      'logService',
      { householdId: HH_MEMBER, residentId: 'res-b1-02', category: 'visit', note: '上门走访' },
      rid(),
    );
    expect(['FORBIDDEN', 'CONFLICT']).toContain(err(logged).code);
    expect(emu.db.count('auditLogs', {})).toBe(0);
    expect(JSON.stringify(doc('liaisonResidents', 'res-b1-02'))).toBe(before);
    // The secretaries still manage them (to designate the household again or move them).
    ok(await call('demo-secretary', 'listResidents', { householdId: HH_MEMBER }));
  });
});

// ---------------------------------------------------------------- lists

describe('listHouseholds and myHouseholds', () => {
  test('managers list the branch by grid; only the secretaries may open the residents', async () => {
    const page = ok(await costs(3, call('demo-masswork', 'listHouseholds', { branchId: B1 })));
    expect(page.canSeeResidents).toBe(false);
    expect(page.items.map((h) => h.memberName)).toEqual(['何永福', '李秀英']);
    expect(page.items.find((h) => h.memberName === '何永福')).toMatchObject({
      residentCount: 3,
      needsMore: true,
    });
    expect(page.grids).toEqual(['幸福里第一网格']);
    expect(page.settings).toEqual({
      maxResidents: 10,
      minResidents: 5,
      acceptHours: 24,
      resolveHours: 72,
    });
    const none = ok(
      await call('demo-secretary', 'listHouseholds', { branchId: B1, grid: '别的网格' }),
    );
    expect(none.items).toEqual([]);
    expect(none.canSeeResidents).toBe(true);
    const deputy = ok(await costs(3, call('demo-deputy', 'listHouseholds', { branchId: B1 })));
    expect(deputy.canSeeResidents).toBe(true);
  });

  test('a member with an active central household lists the branch’s households, nothing of residents', async () => {
    // demo-elder's promise waits for review: other members get none of it.
    set('liaisonHouseholds', HH_ELDER, { promise: '测试待审词 有事找我', promiseHeld: true });
    const page = ok(await costs(3, call('demo-member', 'listHouseholds', { branchId: B1 })));
    expect(page.canSeeResidents).toBe(false);
    expect(page.items.map((h) => [h.householdId, h.memberName, h.residentCount])).toEqual([
      [HH_ELDER, '何永福', 3],
      [HH_MEMBER, '李秀英', 6],
    ]);
    expect(page.items.find((h) => h.householdId === HH_ELDER)!.promise).toBe('');
    const text = JSON.stringify(page);
    for (const r of emu.db.find('liaisonResidents', {}) as any[]) {
      for (const secret of [r.headName, r.phone, r.address, r.cardCode]) {
        expect(text).not.toContain(secret);
      }
    }
    expect(text).not.toContain('测试待审词');
    // The managers see the held promise (to follow it up).
    const byManager = ok(await call('demo-masswork', 'listHouseholds', { branchId: B1 }));
    expect(byManager.items.find((h) => h.householdId === HH_ELDER)!.promise).toContain('有事找我');
    // The member of another central household of the branch too; not a member without one,
    // not a central household of another branch.
    ok(await costs(3, call('demo-elder', 'listHouseholds', { branchId: B1 })));
    for (const who of ['demo-member-b1-09', 'demo-member-2', 'demo-resident']) {
      expect(err(await costs(3, call(who, 'listHouseholds', { branchId: B1 }))).code).toBe(
        'FORBIDDEN',
      );
    }
    // Once stepped down, no longer.
    ok(await call('demo-member', 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }));
    expect(err(await call('demo-member', 'listHouseholds', { branchId: B1 })).code).toBe(
      'FORBIDDEN',
    );
  });

  test("the member's tab: their household, its open requests oldest first", async () => {
    const mine = ok(await costs(3, call('demo-member', 'myHouseholds')));
    expect(mine.households.map((h) => h.householdId)).toEqual([HH_MEMBER]);
    expect(mine.requests.map((r) => r.requestId)).toEqual(['req-demo-accepted', 'req-demo-open']);
    expect(mine.requests[1]).toMatchObject({
      text: '厨房水管漏水，麻烦帮忙看看',
      resident: { residentId: 'res-b1-01', headName: '陈桂兰' },
      overdue: false,
    });
    expect(mine.manages).toEqual([]);
    expect(mine.committees).toEqual([]);
    // The tab bar keeps members' tabs when the app opens on 联户.
    expect(mine.branch).toEqual({
      branchId: B1,
      branchName: '幸福里社区第一党支部',
      committeeId: 'org-committee',
      role: 'member',
    });
    const sec = ok(await costs(2, call('demo-secretary', 'myHouseholds')));
    expect(sec).toEqual({
      households: [],
      requests: [],
      manages: [{ branchId: B1, branchName: '幸福里社区第一党支部', canSeeResidents: true }],
      committees: [],
      branch: expect.objectContaining({ branchId: B1, role: 'secretary' }),
    });
    const mass = ok(await costs(2, call('demo-masswork', 'myHouseholds')));
    expect(mass.manages).toEqual([
      { branchId: B1, branchName: '幸福里社区第一党支部', canSeeResidents: false },
    ]);
  });

  test("the committee's secretary: the committees whose escalated requests they handle", async () => {
    const committee = ok(await costs(2, call('demo-committee', 'myHouseholds')));
    expect(committee).toEqual({
      households: [],
      requests: [],
      manages: [],
      committees: [
        { committeeId: 'org-committee', name: doc('organizations', 'org-committee').name },
      ],
      // A committee is not a branch: no branch tabs from it.
      branch: null,
    });
    expect(committee.committees[0].name).not.toBe('');
  });

  test("a request held by content security is not on the member's tab until released", async () => {
    set('liaisonRequests', 'req-demo-open', { held: true });
    const mine = ok(await costs(3, call('demo-member', 'myHouseholds')));
    expect(mine.requests.map((r) => r.requestId)).toEqual(['req-demo-accepted']);
    expect(JSON.stringify(mine)).not.toContain('厨房水管漏水');
    set('liaisonRequests', 'req-demo-open', { held: false });
    const released = ok(await call('demo-member', 'myHouseholds'));
    expect(released.requests.map((r) => r.requestId)).toEqual([
      'req-demo-accepted',
      'req-demo-open',
    ]);
  });
});

// ---------------------------------------------------------------- residents list, reveal

describe('listResidents and revealPhone', () => {
  test('phones masked for everyone; care tags for the linked member and secretaries only', async () => {
    const member = ok(
      await costs(2, call('demo-member', 'listResidents', { householdId: HH_MEMBER })),
    );
    expect(member.items).toHaveLength(6);
    for (const r of member.items) expect(r.phone).toMatch(/^1\d{2}\*{4}\d{4}$/);
    const chen = member.items.find((r) => r.residentId === 'res-b1-01')!;
    expect(chen).toMatchObject({
      phone: '137****1234',
      careTags: ['livingAlone', 'elderly'],
      boundCount: 1,
      openRequests: 1,
    });
    expect(member.can).toEqual({ reveal: true, manage: false, seeCare: true, logService: true });
    expect(member.household).toMatchObject({ householdId: HH_MEMBER, memberName: '李秀英' });

    // The mass-work member manages central households, never their residents.
    const mass = await costs(2, call('demo-masswork', 'listResidents', { householdId: HH_MEMBER }));
    expect(err(mass)).toEqual({
      code: 'FORBIDDEN',
      message: '联系户的信息只有支部书记、副书记和联系该户的党员可以查看和管理',
    });
    expect(JSON.stringify(mass)).not.toMatch(/陈桂兰|3栋1单元302室|1234|livingAlone|XFLQ2C3D/);
    const secretary = ok(await call('demo-secretary', 'listResidents', { householdId: HH_MEMBER }));
    expect(secretary.can).toEqual({ reveal: true, manage: true, seeCare: true, logService: false });

    const sec = ok(await call('demo-deputy', 'listResidents', { householdId: HH_MEMBER }));
    expect(sec.items.find((r) => r.residentId === 'res-b1-05')!.notes).toContain('轮椅');
  });

  test('reveal: the audit entry is written before the phone is answered', async () => {
    const r = ok(await costs(2, call('demo-member', 'revealPhone', { residentId: 'res-b1-02' })));
    expect(r).toEqual({ residentId: 'res-b1-02', phone: '13912345678' });
    const logs = emu.db.find('auditLogs', { subjectId: 'res-b1-02' });
    expect(logs).toEqual([
      expect.objectContaining({
        actorOpenid: 'demo-member',
        action: 'revealResidentPhone',
        subjectId: 'res-b1-02',
        branchId: B1,
        activityId: null,
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('13912345678');
  });

  test('reveal fails, and nothing is answered, when the log cannot be written', async () => {
    const db = emu.db as unknown as { insert: (...a: unknown[]) => unknown };
    const insert = db.insert.bind(db);
    db.insert = (name: unknown, ...rest: unknown[]) => {
      if (name === 'auditLogs') throw new Error('disk full');
      return insert(name, ...rest);
    };
    const r = (await call('demo-secretary', 'revealPhone', { residentId: 'res-b1-02' })).result;
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('13912345678');
  });

  test('the mass-work member and other members cannot reveal', async () => {
    for (const who of ['demo-masswork', 'demo-elder', 'demo-secretary-2', 'demo-resident']) {
      const r = await costs(1, call(who, 'revealPhone', { residentId: 'res-b1-02' }));
      expect(err(r).code).toBe('FORBIDDEN');
    }
    expect(emu.db.count('auditLogs', {})).toBe(0);
  });
});

// ---------------------------------------------------------------- binding

describe('bindResident', () => {
  const card = { cardCode: 'xflb 4e5f', phoneLast4: '5678' };

  test('right digits bind; myLiaison names the member and gives the phone only with consent', async () => {
    expect(ok(await costs(1, call('demo-newcomer', 'myLiaison')))).toEqual({ bound: false });
    const bound = ok(await costs(4, call('demo-newcomer', 'bindResident', card)));
    expect(bound).toMatchObject({
      residentId: 'res-b1-02',
      householdId: HH_MEMBER,
      member: {
        name: '李秀英',
        phone: '13800001002',
        roleLabel: '党员',
        branchName: '幸福里社区第一党支部',
      },
    });
    expect(doc('liaisonBindings', 'demo-newcomer')).toMatchObject({ residentId: 'res-b1-02' });
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual(['demo-newcomer']);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(2);

    const mine = ok(await costs(2, call('demo-newcomer', 'myLiaison')));
    expect(mine).toMatchObject({
      bound: true,
      residentId: 'res-b1-02',
      headName: '赵德顺',
      member: { name: '李秀英', phone: '13800001002' },
      requests: [],
    });
    // Binding again answers the same, changing nothing.
    expect(ok(await costs(1, call('demo-newcomer', 'bindResident', card)))).toEqual(bound);

    set('liaisonHouseholds', HH_MEMBER, { showPhone: false });
    const hidden = ok(await call('demo-newcomer', 'myLiaison'));
    expect(hidden).toMatchObject({ member: { name: '李秀英', phone: null } });
    expect(JSON.stringify(hidden)).not.toContain('13800001002');
  });

  test('family members bind the same card; the household counts once', async () => {
    ok(await call('demo-newcomer', 'bindResident', card));
    ok(await costs(4, call('demo-applicant', 'bindResident', card)));
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual([
      'demo-newcomer',
      'demo-applicant',
    ]);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(2);
  });

  test('an interrupted binding completes within 5 requests; a race answers CONFLICT, never a 6th', async () => {
    // The binding document is there (an earlier call stopped after adding it): the duplicate
    // is read and the rest completed — card, add, read, first binding, boundCount: 5.
    await emu.seed({
      liaisonBindings: [
        {
          _id: 'demo-newcomer',
          residentId: 'res-b1-02',
          householdId: HH_MEMBER,
          branchId: B1,
          boundAt: new Date(),
        },
      ],
    });
    ok(await costs(5, call('demo-newcomer', 'bindResident', card)));
    expect(doc('liaisonResidents', 'res-b1-02')).toMatchObject({
      boundOpenids: ['demo-newcomer'],
      bound: true,
    });
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(2);

    // The moment a family member's last unbinding lands between the two tries (listed, but the
    // flag already false: neither the first binding nor joining applies). The call stops at
    // 4 requests with CONFLICT instead of going round again past the budget.
    set('liaisonResidents', 'res-b1-02', { boundOpenids: ['demo-family'], bound: false });
    const e = err(await costs(4, call('demo-applicant', 'bindResident', card)));
    expect(e).toEqual({ code: 'CONFLICT', message: '刚才有家人同时在绑定或解绑，请再试一次' });
    // …and with the binding's duplicate read as well: 5.
    const again = err(await costs(5, call('demo-applicant', 'bindResident', card)));
    expect(again.code).toBe('CONFLICT');
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(2);
  });

  test('a WeChat bound elsewhere gets CONFLICT', async () => {
    const e = err(await costs(3, call('demo-resident', 'bindResident', card)));
    expect(e).toEqual({ code: 'CONFLICT', message: expect.stringContaining('已绑定其他住户') });
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual([]);
  });

  test('whoever reads the card code and masked phone in a list may not bind with them', async () => {
    // The card code and the last four digits, as the secretary's and the member's lists show.
    for (const who of ['demo-secretary', 'demo-member']) {
      const list = ok(await call(who, 'listResidents', { householdId: HH_MEMBER }));
      const zhao = list.items.find((r) => r.residentId === 'res-b1-02')!;
      expect({ cardCode: zhao.cardCode, phoneLast4: zhao.phone.slice(-4) }).toEqual(CARD_02);
    }
    const stolen = CARD_02;
    for (const who of ['demo-secretary', 'demo-deputy', 'demo-masswork', 'demo-member']) {
      // The card with its household, its member and the caller's memberships: 1 request.
      const e = err(await costs(1, call(who, 'bindResident', stolen)));
      expect(e).toEqual({
        code: 'FORBIDDEN',
        message: '您是该户的联系党员或支部管理人员，不能绑定这张连心卡',
      });
      // Nor with wrong digits (no try counted against the card's real resident).
      const wrong = err(
        await costs(1, call(who, 'bindResident', { ...stolen, phoneLast4: '0000' })),
      );
      expect(wrong.code).toBe('FORBIDDEN');
      const mine = err(await costs(1, call(who, 'myData')));
      expect(mine.code).toBe('FORBIDDEN');
      expect(emu.db.get('liaisonBindings', who)).toBeNull();
    }
    expect(doc('liaisonResidents', 'res-b1-02')).toMatchObject({
      boundOpenids: [],
      bindFails: 0,
      lockedUntil: null,
    });
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(1);
    // The resident themselves binds as before; the branch's other members are residents too.
    ok(await costs(4, call('demo-newcomer', 'bindResident', stolen)));
    ok(await costs(4, call('demo-organizer', 'bindResident', stolen)));
    // A secretary of another branch is a resident here as well.
    ok(await costs(4, call('demo-secretary-2', 'bindResident', CARD_01)));
  });

  test('an unknown card is NOT_FOUND', async () => {
    const e = err(
      await costs(
        1,
        call('demo-newcomer', 'bindResident', { cardCode: 'ZZZZ2222', phoneLast4: '1234' }),
      ),
    );
    expect(e.code).toBe('NOT_FOUND');
  });

  test('four wrong tries say how many are left; the fifth locks for an hour, right digits too', async () => {
    const wrong = { ...card, phoneLast4: '0000' };
    for (const left of [4, 3, 2, 1]) {
      const e = err(await costs(2, call('demo-newcomer', 'bindResident', wrong)));
      expect(e).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: `手机号后四位不对，还可以再试 ${left} 次`,
      });
    }
    const locked = err(await costs(2, call('demo-newcomer', 'bindResident', wrong)));
    expect(locked).toEqual({ code: 'RATE_LIMITED', message: expect.stringContaining('锁定') });
    const until = doc('liaisonResidents', 'res-b1-02').lockedUntil as Date;
    expect(until.getTime() - Date.now()).toBeGreaterThan(0.95 * HOUR);
    // Within the hour even the right digits are refused, for anyone.
    expect(err(await costs(1, call('demo-applicant', 'bindResident', card))).code).toBe(
      'RATE_LIMITED',
    );
    expect(emu.db.get('liaisonBindings', 'demo-applicant')).toBeNull();
    // An hour later the card binds again.
    set('liaisonResidents', 'res-b1-02', { lockedUntil: new Date(Date.now() - 1000) });
    ok(await call('demo-applicant', 'bindResident', card));
    expect(doc('liaisonResidents', 'res-b1-02').bindFails).toBe(0);
  });

  test('concurrent wrong tries cannot count past the limit', async () => {
    const wrong = { ...card, phoneLast4: '0000' };
    const all = await Promise.all(
      Array.from({ length: 8 }, () => call('demo-newcomer', 'bindResident', wrong)),
    );
    const codes = all.map((r) => (r.result.ok ? 'ok' : r.result.error.code));
    expect(codes.filter((c) => c === 'INVALID_ARGUMENT').length).toBeLessThanOrEqual(4);
    expect(codes).toContain('RATE_LIMITED');
    expect(doc('liaisonResidents', 'res-b1-02').lockedUntil).not.toBeNull();
  });

  test('unbind removes the caller only; the last one uncounts the household', async () => {
    ok(await call('demo-newcomer', 'bindResident', card));
    ok(await call('demo-applicant', 'bindResident', card));
    expect(ok(await costs(4, call('demo-newcomer', 'unbind')))).toEqual({ unbound: true });
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual(['demo-applicant']);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(2);
    ok(await costs(4, call('demo-applicant', 'unbind')));
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual([]);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(1);
    expect(ok(await costs(2, call('demo-applicant', 'unbind')))).toEqual({ unbound: true });
  });
});

// ---------------------------------------------------------------- branch.me

describe('branch.me', () => {
  test('a bound resident gets their liaison card in one extra request', async () => {
    const r = await branchCall('demo-resident', 'me');
    expect(r.dbRequests).toBe(2);
    expect(ok(r.result).liaison).toEqual({
      residentId: 'res-b1-01',
      householdId: HH_MEMBER,
      headName: '陈桂兰',
      openRequests: 1,
      // liaison.erasure.test.ts checks the newest requests in detail.
      recentRequests: expect.any(Array),
      member: {
        name: '李秀英',
        photo: null,
        roleLabel: '党员',
        branchName: '幸福里社区第一党支部',
        phone: '13800001002',
        address: '3栋1单元201室',
        promise: expect.any(String),
      },
    });
  });

  test('an unbound newcomer gets null; members get no `liaison` and no extra request', async () => {
    const newcomer = await branchCall('demo-newcomer', 'me');
    expect(newcomer.dbRequests).toBe(2);
    expect(ok(newcomer.result).liaison).toBeNull();
    const member = await branchCall('demo-member', 'me');
    expect(member.dbRequests).toBe(2);
    expect(ok(member.result)).not.toHaveProperty('liaison');
  });
});

// ---------------------------------------------------------------- my data, erasure

describe('myData and eraseMyData', () => {
  test('a bound resident sees everything stored about their household', async () => {
    const data = ok(await costs(2, call('demo-resident', 'myData')));
    expect(data).toEqual({
      residentId: 'res-b1-01',
      headName: '陈桂兰',
      address: '3栋1单元302室',
      phone: '13700001234',
      people: 1,
      careTags: ['livingAlone', 'elderly'],
      notes: expect.any(String),
      cardCode: 'XFLQ2C3D',
      bindings: [{ you: true, boundAt: expect.any(String) }],
      requestCount: 2,
      serviceRecordCount: 0,
      centralHousehold: { memberName: '李秀英', branchName: '幸福里社区第一党支部' },
    });
    expect(err(await costs(1, call('demo-newcomer', 'myData'))).code).toBe('FORBIDDEN');
  });

  test('erasure: unbound, personal fields gone everywhere, statistics kept, card dead', async () => {
    ok(await call('demo-newcomer', 'bindResident', CARD_01));
    emu.db.insert('liaisonRecords', [
      {
        _id: 'rec-erase',
        householdId: HH_MEMBER,
        residentId: 'res-b1-01',
        branchId: B1,
        grid: '幸福里第一网格',
        memberOpenid: 'demo-member',
        date: '2026-01-01',
        category: 'visit',
        note: '看望陈桂兰老人',
        photos: ['cloud://env/rec.jpg'],
        held: false,
        createdAt: new Date(),
      },
    ]);
    const before = JSON.stringify(doc('liaisonResidents', 'res-b1-01'));
    expect(before).toContain('13700001234');

    // The caller's binding with the requests (1), bindings (1), resident (1), requests (1),
    // the household's counters (1).
    expect(ok(await costs(5, call('demo-resident', 'eraseMyData', { confirm: true })))).toEqual({
      erased: true,
    });
    // Service records about the household are swept by the next `escalate` run.
    expect(doc('liaisonRecords', 'rec-erase')).toMatchObject({ note: '看望陈桂兰老人' });
    expect(doc('liaisonResidents', 'res-b1-01')).toMatchObject({
      recordsToSweep: true,
      erasedBy: 'resident',
      erasedByOpenid: null,
    });
    await emu.emulator.fireTimer('liaison', 'escalate', new Date());
    expect(doc('liaisonRecords', 'rec-erase')).toMatchObject({ note: null, photos: [] });
    expect(doc('liaisonResidents', 'res-b1-01').recordsToSweep).toBe(false);
    expect(emu.db.find('liaisonBindings', { residentId: 'res-b1-01' })).toEqual([]);
    const r = doc('liaisonResidents', 'res-b1-01');
    expect(r).toMatchObject({
      active: false,
      erased: true,
      boundOpenids: [],
      careTags: [],
      notes: null,
    });
    const everything = JSON.stringify(
      ['liaisonResidents', 'liaisonRequests', 'liaisonRecords', 'liaisonBindings', 'auditLogs'].map(
        (c) => emu.db.find(c, {}),
      ),
    );
    for (const s of [
      '13700001234',
      '陈桂兰',
      '3栋1单元302室',
      '子女在外地',
      '厨房水管漏水',
      '老年人补贴',
      'cloud://env/rec.jpg',
    ]) {
      expect(everything).not.toContain(s);
    }
    for (const id of ['req-demo-open', 'req-demo-closed']) {
      const q = doc('liaisonRequests', id);
      expect(q).toMatchObject({ anonymised: true, text: null, photos: [], submittedBy: null });
      expect(q.history.every((h: { note: unknown }) => h.note === null)).toBe(true);
    }
    expect(doc('liaisonRequests', 'req-demo-closed')).toMatchObject({
      category: 'policy',
      status: 'closed',
      rating: 'satisfied',
    });
    // An open request of an erased household is closed (nobody can follow it up any more).
    expect(doc('liaisonRequests', 'req-demo-open')).toMatchObject({
      category: 'repair',
      status: 'closed',
      dueAt: null,
    });
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({
      residentCount: 5,
      boundCount: 0,
      openRequests: 1,
    });
    // Both family members are unbound; the card no longer binds.
    expect(ok(await call('demo-resident', 'myLiaison'))).toEqual({ bound: false });
    expect(ok(await call('demo-newcomer', 'myLiaison'))).toEqual({ bound: false });
    const again = err(await call('demo-resident', 'bindResident', CARD_01));
    expect(again.code).toBe('NOT_FOUND');
    // A retry of the erasure is refused as for anyone unbound, changing nothing.
    expect(err(await call('demo-resident', 'eraseMyData', { confirm: true })).code).toBe(
      'FORBIDDEN',
    );
    expect(doc('liaisonHouseholds', HH_MEMBER).residentCount).toBe(5);
  });

  test('removeResident erases the same way and names who removed it', async () => {
    // The resident with its requests (1), bindings (1), resident (1), requests (1), counters (1).
    const r = await costs(5, call('demo-secretary', 'removeResident', { residentId: 'res-b1-01' }));
    expect(ok(r)).toEqual({ removed: true });
    expect(doc('liaisonResidents', 'res-b1-01')).toMatchObject({
      erasedBy: 'manager',
      erasedByOpenid: 'demo-secretary',
      erasedAt: expect.any(Date),
    });
    expect(doc('liaisonResidents', 'res-b1-01')).toMatchObject({ erased: true, phone: '' });
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({ residentCount: 5, boundCount: 0 });
    // An unbound household without requests: no bindings or requests to touch.
    ok(await costs(3, call('demo-secretary', 'removeResident', { residentId: 'res-b1-02' })));
    // Again: already erased, nothing changes.
    ok(await costs(1, call('demo-secretary', 'removeResident', { residentId: 'res-b1-02' })));
    expect(doc('liaisonHouseholds', HH_MEMBER).residentCount).toBe(4);
    expect(err(await call('demo-member', 'removeResident', { residentId: 'res-b1-03' })).code).toBe(
      'FORBIDDEN',
    );
  });

  test('eraseMyData needs the confirmation', async () => {
    const e = err(await call('demo-resident', 'eraseMyData', { confirm: false }));
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['confirm'] } });
  });
});

// ---------------------------------------------------------------- update

describe('updateHousehold and updateResident', () => {
  test('only the member changes their consent; the grid only managers', async () => {
    expect(
      err(
        await call(
          'demo-secretary',
          'updateHousehold',
          { householdId: HH_MEMBER, showPhone: false },
          rid(),
        ),
      ).code,
    ).toBe('FORBIDDEN');
    expect(
      err(
        await call(
          'demo-member',
          'updateHousehold',
          { householdId: HH_MEMBER, grid: '别处' },
          rid(),
        ),
      ).code,
    ).toBe('FORBIDDEN');
    const r = ok(
      await costs(
        4,
        call('demo-member', 'updateHousehold', { householdId: HH_MEMBER, showPhone: false }, rid()),
      ),
    );
    expect(r.household).toMatchObject({ showPhone: false, memberName: '李秀英' });
    // Without a requestId: the household with its context, the update.
    const plain = ok(
      await costs(
        2,
        call('demo-secretary', 'updateHousehold', { householdId: HH_MEMBER, promise: '有事找我' }),
      ),
    );
    expect(plain.household.promise).toBe('有事找我');
    // A retry with the same requestId answers from the marker (its refused claim, its read).
    const id = rid();
    const first = ok(
      await costs(
        4,
        call('demo-member', 'updateHousehold', { householdId: HH_MEMBER, promise: '随叫随到' }, id),
      ),
    );
    expect(
      ok(
        await costs(
          2,
          call(
            'demo-member',
            'updateHousehold',
            { householdId: HH_MEMBER, promise: '随叫随到' },
            id,
          ),
        ),
      ),
    ).toEqual(first);
  });

  test('a household photo only from liaison-households/', async () => {
    const photo = 'cloud://env-1.bucket/liaison-households/door.jpg';
    ok(
      await costs(2, call('demo-secretary', 'updateHousehold', { householdId: HH_MEMBER, photo })),
    );
    expect(doc('liaisonHouseholds', HH_MEMBER).photo).toBe(photo);
    for (const foreign of [
      'cloud://env-1.bucket/liaison-exports/org-branch-1/cards.pdf',
      'cloud://env-1.bucket/avatars/a.jpg',
      'cloud://env-1.bucket/liaison-households/../avatars/a.jpg',
    ]) {
      for (const [action, data] of [
        ['updateHousehold', { householdId: HH_MEMBER, photo: foreign }],
        [
          'designateHousehold',
          { branchId: B1, memberOpenid: 'demo-member', address: '2栋101室', photo: foreign },
        ],
      ] as const) {
        const e = err(await costs(0, call('demo-secretary', action, data)));
        expect(e).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['photo'] } });
        expect(e.message).toContain('图片地址不正确');
      }
    }
    expect(doc('liaisonHouseholds', HH_MEMBER).photo).toBe(photo);
  });

  test('edits a resident; care fields only for those who may see them', async () => {
    const r = ok(
      await costs(
        4,
        call(
          'demo-member',
          'updateResident',
          { residentId: 'res-b1-02', people: 4, careTags: ['elderly'] },
          rid(),
        ),
      ),
    );
    expect(r.resident).toMatchObject({ people: 4, careTags: ['elderly'], phone: '139****5678' });
    // Without a requestId: the resident with its context, the update.
    const sec = ok(
      await costs(
        2,
        call('demo-deputy', 'updateResident', { residentId: 'res-b1-02', notes: '腿脚不便' }),
      ),
    );
    expect(sec.resident).toMatchObject({ notes: '腿脚不便', careTags: ['elderly'] });
    // The mass-work member edits no resident (and learns nothing from the refusal).
    const mass = await call(
      'demo-masswork',
      'updateResident',
      { residentId: 'res-b1-02', headName: '赵德顺' },
      rid(),
    );
    expect(err(mass).code).toBe('FORBIDDEN');
    expect(JSON.stringify(mass)).not.toMatch(/赵德顺|5678|elderly/);
    expect(doc('liaisonResidents', 'res-b1-02').people).toBe(4);
  });
});

// ---------------------------------------------------------------- validation messages

describe('validation messages name fields in Chinese, never by their identifiers', () => {
  test.each([
    ['addResident', { ...residentInput(4), phone: undefined }, '请填写联系电话', 'phone'],
    ['addResident', { ...residentInput(4), phone: 13900001111 }, '联系电话格式不正确', 'phone'],
    ['addResident', residentInput(4, { address: { building: '6' } }), '地址格式不正确', 'address'],
    ['addResident', residentInput(4, { careTags: ['rich'] }), '关爱标签格式不正确', 'careTags.0'],
    ['addResident', residentInput(4, { people: 2.5 }), '家庭人数格式不正确', 'people'],
    [
      'designateHousehold',
      { memberOpenid: 'demo-member', address: '7栋' },
      '请填写支部',
      'branchId',
    ],
    [
      'designateHousehold',
      { branchId: ' ', memberOpenid: 'demo-member', address: '7栋' },
      '请填写支部',
      'branchId',
    ],
    ['bindResident', { cardCode: 123, phoneLast4: '5678' }, '连心卡号格式不正确', 'cardCode'],
    ['bindResident', { cardCode: 'XFLB4E5F' }, '请填写手机号后四位', 'phoneLast4'],
    ['bindResident', undefined, '请填写连心卡号', 'cardCode'],
    // A message the schema wrote for people is shown as it is.
    [
      'bindResident',
      { cardCode: 'ABC', phoneLast4: '5678' },
      '连心卡号是 8 位字母和数字，请核对',
      'cardCode',
    ],
    ['exportCards', {}, '请选择要导出的中心户，或支部（可选网格）', 'data'],
    // A handler's own message in the kit's wording (common/util.ts `decodeCursor`), relabelled.
    [
      'listResidents',
      { householdId: HH_MEMBER, cursor: 'x' },
      '分页参数无效，请刷新后重试',
      'cursor',
    ],
    ['myHouseholds', 'x', '填写的内容格式不正确，请检查后再提交', 'data'],
  ] as [LiaisonAction, unknown, string, string][])(
    '%s %j → %s',
    async (action, data, message, field) => {
      const e = err(await costs(0, call('demo-secretary', action, data as never, rid())));
      expect(e).toEqual({ code: 'INVALID_ARGUMENT', message, details: expect.anything() });
      // Forms still get the paths.
      expect((e.details as { fields: string[] }).fields[0]).toBe(field);
    },
  );

  test('every field of every action, given a wrong value: no Latin letter in the message', async () => {
    // Valid required fields, so that the field tried is the one refused. The caller may do
    // nothing here: an input that passes is refused by the policy, quickly.
    const V = { householdId: HH_MEMBER };
    const valid: Partial<Record<LiaisonAction, Record<string, unknown>>> = {
      designateHousehold: { branchId: B1, memberOpenid: 'demo-probationary', address: '7栋' },
      updateHousehold: V,
      stepDown: V,
      listHouseholds: { branchId: B1 },
      addResident: residentInput(4),
      updateResident: { residentId: 'res-b1-02' },
      removeResident: { residentId: 'res-b1-02' },
      listResidents: V,
      revealPhone: { residentId: 'res-b1-02' },
      cardImage: { residentId: 'res-b1-02' },
      exportCards: V,
      importTemplate: { branchId: B1 },
      importResidents: { ...V, fileID: 'cloud://env.bucket/liaison-imports/x.xlsx' },
      exportResidents: V,
      bindResident: { cardCode: 'ZZZZ2222', phoneLast4: '5678' },
      eraseMyData: { confirm: true },
      submitRequest: { category: 'repair', text: '楼道灯坏了' },
      listRequests: {},
      getRequest: { requestId: 'req-demo-open' },
      updateRequest: { requestId: 'req-demo-open', status: 'accepted' },
      rateRequest: { requestId: 'req-demo-closed', rating: 'satisfied' },
      logService: { ...V, category: 'visit', note: '上门走访' },
      listServiceRecords: V,
      dashboard: { branchId: B1 },
      updateSettings: { committeeId: 'org-committee' },
    };
    const refused: string[] = [];
    const english: string[] = [];
    for (const [action, paths] of await schemaFields()) {
      for (const path of paths.filter((p) => !p.includes('.'))) {
        for (const bad of [{}, 12345, '', ' ', 'x'.repeat(1000), ['x'], null]) {
          const data = { ...valid[action], [path]: bad };
          const r = await call('demo-newcomer', action, data, rid());
          if (r.result.ok || r.result.error.code !== 'INVALID_ARGUMENT') continue;
          refused.push(`${action}.${path}`);
          const { message } = r.result.error;
          if (/[A-Za-z]/.test(message)) english.push(`${action}.${path}: ${message}`);
        }
      }
    }
    expect([...new Set(english)]).toEqual([]);
    expect(new Set(refused).size).toBeGreaterThan(60);
  });

  test('every field of every action has a Chinese label (liaison/labels.ts)', async () => {
    const { FIELD_LABELS } = await import('../../cloudfunctions/liaison/labels');
    const missing: string[] = [];
    for (const [action, paths] of await schemaFields()) {
      for (const p of paths) if (!FIELD_LABELS[p]) missing.push(`${action}: ${p}`);
    }
    expect(missing).toEqual([]);
    for (const label of Object.values(FIELD_LABELS)) expect(label).not.toMatch(/[A-Za-z]/);
  });
});

/** Every action's `data` field paths, read from the schemas the function validates with. */
async function schemaFields(): Promise<Map<LiaisonAction, string[]>> {
  const modules = [
    'households',
    'residents',
    'binding',
    'requests',
    'records',
    'dashboard',
    'cards',
    'io',
  ];
  const out = new Map<LiaisonAction, string[]>();
  const walk = (schema: unknown, prefix: string, into: Set<string>) => {
    const def = (schema as { _zod?: { def?: Record<string, any> } })?._zod?.def;
    if (!def) return;
    if (def.type === 'object') {
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) {
        const path = prefix ? `${prefix}.${key}` : key;
        into.add(path);
        walk(value, path, into);
      }
    } else if (def.type === 'union') {
      for (const option of def.options) walk(option, prefix, into);
    } else if (def.type === 'pipe') {
      walk(def.in, prefix, into);
      walk(def.out, prefix, into);
    } else if (def.type === 'array') {
      walk(def.element, prefix, into);
    } else if (def.innerType) {
      walk(def.innerType, prefix, into);
    }
  };
  const { main } = (await import('../../cloudfunctions/liaison/index')) as {
    main: { meta: { actions: Record<string, string> } };
  };
  for (const m of modules) {
    const mod = (await import(`../../cloudfunctions/liaison/${m}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      const def = value as { schema?: unknown; handler?: unknown };
      if (!(name in main.meta.actions) || !def?.schema || !def.handler) continue;
      const paths = new Set<string>();
      walk(def.schema, '', paths);
      out.set(name as LiaisonAction, [...paths]);
    }
  }
  expect([...out.keys()].sort()).toEqual(Object.keys(main.meta.actions).sort());
  return out;
}
