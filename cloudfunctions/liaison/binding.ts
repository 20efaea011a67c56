/**
 * Residents: bind their WeChat to their household with the liaison card and the last four
 * digits of the phone on record, unbind, see their central household (`myLiaison`), see what is
 * stored about them (`myData`) and erase it (`eraseMyData`).
 *
 * A binding is a `liaisonBindings` document whose `_id` is the resident's openid: one household
 * per WeChat, decided by the database. Five wrong digits lock the card for an hour; the lock
 * lives on the resident document (`bindFails`, `lockedUntil`) and is taken with conditional
 * updates, so concurrent wrong tries cannot get much past the limit.
 */
import * as z from 'zod';
import type { BindResidentResponse, CareTag } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  fetchAll,
  findById,
  type ActionDef,
  type Actor,
} from '../common';
import { cardView, loadCard, memberView, type CardRow } from '../common/liaison-card';
import type {
  LiaisonBindingDoc,
  LiaisonHouseholdDoc,
  LiaisonRequestDoc,
  LiaisonResidentDoc,
  MembershipDoc,
} from '../common/model';
import { PAGE, iso, isDuplicateKey, updatedCount } from '../common/util';
import { emptyData } from './households';
import {
  MSG,
  cardCodeSchema,
  eraseResident,
  forbidden,
  householdResource,
  requestView,
} from './shared';
import { ownOnly } from '../common/db';

export const MSG_BIND = {
  ownSide: '您是该户的联系党员或支部管理人员，不能绑定这张连心卡',
  familyRace: '刚才有家人同时在绑定或解绑，请再试一次',
} as const;

/** Wrong tries that lock a card, and for how long. */
export const MAX_TRIES = 5;
export const LOCK_MS = 3600_000;

/** The caller as the policy sees a resident: their binding, no memberships needed here. */
function residentActor(openid: string, c: CardRow | null): Actor {
  return {
    openid,
    memberships: [],
    binding: c ? { residentId: c.resident._id, householdId: c.household._id } : null,
  };
}

/** The caller's card, or FORBIDDEN (not bound) — decided by the policy. */
function assertResident(openid: string, c: CardRow | null): CardRow {
  const actor = residentActor(openid, c);
  if (!c || !can(actor, 'residentOfHousehold', { householdId: c.household._id })) {
    throw forbidden(MSG.notBound);
  }
  return c;
}

const lastDigits = (phone: string) => phone.replace(/\D/g, '').slice(-4);

// ---------------------------------------------------------------- bind

interface CardLookup extends LiaisonResidentDoc {
  h?: LiaisonHouseholdDoc[];
  m?: MembershipDoc[];
  /** The caller's memberships of the household's branch. */
  mine?: MembershipDoc[];
}

/**
 * Anyone holding the card (`bindLiaisonCard`) — but not the household's own member, nor whoever
 * manages or sees the branch's resident households (secretary, deputy, mass work: `manageLiaison`
 * or `viewResidentCare`): their lists show card codes and masked phones whose last four digits
 * are the binding's proof, so a binding would be a way around the audited `revealPhone` to the
 * full phone and care tags (`myData`). FORBIDDEN before the digits are even looked at.
 * Idempotent by itself (`idempotent: false`): binding again to the same household answers the
 * same; the counters move only on conditional updates. Requests: the card with its household,
 * its member and the caller's memberships of its branch (1; refused here: 1); wrong digits:
 * the counter or the lock (1): 2; right digits: the binding (1, a duplicate reads the existing
 * one: +1), the resident (1 for the first binding, 2 for a later family member), the
 * household's `boundCount` for the first binding (1): 4, at most 5 (a duplicate binding). Never
 * more: when the household's last unbinding lands between the two tries on the resident, the
 * answer is CONFLICT 「刚才有家人同时在绑定或解绑，请再试一次」 rather than a third try.
 */
export const bindResident: ActionDef<'liaison', 'bindResident'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    cardCode: cardCodeSchema,
    phoneLast4: z
      .string()
      .trim()
      .regex(/^\d{4}$/, '请填写手机号后四位数字'),
  }),
  async handler(data, { openid, db }) {
    if (!can({ openid, memberships: [] }, 'bindLiaisonCard')) throw forbidden();
    const _ = db.command;
    const res = (await db
      .collection(COLLECTIONS.liaisonResidents)
      .aggregate()
      .match({ cardCode: data.cardCode })
      .lookup({
        from: COLLECTIONS.liaisonHouseholds,
        localField: 'householdId',
        foreignField: '_id',
        as: 'h',
      })
      .lookup({
        from: COLLECTIONS.memberships,
        localField: 'h.membershipId',
        foreignField: '_id',
        as: 'm',
      })
      // The caller's memberships of the household's branch, in the same request (index
      // `orgId_status_sortKey`): who may not bind is decided by the policy below.
      .lookup({
        from: COLLECTIONS.memberships,
        localField: 'h.branchId',
        foreignField: 'orgId',
        as: 'mine',
      })
      .addFields({
        mine: ownOnly(db, 'mine', openid),
      })
      .end()) as unknown as { list: CardLookup[] };
    const row = res.list?.[0];
    const h = row?.h?.[0];
    if (!row || !h || !row.active || !h.active) {
      throw new AppError('NOT_FOUND', MSG.cardNotFound);
    }
    const { h: _h, m = [], mine = [], ...r } = row;
    const actor = actorFrom(openid, mine);
    const resource = householdResource(h);
    if (
      openid === h.memberOpenid ||
      can(actor, 'manageLiaison', resource) ||
      can(actor, 'viewResidentCare', resource)
    ) {
      throw forbidden(MSG_BIND.ownSide);
    }
    const now = Date.now();
    const residents = db.collection(COLLECTIONS.liaisonResidents);
    if (r.lockedUntil && new Date(r.lockedUntil).getTime() > now) {
      throw new AppError('RATE_LIMITED', MSG.locked);
    }
    const lock = async (): Promise<never> => {
      await residents
        .where({ _id: r._id })
        .update({ data: { bindFails: 0, lockedUntil: new Date(now + LOCK_MS) } });
      throw new AppError('RATE_LIMITED', MSG.locked);
    };

    if (data.phoneLast4 !== lastDigits(r.phone)) {
      const fails = r.bindFails ?? 0;
      if (fails >= MAX_TRIES - 1) return lock();
      // Counted only below the limit: concurrent wrong tries cannot count past it, the one
      // that finds the counter at the limit locks the card.
      const counted = updatedCount(
        await residents
          .where({ _id: r._id, bindFails: _.lt(MAX_TRIES - 1) })
          .update({ data: { bindFails: _.inc(1) } }),
      );
      if (!counted) return lock();
      throw new AppError('INVALID_ARGUMENT', MSG.wrongDigits(MAX_TRIES - fails - 1), {
        fields: ['phoneLast4'],
      });
    }

    const answer: BindResidentResponse = {
      residentId: r._id,
      householdId: h._id,
      member: memberView(h, m[0]),
    };
    if (r.boundOpenids.includes(openid)) return answer;
    const binding: LiaisonBindingDoc = {
      _id: openid,
      residentId: r._id,
      householdId: h._id,
      branchId: h.branchId,
      boundAt: new Date(now),
    };
    try {
      await db.collection(COLLECTIONS.liaisonBindings).add({ data: binding });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const prev = await findById<LiaisonBindingDoc>(db, COLLECTIONS.liaisonBindings, openid);
      if (prev?.residentId !== r._id) throw new AppError('CONFLICT', MSG.boundElsewhere);
      // Bound here by an interrupted earlier call: finish it below.
    }
    // The first binding of the household counts it as bound: decided by the condition on the
    // `bound` flag (see `unbind`). A later family member joins a household still counted.
    // One try of each, no loop: with the card (1), the binding (1, a duplicate's read +1) and
    // the first binding's `boundCount` (1), a second round would take the call past the write
    // budget of 5 requests. Both fail only when the household's last unbinding lands between
    // the two (the flag went false after the first try saw it true): CONFLICT, and trying again
    // finds the binding already added and completes it.
    const first = updatedCount(
      await residents.where({ _id: r._id, boundOpenids: _.size(0), bound: _.neq(true) }).update({
        data: { boundOpenids: [openid], bound: true, bindFails: 0, lockedUntil: null },
      }),
    );
    if (first) {
      await db
        .collection(COLLECTIONS.liaisonHouseholds)
        .where({ _id: h._id })
        .update({ data: { boundCount: _.inc(1) } });
      return answer;
    }
    const joined = updatedCount(
      await residents.where({ _id: r._id, bound: _.neq(false) }).update({
        data: { boundOpenids: _.addToSet(openid), bindFails: 0, lockedUntil: null },
      }),
    );
    if (joined) return answer;
    throw new AppError('CONFLICT', MSG_BIND.familyRace);
  },
};

// ---------------------------------------------------------------- unbind

/**
 * The caller's own binding only (family members stay). Idempotent by itself: unbound already
 * answers the same.
 *
 * The household's `boundCount` drops exactly when its last binding goes, also when family
 * members unbind at once: the resident's `bound` flag is flipped to false only on the
 * condition that `boundOpenids` is empty and the flag not yet false, so of concurrent last
 * unbindings one uncounts it (and a first binding meanwhile, conditional on the flag, counts it
 * again). The caller's `liaisonBindings` document goes last, so a retry after a failure finds
 * the binding and completes the rest.
 *
 * Requests: the card (1); the caller alone: the resident emptied on the condition that the
 * list is the caller alone (1), the household (1), the binding (1): 4 (a family member bound
 * since the card was read: CONFLICT 「刚才有家人同时在绑定或解绑，请再试一次」 after 2, nothing
 * written); with family members: the caller pulled (1), the flag's condition (1, fails while
 * others stay), the binding (1): 4, or 5 when the others left meanwhile and this call uncounts
 * the household; not bound: the card and a removal of any binding left pointing at nothing: 2.
 * Never more than 5.
 */
export const unbind: ActionDef<'liaison', 'unbind'> = {
  kind: 'write',
  idempotent: false,
  schema: emptyData,
  async handler(_data, { openid, db }) {
    if (!can({ openid, memberships: [] }, 'bindLiaisonCard')) throw forbidden();
    const c = await loadCard(db, openid);
    if (!c) {
      // A binding left pointing at nothing (its household gone) is removed all the same.
      await db.collection(COLLECTIONS.liaisonBindings).where({ _id: openid }).remove();
      return { unbound: true as const };
    }
    const _ = db.command;
    const residents = db.collection(COLLECTIONS.liaisonResidents);
    const id = c.resident._id;
    const alone = c.resident.boundOpenids.length === 1 && c.resident.boundOpenids[0] === openid;
    let last: number;
    if (alone) {
      // The caller alone: empty the list and uncount in one conditional update.
      last = updatedCount(
        await residents
          .where({ _id: id, boundOpenids: [openid] })
          .update({ data: { boundOpenids: [], bound: false } }),
      );
      // A family member bound since the card was read: nothing was written yet.
      // Going on with the family path below could take a 6th request (the pull, the flag, the
      // household, the binding after these 2); trying again takes the right path from the start.
      if (!last) throw new AppError('CONFLICT', MSG_BIND.familyRace);
    } else {
      // Family members (or a retry after an interrupted call): leave the list, then uncount
      // only if it is empty now and nobody uncounted it yet. Leaving also marks an older
      // document (no flag) as counted, which it is while the caller is listed.
      await residents
        .where({ _id: id, boundOpenids: openid })
        .update({ data: { boundOpenids: _.pull(openid), bound: true } });
      last = updatedCount(
        await residents
          .where({ _id: id, boundOpenids: _.size(0), bound: _.neq(false) })
          .update({ data: { bound: false } }),
      );
    }
    if (last) {
      await db
        .collection(COLLECTIONS.liaisonHouseholds)
        .where({ _id: c.household._id })
        .update({ data: { boundCount: _.inc(-1) } });
    }
    await db.collection(COLLECTIONS.liaisonBindings).where({ _id: openid }).remove();
    return { unbound: true as const };
  },
};

// ---------------------------------------------------------------- the resident's views

/**
 * Anyone: `{ bound: false }` until bound; then the central household's member (the phone only
 * with the member's consent) and the household's latest requests (≤ 20, newest first, without
 * the resident block: it is their own); the card's `recentRequests` are the first 3 of them.
 * Requests: the card (1), the requests (1): 2.
 */
export const myLiaison: ActionDef<'liaison', 'myLiaison'> = {
  kind: 'read',
  schema: emptyData,
  async handler(_data, { openid, db }) {
    if (!can({ openid, memberships: [] }, 'bindLiaisonCard')) throw forbidden();
    const c = await loadCard(db, openid);
    if (!c) return { bound: false as const };
    const rows = await fetchAll<LiaisonRequestDoc>(
      db
        .collection(COLLECTIONS.liaisonRequests)
        .where({ residentId: c.resident._id })
        .orderBy('createdAt', 'desc')
        .limit(PAGE),
    );
    const now = Date.now();
    return {
      bound: true as const,
      // The card's newest requests are the first of this page (newest first).
      ...cardView(c, rows, now),
      requests: rows.map((q) => requestView(q, null, now)),
    };
  },
};

/**
 * Bound residents (`residentOfHousehold`): everything stored about their household, their own
 * phone in full. Requests: the card with the household's bindings and requests (1), the
 * service records about it (1, a count): 2.
 */
export const myData: ActionDef<'liaison', 'myData'> = {
  kind: 'read',
  schema: emptyData,
  async handler(_data, { openid, db }) {
    const c = assertResident(openid, await loadCard(db, openid, { family: true, requests: true }));
    const r = c.resident;
    const counted = (await db
      .collection(COLLECTIONS.liaisonRecords)
      .where({ branchId: r.branchId, residentId: r._id })
      .count()) as { total?: number };
    const family = [...c.family].sort(
      (a, b) =>
        Number(b._id === openid) - Number(a._id === openid) ||
        new Date(a.boundAt).getTime() - new Date(b.boundAt).getTime(),
    );
    return {
      residentId: r._id,
      headName: r.headName,
      address: r.address,
      phone: r.phone,
      people: r.people,
      careTags: r.careTags as CareTag[],
      notes: r.notes,
      cardCode: r.cardCode,
      bindings: family.map((b) => ({ you: b._id === openid, boundAt: iso(b.boundAt) })),
      requestCount: c.requests.length,
      serviceRecordCount: counted.total ?? 0,
      centralHousehold: {
        memberName: c.member?.realName || c.household.memberName,
        branchName: c.household.branchName,
      },
    };
  },
};

/**
 * Bound residents erase their household's data (`confirm: true`): every family member is
 * unbound, the personal fields go, requests are anonymised (statistics stay) and the open ones
 * closed, their photo files deleted, the card stops working (shared.ts `eraseResident`). Idempotent by itself: once erased the caller is no longer
 * bound, and a retry is refused as for anyone unbound. Requests: the card with the household's
 * requests (1), then the erasure: bindings (1), the resident (1), the household's counters
 * (1), requests (1, only when there are any): 4–5.
 */
export const eraseMyData: ActionDef<'liaison', 'eraseMyData'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    confirm: z.literal(true, { message: '请确认删除' }),
  }),
  async handler(_data, { openid, db, cloud }) {
    const c = assertResident(openid, await loadCard(db, openid, { requests: true }));
    await eraseResident(db, c.resident, {
      cloud,
      requests: c.requests,
      bound: true,
      now: new Date(),
      by: 'resident',
      byOpenid: null,
    });
    return { erased: true as const };
  },
};
