/**
 * A resident household's data leaving the system, through the emulator with the demo seed:
 * erasure by the resident (`eraseMyData`) and by a manager (`removeResident`) — no openid of
 * its residents left in its requests, open requests closed for good (the `escalate` timer
 * passes them over, a late accept or resolve cannot drop the counters twice), the photo files
 * of its requests and service records deleted from storage, the statistics kept — and
 * unbinding, where family members leaving at once uncount the household exactly once. Every
 * call's database requests are asserted exactly.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, ok, rid } from '../helpers/branch';
import {
  CARD_01,
  CARD_02,
  exactly,
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

const FAMILY = 'demo-newcomer';

type Doc = Record<string, any>;
const doc = (collection: string, id: string) => emu.db.get(collection, id) as Doc;
const requestsOf = (residentId: string) => emu.db.find('liaisonRequests', { residentId }) as Doc[];
const set = (collection: string, id: string, fields: Record<string, unknown>) =>
  emu.db.update(
    collection,
    { _id: id },
    { $set: fields },
    { multi: false, upsert: false, replace: false },
  );
const fire = (at: number) => emu.emulator.fireTimer('liaison', 'escalate', new Date(at));

let fileSeq = 0;
/** A photo in the emulator's storage: its fileID and its cloud path. */
async function photo(dir: string) {
  const cloudPath = `${dir}/p${fileSeq++}-${Date.now()}.jpg`;
  const up = await emu.emulator.storage.uploadFile({
    cloudPath,
    fileContent: Buffer.from('jpeg'),
  });
  return { fileID: (up as { fileID: string }).fileID, cloudPath };
}
const stored = (cloudPath: string) => emu.emulator.storage.hasFile(cloudPath);

/** The household's `boundCount` agrees with its residents, and each flag with its list. */
function boundCountAgrees() {
  const residents = emu.db.find('liaisonResidents', {
    householdId: HH_MEMBER,
    active: true,
  }) as Doc[];
  const bound = residents.filter((r) => r.boundOpenids.length > 0);
  expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(bound.length);
  for (const r of residents) {
    if (r.bound !== undefined) expect(r.bound).toBe(r.boundOpenids.length > 0);
  }
}

describe('eraseMyData', () => {
  test('no openid left, open requests closed for good, files deleted, statistics kept', async () => {
    ok((await call(FAMILY, 'bindResident', CARD_01)).result);
    const [p1, p2, p3, p4] = await Promise.all([
      photo('liaison-requests'),
      photo('liaison-requests'),
      photo('liaison-requests'),
      photo('liaison-records'),
    ]);
    // Accepted (open), by the resident, urgent, with two photos.
    const accepted = (
      await exactly(
        4,
        call(
          RESIDENT,
          'submitRequest',
          {
            category: 'repair',
            text: '卫生间漏水到楼下',
            urgent: true,
            photos: [p1.fileID, p2.fileID],
          },
          rid(),
        ),
      )
    ).requestId;
    await exactly(
      2,
      call(MEMBER, 'updateRequest', { requestId: accepted, status: 'accepted', note: '明天上门' }),
    );
    // Submitted (open), by the family member, with a photo.
    const submitted = (
      await exactly(
        4,
        call(
          FAMILY,
          'submitRequest',
          { category: 'elderly', text: '老人想办理助餐', photos: [p3.fileID] },
          rid(),
        ),
      )
    ).requestId;
    // Resolved, waiting for a rating that now never comes.
    const resolved = (
      await exactly(
        4,
        call(RESIDENT, 'submitRequest', { category: 'policy', text: '想问问医保报销' }, rid()),
      )
    ).requestId;
    await exactly(
      4,
      call(MEMBER, 'updateRequest', {
        requestId: resolved,
        status: 'resolved',
        note: '已告知陈阿姨报销流程',
      }),
    );
    // The member's work log about the household, with a photo.
    await exactly(
      5,
      call(
        MEMBER,
        'logService',
        {
          householdId: HH_MEMBER,
          residentId: 'res-b1-01',
          category: 'visit',
          note: '看望陈阿姨',
          photos: [p4.fileID],
        },
        rid(),
      ),
    );
    // A request written before residents' own steps stopped keeping an openid (requests.ts):
    // the timer's sweep clears it.
    const older = doc('liaisonRequests', 'req-demo-open').history as Doc[];
    set('liaisonRequests', 'req-demo-open', {
      history: older.map((h) => (h.action === 'submitted' ? { ...h, byOpenid: RESIDENT } : h)),
    });
    const before = {
      household: doc('liaisonHouseholds', HH_MEMBER),
      accepted: doc('liaisonRequests', accepted),
      resolved: doc('liaisonRequests', resolved),
      closed: doc('liaisonRequests', 'req-demo-closed'),
    };
    // Open: req-demo-open, req-demo-accepted (another resident), and the two above.
    expect(before.household.openRequests).toBe(4);
    expect(doc('liaisonResidents', 'res-b1-01').openRequests).toBe(3);
    for (const f of [p1, p2, p3, p4]) expect(stored(f.cloudPath)).toBe(true);

    // The card with the requests (1), bindings (1), resident (1), requests (1), household (1).
    expect(await exactly(5, call(RESIDENT, 'eraseMyData', { confirm: true }))).toEqual({
      erased: true,
    });

    // The requests' photo files are gone at once; the work log's go with the timer's sweep.
    for (const f of [p1, p2, p3]) expect(stored(f.cloudPath)).toBe(false);
    expect(stored(p4.cloudPath)).toBe(true);

    // Every request of the household: anonymised, closed, no deadline.
    const mine = requestsOf('res-b1-01');
    expect(mine).toHaveLength(5);
    for (const q of mine) {
      expect(q).toMatchObject({
        anonymised: true,
        text: null,
        photos: [],
        submittedBy: null,
        resolutionNote: null,
        ratingComment: null,
        status: 'closed',
        dueAt: null,
      });
      expect(q.history.every((h: Doc) => h.note === null)).toBe(true);
    }
    // Requests sent through the function never held the residents' openids in their history.
    const sent = JSON.stringify(
      [accepted, submitted, resolved].map((id) => doc('liaisonRequests', id)),
    );
    for (const openid of [RESIDENT, FAMILY]) expect(sent).not.toContain(openid);

    // Statistics stay: category, urgency, level, times, rating.
    expect(doc('liaisonRequests', accepted)).toMatchObject({
      category: 'repair',
      urgent: true,
      level: 0,
      createdAt: before.accepted.createdAt,
      acceptedAt: before.accepted.acceptedAt,
      resolvedAt: null,
      rating: null,
    });
    expect(doc('liaisonRequests', resolved)).toMatchObject({
      category: 'policy',
      acceptedAt: before.resolved.acceptedAt,
      resolvedAt: before.resolved.resolvedAt,
    });
    expect(doc('liaisonRequests', 'req-demo-closed')).toMatchObject({
      category: 'policy',
      rating: 'satisfied',
      closedAt: before.closed.closedAt,
      resolvedAt: before.closed.resolvedAt,
    });
    expect(doc('liaisonRequests', accepted).history.map((h: Doc) => [h.action, h.by])).toEqual([
      ['submitted', '居民'],
      ['accepted', '李秀英（中心户）'],
    ]);

    // The counters drop once: 3 open requests of the household were closed.
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({
      openRequests: 1,
      boundCount: before.household.boundCount - 1,
      residentCount: before.household.residentCount - 1,
    });
    expect(doc('liaisonHouseholds', HH_MEMBER).countedRequests ?? []).not.toEqual(
      expect.arrayContaining([accepted]),
    );
    expect(doc('liaisonHouseholds', HH_MEMBER).countedRequests ?? []).not.toEqual(
      expect.arrayContaining([submitted]),
    );

    // A late accept or resolve finds them closed: CONFLICT, the counters untouched.
    emu.emulator.outbox.clear();
    for (const [who, requestId, status] of [
      [MEMBER, accepted, 'resolved'],
      [MEMBER, submitted, 'accepted'],
      [MEMBER, submitted, 'resolved'],
    ] as const) {
      const e = await refused(
        call(who, 'updateRequest', { requestId, status, note: '办好了，已回访' }),
      );
      expect(e.code).toBe('CONFLICT');
    }
    expect(doc('liaisonHouseholds', HH_MEMBER).openRequests).toBe(1);

    // The timer passes them over: past every deadline, and with a deadline forced back.
    const t0 = Date.now();
    await fire(t0 + 200 * HOUR);
    set('liaisonRequests', accepted, { dueAt: new Date(t0 - HOUR) });
    set('liaisonRequests', submitted, { dueAt: new Date(t0 - HOUR) });
    await fire(t0 + 400 * HOUR);
    for (const id of [accepted, submitted, resolved, 'req-demo-open']) {
      expect(doc('liaisonRequests', id).level).toBe(0);
      expect(doc('liaisonRequests', id).history.some((h: Doc) => h.action === 'escalated')).toBe(
        false,
      );
    }
    const closedIds = [accepted, submitted, resolved, 'req-demo-open'];
    const aboutClosed = (emu.emulator.outbox.list() as { page?: string }[]).filter((m) =>
      closedIds.some((id) => m.page?.endsWith(`id=${id}`)),
    );
    expect(aboutClosed).toEqual([]);
    // The other resident's open request did escalate: the timer ran.
    expect(doc('liaisonRequests', 'req-demo-accepted').level).toBe(2);

    // The sweep: the work log's note and photo file gone, and no openid of the residents left
    // in any request (the older history entry above included).
    expect(stored(p4.cloudPath)).toBe(false);
    const records = emu.db.find('liaisonRecords', {
      branchId: 'org-branch-1',
      residentId: 'res-b1-01',
    }) as Doc[];
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ note: null, photos: [], category: 'visit' });
    expect(doc('liaisonResidents', 'res-b1-01').recordsToSweep).toBe(false);
    const all = JSON.stringify(requestsOf('res-b1-01'));
    for (const s of [RESIDENT, FAMILY, '陈阿姨', '卫生间漏水', 'cloud://']) {
      expect(all).not.toContain(s);
    }
  });
});

describe('removeResident', () => {
  test('erases the same way: files deleted, open requests closed, counters once', async () => {
    ok((await call(FAMILY, 'bindResident', CARD_02)).result);
    const p = await photo('liaison-requests');
    const open = (
      await exactly(
        4,
        call(
          FAMILY,
          'submitRequest',
          { category: 'repair', text: '窗户关不上', photos: [p.fileID] },
          rid(),
        ),
      )
    ).requestId;
    const before = doc('liaisonHouseholds', HH_MEMBER);
    // The resident with its requests (1), bindings (1), resident (1), requests (1), counters (1).
    expect(
      await exactly(5, call(SECRETARY, 'removeResident', { residentId: 'res-b1-02' })),
    ).toEqual({ removed: true });
    expect(stored(p.cloudPath)).toBe(false);
    expect(doc('liaisonRequests', open)).toMatchObject({
      status: 'closed',
      dueAt: null,
      anonymised: true,
      photos: [],
      category: 'repair',
    });
    expect(JSON.stringify(doc('liaisonRequests', open))).not.toContain(FAMILY);
    expect(doc('liaisonHouseholds', HH_MEMBER)).toMatchObject({
      openRequests: before.openRequests - 1,
      boundCount: before.boundCount - 1,
    });
    expect(doc('liaisonResidents', 'res-b1-02')).toMatchObject({ bound: false, boundOpenids: [] });
    const e = await refused(
      call(MEMBER, 'updateRequest', { requestId: open, status: 'resolved', note: '修好了' }),
    );
    expect(e.code).toBe('CONFLICT');
    expect(doc('liaisonHouseholds', HH_MEMBER).openRequests).toBe(before.openRequests - 1);
    await fire(Date.now() + 100 * HOUR);
    expect(doc('liaisonRequests', open).level).toBe(0);
  });
});

describe('files outside the photo folders', () => {
  test('neither the erasure nor the timer’s sweep deletes them, whatever a document names', async () => {
    // Files the function must never delete: an export, a member's avatar, a request photo
    // named by a record, a path leading out of the folder. Documents written before the
    // schemas refused such ids (or by hand) may still name them.
    const [exported, avatar, requestPhoto, own, ownRecord] = await Promise.all([
      photo('liaison-exports/org-branch-1'),
      photo('avatars'),
      photo('liaison-requests'),
      photo('liaison-requests'),
      photo('liaison-records'),
    ]);
    const host = exported.fileID.slice(0, exported.fileID.indexOf('/liaison-exports/'));
    const escape = `${host}/liaison-requests/../${exported.cloudPath}`;
    const q = doc('liaisonRequests', 'req-demo-open');
    await emu.seed({
      liaisonRequests: [
        {
          ...q,
          _id: 'req-foreign-photos',
          photos: [exported.fileID, avatar.fileID, escape, own.fileID],
        },
      ],
      liaisonRecords: [
        {
          ...doc('liaisonRecords', 'rec-demo-1'),
          _id: 'rec-foreign-photos',
          residentId: 'res-b1-01',
          photos: [requestPhoto.fileID, exported.fileID, ownRecord.fileID],
        },
      ],
    });
    ok((await call(RESIDENT, 'eraseMyData', { confirm: true })).result);
    await fire(Date.now());
    expect(doc('liaisonResidents', 'res-b1-01').recordsToSweep).toBe(false);
    // Only the photos in their own folders went.
    expect(stored(own.cloudPath)).toBe(false);
    expect(stored(ownRecord.cloudPath)).toBe(false);
    for (const f of [exported, avatar, requestPhoto]) expect(stored(f.cloudPath)).toBe(true);
    // The documents forget them all the same.
    expect(doc('liaisonRequests', 'req-foreign-photos').photos).toEqual([]);
    expect(doc('liaisonRecords', 'rec-foreign-photos').photos).toEqual([]);
  });
});

describe('unbind', () => {
  test('two family members unbinding at once uncount the household once', async () => {
    const start = doc('liaisonHouseholds', HH_MEMBER).boundCount;
    ok((await call(FAMILY, 'bindResident', CARD_02)).result);
    ok((await call('demo-applicant', 'bindResident', CARD_02)).result);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start + 1);
    const both = await Promise.all([call(FAMILY, 'unbind'), call('demo-applicant', 'unbind')]);
    for (const r of both) {
      expect(ok(r.result)).toEqual({ unbound: true });
      expect(r.dbRequests).toBeLessThanOrEqual(5);
    }
    expect(doc('liaisonResidents', 'res-b1-02')).toMatchObject({ boundOpenids: [], bound: false });
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start);
    expect(emu.db.find('liaisonBindings', { residentId: 'res-b1-02' })).toEqual([]);
    boundCountAgrees();

    // Binding again counts it again, once, whoever comes first.
    const again = await Promise.all([
      call(FAMILY, 'bindResident', CARD_02),
      call('demo-applicant', 'bindResident', CARD_02),
    ]);
    for (const r of again) ok(r.result);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start + 1);
    boundCountAgrees();
  });

  test('the last one leaving while another binds: counted exactly when someone is bound', async () => {
    const start = doc('liaisonHouseholds', HH_MEMBER).boundCount;
    ok((await call(FAMILY, 'bindResident', CARD_02)).result);
    const [leaving, binding] = await Promise.all([
      call(FAMILY, 'unbind'),
      call('demo-applicant', 'bindResident', CARD_02),
    ]);
    // Either may land between the other's read and its conditional write; then it answers
    // CONFLICT having written nothing more (a further try would pass the write budget), and
    // trying again, as the page lets the person do, completes it.
    const settled = async (
      first: Awaited<ReturnType<typeof call>>,
      again: () => ReturnType<typeof call>,
    ) => {
      let r = first;
      if (!r.result.ok) {
        expect(r.result.error).toEqual({
          code: 'CONFLICT',
          message: '刚才有家人同时在绑定或解绑，请再试一次',
        });
        r = await again();
      }
      expect(r.dbRequests).toBeLessThanOrEqual(5);
      return ok(r.result);
    };
    await settled(leaving, () => call(FAMILY, 'unbind'));
    await settled(binding, () => call('demo-applicant', 'bindResident', CARD_02));
    expect(doc('liaisonResidents', 'res-b1-02').boundOpenids).toEqual(['demo-applicant']);
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start + 1);
    boundCountAgrees();
    await exactly(4, call('demo-applicant', 'unbind'));
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start);
    boundCountAgrees();
  });

  test('a household bound before the flag existed (the seed) uncounts once too', async () => {
    // res-b1-01 is bound by demo-resident in the seed, without the `bound` flag.
    expect(doc('liaisonResidents', 'res-b1-01').bound).toBeUndefined();
    const start = doc('liaisonHouseholds', HH_MEMBER).boundCount;
    ok((await call(FAMILY, 'bindResident', CARD_01)).result);
    // A family member joins a household already counted.
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start);
    await Promise.all([call(FAMILY, 'unbind'), call(RESIDENT, 'unbind')]);
    expect(doc('liaisonResidents', 'res-b1-01')).toMatchObject({ boundOpenids: [], bound: false });
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start - 1);
    boundCountAgrees();
    // Unbinding again changes nothing.
    expect(await exactly(2, call(RESIDENT, 'unbind'))).toEqual({ unbound: true });
    expect(doc('liaisonHouseholds', HH_MEMBER).boundCount).toBe(start - 1);
  });

  test('requests: a family member leaving others bound (4), the last one alone (4)', async () => {
    ok((await call(FAMILY, 'bindResident', CARD_02)).result);
    ok((await call('demo-applicant', 'bindResident', CARD_02)).result);
    // Not the last: the card (1), the pull (1), the flag's condition (1), the binding (1).
    await exactly(4, call(FAMILY, 'unbind'));
    // Alone: the card (1), the resident emptied (1), the household (1), the binding (1).
    await exactly(4, call('demo-applicant', 'unbind'));
    expect(doc('liaisonResidents', 'res-b1-02')).toMatchObject({ boundOpenids: [], bound: false });
    boundCountAgrees();
  });
});
