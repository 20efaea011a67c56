/**
 * Residents' requests (民情) through the emulator with the demo seed: the life cycle submitted →
 * accepted → resolved → closed with a rating and its history, content security (risky refused,
 * review held until a secretary handles it), photos, who may submit, list and get (the member
 * of another household, an unlinked member, managers without the secretaries' rights), and
 * escalation fired by the `escalate` timer (24 h to accept, 72 h to resolve, the committee's
 * own hours; overlapping runs escalate once), with the subscribe messages and exact budgets.
 */
import type { TestEmulator } from '../helpers/emulator';
import { branchCaller, demoEmulator, err, ok, rid } from '../helpers/branch';
import {
  B1,
  CARD_01,
  CARD_02,
  exactly,
  HH_ELDER,
  HH_MEMBER,
  HOUR,
  liaisonCaller,
  MEMBER,
  refused,
  RESIDENT,
  SECRETARY,
} from '../helpers/liaison';

let emu: TestEmulator;
const call = liaisonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
  emu.emulator.outbox.clear();
});
afterEach(() => emu.close());

type Sent = { touser: string; page?: string; data: Record<string, { value: string }> };
const outbox = () => emu.emulator.outbox.list() as Sent[];
const about = (requestId: string) => outbox().filter((m) => m.page?.endsWith(`id=${requestId}`));
/** The one message about a request to one user (undefined when none; fails when several). */
const to = (requestId: string, openid: string) => {
  const sent = about(requestId).filter((m) => m.touser === openid);
  expect(sent.length).toBeLessThanOrEqual(1);
  return sent[0];
};

const DEPUTY = 'demo-deputy';
const COMMITTEE = 'demo-committee';
/** The member of another central household of the same branch. */
const OTHER_MEMBER = 'demo-elder';
/** A member of branch 1 who is no central household. */
const UNLINKED = 'demo-member-b1-09';
const PHONE = '13700001234';
const HEAD = '陈桂兰';

const text = '楼道灯坏了，晚上看不见路';
const submit = (extra: Record<string, unknown> = {}, openid = RESIDENT) =>
  call(openid, 'submitRequest', { category: 'repair', text, ...extra }, rid());

const stored = (id: string) =>
  emu.db.get('liaisonRequests', id) as {
    level: number;
    status: string;
    dueAt: Date | null;
    held: boolean;
    history: { action: string; by: string; note: string | null }[];
  };
const counters = () => ({
  household: (emu.db.get('liaisonHouseholds', HH_MEMBER) as { openRequests: number }).openRequests,
  resident: (emu.db.get('liaisonResidents', 'res-b1-01') as { openRequests: number }).openRequests,
});

describe('life cycle', () => {
  test('submitted → accepted → resolved → closed with a rating; history, counters, messages', async () => {
    const before = counters();
    const sent = await exactly(4, submit({ urgent: true }));
    expect(sent).toEqual({ requestId: expect.any(String), status: 'submitted', held: false });
    const id = sent.requestId;
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });
    const doc = stored(id);
    expect(doc.level).toBe(0);
    // Due within the default 24 hours.
    expect(new Date(doc.dueAt!).getTime() - Date.now()).toBeGreaterThan(23.9 * HOUR);
    expect(new Date(doc.dueAt!).getTime() - Date.now()).toBeLessThanOrEqual(24 * HOUR);
    // The member hears of it, marked urgent, without the resident's text, name, address or phone.
    expect(about(id).map((m) => m.touser)).toEqual([MEMBER]);
    expect(about(id)[0].data.thing1.value).toBe('【紧急】民情诉求·维修');
    const msg = JSON.stringify(about(id));
    for (const secret of [PHONE, HEAD, text, '幸福里1栋']) expect(msg).not.toContain(secret);

    // The member's list (default: household) shows it with the resident block, never a phone.
    const list = await exactly(3, call(MEMBER, 'listRequests', {}));
    const item = list.items.find((i) => i.requestId === id)!;
    expect(item).toMatchObject({
      status: 'submitted',
      urgent: true,
      level: 0,
      overdue: false,
      memberName: '李秀英',
      held: false,
      resident: { residentId: 'res-b1-01', headName: HEAD },
    });
    expect(JSON.stringify(list)).not.toContain(PHONE);
    expect(list.items.map((i) => i.requestId)).toEqual(
      [...list.items].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).map((i) => i.requestId),
    );
    // The resident's own list (default: mine) and detail: no resident block needed.
    const mine = await exactly(3, call(RESIDENT, 'listRequests'));
    expect(mine.items.map((i) => i.requestId)).toContain(id);
    expect(mine.items.map((i) => i.requestId)).not.toContain('req-demo-accepted'); // res-b1-03
    const own = await exactly(1, call(RESIDENT, 'getRequest', { requestId: id }));
    expect(own.request.resident).toBeUndefined();
    expect(own.request.can).toEqual({ accept: false, resolve: false, rate: false });

    // The secretary sees it but may not handle it before it escalates.
    const bySecretary = await exactly(1, call(SECRETARY, 'getRequest', { requestId: id }));
    expect(bySecretary.request.can).toEqual({ accept: false, resolve: false, rate: false });
    expect(bySecretary.request.resident?.headName).toBe(HEAD);
    expect(
      (await refused(call(SECRETARY, 'updateRequest', { requestId: id, status: 'accepted' }))).code,
    ).toBe('FORBIDDEN');

    emu.emulator.outbox.clear();
    const accepted = await exactly(
      2,
      call(MEMBER, 'updateRequest', { requestId: id, status: 'accepted' }, rid()),
    );
    expect(accepted.request).toMatchObject({ status: 'accepted', level: 0, overdue: false });
    const due = new Date(accepted.request.dueAt!).getTime() - Date.now();
    expect(due).toBeGreaterThan(71.9 * HOUR);
    expect(due).toBeLessThanOrEqual(72 * HOUR);
    // The member accepted it: the resident hears (still marked urgent), the member not.
    expect(about(id).map((m) => m.touser)).toEqual([RESIDENT]);
    expect(about(id)[0].data.thing1.value).toContain('紧急');
    expect(about(id)[0].data.thing3.value).toBe('您的诉求已受理，正在办理');
    // A retry by the same member answers the same; nothing is written twice.
    const again = await exactly(
      1,
      call(MEMBER, 'updateRequest', { requestId: id, status: 'accepted' }, rid()),
    );
    expect(again.request.status).toBe('accepted');
    expect(stored(id).history.map((h) => h.action)).toEqual(['submitted', 'accepted']);

    // Resolving needs a note (checked like all text).
    const noNote = await refused(
      call(MEMBER, 'updateRequest', { requestId: id, status: 'resolved' }),
    );
    expect(noNote.code).toBe('INVALID_ARGUMENT');
    expect(
      (
        await refused(
          call(MEMBER, 'updateRequest', { requestId: id, status: 'resolved', note: '测试违规词' }),
        )
      ).code,
    ).toBe('CONTENT_RISKY');
    const rateEarly = await refused(
      call(RESIDENT, 'rateRequest', { requestId: id, rating: 'satisfied' }),
    );
    expect(rateEarly.code).toBe('CONFLICT');

    emu.emulator.outbox.clear();
    const resolved = await exactly(
      4,
      call(MEMBER, 'updateRequest', { requestId: id, status: 'resolved', note: '已更换灯泡' }),
    );
    expect(resolved.request).toMatchObject({
      status: 'resolved',
      dueAt: null,
      resolutionNote: '已更换灯泡',
      overdue: false,
    });
    expect(counters()).toEqual(before);
    expect(about(id).map((m) => m.touser)).toEqual([RESIDENT]);

    // Only a resident of the household rates it, once.
    expect(
      (await refused(call(MEMBER, 'rateRequest', { requestId: id, rating: 'satisfied' }))).code,
    ).toBe('FORBIDDEN');
    emu.emulator.outbox.clear();
    const rated = await exactly(
      4,
      call(
        RESIDENT,
        'rateRequest',
        { requestId: id, rating: 'basically', comment: '挺快的' },
        rid(),
      ),
    );
    expect(rated.request).toMatchObject({
      status: 'closed',
      rating: 'basically',
      ratingComment: '挺快的',
      can: { accept: false, resolve: false, rate: false },
    });
    expect(rated.request.history.map((h) => [h.action, h.by])).toEqual([
      ['submitted', '居民'],
      ['accepted', '李秀英（中心户）'],
      ['resolved', '李秀英（中心户）'],
      ['closed', '居民'],
    ]);
    expect(rated.request.history[2].note).toBe('已更换灯泡');
    expect(about(id).map((m) => m.touser)).toEqual([MEMBER]);
    expect(about(id)[0].data.thing3.value).toContain('基本满意');
    const twice = await refused(
      call(RESIDENT, 'rateRequest', { requestId: id, rating: 'satisfied' }),
    );
    expect(twice.code).toBe('CONFLICT');
  });

  test('accept-and-resolve at once; two handlers at once: one wins, the other gets CONFLICT', async () => {
    const { requestId } = await exactly(4, submit());
    const done = await exactly(
      4,
      call(MEMBER, 'updateRequest', { requestId, status: 'resolved', note: '当场处理好了' }),
    );
    expect(done.request.history.map((h) => h.action)).toEqual([
      'submitted',
      'accepted',
      'resolved',
    ]);

    // Escalated to the secretary (level 1): the member and the secretary both may accept.
    const second = (await exactly(4, submit())).requestId;
    await emu.emulator.fireTimer('liaison', 'escalate', new Date(Date.now() + 25 * HOUR));
    expect(stored(second).level).toBe(1);
    const both = await Promise.all([
      call(MEMBER, 'updateRequest', { requestId: second, status: 'accepted' }),
      call(SECRETARY, 'updateRequest', { requestId: second, status: 'accepted' }),
    ]);
    const codes = both.map((r) => (r.result.ok ? 'ok' : r.result.error.code)).sort();
    expect(codes).toEqual(['CONFLICT', 'ok']);
    expect(stored(second).history.filter((h) => h.action === 'accepted')).toHaveLength(1);
  });
});

describe('content and photos', () => {
  test('risky text refused and nothing stored; review held until a secretary handles it', async () => {
    const before = emu.db.find('liaisonRequests', {}).length;
    const risky = await refused(submit({ text: '这里有测试违规词' }));
    expect(risky.code).toBe('CONTENT_RISKY');
    expect(emu.db.find('liaisonRequests', {})).toHaveLength(before);
    expect(outbox()).toHaveLength(0);

    const held = await exactly(4, submit({ text: '这里有测试待审词' }));
    expect(held.held).toBe(true);
    const id = held.requestId;
    // The secretary and the deputy hear that one waits for review (no text, no resident); the
    // member neither hears of it, nor lists it, nor gets it.
    expect(
      about(id)
        .map((m) => m.touser)
        .sort(),
    ).toEqual([DEPUTY, SECRETARY].sort());
    expect(about(id)[0].data.thing3.value).toBe('有诉求待审核，请查看处理');
    const msg = JSON.stringify(about(id));
    for (const secret of [PHONE, HEAD, '测试待审词']) expect(msg).not.toContain(secret);
    expect(to(id, MEMBER)).toBeUndefined();
    const list = await exactly(3, call(MEMBER, 'listRequests', {}));
    expect(list.items.map((i) => i.requestId)).not.toContain(id);
    expect((await refused(call(MEMBER, 'getRequest', { requestId: id }))).code).toBe('NOT_FOUND');
    // The resident sees their own, marked held.
    const own = await exactly(1, call(RESIDENT, 'getRequest', { requestId: id }));
    expect(own.request.held).toBe(true);
    // The secretary lists it (branch scope) and releases it by accepting it.
    const branch = await exactly(
      2,
      call(SECRETARY, 'listRequests', {
        scope: 'branch',
        branchId: B1,
        status: 'open',
      }),
    );
    expect(branch.items.find((i) => i.requestId === id)).toMatchObject({
      held: true,
      resident: { headName: HEAD },
    });
    const released = await exactly(
      2,
      call(SECRETARY, 'updateRequest', { requestId: id, status: 'accepted' }),
    );
    expect(released.request.held).toBe(false);
    expect(released.request.history.map((h) => [h.action, h.by])).toEqual([
      ['submitted', '居民'],
      ['released', '支部书记'],
      ['accepted', '支部书记'],
    ]);
    const seen = await exactly(1, call(MEMBER, 'getRequest', { requestId: id }));
    expect(seen.request.can.resolve).toBe(true);
  });

  test('at most 3 photos, uploaded under liaison-requests/ only; they are kept', async () => {
    const photo = (i: number) => `cloud://env-1.bucket/liaison-requests/p${i}.jpg`;
    const four = await refused(submit({ photos: [1, 2, 3, 4].map(photo) }));
    expect(four).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['photos'] } });
    // Not a cloud file, another folder (an export, a record's photo, an avatar), a way out of
    // the folder: refused before anything is read, with one plain message.
    for (const foreign of [
      'https://example.com/a.jpg',
      'cloud://env-1.bucket/liaison-exports/org-branch-1/residents-1.xlsx',
      'cloud://env-1.bucket/liaison-records/p1.jpg',
      'cloud://env-1.bucket/avatars/a.jpg',
      'cloud://env-1.bucket/requests/p1.jpg',
      'cloud://env-1.bucket/liaison-requests/../liaison-exports/x.xlsx',
      'cloud://env-1.bucket/x/liaison-requests/p1.jpg',
    ]) {
      const r = await call(RESIDENT, 'submitRequest', {
        category: 'repair',
        text,
        photos: [foreign],
      });
      expect(r.dbRequests).toBe(0);
      expect(err(r.result)).toEqual({
        code: 'INVALID_ARGUMENT',
        message: '图片地址不正确，只能使用在本页上传的图片，请重新上传',
        details: { fields: ['photos.0'] },
      });
    }
    const short = await refused(submit({ text: '啊' }));
    expect(short).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['text'] } });
    const { requestId } = await exactly(4, submit({ photos: [1, 2, 3].map(photo) }));
    const got = await exactly(1, call(RESIDENT, 'getRequest', { requestId }));
    expect(got.request.photos).toEqual([1, 2, 3].map(photo));
  });
});

describe('who may submit, list and get', () => {
  test('only bound residents submit; a retried submit is one request', async () => {
    for (const who of ['demo-newcomer', MEMBER, SECRETARY]) {
      const e = await refused(submit({}, who));
      expect(e.code).toBe('FORBIDDEN');
    }
    const before = counters();
    const id = rid();
    const first = await exactly(
      4,
      call(RESIDENT, 'submitRequest', { category: 'policy', text: '想问问医保报销' }, id),
    );
    const retry = await exactly(
      3,
      call(RESIDENT, 'submitRequest', { category: 'policy', text: '想问问医保报销' }, id),
    );
    expect(retry).toEqual(first);
    expect(counters().household).toBe(before.household + 1);
  });

  test('another household’s member, an unlinked member, mass work and another branch see nothing', async () => {
    const { requestId } = await exactly(4, submit());
    for (const who of [OTHER_MEMBER, UNLINKED, 'demo-masswork', 'demo-member-2', 'demo-newcomer']) {
      const r = await call(who, 'getRequest', { requestId });
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(r.result)).not.toContain(HEAD);
      const list = await call(who, 'listRequests', {});
      expect(ok(list.result).items.map((i) => i.requestId)).not.toContain(requestId);
      expect(ok(list.result).items.map((i) => i.requestId)).not.toContain('req-demo-open');
      expect(list.dbRequests).toBeLessThanOrEqual(3);
      expect(JSON.stringify(list.result)).not.toContain(PHONE);
    }
    // No central household, no binding: empty, without reading any request.
    expect(
      (await exactly(1, call(UNLINKED, 'listRequests', { scope: 'household' }))).items,
    ).toEqual([]);
    expect(ok((await call(UNLINKED, 'listRequests', { scope: 'mine' })).result).items).toEqual([]);
    // Branch and committee scopes need the secretaries.
    for (const who of [MEMBER, 'demo-masswork', UNLINKED, 'demo-secretary-2']) {
      const e = await refused(call(who, 'listRequests', { scope: 'branch', branchId: B1 }));
      expect(e.code).toBe('FORBIDDEN');
    }
    expect(
      (
        await refused(
          call(SECRETARY, 'listRequests', { scope: 'committee', committeeId: 'org-committee' }),
        )
      ).code,
    ).toBe('FORBIDDEN');
    // The committee does not see it before it escalates to level 2.
    expect((await refused(call(COMMITTEE, 'getRequest', { requestId }))).code).toBe('FORBIDDEN');
    const committee = await exactly(
      2,
      call(COMMITTEE, 'listRequests', { scope: 'committee', committeeId: 'org-committee' }),
    );
    expect(committee.items).toEqual([]);
    // A resident bound elsewhere… the other household's member is no resident of it either.
    expect(
      (await refused(call(OTHER_MEMBER, 'rateRequest', { requestId, rating: 'satisfied' }))).code,
    ).toBe('FORBIDDEN');
    expect(
      (await refused(call(OTHER_MEMBER, 'updateRequest', { requestId, status: 'accepted' }))).code,
    ).toBe('FORBIDDEN');
    const missing = await refused(call(MEMBER, 'getRequest', { requestId: 'no-such-request' }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  test('list paging: 20 a page by cursor, newest first, each once; status filters', async () => {
    const base = Date.now() - 100 * HOUR;
    const docs = Array.from({ length: 45 }, (_, i) => ({
      ...(emu.db.get('liaisonRequests', 'req-demo-open') as Record<string, unknown>),
      _id: `req-bulk-${String(i).padStart(2, '0')}`,
      // Three share each creation time.
      createdAt: new Date(base + Math.floor(i / 3) * HOUR),
      status: i % 2 ? 'closed' : 'submitted',
    }));
    await emu.seed({ liaisonRequests: docs });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await exactly(
        2,
        call(MEMBER, 'listRequests', { scope: 'household', ...(cursor ? { cursor } : {}) }),
      );
      expect(page.items.length).toBeLessThanOrEqual(20);
      seen.push(...page.items.map((i) => i.requestId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(48); // 45 + the seed's 3
    expect(new Set(seen).size).toBe(48);
    const open = await exactly(3, call(MEMBER, 'listRequests', { status: 'open' }));
    expect(open.items.every((i) => i.status === 'submitted' || i.status === 'accepted')).toBe(true);
    const bad = await refused(call(MEMBER, 'listRequests', { cursor: 'bm90IGEgY3Vyc29y' }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
  });
});

describe('escalation by the timer', () => {
  const fire = (at: number) => emu.emulator.fireTimer('liaison', 'escalate', new Date(at));

  test('not accepted within 24 h → branch secretaries, again → the committee; each step once', async () => {
    const { requestId } = await exactly(4, submit());
    emu.emulator.outbox.clear();
    const t0 = Date.now();
    await fire(t0 + 23 * HOUR);
    expect(stored(requestId).level).toBe(0);
    expect(about(requestId)).toHaveLength(0);

    // Two runs at once past the deadline: one escalation.
    await Promise.all([fire(t0 + 24 * HOUR + 60_000), fire(t0 + 24 * HOUR + 60_000)]);
    let doc = stored(requestId);
    expect(doc.level).toBe(1);
    expect(doc.history.filter((h) => h.action === 'escalated')).toEqual([
      {
        at: expect.anything(),
        action: 'escalated',
        by: '系统',
        byOpenid: null,
        note: '超过 24 小时未受理，已转支部书记',
      },
    ]);
    // The secretaries are asked to follow it up; the member hears it went up; the resident
    // hears who follows it now.
    expect(
      about(requestId)
        .map((m) => m.touser)
        .sort(),
    ).toEqual([DEPUTY, MEMBER, RESIDENT, SECRETARY].sort());
    expect(to(requestId, MEMBER)?.data.thing3.value).toBe('诉求超时未受理，已转支部书记');
    expect(to(requestId, SECRETARY)?.data.thing3.value).toBe('诉求超时未受理，请督办');
    expect(to(requestId, RESIDENT)).toMatchObject({
      page: `packages/resident/request-detail/index?id=${requestId}`,
      data: { thing3: { value: '您的诉求已转支部书记督办' } },
    });
    for (const secret of [HEAD, PHONE, text]) {
      expect(JSON.stringify(about(requestId))).not.toContain(secret);
    }
    // The secretary may handle it now; the committee still may not see it.
    const bySecretary = await exactly(1, call(SECRETARY, 'getRequest', { requestId }));
    expect(bySecretary.request).toMatchObject({ level: 1, can: { accept: true, resolve: true } });
    expect((await refused(call(COMMITTEE, 'getRequest', { requestId }))).code).toBe('FORBIDDEN');
    // A later run before the next deadline changes nothing.
    await fire(t0 + 30 * HOUR);
    expect(stored(requestId).level).toBe(1);

    emu.emulator.outbox.clear();
    await fire(t0 + 48 * HOUR + 120_000);
    doc = stored(requestId);
    expect(doc.level).toBe(2);
    expect(doc.history.at(-1)?.note).toBe('超过 24 小时未受理，已转社区党委');
    expect(
      about(requestId)
        .map((m) => m.touser)
        .sort(),
    ).toEqual([COMMITTEE, MEMBER, RESIDENT].sort());
    expect(to(requestId, RESIDENT)?.data.thing3.value).toBe('您的诉求已报社区党委督办');
    // Level 2 is the last: later runs leave it (overdue) where it is.
    await fire(t0 + 200 * HOUR);
    expect(stored(requestId).level).toBe(2);
    expect(stored(requestId).history.filter((h) => h.action === 'escalated')).toHaveLength(2);

    // The committee lists it (no resident block) and may handle it.
    const list = await exactly(
      2,
      call(COMMITTEE, 'listRequests', { scope: 'committee', committeeId: 'org-committee' }),
    );
    const item = list.items.find((i) => i.requestId === requestId)!;
    expect(item).toMatchObject({ level: 2, memberName: '李秀英', grid: expect.any(String) });
    expect(item.resident).toBeUndefined();
    expect(JSON.stringify(list)).not.toContain(HEAD);
    const byCommittee = await exactly(
      4,
      call(COMMITTEE, 'updateRequest', { requestId, status: 'resolved', note: '已协调物业维修' }),
    );
    expect(byCommittee.request.history.slice(-2).map((h) => [h.action, h.by])).toEqual([
      ['accepted', '社区党委'],
      ['resolved', '社区党委'],
    ]);
  });

  test('accepted but not resolved within 72 h escalates too', async () => {
    const { requestId } = await exactly(4, submit());
    await exactly(2, call(MEMBER, 'updateRequest', { requestId, status: 'accepted' }));
    emu.emulator.outbox.clear();
    const t0 = Date.now();
    await fire(t0 + 71 * HOUR);
    expect(stored(requestId).level).toBe(0);
    await fire(t0 + 72 * HOUR + 60_000);
    expect(stored(requestId).level).toBe(1);
    expect(stored(requestId).history.at(-1)?.note).toBe('超过 72 小时未办结，已转支部书记');
    expect(
      about(requestId)
        .map((m) => m.touser)
        .sort(),
    ).toEqual([DEPUTY, MEMBER, RESIDENT, SECRETARY].sort());
    expect(to(requestId, MEMBER)?.data.thing3.value).toBe('诉求超时未办结，已转支部书记');
    expect(to(requestId, RESIDENT)?.data.thing3.value).toBe('您的诉求已转支部书记督办');
    // An overdue request shows as such.
    const late = await exactly(1, call(MEMBER, 'getRequest', { requestId }));
    expect(late.request.overdue).toBe(false); // the next deadline is 72 h after the escalation
    emu.db.update(
      'liaisonRequests',
      { _id: requestId },
      { $set: { dueAt: new Date(Date.now() - 60_000) } },
      { multi: false, upsert: false, replace: false },
    );
    const overdue = await exactly(1, call(MEMBER, 'getRequest', { requestId }));
    expect(overdue.request.overdue).toBe(true);
  });

  test('the committee’s own hours apply; only its secretaries change them', async () => {
    const e = await refused(
      call(SECRETARY, 'updateSettings', { committeeId: 'org-committee', acceptHours: 2 }, rid()),
    );
    expect(e.code).toBe('FORBIDDEN');
    await exactly(
      5,
      call(
        COMMITTEE,
        'updateSettings',
        { committeeId: 'org-committee', acceptHours: 2, resolveHours: 5 },
        rid(),
      ),
    );
    const { requestId } = await exactly(4, submit());
    const t0 = Date.now();
    await fire(t0 + HOUR);
    expect(stored(requestId).level).toBe(0);
    await fire(t0 + 2 * HOUR + 60_000);
    expect(stored(requestId).level).toBe(1);
    expect(stored(requestId).history.at(-1)?.note).toBe('超过 2 小时未受理，已转支部书记');
    // Accepted: due within 5 hours.
    const accepted = await exactly(
      2,
      call(SECRETARY, 'updateRequest', { requestId, status: 'accepted' }),
    );
    const due = new Date(accepted.request.dueAt!).getTime() - Date.now();
    expect(due).toBeGreaterThan(4.9 * HOUR);
    expect(due).toBeLessThanOrEqual(5 * HOUR);
  });
});

describe('notifications', () => {
  const fire = (at: number) => emu.emulator.fireTimer('liaison', 'escalate', new Date(at));
  const touser = (requestId: string) =>
    about(requestId)
      .map((m) => m.touser)
      .sort();

  test('a secretary or the committee handling it: the member and every bound resident hear', async () => {
    // A family member binds the same household: both residents hear of their request.
    ok((await call('demo-newcomer', 'bindResident', CARD_01)).result);
    const { requestId } = await exactly(4, submit());
    // Not urgent: no 「紧急」 anywhere.
    expect(about(requestId)[0].data.thing1.value).toBe('民情诉求·维修');
    const t0 = Date.now();
    await fire(t0 + 25 * HOUR);
    expect(stored(requestId).level).toBe(1);

    emu.emulator.outbox.clear();
    await exactly(2, call(SECRETARY, 'updateRequest', { requestId, status: 'accepted' }));
    expect(touser(requestId)).toEqual(['demo-newcomer', MEMBER, RESIDENT].sort());
    expect(to(requestId, MEMBER)?.data.thing3.value).toBe('支部书记已受理联系户诉求');
    expect(to(requestId, RESIDENT)?.data.thing3.value).toBe('您的诉求已受理，正在办理');
    expect(to(requestId, MEMBER)?.page).toBe(`packages/liaison/request/index?id=${requestId}`);
    expect(to(requestId, RESIDENT)?.page).toBe(
      `packages/resident/request-detail/index?id=${requestId}`,
    );

    // Not resolved within 72 hours of the acceptance: the committee.
    await fire(Date.now() + 73 * HOUR);
    expect(stored(requestId).level).toBe(2);
    emu.emulator.outbox.clear();
    await exactly(
      4,
      call(COMMITTEE, 'updateRequest', { requestId, status: 'resolved', note: '已协调物业' }),
    );
    expect(touser(requestId)).toEqual(['demo-newcomer', MEMBER, RESIDENT].sort());
    expect(to(requestId, MEMBER)?.data.thing3.value).toBe('社区党委已办结联系户诉求');
    expect(to(requestId, 'demo-newcomer')?.data.thing3.value).toBe('您的诉求已办结，请评价');
    expect(JSON.stringify(outbox())).not.toContain(HEAD);
  });

  test('urgent requests say 「紧急」 in every message about them', async () => {
    const { requestId } = await exactly(4, submit({ urgent: true }));
    await fire(Date.now() + 25 * HOUR);
    await exactly(
      4,
      call(SECRETARY, 'updateRequest', { requestId, status: 'resolved', note: '已派人维修' }),
    );
    await exactly(4, call(RESIDENT, 'rateRequest', { requestId, rating: 'satisfied' }, rid()));
    // Submitted (member), escalated (secretaries, member), resolved (resident, member), rated.
    expect(about(requestId).length).toBeGreaterThanOrEqual(7);
    for (const m of about(requestId)) expect(m.data.thing1.value).toBe('【紧急】民情诉求·维修');
  });

  test('a held request escalates to the secretaries only: the member does not see it', async () => {
    const { requestId, held } = await exactly(4, submit({ text: '这里有测试待审词' }));
    expect(held).toBe(true);
    emu.emulator.outbox.clear();
    await fire(Date.now() + 25 * HOUR);
    expect(stored(requestId).level).toBe(1);
    // The secretaries and the resident who sent it; not the member.
    expect(touser(requestId)).toEqual([DEPUTY, RESIDENT, SECRETARY].sort());
    // Released by the secretary's handling: now the member hears.
    emu.emulator.outbox.clear();
    await exactly(2, call(DEPUTY, 'updateRequest', { requestId, status: 'accepted' }));
    expect(to(requestId, MEMBER)?.data.thing3.value).toBe('支部副书记已受理联系户诉求');
  });
});

describe('after a step-down', () => {
  test('residents still see and rate their own requests; the member who left does not', async () => {
    const resolvedId = (await exactly(4, submit())).requestId;
    await exactly(
      4,
      call(MEMBER, 'updateRequest', { requestId: resolvedId, status: 'resolved', note: '已修好' }),
    );
    const openId = (await exactly(4, submit({ category: 'policy', text: '想问问医保报销' })))
      .requestId;
    // The member steps down; their residents and open requests go to demo-elder's household.
    ok(
      (await call(MEMBER, 'stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER })).result,
    );
    expect(emu.db.get('liaisonResidents', 'res-b1-01')).toMatchObject({ householdId: HH_ELDER });
    expect(stored(resolvedId)).toMatchObject({ status: 'resolved' });
    expect(emu.db.get('liaisonRequests', resolvedId)).toMatchObject({ householdId: HH_MEMBER });
    expect(emu.db.get('liaisonRequests', openId)).toMatchObject({ householdId: HH_ELDER });

    // The resolved request stayed with the old household: still the resident's own.
    const own = await exactly(1, call(RESIDENT, 'getRequest', { requestId: resolvedId }));
    expect(own.request).toMatchObject({ status: 'resolved', can: { rate: true } });
    expect(own.request.resident).toBeUndefined();
    const mine = await exactly(3, call(RESIDENT, 'listRequests'));
    expect(mine.items.map((i) => i.requestId)).toEqual(
      expect.arrayContaining([resolvedId, openId]),
    );
    emu.emulator.outbox.clear();
    const rated = await exactly(
      4,
      call(RESIDENT, 'rateRequest', { requestId: resolvedId, rating: 'satisfied' }, rid()),
    );
    expect(rated.request).toMatchObject({ status: 'closed', rating: 'satisfied' });
    // The member who resolved it hears the rating.
    expect(to(resolvedId, MEMBER)?.data.thing3.value).toBe('住户评价：满意');
    // The moved open request: the resident sees it, the new member handles it.
    expect(
      (await exactly(1, call(RESIDENT, 'getRequest', { requestId: openId }))).request.can,
    ).toEqual({ accept: false, resolve: false, rate: false });
    const byNew = await exactly(1, call(OTHER_MEMBER, 'getRequest', { requestId: openId }));
    expect(byNew.request.can).toMatchObject({ accept: true, resolve: true });
    // The member who left reaches neither.
    for (const requestId of [resolvedId, openId]) {
      expect((await refused(call(MEMBER, 'getRequest', { requestId }))).code).toBe('FORBIDDEN');
    }
    // A resident of another household is no resident of these.
    ok((await call('demo-newcomer', 'bindResident', CARD_02)).result);
    const other = await refused(call('demo-newcomer', 'getRequest', { requestId: openId }));
    expect(other.code).toBe('FORBIDDEN');
  });
});

describe('submitRequest retried', () => {
  const uncount = (collection: string, id: string, requestId: string) =>
    emu.db.update(
      collection,
      { _id: id },
      { $inc: { openRequests: -1 }, $pull: { countedRequests: requestId } },
      { multi: false, upsert: false, replace: false },
    );

  test('a retry after a first call that stopped before the counters completes them, once', async () => {
    const before = counters();
    const key = rid();
    const data = { category: 'repair', text: '单元门禁坏了' };
    const first = await exactly(4, call(RESIDENT, 'submitRequest', data, key));
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });
    // As if the first call had died right after the insert: neither counter raised.
    uncount('liaisonHouseholds', HH_MEMBER, first.requestId);
    uncount('liaisonResidents', 'res-b1-01', first.requestId);
    expect(counters()).toEqual(before);
    // The retry raises both: the refused insert (1), the request with its counters (1), the
    // binding (1), the two counters (2).
    expect(await exactly(5, call(RESIDENT, 'submitRequest', data, key))).toEqual(first);
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });
    // Once counted, a retry reads and changes nothing.
    expect(await exactly(3, call(RESIDENT, 'submitRequest', data, key))).toEqual(first);
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });

    // Died between the two counters: only the missing one is raised.
    uncount('liaisonResidents', 'res-b1-01', first.requestId);
    expect(await exactly(4, call(RESIDENT, 'submitRequest', data, key))).toEqual(first);
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });

    // Resolving drops both once and forgets the request.
    await exactly(
      4,
      call(MEMBER, 'updateRequest', {
        requestId: first.requestId,
        status: 'resolved',
        note: '修好了',
      }),
    );
    expect(counters()).toEqual(before);
    for (const [c, id] of [
      ['liaisonHouseholds', HH_MEMBER],
      ['liaisonResidents', 'res-b1-01'],
    ]) {
      expect((emu.db.get(c, id) as { countedRequests?: string[] }).countedRequests).not.toContain(
        first.requestId,
      );
    }
    // A retry of the resolved request answers what it became, counting nothing.
    expect(await exactly(3, call(RESIDENT, 'submitRequest', data, key))).toMatchObject({
      requestId: first.requestId,
      status: 'resolved',
    });
    expect(counters()).toEqual(before);
  });

  test('two calls with the same requestId at once count once', async () => {
    const before = counters();
    const key = rid();
    const data = { category: 'repair', text: '单元门禁坏了' };
    const both = await Promise.all([
      call(RESIDENT, 'submitRequest', data, key),
      call(RESIDENT, 'submitRequest', data, key),
    ]);
    const ids = both.map((r) => ok(r.result).requestId);
    expect(ids[0]).toBe(ids[1]);
    expect(counters()).toEqual({ household: before.household + 1, resident: before.resident + 1 });
  });
});

describe('the resident home card', () => {
  const branchCall = branchCaller(() => emu);

  test('the newest 3 requests through branch.me and myLiaison, without an extra request', async () => {
    const sent: string[] = [];
    for (const t of ['第一件事情', '第二件事情', '第三件事情']) {
      sent.push((await exactly(4, submit({ text: t }))).requestId);
    }
    // Distinct creation times, newest last sent.
    sent.forEach((id, i) =>
      emu.db.update(
        'liaisonRequests',
        { _id: id },
        { $set: { createdAt: new Date(Date.now() + (i + 1) * 1000) } },
        { multi: false, upsert: false, replace: false },
      ),
    );
    const me = await branchCall(RESIDENT, 'me');
    expect(me.dbRequests).toBe(2);
    const card = ok(me.result).liaison!;
    expect(card.recentRequests.map((q) => q.requestId)).toEqual([...sent].reverse());
    expect(card.recentRequests[0]).toEqual({
      requestId: sent[2],
      householdId: HH_MEMBER,
      category: 'repair',
      text: '第三件事情',
      urgent: false,
      status: 'submitted',
      level: 0,
      overdue: false,
      dueAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      rating: null,
      memberName: '李秀英',
      grid: '幸福里第一网格',
      held: false,
    });
    // Never anyone's phone or address, nor the resident block (it is their own).
    expect(JSON.stringify(card.recentRequests)).not.toContain(PHONE);
    expect(card.recentRequests.every((q) => q.resident === undefined)).toBe(true);

    const mine = await exactly(2, call(RESIDENT, 'myLiaison'));
    if (!mine.bound) throw new Error('expected bound');
    expect(mine.recentRequests).toEqual(card.recentRequests);
    expect(mine.requests.slice(0, 3)).toEqual(mine.recentRequests);
    // The seed's two requests of the household are older.
    expect(mine.requests.map((q) => q.requestId)).toEqual([
      ...[...sent].reverse(),
      'req-demo-open',
      'req-demo-closed',
    ]);

    // A household with fewer: all of them; none: empty.
    ok((await call('demo-newcomer', 'bindResident', CARD_02)).result);
    expect(ok((await branchCall('demo-newcomer', 'me')).result).liaison?.recentRequests).toEqual(
      [],
    );
    const one = (await exactly(4, submit({}, 'demo-newcomer'))).requestId;
    const newcomer = await exactly(2, call('demo-newcomer', 'myLiaison'));
    expect(newcomer.bound && newcomer.recentRequests.map((q) => q.requestId)).toEqual([one]);
  });
});
