/**
 * Residents' requests (民情) through the emulator with the demo seed: the life cycle submitted →
 * accepted → resolved → closed with a rating and its history, content security (risky refused,
 * review held until a secretary handles it), photos, who may submit, list and get (the member
 * of another household, an unlinked member, managers without the secretaries' rights), and
 * escalation fired by the `escalate` timer (24 h to accept, 72 h to resolve, the committee's
 * own hours; overlapping runs escalate once), with the subscribe messages and exact budgets.
 */
import type { ActionName, ActionReq, ActionRes, Result } from '../../typings/api';
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, err, ok, rid } from '../helpers/branch';

let emu: TestEmulator;

beforeEach(async () => {
  emu = await demoEmulator();
  emu.emulator.outbox.clear();
});
afterEach(() => emu.close());

type LiaisonAction = ActionName<'liaison'>;

async function call<A extends LiaisonAction>(
  openid: string,
  action: A,
  data?: ActionReq<'liaison', A> | Record<string, unknown>,
  requestId?: string,
) {
  const event: Record<string, unknown> = { action };
  if (data !== undefined) event.data = data;
  if (requestId !== undefined) event.requestId = requestId;
  const { result, dbRequests, error } = (await emu.call('liaison', event, { openid })) as {
    result: unknown;
    dbRequests: number;
    error?: unknown;
  };
  if (error) throw new Error(`invocation failed: ${JSON.stringify(error)}`);
  return { result: result as Result<ActionRes<'liaison', A>>, dbRequests };
}

/** Unwraps a successful call that made exactly `requests` database requests. */
async function exactly<T>(requests: number, p: Promise<{ result: Result<T>; dbRequests: number }>) {
  const r = await p;
  const data = ok(r.result);
  expect(r.dbRequests).toBe(requests);
  return data;
}

async function refused(p: Promise<{ result: Result<unknown>; dbRequests: number }>) {
  const r = await p;
  return err(r.result);
}

type Sent = { touser: string; page?: string; data: Record<string, { value: string }> };
const outbox = () => emu.emulator.outbox.list() as Sent[];
const about = (requestId: string) => outbox().filter((m) => m.page?.endsWith(`id=${requestId}`));

const HOUR = 3600_000;
const HH = 'hh9c7a90fecf2fd066d101587710b928';
const RESIDENT = 'demo-resident';
const MEMBER = 'demo-member';
const SECRETARY = 'demo-secretary';
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
  household: (emu.db.get('liaisonHouseholds', HH) as { openRequests: number }).openRequests,
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
    // The member hears of it, without the resident's text, name, address or phone.
    expect(about(id).map((m) => m.touser)).toEqual([MEMBER]);
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
    expect(about(id).map((m) => m.touser)).toEqual([RESIDENT]);
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
    // The member neither hears of it, nor lists it, nor gets it.
    expect(about(id)).toHaveLength(0);
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
        branchId: 'org-branch-1',
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

  test('at most 3 photos, cloud file ids only; they are kept', async () => {
    const photo = (i: number) => `cloud://env-1.bucket/requests/p${i}.jpg`;
    const four = await refused(submit({ photos: [1, 2, 3, 4].map(photo) }));
    expect(four).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['photos'] } });
    const bad = await refused(submit({ photos: ['https://example.com/a.jpg'] }));
    expect(bad).toMatchObject({ code: 'INVALID_ARGUMENT', details: { fields: ['photos.0'] } });
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
      const e = await refused(
        call(who, 'listRequests', { scope: 'branch', branchId: 'org-branch-1' }),
      );
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
    expect(
      about(requestId)
        .map((m) => m.touser)
        .sort(),
    ).toEqual([DEPUTY, SECRETARY].sort());
    expect(JSON.stringify(about(requestId))).not.toContain(HEAD);
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
    ).toEqual([COMMITTEE, MEMBER].sort());
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
    ).toEqual([DEPUTY, SECRETARY].sort());
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
