/**
 * Central households (党员中心户): designate one, edit it, step down (handing the residents to
 * another household of the branch), the managers' list and the member's own 联户 tab.
 *
 * Managers are the branch's secretary, deputy and mass-work committee member (policy
 * `manageLiaison`); the member acts on their own household (`ownHousehold`). Nothing here
 * answers residents' personal data: the mass-work member manages the households, not their
 * residents (`manageResidents`, residents.ts). A household's `_id` is derived from (branch,
 * member), so designating twice finds the same document.
 */
import * as z from 'zod';
import type { HouseholdItem, LiaisonSettings } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  branchesWhere,
  can,
  committeesWhere,
  fetchAll,
  findById,
  type ActionDef,
} from '../common';
import type { LiaisonHouseholdDoc, LiaisonRequestDoc, LiaisonResidentDoc } from '../common/model';
import {
  PAGE,
  activeIn,
  decodeCursor,
  isDuplicateKey,
  isKeyCursor,
  secCheck,
  slicePage,
  updatedCount,
} from '../common/util';
import {
  MSG,
  PHOTO_DIRS,
  actorWithOrgs,
  addressSchema,
  byLabel,
  cursorSchema,
  forbidden,
  formatAddress,
  householdFor,
  householdId,
  householdResource,
  householdView,
  householdsFor,
  idSchema,
  photoIdSchema,
  publicPromise,
  requestView,
  settingsFor,
  settingsOf,
} from './shared';
import { HOUSEHOLD_SUBJECT, MEMBER_HOME_PAGE, RESIDENT_HOME_PAGE, notify } from './requests';
import { OPEN_STATUSES } from '../common/liaison-card';

const gridSchema = z.string().trim().min(1, '请填写网格').max(30, '网格最多 30 个字');
const promiseSchema = z.string().trim().max(200, '服务承诺最多 200 个字');
const photoSchema = photoIdSchema(PHOTO_DIRS.household).nullable();

const MSG_HH = {
  gridManagers: '只有支部书记、副书记和群众工作委员可以调整网格',
  consentOwn: '是否公开电话只能由党员本人决定',
  notViewer: '只有支部书记、副书记、群众工作委员和本支部的中心户党员可以查看中心户名单',
  needTarget: '该中心户还联系着居民，请选择接手的中心户',
  badTarget: '请选择本支部的其他中心户接手',
  targetFull: (max: number, room: number) =>
    `接手的中心户最多联系 ${max} 户，只能再接 ${room} 户，请另选或先调整`,
} as const;

export const emptyData = z.object({}).optional() as unknown as z.ZodType<
  Record<string, never> | undefined,
  unknown
>;

const sortKeyOf = (grid: string, memberName: string, id: string) =>
  `${grid}\u0000${memberName}\u0000${id}`;

/** Content security of a promise: `review` holds it (residents see none until released). */
async function promiseHeld(
  cloud: Parameters<typeof secCheck>[0],
  openid: string,
  promise: string | undefined,
) {
  if (!promise) return false;
  return (await secCheck(cloud, openid, promise, 1)) === 'review';
}

// ---------------------------------------------------------------- designate

/**
 * Managers designate an active party member (not an activist) of the branch. An existing
 * household of that member answers `created: false` and takes the fields given except
 * `showPhone` (a stepped-down one becomes active again): `showPhone` is recorded when the
 * household is created (what the member agreed to at designation) and afterwards changed only
 * by the member (`updateHousehold`). Idempotent by itself (`idempotent: false`), a retry finds
 * the household and answers `created: false`, as the contract says for designating again.
 * Requests: the caller's and the member's memberships with their organisations (1) and the
 * household by its derived `_id` (1), in parallel; the insert or the update (1; a concurrent
 * designation's duplicate key falls back to the update: 2): 3–4.
 */
export const designateHousehold: ActionDef<'liaison', 'designateHousehold'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    branchId: idSchema,
    memberOpenid: idSchema,
    address: addressSchema,
    grid: gridSchema.optional(),
    photo: photoSchema.optional(),
    promise: promiseSchema.optional(),
    showPhone: z.boolean().optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const id = householdId(data.branchId, data.memberOpenid);
    const [{ actor, docs, orgs }, existing] = await Promise.all([
      actorWithOrgs(db, openid, [data.memberOpenid]),
      findById<LiaisonHouseholdDoc>(db, COLLECTIONS.liaisonHouseholds, id),
    ]);
    if (!can(actor, 'manageLiaison', { branchId: data.branchId })) throw forbidden(MSG.notManager);
    const m = activeIn(docs, data.memberOpenid, data.branchId);
    if (!m || m.role === 'activist' || m.partyStatus === 'activist') {
      throw new AppError('INVALID_ARGUMENT', MSG.notPartyMember, { fields: ['memberOpenid'] });
    }
    const held = await promiseHeld(cloud, openid, data.promise);
    const branch = orgs.get(data.branchId);
    const now = new Date();
    const memberName = m.realName ?? '';
    const addr = formatAddress(data.address);

    const apply = async (prev: Pick<LiaisonHouseholdDoc, 'grid'>) => {
      const grid = data.grid ?? prev.grid;
      await db
        .collection(COLLECTIONS.liaisonHouseholds)
        .doc(id)
        .update({
          data: {
            address: addr.address,
            grid,
            ...(data.photo !== undefined ? { photo: data.photo } : {}),
            ...(data.promise !== undefined ? { promise: data.promise, promiseHeld: held } : {}),
            // Never `showPhone`: once the household exists, showing the phone is the member's
            // own consent, which only they change (`updateHousehold`); a manager designating
            // again (or a concurrent designation) must not turn it back on.
            membershipId: m._id,
            memberName,
            active: true,
            steppedDownAt: null,
            movedTo: null,
            sortKey: sortKeyOf(grid, memberName, id),
            updatedAt: now,
          },
        });
      return { householdId: id, created: false };
    };
    if (existing) return apply(existing);

    const grid = data.grid ?? branch?.gridArea ?? branch?.name ?? '';
    const doc: LiaisonHouseholdDoc = {
      _id: id,
      branchId: data.branchId,
      branchName: m.branchName ?? branch?.name ?? '',
      committeeId: m.committeeId ?? branch?.committeeId ?? '',
      memberOpenid: data.memberOpenid,
      membershipId: m._id,
      memberName,
      address: addr.address,
      grid,
      photo: data.photo ?? null,
      promise: data.promise ?? '',
      promiseHeld: held,
      showPhone: data.showPhone ?? false,
      active: true,
      residentCount: 0,
      boundCount: 0,
      openRequests: 0,
      sortKey: sortKeyOf(grid, memberName, id),
      createdAt: now,
      createdBy: openid,
      updatedAt: now,
      steppedDownAt: null,
      mergedFrom: [],
    };
    try {
      await db.collection(COLLECTIONS.liaisonHouseholds).add({ data: doc });
    } catch (err) {
      // Designated by someone else at the same moment: the same household, updated.
      if (isDuplicateKey(err)) return apply(doc);
      throw err;
    }
    return { householdId: id, created: true };
  },
};

// ---------------------------------------------------------------- update

/**
 * Managers edit any household of the branch; the member edits their own except the grid, and
 * only the member changes their consent to show their phone (`showPhone`). Requests: the
 * household with its context (1), the update (1): 2, plus the requestId marker (2).
 */
export const updateHousehold: ActionDef<'liaison', 'updateHousehold'> = {
  kind: 'write',
  schema: z.object({
    householdId: idSchema,
    address: addressSchema.optional(),
    grid: gridSchema.optional(),
    photo: photoSchema.optional(),
    promise: promiseSchema.optional(),
    showPhone: z.boolean().optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const h = await householdFor(db, openid, data.householdId);
    const manage = can(h.actor, 'manageLiaison', h.resource);
    if (!manage && !can(h.actor, 'ownHousehold', h.resource)) throw forbidden(MSG.notManager);
    if (data.grid !== undefined && !manage) throw forbidden(MSG_HH.gridManagers);
    if (data.showPhone !== undefined && openid !== h.doc.memberOpenid) {
      throw forbidden(MSG_HH.consentOwn);
    }
    if (!h.doc.active) throw new AppError('CONFLICT', MSG.steppedDown);
    const held = await promiseHeld(cloud, openid, data.promise);
    const memberName = h.member?.realName || h.doc.memberName;
    const grid = data.grid ?? h.doc.grid;
    const set: Partial<LiaisonHouseholdDoc> = {
      ...(data.address !== undefined ? { address: formatAddress(data.address).address } : {}),
      grid,
      ...(data.photo !== undefined ? { photo: data.photo } : {}),
      ...(data.promise !== undefined ? { promise: data.promise, promiseHeld: held } : {}),
      ...(data.showPhone !== undefined ? { showPhone: data.showPhone } : {}),
      memberName,
      sortKey: sortKeyOf(grid, memberName, h.doc._id),
      updatedAt: new Date(),
    };
    await db.collection(COLLECTIONS.liaisonHouseholds).doc(h.doc._id).update({ data: set });
    return { household: householdView({ ...h.doc, ...set }, h.settings, h.member) };
  },
};

// ---------------------------------------------------------------- step down

/**
 * The member (or a manager) steps down; the linked residents and their open requests go to
 * another active household of the branch that has room for all of them under the maximum.
 * The receiving member hears how many households and open requests came to them, the moved
 * households' bound WeChat users that their central household changed (subscribe messages,
 * no personal data; not again on a retry that finds the step-down done).
 * Idempotent by itself (`idempotent: false`): the target's counters move with a conditional
 * update that also records the source in `mergedFrom` (a retry finds it there and does not
 * count twice), moving residents and requests by `householdId` finds nothing the second time,
 * and the stepped-down source keeps `movedTo` / `movedResidents`, so a retry answers the same.
 * Requests: both households with their context and residents (1), the target's counters (1),
 * the residents (1), their open requests (1, skipped when none), the source (1): 2 without
 * residents, else 4–5. The messages are no database requests.
 */
export const stepDown: ActionDef<'liaison', 'stepDown'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ householdId: idSchema, toHouseholdId: idSchema.optional() }),
  async handler(data, { openid, db, cloud }) {
    const ids = [data.householdId, ...(data.toHouseholdId ? [data.toHouseholdId] : [])];
    // With their residents: the moved ones' bound WeChat users hear of the change.
    const loaded = await householdsFor(db, openid, ids, { residents: true });
    const h = loaded.find((x) => x.doc._id === data.householdId);
    if (!h) throw new AppError('NOT_FOUND', MSG.householdNotFound);
    // A stepped-down household has no householder; its member may still retry and get the
    // same answer.
    const res = h.doc.active
      ? h.resource
      : { ...h.resource, householderOpenid: h.doc.memberOpenid };
    if (!can(h.actor, 'manageLiaison', res) && !can(h.actor, 'ownHousehold', res)) {
      throw forbidden(MSG.notManager);
    }
    if (!h.doc.active) {
      return { householdId: h.doc._id, movedResidents: h.doc.movedResidents ?? 0 };
    }
    const _ = db.command;
    const now = new Date();
    const n = h.doc.residentCount;
    let toId: string | null = null;
    if (n > 0) {
      if (!data.toHouseholdId) {
        throw new AppError('INVALID_ARGUMENT', MSG_HH.needTarget, { fields: ['toHouseholdId'] });
      }
      const t = loaded.find((x) => x.doc._id === data.toHouseholdId);
      if (!t || t.doc._id === h.doc._id || !t.doc.active || t.doc.branchId !== h.doc.branchId) {
        throw new AppError('INVALID_ARGUMENT', MSG_HH.badTarget, { fields: ['toHouseholdId'] });
      }
      toId = t.doc._id;
      const max = t.settings.maxResidents;
      if (!(t.doc.mergedFrom ?? []).includes(h.doc._id)) {
        const took = updatedCount(
          await db
            .collection(COLLECTIONS.liaisonHouseholds)
            .where({
              _id: toId,
              active: true,
              residentCount: _.lte(max - n),
              mergedFrom: _.neq(h.doc._id),
            })
            .update({
              data: {
                residentCount: _.inc(n),
                boundCount: _.inc(h.doc.boundCount),
                openRequests: _.inc(h.doc.openRequests),
                mergedFrom: _.push(h.doc._id),
                updatedAt: now,
              },
            }),
        );
        if (!took) {
          throw new AppError(
            'FULL',
            MSG_HH.targetFull(max, Math.max(0, max - t.doc.residentCount)),
          );
        }
      }
      const memberName = t.member?.realName || t.doc.memberName;
      await Promise.all([
        db
          .collection(COLLECTIONS.liaisonResidents)
          .where({ householdId: h.doc._id, active: true })
          .update({ data: { householdId: toId, grid: t.doc.grid, updatedAt: now } }),
        h.doc.openRequests > 0
          ? db
              .collection(COLLECTIONS.liaisonRequests)
              .where({ householdId: h.doc._id, status: _.in([...OPEN_STATUSES]) })
              .update({
                data: {
                  householdId: toId,
                  memberOpenid: t.doc.memberOpenid,
                  memberName,
                  grid: t.doc.grid,
                  updatedAt: now,
                  history: _.push({
                    at: now,
                    action: 'moved',
                    by: byLabel(h, openid),
                    byOpenid: openid,
                    note: `转交${memberName}（中心户）`,
                  }),
                },
              })
          : null,
      ]);
    }
    await db
      .collection(COLLECTIONS.liaisonHouseholds)
      .doc(h.doc._id)
      .update({
        data: {
          active: false,
          steppedDownAt: now,
          movedTo: toId,
          movedResidents: n,
          residentCount: 0,
          boundCount: 0,
          openRequests: 0,
          updatedAt: now,
        },
      });
    if (toId) {
      const t = loaded.find((x) => x.doc._id === toId)!;
      await Promise.all([
        // The receiving member: how much came to them (figures only).
        notify(cloud, [t.doc.memberOpenid], {
          page: MEMBER_HOME_PAGE,
          subject: HOUSEHOLD_SUBJECT,
          note: h.doc.openRequests
            ? `${n}户联系户转给您，${h.doc.openRequests}条诉求待办`
            : `${n}户联系户转给您联系`,
          at: now,
        }),
        // The moved households' residents: their central household changed (no names).
        notify(
          cloud,
          (h.residents ?? []).flatMap((r) => r.boundOpenids ?? []),
          {
            page: RESIDENT_HOME_PAGE,
            subject: HOUSEHOLD_SUBJECT,
            note: '您家的联系党员已更换，请查看',
            at: now,
          },
        ),
      ]);
    }
    return { householdId: h.doc._id, movedResidents: n };
  },
};

// ---------------------------------------------------------------- lists

interface HouseholdRow extends LiaisonHouseholdDoc {
  hm?: { realName?: string; photo?: string | null }[];
}

/**
 * The branch's active central households by grid and member name, optionally one grid
 * (`viewHouseholds`): the managers, and a member who is an active central household of the
 * branch themselves — stepping down, they choose from this list whom to hand their residents
 * to. Household data only (no residents; a promise content security holds is left out for
 * them). `canSeeResidents` tells the page whether the caller may open a household's residents
 * (`manageResidents`: not the mass-work member, not a member). Whether the caller has a
 * household of their own in the branch comes with the grids (their `$group` counts the
 * caller's households per grid), so it costs no request. Requests, in parallel: the caller's
 * memberships with their organisations (settings) (1), the page with each member's
 * membership (1), the branch's grids (1): 3.
 */
export const listHouseholds: ActionDef<'liaison', 'listHouseholds'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    grid: gridSchema.optional(),
    cursor: cursorSchema.optional(),
  }),
  async handler(data, { openid, db }) {
    const _ = db.command;
    const $ = _.aggregate;
    const after = decodeCursor(data.cursor, isKeyCursor);
    const where: Record<string, unknown> = { branchId: data.branchId, active: true };
    if (data.grid !== undefined) {
      // The sort key starts with the grid: one grid is a range of keys.
      const from = `${data.grid}\u0000`;
      const lo = after !== null && after > from ? after : from;
      where.sortKey = _.gt(lo).and(_.lt(`${data.grid}\u0001`));
    } else if (after !== null) {
      where.sortKey = _.gt(after);
    }
    const [{ actor, orgs }, page, grids] = await Promise.all([
      actorWithOrgs(db, openid),
      db
        .collection(COLLECTIONS.liaisonHouseholds)
        .aggregate()
        .match(where)
        .sort({ sortKey: 1 })
        .limit(PAGE + 1)
        .lookup({
          from: COLLECTIONS.memberships,
          localField: 'membershipId',
          foreignField: '_id',
          as: 'hm',
        })
        .end()!
        .then((r: unknown) => (r as { list: HouseholdRow[] }).list ?? []),
      db
        .collection(COLLECTIONS.liaisonHouseholds)
        .aggregate()
        .match({ branchId: data.branchId, active: true })
        .group({ _id: '$grid', own: $.sum($.cond([$.eq(['$memberOpenid', openid]), 1, 0])) })
        .end()!
        .then((r: unknown) => (r as { list: { _id: string; own: number }[] }).list ?? []),
    ]);
    // The caller's own active household in the branch (`householdResource` of it).
    const owns = grids.some((g) => g.own > 0);
    const resource = { branchId: data.branchId, householderOpenid: owns ? openid : undefined };
    if (!can(actor, 'viewHouseholds', resource)) throw forbidden(MSG_HH.notViewer);
    const manager = can(actor, 'manageLiaison', resource);
    const settings = settingsFor(orgs, orgs.get(data.branchId)?.committeeId);
    const { page: rows, nextCursor } = slicePage(page, (last) => last.sortKey);
    return {
      items: rows.map(({ hm = [], ...h }) => {
        const item = householdView(h, settings, hm[0] as never);
        // A promise content security holds goes to the managers and its own member only, as
        // residents get none of it (`publicPromise`).
        return manager || h.memberOpenid === openid ? item : { ...item, promise: publicPromise(h) };
      }),
      nextCursor,
      grids: grids
        .map((g) => g._id)
        .filter(Boolean)
        .sort(),
      settings,
      canSeeResidents: can(actor, 'manageResidents', { branchId: data.branchId }),
    };
  },
};

/**
 * The 联户 tab: the caller's own active central households, their open requests (oldest
 * first, ≤ 20; not those content security holds: the secretaries see them first, as in
 * `listRequests`), the branches they manage (`canSeeResidents` as in `listHouseholds`) and the
 * committees whose escalated requests they handle (`committeeLiaison`). Requests: the caller's
 * memberships with their organisations (1: committee names too) and their households (1), in
 * parallel; the open requests with their resident households (1, skipped without households):
 * 2–3.
 */
export const myHouseholds: ActionDef<'liaison', 'myHouseholds'> = {
  kind: 'read',
  schema: emptyData,
  async handler(_data, { openid, db }) {
    const _ = db.command;
    const [{ actor, docs, orgs }, mine] = await Promise.all([
      actorWithOrgs(db, openid),
      fetchAll<LiaisonHouseholdDoc>(
        db
          .collection(COLLECTIONS.liaisonHouseholds)
          .where({ memberOpenid: openid, active: true })
          .limit(PAGE),
      ),
    ]);
    const own = mine.filter((h) => can(actor, 'ownHousehold', householdResource(h)));
    // The rules look at roles only: a committee secretary is also a "secretary" of the
    // committee organisation, a branch secretary an admin of their branch. The organisation's
    // type tells branches (households) from committees (escalated requests).
    const ofType = (type: string) => (id: string) => orgs.get(id)?.type === type;
    const manages = branchesWhere(actor, 'manageLiaison')
      .filter(ofType('branch'))
      .map((branchId) => ({
        branchId,
        branchName:
          docs.find((d) => d.orgId === branchId)?.branchName ?? orgs.get(branchId)?.name ?? '',
        canSeeResidents: can(actor, 'manageResidents', { branchId }),
      }));
    const committees = committeesWhere(actor, 'committeeLiaison')
      .filter(ofType('committee'))
      .map((committeeId) => ({ committeeId, name: orgs.get(committeeId)?.name ?? '' }));
    const branchDocs = docs.filter(
      (d) => d.openid === openid && d.status === 'active' && ofType('branch')(d.orgId),
    );
    const home = branchDocs.find((d) => d.fullKey === openid) ?? branchDocs[0];
    const branch = home
      ? {
          branchId: home.orgId,
          branchName: home.branchName ?? orgs.get(home.orgId)?.name ?? '',
          committeeId: home.committeeId ?? '',
          role: home.role,
        }
      : null;
    if (own.length === 0) return { households: [], requests: [], manages, committees, branch };

    const settingsOfHousehold = (h: LiaisonHouseholdDoc): LiaisonSettings =>
      settingsOf(orgs.get(h.committeeId));
    const households: HouseholdItem[] = own.map((h) =>
      householdView(
        h,
        settingsOfHousehold(h),
        docs.find((d) => d._id === h.membershipId),
      ),
    );
    const ids = own.map((h) => h._id);
    const res = (await db
      .collection(COLLECTIONS.liaisonRequests)
      .aggregate()
      .match({
        householdId: ids.length === 1 ? ids[0] : _.in(ids),
        status: _.in([...OPEN_STATUSES]),
        // Held by content security: the member gets it once a secretary released it.
        held: false,
      })
      .sort({ createdAt: 1 })
      .limit(PAGE)
      .lookup({
        from: COLLECTIONS.liaisonResidents,
        localField: 'residentId',
        foreignField: '_id',
        as: 'r',
      })
      .end()) as { list: (LiaisonRequestDoc & { r?: LiaisonResidentDoc[] })[] };
    const now = Date.now();
    const byId = new Map(own.map((h) => [h._id, h]));
    const requests = (res.list ?? []).map(({ r = [], ...q }) => {
      const h = byId.get(q.householdId);
      const see = !!h && can(actor, 'viewResidentCare', householdResource(h));
      return requestView(q as LiaisonRequestDoc, see ? r[0] : null, now);
    });
    return {
      households,
      requests,
      manages,
      committees,
      branch,
      settings: settingsOfHousehold(own[0]),
    };
  },
};
