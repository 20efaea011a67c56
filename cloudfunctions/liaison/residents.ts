/**
 * Resident households linked to a central household: add (under the committee's maximum),
 * edit, remove (erased), the list (phones masked, care tags only for those who may see them)
 * and the audit-logged reveal of one phone.
 *
 * The secretary and the deputy (`manageResidents`) act on every household of the branch, the
 * linked member (`ownHousehold`: only while the central household is active) on their own;
 * nobody else — the mass-work member included — receives a resident's name, address, phone or
 * care tags. Care tags and notes are read and written only by the linked member, the secretary
 * and the deputy (`viewResidentCare`); a phone is revealed by them alone (`revealLiaisonPhone`).
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type { AddResidentResponse } from '../../typings/api';
import { AppError, COLLECTIONS, can, findById, type ActionDef } from '../common';
import type { AuditLogDoc, LiaisonResidentDoc } from '../common/model';
import {
  decodeCursor,
  isDuplicateKey,
  isKeyCursor,
  keyPage,
  newId,
  secCheck,
  updatedCount,
} from '../common/util';
import {
  CARE_TAGS,
  MSG,
  addressSchema,
  cursorSchema,
  eraseResident,
  forbidden,
  formatAddress,
  householdFor,
  householdView,
  idSchema,
  newCardCode,
  residentFor,
  residentNotFound,
  residentPhoneSchema,
  residentView,
  type HouseholdFor,
} from './shared';

export const MSG_RES = {
  careOnly: '关爱标签和备注只有联系该户的党员和支部书记、副书记可以填写',
  /** Resident households of the whole branch (lists, import, export, cards). */
  notResidentManager: '联系户的信息只有支部书记、副书记和联系该户的党员可以查看和管理',
  notRemover: '只有支部书记、副书记可以移除联系户',
  noReveal: '只有联系该户的党员和支部书记、副书记可以查看完整电话',
} as const;

const headNameSchema = z.string().trim().min(1, '请填写户主姓名').max(20, '户主姓名最多 20 个字');
const peopleSchema = z.number().int().min(1, '家庭人数至少 1 人').max(20, '家庭人数最多 20 人');
const careTagsSchema = z
  .array(z.enum(CARE_TAGS))
  .max(CARE_TAGS.length)
  .transform((tags) => [...new Set(tags)]);
const notesSchema = z.string().trim().max(200, '备注最多 200 个字');

/** Card codes drawn before giving up (a collision among 31⁸ codes is already rare). */
const CARD_TRIES = 3;

/**
 * A resident `_id` derived from the call's requestId (and household, caller), so a retried
 * `addResident` finds the household it already added. Never derived from personal data: an id
 * must not let anyone recover a phone.
 */
function residentIdFor(householdId: string, openid: string, requestId: string | undefined) {
  if (!requestId) return `res${newId().slice(0, 29)}`;
  const h = createHash('sha256').update(`${householdId}\n${openid}\n${requestId}`).digest('hex');
  return `res${h.slice(0, 29)}`;
}

/**
 * The secretaries or the linked member (of an active household: `householdResource`), else
 * FORBIDDEN; care fields need `viewResidentCare` (the same people today; kept apart so that a
 * wider `manageResidents` could never write what it may not read).
 */
function assertEdits(h: HouseholdFor, care: boolean) {
  const manage = can(h.actor, 'manageResidents', h.resource);
  if (!manage && !can(h.actor, 'ownHousehold', h.resource)) {
    throw forbidden(MSG_RES.notResidentManager);
  }
  if (care && !can(h.actor, 'viewResidentCare', h.resource)) throw forbidden(MSG_RES.careOnly);
}

/** Notes are seen by few, but still checked: `risky` is refused, `review` is kept. */
async function checkNotes(
  cloud: Parameters<typeof secCheck>[0],
  openid: string,
  notes: string | null | undefined,
) {
  if (notes) await secCheck(cloud, openid, notes, 1);
}

// ---------------------------------------------------------------- add

/**
 * The secretaries and the linked member add a resident household, within the committee's maximum: a
 * conditional `$inc` on the household's `residentCount` (`_.lte(max - 1)`) takes the place
 * BEFORE the insert (FULL when it cannot), and gives it back if the insert fails. The card code
 * is drawn at random; the unique index decides collisions (another draw).
 * Idempotent by itself (`idempotent: false`): with a requestId the resident's `_id` is derived
 * from it, so a retry meets its own document (duplicate `_id`: the place is given back and the
 * first answer repeated; or FULL from the place it took itself: the document is found and its
 * answer repeated). Requests: the household with the caller's memberships and its committee's
 * settings (1), the place (1), the insert (1): 3; a card-code collision +1; FULL 2 (3 with a
 * requestId: its own earlier add is looked for); a retry 3–5.
 */
export const addResident: ActionDef<'liaison', 'addResident'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    householdId: idSchema,
    headName: headNameSchema,
    address: addressSchema,
    phone: residentPhoneSchema,
    people: peopleSchema.optional(),
    careTags: careTagsSchema.optional(),
    notes: notesSchema.optional(),
  }),
  async handler(data, { openid, db, cloud, requestId }) {
    const h = await householdFor(db, openid, data.householdId);
    assertEdits(h, !!data.careTags?.length || !!data.notes);
    if (!h.doc.active) throw new AppError('CONFLICT', MSG.steppedDown);
    await checkNotes(cloud, openid, data.notes);
    const _ = db.command;
    const max = h.settings.maxResidents;
    const id = residentIdFor(h.doc._id, openid, requestId);
    const households = db.collection(COLLECTIONS.liaisonHouseholds);
    const residents = db.collection(COLLECTIONS.liaisonResidents);
    const answerOf = (r: LiaisonResidentDoc, count: number): AddResidentResponse => ({
      residentId: r._id,
      cardCode: r.cardCode,
      residentCount: Math.min(count, max),
      max,
    });
    const now = new Date();
    const took = updatedCount(
      await households
        .where({ _id: h.doc._id, active: true, residentCount: _.lte(max - 1) })
        .update({ data: { residentCount: _.inc(1), updatedAt: now } }),
    );
    if (!took) {
      const prev = requestId
        ? await findById<LiaisonResidentDoc>(db, COLLECTIONS.liaisonResidents, id)
        : null;
      if (prev?.active) return answerOf(prev, h.doc.residentCount);
      throw new AppError('FULL', MSG.full(max));
    }
    const giveBack = () =>
      households
        .where({ _id: h.doc._id })
        .update({ data: { residentCount: _.inc(-1), updatedAt: now } });

    const addr = formatAddress(data.address);
    const doc: LiaisonResidentDoc = {
      _id: id,
      householdId: h.doc._id,
      branchId: h.doc.branchId,
      committeeId: h.doc.committeeId,
      grid: h.doc.grid,
      headName: data.headName,
      address: addr.address,
      addressParts: addr.addressParts,
      phone: data.phone,
      people: data.people ?? 1,
      careTags: data.careTags ?? [],
      notes: data.notes || null,
      cardCode: '',
      boundOpenids: [],
      bindFails: 0,
      lockedUntil: null,
      openRequests: 0,
      active: true,
      erased: false,
      sortKey: `${data.headName}\u0000${id}`,
      createdAt: now,
      createdBy: openid,
      updatedAt: now,
    };
    for (let i = 0; ; i++) {
      doc.cardCode = newCardCode();
      try {
        await residents.add({ data: doc });
        return answerOf(doc, h.doc.residentCount + 1);
      } catch (err) {
        const msg = String((err as { errMsg?: unknown })?.errMsg ?? (err as Error)?.message);
        if (isDuplicateKey(err) && /cardCode/.test(msg) && i + 1 < CARD_TRIES) continue;
        await giveBack();
        if (isDuplicateKey(err) && !/cardCode/.test(msg)) {
          // Our own retry got here first: answer what it added.
          const prev = await findById<LiaisonResidentDoc>(db, COLLECTIONS.liaisonResidents, id);
          if (prev?.active) return answerOf(prev, h.doc.residentCount);
        }
        throw err;
      }
    }
  },
};

// ---------------------------------------------------------------- update

/**
 * The secretaries and the linked member edit a resident household; care tags and notes only
 * those who may see them. Requests: the resident with its household's context (1), the update (1): 2,
 * plus the requestId marker (2).
 */
export const updateResident: ActionDef<'liaison', 'updateResident'> = {
  kind: 'write',
  schema: z.object({
    residentId: idSchema,
    headName: headNameSchema.optional(),
    address: addressSchema.optional(),
    phone: residentPhoneSchema.optional(),
    people: peopleSchema.optional(),
    careTags: careTagsSchema.optional(),
    notes: notesSchema.nullable().optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const r = await residentFor(db, openid, data.residentId);
    assertEdits(r, data.careTags !== undefined || data.notes !== undefined);
    if (!r.resident.active) throw residentNotFound();
    await checkNotes(cloud, openid, data.notes);
    const set: Partial<LiaisonResidentDoc> = { updatedAt: new Date() };
    if (data.headName !== undefined) {
      set.headName = data.headName;
      set.sortKey = `${data.headName}\u0000${r.resident._id}`;
    }
    if (data.address !== undefined) {
      const addr = formatAddress(data.address);
      set.address = addr.address;
      set.addressParts = addr.addressParts;
    }
    if (data.phone !== undefined) set.phone = data.phone;
    if (data.people !== undefined) set.people = data.people;
    if (data.careTags !== undefined) set.careTags = data.careTags;
    if (data.notes !== undefined) set.notes = data.notes || null;
    const _ = db.command;
    await db
      .collection(COLLECTIONS.liaisonResidents)
      .doc(r.resident._id)
      .update({
        // `set` stores the parts whole (a plain object would be merged field by field).
        data: {
          ...set,
          ...(set.addressParts !== undefined ? { addressParts: _.set(set.addressParts) } : {}),
        },
      });
    const seeCare = can(r.actor, 'viewResidentCare', r.resource);
    return { resident: residentView({ ...r.resident, ...set }, seeCare) };
  },
};

// ---------------------------------------------------------------- remove

/**
 * The secretaries (`manageResidents`) remove a resident household that left the list: it is
 * erased exactly as `eraseMyData` erases it (shared.ts `eraseResident`); the emptied document keeps who removed it
 * and when. Idempotent by itself (`idempotent: false`): an erased household answers
 * `removed: true`. Requests: the resident with its context and requests (1), then the erasure:
 * the resident (1), the household's counters (1), bindings (1, only when bound) and requests (1,
 * only when it has any): 3–5.
 */
export const removeResident: ActionDef<'liaison', 'removeResident'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ residentId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const r = await residentFor(db, openid, data.residentId, { requests: true });
    if (!can(r.actor, 'manageResidents', r.resource)) throw forbidden(MSG_RES.notRemover);
    if (!r.resident.active) return { removed: true };
    await eraseResident(db, r.resident, {
      cloud,
      requests: r.requests,
      bound: r.resident.boundOpenids.length > 0,
      now: new Date(),
      by: 'manager',
      byOpenid: openid,
    });
    return { removed: true };
  },
};

// ---------------------------------------------------------------- list and reveal

/**
 * The secretaries and the linked member (of an active household): the household's residents by
 * name. Phones are always masked; care tags and notes only for `viewResidentCare`. The first page carries the
 * household, what the caller may do and the settings. Requests, in parallel: the household
 * with its context (1), the page (1): 2.
 */
export const listResidents: ActionDef<'liaison', 'listResidents'> = {
  kind: 'read',
  schema: z.object({ householdId: idSchema, cursor: cursorSchema.optional() }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const [h, page] = await Promise.all([
      householdFor(db, openid, data.householdId),
      keyPage<LiaisonResidentDoc, 'sortKey'>(
        db,
        COLLECTIONS.liaisonResidents,
        { householdId: data.householdId, active: true },
        'sortKey',
        after,
      ),
    ]);
    const manage = can(h.actor, 'manageResidents', h.resource);
    if (!manage && !can(h.actor, 'ownHousehold', h.resource)) {
      throw forbidden(MSG_RES.notResidentManager);
    }
    const seeCare = can(h.actor, 'viewResidentCare', h.resource);
    return {
      items: page.page.map((r) => residentView(r, seeCare)),
      nextCursor: page.nextCursor,
      ...(after === null
        ? {
            household: householdView(h.doc, h.settings, h.member),
            can: {
              reveal: can(h.actor, 'revealLiaisonPhone', h.resource),
              manage,
              seeCare,
              logService: can(h.actor, 'logService', h.resource),
            },
            settings: h.settings,
          }
        : {}),
    };
  },
};

/**
 * The linked member, the secretary and the deputy (`revealLiaisonPhone`): one resident's phone
 * in full. The reveal is written to `auditLogs` (who, whose, when — never the phone) BEFORE the
 * answer: if the log cannot be written the phone is not given. Not wrapped in the requestId
 * marker (`idempotent: false`): the marker would store the phone in `requestLog`; every call is
 * a reveal and is logged. Requests: the resident with its context (1), the log entry (1): 2.
 */
export const revealPhone: ActionDef<'liaison', 'revealPhone'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ residentId: idSchema }),
  async handler(data, { openid, db }) {
    const r = await residentFor(db, openid, data.residentId);
    if (!can(r.actor, 'revealLiaisonPhone', r.resource)) throw forbidden(MSG_RES.noReveal);
    if (!r.resident.active) throw residentNotFound();
    const entry: AuditLogDoc = {
      _id: newId(),
      at: new Date(),
      actorOpenid: openid,
      action: 'revealResidentPhone',
      subjectId: r.resident._id,
      activityId: null,
      branchId: r.resident.branchId,
    };
    await db.collection(COLLECTIONS.auditLogs).add({ data: entry });
    return { residentId: r.resident._id, phone: r.resident.phone };
  },
};
