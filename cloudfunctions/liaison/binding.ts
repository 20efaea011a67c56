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
import { MSG, cardCodeSchema, eraseResident, forbidden, requestView } from './shared';

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
}

/**
 * Anyone holding the card (`bindLiaisonCard`). Idempotent by itself (`idempotent: false`):
 * binding again to the same household answers the same; the counters move only on conditional
 * updates. Requests: the card with its household and member (1); wrong digits: the counter or
 * the lock (1): 2; right digits: the binding (1, a duplicate reads the existing one: +1), the
 * resident (1, or 2 for a later family member), the household's `boundCount` for the first
 * binding (1): 4.
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
      .end()) as unknown as { list: CardLookup[] };
    const row = res.list?.[0];
    const h = row?.h?.[0];
    if (!row || !h || !row.active || !h.active) {
      throw new AppError('NOT_FOUND', MSG.cardNotFound);
    }
    const { h: _h, m = [], ...r } = row;
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
    // The first binding of the household counts it as bound: decided by the condition.
    const first = updatedCount(
      await residents
        .where({ _id: r._id, boundOpenids: _.size(0) })
        .update({ data: { boundOpenids: [openid], bindFails: 0, lockedUntil: null } }),
    );
    if (first) {
      await db
        .collection(COLLECTIONS.liaisonHouseholds)
        .where({ _id: h._id })
        .update({ data: { boundCount: _.inc(1) } });
    } else {
      await residents.where({ _id: r._id }).update({
        data: { boundOpenids: _.addToSet(openid), bindFails: 0, lockedUntil: null },
      });
    }
    return answer;
  },
};

// ---------------------------------------------------------------- unbind

/**
 * The caller's own binding only (family members stay). Idempotent by itself: unbound already
 * answers the same. Requests: the card (1), the binding (1), the resident (1: the last binding
 * empties the list; else 2: the pull), the household's `boundCount` for the last one (1): 4;
 * not bound: the card and a removal of any binding left pointing at nothing: 2.
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
    await db.collection(COLLECTIONS.liaisonBindings).doc(openid).remove();
    const residents = db.collection(COLLECTIONS.liaisonResidents);
    const last = updatedCount(
      await residents
        .where({ _id: c.resident._id, boundOpenids: [openid] })
        .update({ data: { boundOpenids: [] } }),
    );
    if (last) {
      await db
        .collection(COLLECTIONS.liaisonHouseholds)
        .where({ _id: c.household._id })
        .update({ data: { boundCount: _.inc(-1) } });
    } else {
      await residents
        .where({ _id: c.resident._id })
        .update({ data: { boundOpenids: _.pull(openid) } });
    }
    return { unbound: true as const };
  },
};

// ---------------------------------------------------------------- the resident's views

/**
 * Anyone: `{ bound: false }` until bound; then the central household's member (the phone only
 * with the member's consent) and the household's latest requests (≤ 20, newest first, without
 * the resident block: it is their own). Requests: the card (1), the requests (1): 2.
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
      ...cardView(c),
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
 * unbound, the personal fields go, requests are anonymised (statistics stay), the card stops
 * working (shared.ts `eraseResident`). Idempotent by itself: once erased the caller is no longer
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
  async handler(_data, { openid, db }) {
    const c = assertResident(openid, await loadCard(db, openid, { requests: true }));
    await eraseResident(db, c.resident, {
      bound: true,
      hasRequests: c.requests.length > 0,
      now: new Date(),
      by: 'resident',
      byOpenid: null,
    });
    return { erased: true as const };
  },
};
