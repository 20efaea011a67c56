/**
 * Residents' requests (民情): a bound resident sends one to their central household, the member
 * accepts and resolves it with a note, the resident rates it (closed). The `escalate` timer
 * (escalate.ts) moves an overdue request to the branch secretary (level 1), then to the party
 * committee (level 2); whoever it reached may handle it. Every step is kept in `history` and
 * notifies the people concerned by subscribe message, never with a resident's personal data.
 *
 * Who sees a request: the resident household's bound WeChat users, the linked member (not while
 * content security holds it for review), the branch secretary and deputy, and at level 2 the
 * committee's secretaries. The resident block (head's name, address) goes to the linked member
 * and the branch secretaries only; a resident's phone goes to no one.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type {
  RequestCategory,
  RequestDetail,
  RequestItem,
  RequestRating,
  RequestStatus,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  findById,
  roleIn,
  type ActionDef,
  type Actor,
  type Cloud,
  type Database,
} from '../common';
import type {
  LiaisonBindingDoc,
  LiaisonHistoryDoc,
  LiaisonHouseholdDoc,
  LiaisonRequestDoc,
  LiaisonResidentDoc,
  MembershipDoc,
  OrganizationDoc,
} from '../common/model';
import {
  chinaMinute,
  decodeCursor,
  isDuplicateKey,
  iso,
  loadActor,
  newId,
  secCheck,
  sendEach,
  updatedCount,
} from '../common/util';
import {
  MSG,
  PHOTO_DIRS,
  ROLE_LABELS,
  cursorSchema,
  idSchema,
  isNewestCursor,
  isOpen,
  newestPage,
  photoIdSchema,
  requestView,
  settingsOf,
  type NewestCursor,
} from './shared';
import { OPEN_STATUSES } from '../common/liaison-card';
import { ownOnly } from '../common/db';

export const REQUEST_MSG = {
  notBound: MSG.notBound,
  notFound: MSG.requestNotFound,
  forbidden: '只有联系该户的党员和支部书记可以处理这条诉求',
  notYours: '您只能查看自己家的诉求',
  steppedDown: '您联系的中心户已卸任，请联系社区',
  erased: '您家的信息已删除，请重新绑定连心卡',
  accepted: '该诉求已受理',
  done: '该诉求已办结',
  changed: '该诉求刚被他人处理，请刷新后查看',
  needNote: '请填写办理情况（至少 2 个字）',
  notResolved: '诉求办结后才能评价',
  rated: '您已评价过这条诉求',
  notResident: '只有提出诉求的住户可以评价',
  committeeOnly: '只有社区党委书记、副书记可以查看上报到党委的诉求',
  branchOnly: '只有支部书记、副书记可以查看本支部的诉求',
} as const;

export const CATEGORY_LABELS: Record<RequestCategory, string> = {
  repair: '维修',
  elderly: '助老',
  dispute: '邻里纠纷',
  policy: '政策咨询',
  other: '其他',
};

export const RATING_LABELS: Record<RequestRating, string> = {
  satisfied: '满意',
  basically: '基本满意',
  unsatisfied: '不满意',
};

const CATEGORIES = ['repair', 'elderly', 'dispute', 'policy', 'other'] as const;
const RATINGS = ['satisfied', 'basically', 'unsatisfied'] as const;
const HOUR = 3600_000;
/** What the member (and everyone else but secretaries) reads instead of a held note. */
const HELD_NOTE = '（内容审核中）';
/** Who did it, as the history shows it: no personal data of residents. */
export const BY_RESIDENT = '居民';
export const BY_SYSTEM = '系统';
export const BY_COMMITTEE = '社区党委';

// ---------------------------------------------------------------- subscribe messages

/** Subscribe message template (设置 → 订阅消息), set per deployment (cloudbaserc.json). */
const LIAISON_TEMPLATE_ID = process.env.LIAISON_TEMPLATE_ID || 'LIAISON_REQUEST_TEMPLATE';
/** The request page of residents, and of those who handle requests. */
export const RESIDENT_PAGE = 'packages/resident/request-detail/index';
export const HANDLER_PAGE = 'packages/liaison/request/index';

/** The message's subject: 「民情诉求·维修」, 「【紧急】民情诉求·维修」 for an urgent request. */
export function subject(doc: Pick<LiaisonRequestDoc, 'category'> & { urgent?: boolean }): string {
  const label = CATEGORY_LABELS[doc.category as RequestCategory] ?? '其他';
  return `${doc.urgent ? '【紧急】' : ''}民情诉求·${label}`;
}

/** The subject of messages about central households (a step-down), not about one request. */
export const HOUSEHOLD_SUBJECT = '党员中心户调整';
/** The member's 联户 tab, and the resident's home (their central household's card). */
export const MEMBER_HOME_PAGE = 'pages/liaison/index';
export const RESIDENT_HOME_PAGE = 'pages/index/index';

/**
 * Subscribe messages to `openids` (no database request): `subject` (thing1), a time (time2)
 * and `note` (thing3, ≤ 20 characters). What callers put there is never a request's text nor
 * a resident's name, address or phone. Returns how many went out; a refused send (the user did
 * not subscribe) is not an error.
 */
export async function notify(
  cloud: Cloud,
  openids: (string | null | undefined)[],
  msg: { page: string; subject: string; note: string; at?: Date },
): Promise<number> {
  const to = [...new Set(openids.filter((o): o is string => !!o))];
  const at = msg.at ?? new Date();
  return sendEach(cloud, to, () => ({
    templateId: LIAISON_TEMPLATE_ID,
    page: msg.page,
    data: {
      thing1: { value: msg.subject.slice(0, 20) },
      time2: { value: chinaMinute(at) },
      thing3: { value: msg.note.slice(0, 20) },
    },
  }));
}

/**
 * Subscribe messages about one request (`notify`): its category (marked 「紧急」 when urgent) as
 * the subject, `page?id=<request>`.
 */
export async function notifyRequest(
  cloud: Cloud,
  doc: Pick<LiaisonRequestDoc, '_id' | 'category'> & { urgent?: boolean },
  openids: (string | null | undefined)[],
  page: string,
  note: string,
  at: Date = new Date(),
): Promise<number> {
  return notify(cloud, openids, { page: `${page}?id=${doc._id}`, subject: subject(doc), note, at });
}

// ---------------------------------------------------------------- views

/**
 * The caller's relation to one request, as the policy answers it (`viewerOf`); what each
 * relation may do at the request's level and held state is `requestAccess`.
 */
export interface Viewer {
  openid: string;
  /** The linked member (the central household's member now, active in its branch). */
  member: boolean;
  /** Secretary or deputy of the request's branch. */
  secretary: boolean;
  /** Secretary or deputy of the party committee. */
  committee: boolean;
  /** Bound to the resident household that sent the request (`residentId`, not the household). */
  resident: boolean;
}

/**
 * The policy's answers about the caller and one request; nothing here looks at the level or
 * the held state. `householderOpenid`: the member of the request's central household while it
 * is active (a member who stepped down keeps no access). The resident relation is the caller's
 * binding to the very resident household that sent it (`request.residentId`): after a step-down
 * the resident's household changes, their requests stay theirs.
 */
export function viewerOf(
  actor: Actor,
  doc: Pick<LiaisonRequestDoc, 'branchId' | 'committeeId' | 'residentId'>,
  householderOpenid: string | undefined,
): Viewer {
  const { binding } = actor;
  return {
    openid: actor.openid,
    // `handleRequest` lets the householder through as well as the secretaries; the linked
    // member is the caller it lets through as the householder.
    member:
      householderOpenid === actor.openid &&
      can(actor, 'handleRequest', { branchId: doc.branchId, householderOpenid }),
    secretary: can(actor, 'handleRequest', { branchId: doc.branchId }),
    committee: can(actor, 'committeeLiaison', { committeeId: doc.committeeId }),
    resident:
      !!binding &&
      binding.residentId === doc.residentId &&
      can(actor, 'residentOfHousehold', { householdId: binding.householdId }),
  };
}

/**
 * What the caller may do with a request: the policy's answers (`viewerOf`) combined with its
 * escalation level and held state, in this one place.
 *
 * | relation (policy)                       | sees                | handles (accept, resolve)   |
 * | --------------------------------------- | ------------------- | --------------------------- |
 * | resident (`residentOfHousehold`)        | always              | never (they rate)           |
 * | linked member (`handleRequest`, owner)  | unless held         | unless held                 |
 * | branch secretaries (`handleRequest`)    | always, held too    | from level 1; held: always  |
 * | committee (`committeeLiaison`)          | at level 2          | at level 2                  |
 *
 * A secretary handling a held request releases it to the member.
 */
export function requestAccess(
  v: Viewer,
  doc: Pick<LiaisonRequestDoc, 'held' | 'level'>,
): { sees: boolean; handles: boolean } {
  const memberMay = v.member && !doc.held;
  const committeeMay = v.committee && doc.level === 2;
  return {
    sees: v.resident || v.secretary || memberMay || committeeMay,
    handles: memberMay || (v.secretary && (doc.level >= 1 || doc.held)) || committeeMay,
  };
}

/** Secretaries see held texts; so does whoever wrote them. */
function showsHeld(v: Viewer, byOpenid: string | null | undefined): boolean {
  return v.secretary || (!!byOpenid && byOpenid === v.openid);
}

/**
 * A request as a list shows it (shared.ts `requestView`). The resident block (head's name,
 * address) only when `showResident` (the linked member, the branch secretaries) and the
 * household was not erased. Never a phone.
 */
export function requestItem(
  doc: LiaisonRequestDoc,
  resident: Pick<LiaisonResidentDoc, '_id' | 'headName' | 'address' | 'erased'> | null | undefined,
  showResident: boolean,
  now: number = Date.now(),
): RequestItem {
  return requestView(doc, showResident && resident && !resident.erased ? resident : null, now);
}

export function requestDetail(
  doc: LiaisonRequestDoc,
  resident: LiaisonResidentDoc | null | undefined,
  v: Viewer,
  now: number = Date.now(),
): RequestDetail {
  const resolver = [...doc.history].reverse().find((h) => h.action === 'resolved');
  const open = isOpen(doc.status);
  const can = requestAccess(v, doc).handles;
  return {
    ...requestItem(doc, resident, v.member || v.secretary, now),
    photos: doc.photos ?? [],
    resolutionNote:
      doc.resolutionNote && doc.resolutionNoteHeld && !showsHeld(v, resolver?.byOpenid)
        ? HELD_NOTE
        : (doc.resolutionNote ?? null),
    ratingComment:
      doc.ratingComment && doc.ratingCommentHeld && !v.secretary && !v.resident
        ? HELD_NOTE
        : (doc.ratingComment ?? null),
    history: doc.history.map((h) => ({
      at: iso(h.at),
      action: h.action,
      by: h.by,
      note: h.note && h.held && !showsHeld(v, h.byOpenid) ? HELD_NOTE : h.note,
    })),
    can: {
      accept: can && doc.status === 'submitted',
      resolve: can && open,
      rate: v.resident && doc.status === 'resolved',
    },
  };
}

// ---------------------------------------------------------------- loading

export interface RequestFor {
  doc: LiaisonRequestDoc;
  resident: LiaisonResidentDoc | null;
  household: LiaisonHouseholdDoc | null;
  committee: OrganizationDoc | null;
  actor: Actor;
  viewer: Viewer;
}

/**
 * One request with everything the policy needs about the caller, in ONE aggregate: the
 * caller's memberships of the request's branch and of its committee (`$lookup` on
 * `orgId_status_sortKey`, filtered to the caller), the caller's binding if it is to the
 * request's resident household (`liaisonBindings` by `residentId`, filtered to the caller's
 * `_id`), the resident household, the central household (its member now) and the committee
 * organisation (its settings).
 */
export async function requestFor(
  db: Database,
  openid: string,
  requestId: string,
): Promise<RequestFor> {
  const $ = db.command.aggregate;
  const own = (field: string) => ownOnly(db, field, openid);
  const res = (await db
    .collection(COLLECTIONS.liaisonRequests)
    .aggregate()
    .match({ _id: requestId })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'branchId',
      foreignField: 'orgId',
      as: 'm',
    })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'committeeId',
      foreignField: 'orgId',
      as: 'cm',
    })
    .lookup({
      from: COLLECTIONS.liaisonBindings,
      localField: 'residentId',
      foreignField: 'residentId',
      as: 'b',
    })
    .lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: 'residentId',
      foreignField: '_id',
      as: 'r',
    })
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'householdId',
      foreignField: '_id',
      as: 'h',
    })
    .lookup({
      from: COLLECTIONS.organizations,
      localField: 'committeeId',
      foreignField: '_id',
      as: 'c',
    })
    .addFields({
      m: own('m'),
      cm: own('cm'),
      b: $.filter({ input: '$b', as: 'x', cond: $.eq(['$$x._id', openid]) }),
    })
    .end()) as unknown as {
    list?: (LiaisonRequestDoc & {
      m?: MembershipDoc[];
      cm?: MembershipDoc[];
      b?: LiaisonBindingDoc[];
      r?: LiaisonResidentDoc[];
      h?: LiaisonHouseholdDoc[];
      c?: OrganizationDoc[];
    })[];
  };
  const row = res.list?.[0];
  if (!row) throw new AppError('NOT_FOUND', REQUEST_MSG.notFound);
  const { m = [], cm = [], b = [], r = [], h = [], c = [], ...doc } = row;
  const resident = r[0] ?? null;
  const household = h[0] ?? null;
  // The caller's binding (its `_id` is their openid), when it is to this request's resident
  // household; its central household is the resident's now (stepDown moves residents).
  const actor: Actor = {
    ...actorFrom(openid, [...m, ...cm]),
    binding:
      b[0] && resident?.active
        ? { residentId: b[0].residentId, householdId: resident.householdId }
        : null,
  };
  const viewer = viewerOf(
    actor,
    doc as LiaisonRequestDoc,
    household?.active ? household.memberOpenid : undefined,
  );
  return {
    doc: doc as LiaisonRequestDoc,
    resident,
    household,
    committee: c[0] ?? null,
    actor,
    viewer,
  };
}

/** FORBIDDEN for a caller who may not see the request; NOT_FOUND for the member of a held one. */
function assertSees(r: RequestFor): void {
  if (requestAccess(r.viewer, r.doc).sees) return;
  if (r.viewer.member) throw new AppError('NOT_FOUND', REQUEST_MSG.notFound);
  throw new AppError('FORBIDDEN', MSG.forbidden);
}

/** How the history names the caller: 「X（中心户）」「支部书记」「社区党委」. */
function byLabel(r: RequestFor): string {
  if (r.viewer.member) return `${r.household?.memberName ?? r.doc.memberName}（中心户）`;
  if (r.viewer.secretary) {
    const role = roleIn(r.actor, r.doc.branchId);
    return role ? ROLE_LABELS[role] : '支部书记';
  }
  return BY_COMMITTEE;
}

// ---------------------------------------------------------------- submitRequest

interface BindingRow extends LiaisonBindingDoc {
  r?: LiaisonResidentDoc[];
  h?: LiaisonHouseholdDoc[];
  c?: OrganizationDoc[];
  s?: Pick<MembershipDoc, 'openid'>[];
}

/** Who hears of a request content security holds: the branch's secretary and deputy. */
const SECRETARY_ROLES = ['secretary', 'deputySecretary'];

/**
 * The caller's binding with its resident household, central household, the committee
 * organisation (settings) and the branch's active secretary and deputy (`s`: told of a request
 * held for review), in one aggregate (by `_id`, then `_id` lookups and the branch's
 * memberships on `orgId_status_sortKey`).
 */
async function bindingFor(db: Database, openid: string) {
  const $ = db.command.aggregate;
  const res = (await db
    .collection(COLLECTIONS.liaisonBindings)
    .aggregate()
    .match({ _id: openid })
    .lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: 'residentId',
      foreignField: '_id',
      as: 'r',
    })
    // The resident's household now (a member stepping down moves their residents).
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'r.householdId',
      foreignField: '_id',
      as: 'h',
    })
    .lookup({
      from: COLLECTIONS.organizations,
      localField: 'h.committeeId',
      foreignField: '_id',
      as: 'c',
    })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'h.branchId',
      foreignField: 'orgId',
      as: 's',
    })
    .addFields({
      s: $.filter({
        input: '$s',
        as: 'x',
        cond: $.and([$.eq(['$$x.status', 'active']), $.in(['$$x.role', SECRETARY_ROLES])]),
      }),
    })
    .end()) as unknown as { list?: BindingRow[] };
  const row = res.list?.[0];
  if (!row) return null;
  return {
    binding: row,
    resident: row.r?.[0] ?? null,
    household: row.h?.[0] ?? null,
    committee: row.c?.[0] ?? null,
    secretaries: (row.s ?? []).map((m) => m.openid),
  };
}

const submitSchema = z.object({
  category: z.enum(CATEGORIES, { message: '请选择诉求类别' }),
  text: z.string().trim().min(2, '请填写诉求内容（至少 2 个字）').max(500, '诉求内容最多 500 字'),
  photos: z.array(photoIdSchema(PHOTO_DIRS.request)).max(3, '最多上传 3 张图片').optional(),
  urgent: z.boolean().optional(),
});

/**
 * Raises the open-request counters of the request's central household and resident household
 * (those asked for), each on the condition that the document does not list the request in
 * `countedRequests` yet, and lists it: a retry never counts twice, and one that finds the
 * first call stopped before counting completes it. In parallel: 1 request per counter.
 */
async function countOpen(
  db: Database,
  doc: Pick<LiaisonRequestDoc, '_id' | 'householdId' | 'residentId'>,
  which: { household: boolean; resident: boolean },
): Promise<void> {
  const _ = db.command;
  const raise = (collection: string, id: string) =>
    db
      .collection(collection)
      .where({ _id: id, countedRequests: _.neq(doc._id) })
      .update({ data: { openRequests: _.inc(1), countedRequests: _.push([doc._id]) } });
  await Promise.all([
    which.household ? raise(COLLECTIONS.liaisonHouseholds, doc.householdId) : null,
    which.resident ? raise(COLLECTIONS.liaisonResidents, doc.residentId) : null,
  ]);
}

/**
 * A request already stored under `_id`, and whether its central household and resident
 * household count it already (`countedRequests`): one aggregate (`_id`, then `_id` lookups).
 */
async function alreadySent(db: Database, id: string) {
  const res = (await db
    .collection(COLLECTIONS.liaisonRequests)
    .aggregate()
    .match({ _id: id })
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'householdId',
      foreignField: '_id',
      as: 'h',
    })
    .lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: 'residentId',
      foreignField: '_id',
      as: 'r',
    })
    .end()) as unknown as {
    list?: (LiaisonRequestDoc & { h?: LiaisonHouseholdDoc[]; r?: LiaisonResidentDoc[] })[];
  };
  const row = res.list?.[0];
  if (!row) return null;
  const { h = [], r = [], ...doc } = row;
  // Nothing is counted again on a document gone or no longer active (erased, stepped down), nor
  // on the household a step-down moved the request to (it took over the counter as it was).
  const moved = (doc.history ?? []).some((e) => e.action === 'moved');
  const counted = (x: { countedRequests?: string[]; active: boolean } | undefined) =>
    !x || !x.active || (x.countedRequests ?? []).includes(id);
  return {
    doc: doc as LiaisonRequestDoc,
    household: moved || counted(h[0]),
    resident: counted(r[0]),
  };
}

const derivedId = (prefix: string, openid: string, requestId: string) =>
  `${prefix}${createHash('sha256').update(`${openid}\n${requestId}`).digest('hex').slice(0, 31)}`;

/**
 * A bound resident sends a request to their central household: `submitted`, level 0, due
 * within the committee's `acceptHours`. The text is checked (risky: refused; review: held, the
 * member sees it only once a secretary handles it). With a requestId the document's `_id` is
 * derived from it, so a retry finds the first one (idempotent by itself); the open-request
 * counters are raised on the condition that they do not list the request yet (`countOpen`), so
 * a retry after a first call that stopped between the insert and the counters completes them,
 * and one after a complete call changes nothing. The member hears of a new request; one held
 * for review goes to the branch's secretary and deputy instead (they release it by handling
 * it), whose openids come with the binding. Requests: the binding with its households,
 * settings and the branch's secretaries (1), the insert (1), the two open-request counters
 * (2): 4; a retry: the binding (1), the refused insert (1), the request with its counters'
 * lists (1), a counter not yet raised (0–2): 3–5 (and no message: the first call sent it).
 */
export const submitRequest: ActionDef<'liaison', 'submitRequest'> = {
  kind: 'write',
  idempotent: false,
  schema: submitSchema,
  async handler(data, { openid, db, cloud, requestId }) {
    const ctx = await bindingFor(db, openid);
    if (!ctx?.resident || !ctx.household) throw new AppError('FORBIDDEN', REQUEST_MSG.notBound);
    const { resident, household } = ctx;
    const actor: Actor = {
      openid,
      memberships: [],
      binding: { residentId: resident._id, householdId: resident.householdId },
    };
    if (
      !(resident.boundOpenids ?? []).includes(openid) ||
      !can(actor, 'residentOfHousehold', { householdId: household._id })
    ) {
      throw new AppError('FORBIDDEN', REQUEST_MSG.notBound);
    }
    if (resident.erased || !resident.active) throw new AppError('CONFLICT', REQUEST_MSG.erased);
    if (!household.active) throw new AppError('CONFLICT', REQUEST_MSG.steppedDown);
    const verdict = await secCheck(cloud, openid, data.text, 2);
    const settings = settingsOf(ctx.committee);
    const now = new Date();
    const doc: LiaisonRequestDoc = {
      _id: requestId ? derivedId('q', openid, requestId) : `q${newId().slice(0, 31)}`,
      householdId: household._id,
      residentId: resident._id,
      branchId: household.branchId,
      committeeId: household.committeeId,
      grid: household.grid,
      memberOpenid: household.memberOpenid,
      memberName: household.memberName,
      submittedBy: openid,
      category: data.category,
      text: data.text,
      photos: data.photos ?? [],
      urgent: data.urgent ?? false,
      held: verdict === 'review',
      status: 'submitted',
      level: 0,
      dueAt: new Date(now.getTime() + settings.acceptHours * HOUR),
      acceptedAt: null,
      resolvedAt: null,
      closedAt: null,
      resolutionNote: null,
      rating: null,
      ratingComment: null,
      // A resident's own steps keep no openid: nothing needs it, and erasure leaves less behind.
      history: [{ at: now, action: 'submitted', by: BY_RESIDENT, byOpenid: null, note: null }],
      anonymised: false,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await db.collection(COLLECTIONS.liaisonRequests).add({ data: doc });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // A retry of a request already sent: finish counting it if the first call stopped before
      // (a counter that lists it already is left alone), and answer what it became.
      const prev = await alreadySent(db, doc._id);
      if (!prev) throw err;
      if (isOpen(prev.doc.status)) {
        await countOpen(db, prev.doc, { household: !prev.household, resident: !prev.resident });
      }
      return {
        requestId: prev.doc._id,
        status: prev.doc.status as RequestStatus,
        held: prev.doc.held,
      };
    }
    await countOpen(db, doc, { household: true, resident: true });
    if (!doc.held) {
      await notifyRequest(
        cloud,
        doc,
        [household.memberOpenid],
        HANDLER_PAGE,
        '联系户有新诉求，请及时受理',
        now,
      );
    } else {
      // Held for review: the member does not see it yet; the secretaries release it by
      // handling it, so they hear of it now.
      await notifyRequest(
        cloud,
        doc,
        ctx.secretaries,
        HANDLER_PAGE,
        '有诉求待审核，请查看处理',
        now,
      );
    }
    return { requestId: doc._id, status: doc.status, held: doc.held };
  },
};

// ---------------------------------------------------------------- getRequest

/** Requests: the request with the caller's relation to it (1). */
export const getRequest: ActionDef<'liaison', 'getRequest'> = {
  kind: 'read',
  schema: z.object({ requestId: idSchema }),
  async handler(data, { openid, db }) {
    const r = await requestFor(db, openid, data.requestId);
    assertSees(r);
    return { request: requestDetail(r.doc, r.resident, r.viewer) };
  },
};

// ---------------------------------------------------------------- updateRequest

const updateSchema = z.object({
  requestId: idSchema,
  status: z.enum(['accepted', 'resolved'], { message: '状态只能是受理或办结' }),
  note: z.string().trim().max(500, '办理情况最多 500 字').optional(),
});

/**
 * Accept (submitted → accepted, due within `resolveHours`) or resolve (accepted, or submitted:
 * accept-and-resolve → resolved with a note). A conditional update on the status read: of two
 * handlers at once one wins, the other gets CONFLICT. Idempotent by itself: a retry by the same
 * person finds their own step last in the history and answers the request as it is. Notifies
 * the household's bound residents, and the linked member when a secretary or the committee
 * handled it. Requests: the request (1), the update (1), on resolve the two open-request
 * counters (2): at most 4.
 */
export const updateRequest: ActionDef<'liaison', 'updateRequest'> = {
  kind: 'write',
  idempotent: false,
  schema: updateSchema,
  async handler(data, { openid, db, cloud }) {
    const r = await requestFor(db, openid, data.requestId);
    assertSees(r);
    const { doc } = r;
    const last = doc.history[doc.history.length - 1];
    if (doc.status === data.status && last?.action === data.status && last.byOpenid === openid) {
      return { request: requestDetail(doc, r.resident, r.viewer) };
    }
    if (!requestAccess(r.viewer, doc).handles) {
      throw new AppError('FORBIDDEN', REQUEST_MSG.forbidden);
    }
    if (data.status === 'accepted' && doc.status !== 'submitted') {
      throw new AppError(
        'CONFLICT',
        doc.status === 'accepted' ? REQUEST_MSG.accepted : REQUEST_MSG.done,
      );
    }
    if (data.status === 'resolved' && !isOpen(doc.status)) {
      throw new AppError('CONFLICT', REQUEST_MSG.done);
    }
    const note = data.note ? data.note : null;
    if (data.status === 'resolved' && (!note || note.length < 2)) {
      throw new AppError('INVALID_ARGUMENT', REQUEST_MSG.needNote, { fields: ['note'] });
    }
    const held = note ? (await secCheck(cloud, openid, note, 2)) === 'review' : false;
    const now = new Date();
    const by = byLabel(r);
    const entry = (action: LiaisonHistoryDoc['action'], n: string | null): LiaisonHistoryDoc => ({
      at: now,
      action,
      by,
      byOpenid: openid,
      note: n,
      ...(n && held ? { held: true } : {}),
    });
    const entries: LiaisonHistoryDoc[] = [];
    // A secretary handling a held request releases it to the member.
    if (doc.held) entries.push(entry('released', null));
    const set: Partial<LiaisonRequestDoc> = { status: data.status, held: false, updatedAt: now };
    if (data.status === 'accepted') {
      const settings = settingsOf(r.committee);
      entries.push(entry('accepted', note));
      Object.assign(set, {
        acceptedAt: now,
        dueAt: new Date(now.getTime() + settings.resolveHours * HOUR),
      });
    } else {
      if (doc.status === 'submitted') entries.push(entry('accepted', null));
      entries.push(entry('resolved', note));
      Object.assign(set, {
        acceptedAt: doc.acceptedAt ?? now,
        resolvedAt: now,
        dueAt: null,
        resolutionNote: note,
        resolutionNoteHeld: held,
      });
    }
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.liaisonRequests)
      .where({ _id: doc._id, status: doc.status })
      .update({ data: { ...set, history: _.push(entries) } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', REQUEST_MSG.changed);
    if (data.status === 'resolved') {
      // Decided by the status condition above: one resolve drops the counters once.
      const uncount = { openRequests: _.inc(-1), countedRequests: _.pull(doc._id) };
      await Promise.all([
        db
          .collection(COLLECTIONS.liaisonHouseholds)
          .where({ _id: doc.householdId })
          .update({ data: uncount }),
        db
          .collection(COLLECTIONS.liaisonResidents)
          .where({ _id: doc.residentId })
          .update({ data: uncount }),
      ]);
    }
    const next: LiaisonRequestDoc = { ...doc, ...set, history: [...doc.history, ...entries] };
    const accepted = data.status === 'accepted';
    await Promise.all([
      notifyRequest(
        cloud,
        doc,
        r.resident?.boundOpenids ?? [],
        RESIDENT_PAGE,
        accepted ? '您的诉求已受理，正在办理' : '您的诉求已办结，请评价',
        now,
      ),
      // Handled by a secretary or the committee: the linked member hears it too.
      r.viewer.member
        ? null
        : notifyRequest(
            cloud,
            doc,
            [r.household?.active ? r.household.memberOpenid : doc.memberOpenid],
            HANDLER_PAGE,
            `${by}${accepted ? '已受理' : '已办结'}联系户诉求`,
            now,
          ),
    ]);
    return { request: requestDetail(next, r.resident, r.viewer, now.getTime()) };
  },
};

// ---------------------------------------------------------------- rateRequest

const rateSchema = z.object({
  requestId: idSchema,
  rating: z.enum(RATINGS, { message: '请选择满意程度' }),
  comment: z.string().trim().max(200, '评价最多 200 字').optional(),
});

/**
 * A resident bound to the request's household confirms a resolved request and rates it, once:
 * closed. The comment is checked (review: kept, shown to secretaries only). Notifies the
 * member. Requests: the request (1), the conditional update (1), with requestId + 2: 4.
 */
export const rateRequest: ActionDef<'liaison', 'rateRequest'> = {
  kind: 'write',
  schema: rateSchema,
  async handler(data, { openid, db, cloud }) {
    const r = await requestFor(db, openid, data.requestId);
    assertSees(r);
    const { doc } = r;
    if (!r.viewer.resident) throw new AppError('FORBIDDEN', REQUEST_MSG.notResident);
    if (doc.status === 'closed') throw new AppError('CONFLICT', REQUEST_MSG.rated);
    if (doc.status !== 'resolved') throw new AppError('CONFLICT', REQUEST_MSG.notResolved);
    const comment = data.comment ? data.comment : null;
    const held = comment ? (await secCheck(cloud, openid, comment, 2)) === 'review' : false;
    const now = new Date();
    const entry: LiaisonHistoryDoc = {
      at: now,
      action: 'closed',
      by: BY_RESIDENT,
      byOpenid: null,
      note: `评价：${RATING_LABELS[data.rating]}`,
    };
    const set: Partial<LiaisonRequestDoc> = {
      status: 'closed',
      rating: data.rating,
      ratingComment: comment,
      ratingCommentHeld: held,
      closedAt: now,
      updatedAt: now,
    };
    const res = await db
      .collection(COLLECTIONS.liaisonRequests)
      .where({ _id: doc._id, status: 'resolved' })
      .update({ data: { ...set, history: db.command.push([entry]) } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', REQUEST_MSG.rated);
    const next: LiaisonRequestDoc = { ...doc, ...set, history: [...doc.history, entry] };
    await notifyRequest(
      cloud,
      doc,
      [r.household?.memberOpenid ?? doc.memberOpenid],
      HANDLER_PAGE,
      `住户评价：${RATING_LABELS[data.rating]}`,
      now,
    );
    return { request: requestDetail(next, r.resident, r.viewer, now.getTime()) };
  },
};

// ---------------------------------------------------------------- listRequests

const listSchema = z
  .object({
    scope: z.enum(['mine', 'household', 'branch', 'committee']).optional(),
    branchId: idSchema.optional(),
    committeeId: idSchema.optional(),
    status: z.enum(['open', 'overdue', 'submitted', 'accepted', 'resolved', 'closed']).optional(),
    cursor: cursorSchema.optional(),
  })
  .optional();

/**
 * One page of requests matching `where`, newest first (`createdAt` desc; the leading `$match`
 * and `$sort` served by the scope's index), with the resident households joined when the
 * caller may see them: one aggregate.
 */
async function requestPage(
  db: Database,
  where: Record<string, unknown>,
  status: string | undefined,
  cursor: NewestCursor | null,
  withResidents: boolean,
) {
  const _ = db.command;
  const now = new Date();
  const match: Record<string, unknown> = { ...where };
  if (status === 'open') match.status = _.in([...OPEN_STATUSES]);
  else if (status === 'overdue')
    Object.assign(match, { status: _.in([...OPEN_STATUSES]), dueAt: _.lte(now) });
  else if (status) match.status = status;
  const { page, nextCursor } = await newestPage<LiaisonRequestDoc>(
    db,
    COLLECTIONS.liaisonRequests,
    match,
    cursor,
    withResidents,
  );
  const items = page.map(({ r, ...doc }) =>
    requestItem(doc as LiaisonRequestDoc, r?.[0], withResidents, now.getTime()),
  );
  return { items, nextCursor };
}

const EMPTY = { items: [], nextCursor: null };

/**
 * What the caller may see (see `ListRequestsRequest`). `branch`: secretaries of the branch,
 * everything (held too) with the residents. `committee`: the committee's secretaries, level 2
 * only, without residents. `household`: the caller's active central households where they
 * still are in the branch, held ones left out. `mine`: the caller's bound household's requests.
 * Default `household` for a central-household member, else `mine`. Requests: branch / committee:
 * memberships (1), the page (1); mine / household: the caller's households with their
 * memberships and the binding, in parallel (2), the page (1): at most 3.
 */
export const listRequests: ActionDef<'liaison', 'listRequests'> = {
  kind: 'read',
  schema: listSchema,
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data?.cursor, isNewestCursor);
    const scope = data?.scope;
    const status = data?.status;
    if (scope === 'branch' || scope === 'committee') {
      const { actor } = await loadActor(db, openid);
      if (scope === 'branch') {
        if (!data?.branchId) {
          throw new AppError('INVALID_ARGUMENT', '请选择支部', { fields: ['branchId'] });
        }
        if (!can(actor, 'handleRequest', { branchId: data.branchId })) {
          throw new AppError('FORBIDDEN', REQUEST_MSG.branchOnly);
        }
        return requestPage(db, { branchId: data.branchId }, status, cursor, true);
      }
      if (!data?.committeeId) {
        throw new AppError('INVALID_ARGUMENT', '请选择社区党委', {
          fields: ['committeeId'],
        });
      }
      if (!can(actor, 'committeeLiaison', { committeeId: data.committeeId })) {
        throw new AppError('FORBIDDEN', REQUEST_MSG.committeeOnly);
      }
      return requestPage(db, { committeeId: data.committeeId, level: 2 }, status, cursor, false);
    }
    const [households, binding] = await Promise.all([
      scope === 'mine' ? Promise.resolve([]) : myActiveHouseholds(db, openid),
      scope === 'household'
        ? Promise.resolve(null)
        : findById<LiaisonBindingDoc>(db, COLLECTIONS.liaisonBindings, openid),
    ]);
    const useHousehold = scope === 'household' || (!scope && households.length > 0);
    if (useHousehold) {
      if (!households.length) return EMPTY;
      const ids = households.map((h) => h._id);
      return requestPage(
        db,
        { householdId: ids.length === 1 ? ids[0] : db.command.in(ids), held: false },
        status,
        cursor,
        true,
      );
    }
    if (!binding) return EMPTY;
    return requestPage(db, { residentId: binding.residentId }, status, cursor, false);
  },
};

/**
 * The caller's active central households in branches where they still hold an active
 * membership (policy `handleRequest` as the householder): one aggregate (`memberOpenid_active`,
 * memberships joined by `openid`).
 */
export async function myActiveHouseholds(
  db: Database,
  openid: string,
): Promise<LiaisonHouseholdDoc[]> {
  const res = (await db
    .collection(COLLECTIONS.liaisonHouseholds)
    .aggregate()
    .match({ memberOpenid: openid, active: true })
    .limit(20)
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'memberOpenid',
      foreignField: 'openid',
      as: 'm',
    })
    .end()) as unknown as { list?: (LiaisonHouseholdDoc & { m?: MembershipDoc[] })[] };
  const rows = res.list ?? [];
  const actor = actorFrom(openid, rows[0]?.m ?? []);
  return rows
    .filter((h) =>
      can(actor, 'handleRequest', { branchId: h.branchId, householderOpenid: h.memberOpenid }),
    )
    .map(({ m: _m, ...h }) => h as LiaisonHouseholdDoc);
}
