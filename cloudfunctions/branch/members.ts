/**
 * `branch` actions about people: the caller's home, invitations, applications and their
 * review, the directory, the identity card, roles, leaving and transfers.
 * Each action's database requests are listed in its comment (budget: read 3, write 5,
 * of which a write with a requestId gives 2 to idempotency).
 */
import * as z from 'zod';
import type {
  ApplicationView,
  MyMembership,
  NoticeBrief,
  PartyStatus,
  RoleCode,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  branchesWhere,
  can,
  fetchAll,
  findById,
  toTime,
  type ActionDef,
  type Cloud,
  type Database,
  type InviteDoc,
  type MembershipDoc,
  type OrganizationDoc,
} from '../common';
import { liaisonCard } from '../common/liaison-card';
import type { LiaisonHouseholdDoc } from '../common/model';
import {
  MAX_MEMBERSHIPS,
  MSG,
  PAGE,
  activeIn,
  branchReader,
  cursorSchema,
  decodeCursor,
  escapeRegExp,
  forbidden,
  idSchema,
  isDuplicateKey,
  iso,
  isoOrNull,
  loadActor,
  loadActorWithReports,
  loadWithMembership,
  isKeyCursor,
  keyPage,
  slicePage,
  phoneFields,
  phoneSchema,
  membershipId,
  newId,
  secCheck,
  standing,
  updatedCount,
  dayStart,
} from './shared';
import { myReports } from './reports';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const JOIN_PAGE = 'pages/join/index';
const ROLE_OF_STATUS: Record<PartyStatus, RoleCode> = {
  full: 'member',
  probationary: 'probationary',
  activist: 'activist',
};
const ASSIGNABLE = [
  'deputySecretary',
  'organizationCommittee',
  'propagandaCommittee',
  'disciplineCommittee',
  'massWorkCommittee',
  'member',
  'probationary',
  'activist',
] as const;

const dayString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00.000Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === d && t <= Date.now();
  }, '日期无效');
const nameSchema = z.string().trim().min(2).max(20);
const emptyData = z.object({}).optional();

/** Name and committee of a branch from the caller's own membership there (no request). */
async function branchInfo(db: Database, m: MembershipDoc) {
  if (m.branchName && m.committeeId) return { name: m.branchName, committeeId: m.committeeId };
  const org = await findById<OrganizationDoc>(db, COLLECTIONS.organizations, m.orgId);
  return { name: org?.name ?? '', committeeId: org?.committeeId ?? org?.parentId ?? m.orgId };
}

function sortKey(name: string, id: string) {
  return `${name}\u0000${id}`;
}

function applicationView(m: MembershipDoc): ApplicationView {
  return {
    applicationId: m._id,
    branchId: m.orgId,
    branchName: m.branchName ?? '',
    status: m.status,
    realName: m.realName ?? '',
    partyStatus: m.partyStatus ?? 'full',
    joinedPartyAt: m.joinedPartyAt ? standing(m.joinedPartyAt).day : null,
    appliedAt: iso(m.appliedAt ?? m.joinedAt),
    reviewedAt: isoOrNull(m.reviewedAt),
    reason: m.status === 'rejected' ? (m.reasonHeld ? MSG.reasonHeld : (m.reason ?? null)) : null,
  };
}

// ---------------------------------------------------------------- me

/**
 * The open requests (submitted or accepted: the households' `openRequests` counters) of the
 * caller's ACTIVE central households in branches where they are an active member — the
 * households the 联户 tab lists as theirs (`ownHousehold`); a stepped-down household, or one
 * in a branch they left, is no longer theirs to answer. Undefined when they have none.
 */
function liaisonRequestsOf(households: LiaisonHouseholdDoc[], activeBranchIds: string[]) {
  const own = households.filter((h) => h.active && activeBranchIds.includes(h.branchId));
  if (own.length === 0) return undefined;
  return {
    households: own.length,
    openRequests: own.reduce((n, h) => n + Math.max(0, h.openRequests ?? 0), 0),
  };
}

/**
 * The caller's memberships and reports (双报到) with what the home page shows.
 * Requests: memberships with their reports and central households joined by `$lookup` (1),
 * then in parallel latest notices of their branches (1) and, for reviewers, pending
 * applications and transfers (1): at most 3. A caller without an active membership has
 * neither, and gets their liaison card instead (common/liaison-card.ts, 1): 2. A central
 * household's member gets `liaisonRequests` from the first request: no extra one.
 */
export const me: ActionDef<'branch', 'me'> = {
  kind: 'read',
  schema: emptyData,
  async handler(_data, { openid, db }) {
    const { actor, docs, reports, households } = await loadActorWithReports(db, openid, {
      households: true,
    });
    const _ = db.command;
    const $ = _.aggregate;
    const mine = docs
      .filter((d) => d.status === 'active' || d.status === 'pending')
      .sort(
        (a, b) =>
          Number(b.status === 'active') - Number(a.status === 'active') ||
          toTime(a.joinedAt) - toTime(b.joinedAt),
      );
    const activeIds = mine.filter((m) => m.status === 'active').map((m) => m.orgId);
    const reviewable = branchesWhere(actor, 'reviewApplication');
    const accepting = branchesWhere(actor, 'acceptTransfer');

    const noticesP =
      activeIds.length === 0
        ? Promise.resolve([] as never[])
        : db
            .collection(COLLECTIONS.notices)
            .aggregate()
            .match({ branchId: _.in(activeIds), status: 'published' })
            .sort({ createdAt: -1 })
            .limit(100)
            .project({
              branchId: 1,
              title: 1,
              pinned: 1,
              createdAt: 1,
              read: $.in([openid, '$readBy']),
            })
            .end()!
            .then((r: unknown) => (r as { list: NoticeRow[] }).list);

    const pendingConds = [
      ...(reviewable.length ? [{ orgId: _.in(reviewable), status: 'pending' }] : []),
      ...(accepting.length ? [{ transferTo: _.in(accepting) }] : []),
    ];
    const countsP =
      pendingConds.length === 0
        ? Promise.resolve([] as never[])
        : db
            .collection(COLLECTIONS.memberships)
            .aggregate()
            .match(pendingConds.length === 1 ? pendingConds[0] : _.or(pendingConds))
            .group({ _id: { o: '$orgId', s: '$status', t: '$transferTo' }, n: $.sum(1) })
            .end()!
            .then((r: unknown) => (r as { list: CountRow[] }).list);

    // Residents' home: the central household their WeChat is bound to (issue #7).
    const liaisonP = activeIds.length === 0 ? liaisonCard(db, openid) : Promise.resolve(undefined);

    const [notices, counts, liaison] = await Promise.all([noticesP, countsP, liaisonP]);
    const pending = new Map<string, number>();
    const transfers = new Map<string, number>();
    for (const row of counts) {
      const { o, s, t } = row._id;
      if (s === 'pending' && reviewable.includes(o)) pending.set(o, (pending.get(o) ?? 0) + row.n);
      if (t && accepting.includes(t)) transfers.set(t, (transfers.get(t) ?? 0) + row.n);
    }

    const now = new Date();
    const memberships: MyMembership[] = mine.slice(0, MAX_MEMBERSHIPS).map((m) => {
      const st = standing(m.joinedPartyAt, now);
      const own = notices.filter((n) => n.branchId === m.orgId);
      const active = m.status === 'active';
      const brief = (n: NoticeRow): NoticeBrief => ({
        noticeId: n._id,
        title: n.title,
        pinned: !!n.pinned,
        createdAt: iso(n.createdAt),
        read: !!n.read,
      });
      const pinned: NoticeBrief[] = own
        .filter((n) => n.pinned)
        .slice(0, 3)
        .map(brief);
      const unreadItems = own
        .filter((n) => !n.read)
        .slice(0, 3)
        .map(brief);
      return {
        membershipId: m._id,
        branchId: m.orgId,
        branchName: m.branchName ?? '',
        committeeId: m.committeeId ?? '',
        role: m.role,
        status: m.status,
        realName: m.realName ?? '',
        partyGroupId: m.partyGroupId ?? null,
        partyGroupName: m.partyGroupName ?? null,
        joinedPartyAt: st.day,
        politicalBirthday: active && st.isToday,
        partyYears: st.years,
        unreadNotices: active ? own.filter((n) => !n.read).length : 0,
        pinnedNotices: active ? pinned : [],
        unreadNoticeItems: active ? unreadItems : [],
        pendingApprovals:
          active && reviewable.includes(m.orgId) ? (pending.get(m.orgId) ?? 0) : null,
        pendingTransfers:
          active && accepting.includes(m.orgId) ? (transfers.get(m.orgId) ?? 0) : null,
      };
    });
    const liaisonRequests = liaisonRequestsOf(households, activeIds);
    const rejectedApplications = docs
      .filter((d) => d.status === 'rejected')
      .sort((a, b) => toTime(b.reviewedAt) - toTime(a.reviewedAt))
      .slice(0, 3)
      .map((d) => {
        const v = applicationView(d);
        return {
          applicationId: v.applicationId,
          branchId: v.branchId,
          branchName: v.branchName,
          reason: v.reason,
          reviewedAt: v.reviewedAt,
        };
      });
    return {
      memberships,
      reports: myReports(reports),
      rejectedApplications,
      ...(liaison !== undefined ? { liaison } : {}),
      ...(liaisonRequests ? { liaisonRequests } : {}),
      serverTime: now.toISOString(),
    };
  },
};

interface NoticeRow {
  _id: string;
  branchId: string;
  title: string;
  pinned: boolean;
  createdAt: unknown;
  read: boolean;
}
interface CountRow {
  _id: { o: string; s: string; t?: string | null };
  n: number;
}

// ---------------------------------------------------------------- invitations

function inviteCode(): string {
  let code = '';
  for (const b of newId().match(/../g)!.slice(0, 8)) {
    code += INVITE_ALPHABET[parseInt(b, 16) % INVITE_ALPHABET.length];
  }
  return code;
}

/**
 * Requests: memberships (1), the invite (1, a second on the rare code collision), the branch
 * when the caller's membership lacks its name (1). QR making and upload are not database
 * requests. With idempotency: at most 5.
 */
export const createInvite: ActionDef<'branch', 'createInvite'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema, validDays: z.number().int().min(1).max(30).optional() }),
  async handler(data, { openid, db, cloud }) {
    const { actor, docs } = await loadActor(db, openid);
    if (!can(actor, 'createInvite', { branchId: data.branchId })) throw forbidden();
    const mine = activeIn(docs, openid, data.branchId)!;
    const info = await branchInfo(db, mine);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + (data.validDays ?? 7) * 86400_000);

    let code = inviteCode();
    const doc = (c: string): InviteDoc => ({
      _id: c,
      branchId: data.branchId,
      branchName: info.name,
      committeeId: info.committeeId,
      createdBy: openid,
      createdByName: mine.realName ?? null,
      createdAt: now,
      expiresAt,
      revoked: false,
      qrFileID: null,
    });
    const invites = db.collection(COLLECTIONS.invites);
    try {
      await invites.add({ data: doc(code) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      code = inviteCode();
      await invites.add({ data: doc(code) });
    }

    const scene = `c=${code}`;
    let qrFileID: string | null = null;
    let qrUrl: string | null = null;
    try {
      const qr = (await cloud.openapi.wxacode.getUnlimited({
        scene,
        page: JOIN_PAGE,
        // The join page may not be in the released version yet while a branch tries it out.
        checkPath: false,
      } as never)) as { buffer: Buffer };
      const up = await cloud.uploadFile({
        cloudPath: `invites/${data.branchId}/${code}.png`,
        fileContent: qr.buffer,
      });
      qrFileID = up.fileID;
      const urls = (await cloud.getTempFileURL({ fileList: [qrFileID] })) as {
        fileList?: { tempFileURL?: string }[];
      };
      qrUrl = urls.fileList?.[0]?.tempFileURL || null;
    } catch (err) {
      // The typed code still works; log the failure without any identity.
      const e = err as { errCode?: unknown };
      console.error(
        JSON.stringify({ level: 'warn', fn: 'branch', qr: 'failed', code: e?.errCode }),
      );
    }
    return {
      code,
      scene,
      qrFileID,
      qrUrl,
      branchId: data.branchId,
      branchName: info.name,
      expiresAt: expiresAt.toISOString(),
    };
  },
};

/** Requests: memberships (1), conditional update (1), the invite to explain a refusal (1). */
export const revokeInvite: ActionDef<'branch', 'revokeInvite'> = {
  kind: 'write',
  schema: z.object({ code: z.string().trim().min(4).max(16).toUpperCase() }),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    const allowed = branchesWhere(actor, 'revokeInvite');
    const _ = db.command;
    if (allowed.length > 0) {
      const res = await db
        .collection(COLLECTIONS.invites)
        .where({ _id: data.code, branchId: _.in(allowed) })
        .update({ data: { revoked: true } });
      if (updatedCount(res) === 1) return { code: data.code, revoked: true as const };
    }
    const invite = await findById<InviteDoc>(db, COLLECTIONS.invites, data.code);
    if (!invite) throw new AppError('NOT_FOUND', MSG.inviteNotFound);
    if (!can(actor, 'revokeInvite', { branchId: invite.branchId })) throw forbidden();
    return { code: data.code, revoked: true as const }; // already revoked: same outcome
  },
};

type InviteCursor = { t: number; id: string };
const isInviteCursor = (v: unknown): v is InviteCursor =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as InviteCursor).t === 'number' &&
  typeof (v as InviteCursor).id === 'string';

/**
 * The branch's active invitations (not revoked, not expired), newest first, so any of them
 * can be revoked. Requests: memberships (1), one page served by `branchId_createdAt` (1): 2.
 */
export const listInvites: ActionDef<'branch', 'listInvites'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema, cursor: cursorSchema.optional() }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isInviteCursor);
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'listInvites', { branchId: data.branchId })) throw forbidden();
    const _ = db.command;
    const where: Record<string, unknown> = {
      branchId: data.branchId,
      revoked: false,
      expiresAt: _.gt(new Date()),
    };
    // Invitations are made by hand, seconds apart: the creation time orders them.
    if (after) where.createdAt = _.lt(new Date(after.t));
    const rows = await fetchAll<InviteDoc>(
      db
        .collection(COLLECTIONS.invites)
        .where(where)
        .orderBy('createdAt', 'desc')
        .limit(PAGE + 1),
    );
    const { page, nextCursor } = slicePage(rows, (last) => ({
      t: toTime(last.createdAt),
      id: last._id,
    }));
    return {
      items: page.map((i) => ({
        code: i._id,
        branchId: i.branchId,
        expiresAt: iso(i.expiresAt),
        createdAt: iso(i.createdAt),
        createdBy: i.createdBy,
        createdByName: i.createdByName ?? null,
        qrFileID: i.qrFileID ?? null,
      })),
      nextCursor,
    };
  },
};

// ---------------------------------------------------------------- applications

/**
 * Requests: the invite and the caller's memberships (2, parallel), then one write: insert the
 * pending membership, or re-open the caller's earlier application to this branch (rejected
 * or left). With idempotency: 5. Refused with `CONFLICT` when already pending or a member
 * here (`alreadyApplied`) or an active full member of another branch (`memberElsewhere`).
 */
export const applyToJoin: ActionDef<'branch', 'applyToJoin'> = {
  kind: 'write',
  schema: z
    .object({
      code: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{4,16}$/, '邀请码应为 4–16 位字母或数字')
        .toUpperCase(),
      realName: nameSchema,
      partyStatus: z.enum(['full', 'probationary', 'activist']),
      joinedPartyAt: dayString.optional(),
      phone: z
        .string()
        .regex(/^1\d{10}$/, '请填写 11 位手机号')
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (v.partyStatus !== 'activist' && !v.joinedPartyAt) {
        ctx.addIssue({
          code: 'custom',
          path: ['joinedPartyAt'],
          message: '请填写入党日期（正式党员、预备党员必填）',
        });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const [invite, { docs }] = await Promise.all([
      findById<InviteDoc>(db, COLLECTIONS.invites, data.code),
      loadActor(db, openid),
    ]);
    if (!invite) throw new AppError('NOT_FOUND', MSG.inviteNotFound);
    if (invite.revoked) throw new AppError('CONFLICT', MSG.inviteRevoked);
    if (toTime(invite.expiresAt) < Date.now()) throw new AppError('CONFLICT', MSG.inviteExpired);
    const alreadyApplied = () =>
      new AppError('CONFLICT', MSG.alreadyApplied, { reason: 'alreadyApplied' });
    // The caller's earlier record in this branch (found by orgId: a transfer moves a record
    // to another branch without changing its id).
    const previous = docs.find((d) => d.orgId === invite.branchId);
    if (previous && previous.status !== 'rejected' && previous.status !== 'left') {
      throw alreadyApplied();
    }
    // A full member elsewhere could never be approved (unique fullKey): say so now.
    if (docs.some((d) => d.status === 'active' && d.fullKey === openid)) {
      throw new AppError('CONFLICT', MSG.memberElsewhere, { reason: 'memberElsewhere' });
    }
    await secCheck(cloud, openid, data.realName, 1);

    // The derived id, unless a record that moved to another branch by a transfer holds it.
    let id = previous?._id ?? membershipId(openid, invite.branchId);
    for (let n = 2; !previous && docs.some((d) => d._id === id); n++) {
      id = membershipId(openid, `${invite.branchId}\n${n}`);
    }
    const now = new Date();
    const joinedPartyAt =
      data.partyStatus !== 'activist' && data.joinedPartyAt ? dayStart(data.joinedPartyAt) : null;
    const fields = {
      committeeId: invite.committeeId,
      branchName: invite.branchName,
      role: ROLE_OF_STATUS[data.partyStatus],
      status: 'pending' as const,
      joinedAt: now,
      realName: data.realName,
      phone: data.phone ?? null,
      partyStatus: data.partyStatus,
      joinedPartyAt,
      partyGroupId: null,
      partyGroupName: null,
      sortKey: sortKey(data.realName, id),
      queueKey: `${now.toISOString()}#${id}`,
      appliedAt: now,
      reviewedAt: null,
      reviewedBy: null,
      reason: null,
      reasonHeld: false,
      transferTo: null,
    };
    const memberships = db.collection(COLLECTIONS.memberships);
    const _ = db.command;
    if (previous) {
      const res = await memberships
        .where({ _id: id, openid, orgId: invite.branchId, status: _.in(['rejected', 'left']) })
        .update({ data: { ...fields, fullKey: id, transferDeclinedReason: null } });
      if (updatedCount(res) !== 1) throw alreadyApplied();
    } else {
      try {
        await memberships.add({
          data: { _id: id, openid, orgId: invite.branchId, fullKey: id, ...fields },
        });
      } catch (err) {
        // A concurrent application by the same person inserted it first.
        if (!isDuplicateKey(err)) throw err;
        throw alreadyApplied();
      }
    }
    return {
      applicationId: id,
      branchId: invite.branchId,
      branchName: invite.branchName,
      status: 'pending' as const,
    };
  },
};

/** Requests: the caller's memberships (1). */
export const myApplications: ActionDef<'branch', 'myApplications'> = {
  kind: 'read',
  schema: emptyData,
  async handler(_data, { openid, db }) {
    const { docs } = await loadActor(db, openid);
    const items = docs
      .filter((d) => d.appliedAt !== undefined)
      .sort((a, b) => toTime(b.appliedAt) - toTime(a.appliedAt))
      .slice(0, PAGE)
      .map(applicationView);
    return { items };
  },
};

/** Requests: memberships (1), one page of the queue (1). Phones masked unless _viewPhones_. */
export const listApplications: ActionDef<'branch', 'listApplications'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    status: z.enum(['pending', 'active', 'rejected']).optional(),
    cursor: cursorSchema.optional(),
  }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    // Phones are personal data: in full only for _viewPhones_ (secretary, deputy).
    const { reveal } = await branchReader(db, openid, 'listApplications', data.branchId);
    const where = { orgId: data.branchId, status: data.status ?? 'pending' };
    const { page, nextCursor } = await keyPage<MembershipDoc, 'queueKey'>(
      db,
      COLLECTIONS.memberships,
      where,
      'queueKey',
      after,
    );
    return {
      items: page.map((m) => ({
        ...applicationView(m),
        openid: m.openid,
        ...phoneFields(m.phone, reveal),
      })),
      nextCursor,
    };
  },
};

/**
 * One conditional update decides: `where({_id, status: 'pending'})`, so concurrent reviews
 * make one membership; the unique `fullKey` index refuses a second full membership, and the
 * application is then closed as `rejected` (system reason) by a second conditional update.
 * Requests: the caller's memberships and the application in one query (1), the update (1),
 * the closing update (1, memberElsewhere only); with a requestId at most 5.
 */
export const reviewApplication: ActionDef<'branch', 'reviewApplication'> = {
  kind: 'write',
  schema: z
    .object({
      applicationId: idSchema,
      approve: z.boolean(),
      reason: z.string().trim().min(1).max(200).optional(),
    })
    .superRefine((v, ctx) => {
      if (!v.approve && !v.reason) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: '驳回时请填写原因' });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const { actor, m: app } = await loadWithMembership(db, openid, data.applicationId);
    // Permission first (docs/permissions.md): a caller who reviews nowhere learns nothing.
    if (branchesWhere(actor, 'reviewApplication').length === 0) throw forbidden();
    if (!app || app.appliedAt === undefined) {
      throw new AppError('NOT_FOUND', MSG.applicationNotFound);
    }
    if (!can(actor, 'reviewApplication', { branchId: app.orgId })) throw forbidden();
    if (app.status !== 'pending') {
      throw new AppError('CONFLICT', MSG.alreadyReviewed, { reason: 'alreadyReviewed' });
    }

    let held = false;
    if (data.reason) held = (await secCheck(cloud, openid, data.reason, 2)) === 'review';
    const now = new Date();
    const change = data.approve
      ? {
          status: 'active',
          fullKey: app.openid,
          joinedAt: now,
          reviewedAt: now,
          reviewedBy: openid,
          reason: null,
          reasonHeld: false,
        }
      : {
          status: 'rejected',
          reviewedAt: now,
          reviewedBy: openid,
          reason: data.reason ?? null,
          reasonHeld: held,
        };
    const memberships = db.collection(COLLECTIONS.memberships);
    let res: unknown;
    try {
      res = await memberships.where({ _id: app._id, status: 'pending' }).update({ data: change });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      // The applicant is a full member elsewhere (unique fullKey): this application can never
      // be approved. Close it now, so it leaves the queue and the badges.
      const closed = await memberships.where({ _id: app._id, status: 'pending' }).update({
        data: {
          status: 'rejected',
          reviewedAt: now,
          reviewedBy: openid,
          reason: MSG.systemRejectedElsewhere,
          reasonHeld: false,
        },
      });
      throw new AppError('CONFLICT', MSG.alreadyFullMember, {
        reason: 'memberElsewhere',
        ...(updatedCount(closed) === 1 ? { status: 'rejected' } : {}),
      });
    }
    if (updatedCount(res) !== 1) {
      throw new AppError('CONFLICT', MSG.alreadyReviewed, { reason: 'alreadyReviewed' });
    }
    return {
      applicationId: app._id,
      status: data.approve ? ('active' as const) : ('rejected' as const),
      role: data.approve ? app.role : null,
    };
  },
};

// ---------------------------------------------------------------- directory and card

/** Requests: memberships (1), one page by name (1). */
export const listMembers: ActionDef<'branch', 'listMembers'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    cursor: cursorSchema.optional(),
    keyword: z.string().trim().min(1).max(20).optional(),
  }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const { reveal } = await branchReader(db, openid, 'listMembers', data.branchId);
    const where: Record<string, unknown> = { orgId: data.branchId, status: 'active' };
    if (data.keyword) where.realName = db.RegExp({ regexp: escapeRegExp(data.keyword) });
    const { page, nextCursor } = await keyPage<MembershipDoc, 'sortKey'>(
      db,
      COLLECTIONS.memberships,
      where,
      'sortKey',
      after,
    );
    return {
      items: page.map((m) => ({
        openid: m.openid,
        membershipId: m._id,
        name: m.realName ?? '',
        role: m.role,
        partyGroupId: m.partyGroupId ?? null,
        partyGroupName: m.partyGroupName ?? null,
        ...phoneFields(m.phone, reveal),
      })),
      nextCursor,
    };
  },
};

/** A temporary URL of a stored photo (not a database request), or null. */
async function photoUrl(cloud: Cloud, fileID: string | null | undefined): Promise<string | null> {
  if (!fileID) return null;
  try {
    const res = (await cloud.getTempFileURL({ fileList: [fileID] })) as {
      fileList?: { tempFileURL?: string }[];
    };
    return res.fileList?.[0]?.tempFileURL || null;
  } catch {
    return null;
  }
}

/**
 * Requests: the memberships of the caller and of the member shown, in one query (1). The
 * photo's temporary URL comes from cloud storage (getTempFileURL), not the database.
 */
export const memberCard: ActionDef<'branch', 'memberCard'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema, openid: idSchema.optional() }),
  async handler(data, { openid, db, cloud }) {
    const target = data.openid ?? openid;
    const { actor, docs } = await loadActor(db, openid, [target]);
    if (!can(actor, 'memberCard', { branchId: data.branchId })) throw forbidden();
    const m = activeIn(docs, target, data.branchId);
    if (!m) throw new AppError('NOT_FOUND', MSG.memberNotFound);
    const reveal = target === openid || can(actor, 'viewPhones', { branchId: data.branchId });
    const st = standing(m.joinedPartyAt);
    return {
      openid: m.openid,
      name: m.realName ?? '',
      photo: await photoUrl(cloud, m.photo),
      photoFileID: m.photo ?? null,
      branchId: m.orgId,
      branchName: m.branchName ?? '',
      role: m.role,
      partyGroupName: m.partyGroupName ?? null,
      joinedPartyAt: st.day,
      partyYears: st.years,
      politicalBirthday: st.birthday,
      isPoliticalBirthdayToday: st.isToday,
      ...phoneFields(m.phone, reveal),
    };
  },
};

// ---------------------------------------------------------------- roles and changes

const COMMITTEE_ROLES: readonly RoleCode[] = [
  'deputySecretary',
  'organizationCommittee',
  'propagandaCommittee',
  'disciplineCommittee',
  'massWorkCommittee',
];

/**
 * Why party standing does not allow `role` for this member, or null. Activists (not party
 * members) keep `activist`; probationary members hold no committee role (转正 to `member` is
 * allowed); full members are never set back to probationary or activist.
 */
function standingRefusal(t: MembershipDoc, role: RoleCode): string | null {
  if (t.role === 'activist') {
    return COMMITTEE_ROLES.includes(role)
      ? '入党积极分子还不是党员，不能担任支部委员'
      : '入党积极分子还不是党员，不能直接改为党员；需按发展党员程序办理';
  }
  if (t.role === 'probationary') {
    if (COMMITTEE_ROLES.includes(role)) return '预备党员不能担任支部委员，请转正后再任命';
    if (role === 'activist') return '预备党员不能改为入党积极分子';
    return null;
  }
  if (role === 'probationary' || role === 'activist') {
    return '正式党员不能改为预备党员或入党积极分子';
  }
  return null;
}

/**
 * Requests: memberships of caller and member (1), conditional update (1); with a requestId 4.
 * Party standing limits the role (`CONFLICT` `partyStanding`, see `SetRoleRequest`).
 */
export const setRole: ActionDef<'branch', 'setRole'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema, openid: idSchema, role: z.enum(ASSIGNABLE) }),
  async handler(data, { openid, db }) {
    const { actor, docs } = await loadActor(db, openid, [data.openid]);
    if (!can(actor, 'setRole', { branchId: data.branchId })) throw forbidden();
    const t = activeIn(docs, data.openid, data.branchId);
    if (!t) throw new AppError('NOT_FOUND', MSG.memberNotFound);
    if (t.role === 'secretary') {
      throw new AppError('CONFLICT', '书记的职务请通过“移交书记”变更');
    }
    if (t.role === data.role) return { openid: data.openid, role: data.role };
    const refusal = standingRefusal(t, data.role);
    if (refusal) throw new AppError('CONFLICT', refusal, { reason: 'partyStanding' });
    // 转正: a probationary member set to `member` becomes a full party member.
    const change: Record<string, unknown> = { role: data.role };
    if (t.role === 'probationary' && data.role === 'member') change.partyStatus = 'full';
    // Conditional on the role that was checked: a concurrent change is a CONFLICT.
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: t._id, status: 'active', orgId: data.branchId, role: t.role })
      .update({ data: change });
    if (updatedCount(res) !== 1) {
      throw new AppError('CONFLICT', '该成员的状态已变化，请刷新后重试');
    }
    return { openid: data.openid, role: data.role };
  },
};

/**
 * One transaction (db.runTransaction): the caller's and the successor's memberships are read
 * after it starts (a plain query: `where()` is refused inside CloudBase transactions, and the
 * documents are found by openid), then both are updated by `doc(id)` inside it. The commit
 * fails if anyone wrote either document since the transaction began, and the SDK runs the
 * callback again, which then sees the new state: of two concurrent handovers one wins, and
 * no crash can leave the branch without a secretary or with two.
 *
 * Not wrapped in the requestId marker (`idempotent: false`, to stay within 5 requests): a
 * retry after success finds the caller no longer secretary and the successor secretary, and
 * answers the same success; any other later call by the old secretary is `FORBIDDEN`.
 * Requests: start (1), memberships of both (1), two updates (2), commit (1): 5.
 */
type Txn = {
  collection(name: string): { doc(id: string): { update(o: unknown): Promise<unknown> } };
};

export const handOverSecretary: ActionDef<'branch', 'handOverSecretary'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ branchId: idSchema, toOpenid: idSchema }),
  async handler(data, { openid, db }) {
    if (data.toOpenid === openid) {
      throw new AppError('INVALID_ARGUMENT', '请选择另一位党员接任书记', {
        fields: ['toOpenid'],
      });
    }
    const done = { branchId: data.branchId, secretaryOpenid: data.toOpenid };
    return db.runTransaction(async (t: Txn) => {
      const { actor, docs } = await loadActor(db, openid, [data.toOpenid]);
      const mine = activeIn(docs, openid, data.branchId);
      const next = activeIn(docs, data.toOpenid, data.branchId);
      if (!can(actor, 'handOverSecretary', { branchId: data.branchId })) {
        // A retried handover that already happened: the same answer.
        if (mine && next?.role === 'secretary') return done;
        throw forbidden();
      }
      if (!next) throw new AppError('NOT_FOUND', MSG.memberNotFound);
      if (next.role === 'activist') {
        throw new AppError('CONFLICT', '入党积极分子不能担任书记');
      }
      const coll = t.collection(COLLECTIONS.memberships);
      await coll.doc(mine!._id).update({ data: { role: 'member' } });
      await coll.doc(next._id).update({ data: { role: 'secretary' } });
      return done;
    }) as Promise<typeof done>;
  },
};

/** Requests: memberships (1), conditional update (1). */
export const leaveBranch: ActionDef<'branch', 'leaveBranch'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor, docs } = await loadActor(db, openid);
    if (!can(actor, 'leaveBranch', { branchId: data.branchId })) throw forbidden();
    const mine = activeIn(docs, openid, data.branchId)!;
    if (mine.role === 'secretary') throw new AppError('CONFLICT', MSG.secretaryCannotLeave);
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: mine._id, status: 'active', role: _.neq('secretary') })
      .update({
        data: {
          status: 'left',
          fullKey: mine._id,
          transferTo: null,
          partyGroupId: null,
          partyGroupName: null,
        },
      });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', '您的状态已变化，请刷新后重试');
    return { branchId: data.branchId, status: 'left' as const };
  },
};

/**
 * Requests: memberships of both (1), the receiving branch (1), conditional update (1); with a
 * requestId 5. Refused up front only when it could never complete (see `TransferMemberRequest`).
 */
export const transferMember: ActionDef<'branch', 'transferMember'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema, openid: idSchema, toBranchId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor, docs } = await loadActor(db, openid, [data.openid]);
    if (!can(actor, 'transferMember', { branchId: data.branchId })) throw forbidden();
    if (data.toBranchId === data.branchId) {
      throw new AppError('INVALID_ARGUMENT', '请选择另一个支部', { fields: ['toBranchId'] });
    }
    const t = activeIn(docs, data.openid, data.branchId);
    if (!t) throw new AppError('NOT_FOUND', MSG.memberNotFound);
    if (t.role === 'secretary') throw new AppError('CONFLICT', MSG.secretaryCannotLeave);
    // The only record in the receiving branch acceptTransfer cannot replace: an active one.
    // (Pending, rejected or left records there are replaced when the transfer is accepted.)
    if (activeIn(docs, data.openid, data.toBranchId)) {
      throw new AppError('CONFLICT', MSG.memberThere, { reason: 'memberThere' });
    }
    const mine = activeIn(docs, openid, data.branchId)!;
    const info = await branchInfo(db, mine);
    const to = await findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.toBranchId);
    if (!to || to.type !== 'branch' || (to.committeeId ?? to.parentId) !== info.committeeId) {
      throw new AppError('NOT_FOUND', '未找到本党委下的该支部');
    }
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: t._id, status: 'active', orgId: data.branchId, role: _.neq('secretary') })
      .update({
        data: { transferTo: data.toBranchId, transferFromName: info.name, transferAt: new Date() },
      });
    if (updatedCount(res) !== 1 && t.transferTo !== data.toBranchId) {
      throw new AppError('CONFLICT', '该成员的状态已变化，请刷新后重试');
    }
    return { membershipId: t._id, toBranchId: data.toBranchId, status: 'transferring' as const };
  },
};

/** Requests: memberships (1), incoming transfers (1). */
export const listTransfers: ActionDef<'branch', 'listTransfers'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'listTransfers', { branchId: data.branchId })) throw forbidden();
    const rows = await fetchAll<MembershipDoc>(
      db
        .collection(COLLECTIONS.memberships)
        .where({ transferTo: data.branchId, status: 'active' })
        .limit(PAGE),
    );
    return {
      items: rows
        .sort((a, b) => toTime(a.transferAt) - toTime(b.transferAt))
        .map((m) => ({
          membershipId: m._id,
          openid: m.openid,
          name: m.realName ?? '',
          role: m.role,
          fromBranchId: m.orgId,
          fromBranchName: m.transferFromName ?? m.branchName ?? '',
          requestedAt: iso(m.transferAt),
        })),
    };
  },
};

/**
 * Moves the membership to the receiving branch. An earlier record of the same person in that
 * branch (a pending application, a rejected one, a membership they left) would collide with
 * the unique `openid_orgId` index: it is removed first by one conditional `remove` (never an
 * active record, never the moving one), so the active membership supersedes it.
 * Requests: the caller's memberships and the transferring one in one query (1), remove (1),
 * conditional update (1); with a requestId 5.
 */
export const acceptTransfer: ActionDef<'branch', 'acceptTransfer'> = {
  kind: 'write',
  schema: z.object({ membershipId: idSchema }),
  async handler(data, { openid, db }) {
    const _ = db.command;
    const { actor, docs, m } = await loadWithMembership(db, openid, data.membershipId);
    if (branchesWhere(actor, 'acceptTransfer').length === 0) throw forbidden();
    if (!m || !m.transferTo || m.status !== 'active') {
      throw new AppError('NOT_FOUND', MSG.transferNotFound);
    }
    const toBranch = m.transferTo;
    if (!can(actor, 'acceptTransfer', { branchId: toBranch })) throw forbidden();
    const mine = activeIn(docs, openid, toBranch)!;
    const role: RoleCode = m.role === 'probationary' || m.role === 'activist' ? m.role : 'member';
    const memberships = db.collection(COLLECTIONS.memberships);
    // The person's old record in the receiving branch, if any: superseded by this transfer.
    await memberships
      .where({
        openid: m.openid,
        orgId: toBranch,
        status: _.in(['pending', 'rejected', 'left']),
        _id: _.neq(m._id),
      })
      .remove();
    let res: unknown;
    try {
      res = await memberships.where({ _id: m._id, status: 'active', transferTo: toBranch }).update({
        data: {
          orgId: toBranch,
          branchName: mine.branchName ?? '',
          committeeId: mine.committeeId ?? m.committeeId ?? null,
          role,
          partyGroupId: null,
          partyGroupName: null,
          transferTo: null,
          transferAt: null,
          transferDeclinedReason: null,
          joinedAt: new Date(),
        },
      });
    } catch (err) {
      // Only an active record there is left (transferMember refuses that case; it can
      // appear meanwhile only by a concurrent change): the transfer stays pending.
      if (isDuplicateKey(err)) {
        throw new AppError('CONFLICT', MSG.memberThere, { reason: 'memberThere' });
      }
      throw err;
    }
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', '该转接已处理过了');
    return { membershipId: m._id, branchId: toBranch, status: 'active' as const };
  },
};

/**
 * The receiving branch turns an incoming transfer down: the member stays in the sending
 * branch, the reason is kept for it. Requests: memberships and the transfer in one query (1),
 * conditional update (1); with a requestId 4.
 */
export const declineTransfer: ActionDef<'branch', 'declineTransfer'> = {
  kind: 'write',
  schema: z.object({
    membershipId: idSchema,
    reason: z.string().trim().min(1, '请填写退回原因').max(200, '原因最多 200 个字'),
  }),
  async handler(data, { openid, db, cloud }) {
    const { actor, m } = await loadWithMembership(db, openid, data.membershipId);
    if (branchesWhere(actor, 'declineTransfer').length === 0) throw forbidden();
    if (!m || !m.transferTo || m.status !== 'active') {
      throw new AppError('NOT_FOUND', MSG.transferNotFound);
    }
    if (!can(actor, 'declineTransfer', { branchId: m.transferTo })) throw forbidden();
    const held = (await secCheck(cloud, openid, data.reason, 2)) === 'review';
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: m._id, status: 'active', transferTo: m.transferTo })
      .update({
        data: {
          transferTo: null,
          transferAt: null,
          transferDeclinedReason: held ? MSG.transferDeclinedHeld : data.reason,
          transferDeclinedAt: new Date(),
        },
      });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.transferDone);
    return { membershipId: m._id, status: 'declined' as const };
  },
};

/**
 * The sending branch's secretary withdraws a pending transfer. Requests: memberships and the
 * transfer in one query (1), conditional update (1); with a requestId 4.
 */
export const cancelTransfer: ActionDef<'branch', 'cancelTransfer'> = {
  kind: 'write',
  schema: z.object({ membershipId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor, m } = await loadWithMembership(db, openid, data.membershipId);
    if (branchesWhere(actor, 'cancelTransfer').length === 0) throw forbidden();
    if (!m || m.status !== 'active') throw new AppError('NOT_FOUND', MSG.transferNotFound);
    if (!can(actor, 'cancelTransfer', { branchId: m.orgId })) throw forbidden();
    if (!m.transferTo) throw new AppError('NOT_FOUND', MSG.transferNotFound);
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.memberships)
      .where({ _id: m._id, status: 'active', orgId: m.orgId, transferTo: _.neq(null) })
      .update({ data: { transferTo: null, transferAt: null } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.transferDone);
    return { membershipId: m._id, status: 'cancelled' as const };
  },
};

// ---------------------------------------------------------------- own profile

/** At most this many active memberships are updated (a person has one branch, maybe a committee role). */
const MAX_PROFILE_UPDATES = 4;
const PHOTO_PREFIX = /^cloud:\/\/([^/]+)\/avatars\/[A-Za-z0-9._\-/]{1,200}$/;

/**
 * The caller's own name, phone and photo on each of their active memberships (the sort key
 * of the directory follows the name). The phone is personal data and is never logged.
 * Not wrapped in the requestId marker (`idempotent: false`): setting the same values again is
 * the same outcome. Requests: memberships (1), one update per active membership (at most 4).
 */
export const updateProfile: ActionDef<'branch', 'updateProfile'> = {
  kind: 'write',
  idempotent: false,
  schema: z
    .object({
      realName: nameSchema.optional(),
      phone: phoneSchema.nullable().optional(),
      photoFileID: z
        .string()
        .max(300)
        .regex(PHOTO_PREFIX, '照片应为上传到本环境 avatars/ 目录的云文件 ID')
        .nullable()
        .optional(),
    })
    .superRefine((v, ctx) => {
      if (v.realName === undefined && v.phone === undefined && v.photoFileID === undefined) {
        ctx.addIssue({ code: 'custom', path: ['realName'], message: '请填写要修改的资料' });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    if (data.photoFileID) {
      // `cloud://<env>.<bucket>/…`: the file must be in the environment this function runs in.
      const env = String(cloud.getWXContext().ENV ?? '');
      const host = PHOTO_PREFIX.exec(data.photoFileID)![1];
      if (!env || !host.startsWith(`${env}.`)) {
        throw new AppError(
          'INVALID_ARGUMENT',
          '参数「photoFileID」有误：照片不在本环境的云存储中',
          {
            fields: ['photoFileID'],
          },
        );
      }
    }
    const { docs } = await loadActor(db, openid);
    const active = docs.filter((d) => d.status === 'active').slice(0, MAX_PROFILE_UPDATES);
    if (active.length === 0) throw new AppError('NOT_FOUND', '您还没有加入支部，暂无可修改的资料');
    if (data.realName) await secCheck(cloud, openid, data.realName, 1);
    const coll = db.collection(COLLECTIONS.memberships);
    const results = await Promise.all(
      active.map((m) => {
        const change: Record<string, unknown> = {};
        if (data.realName !== undefined) {
          change.realName = data.realName;
          change.sortKey = sortKey(data.realName, m._id);
        }
        if (data.phone !== undefined) change.phone = data.phone;
        if (data.photoFileID !== undefined) change.photo = data.photoFileID;
        return coll.where({ _id: m._id, openid, status: 'active' }).update({ data: change });
      }),
    );
    const first = active[0];
    const photoFileID = data.photoFileID !== undefined ? data.photoFileID : (first.photo ?? null);
    return {
      updatedMemberships: results.filter((r) => updatedCount(r) === 1).length,
      realName: data.realName ?? first.realName ?? '',
      phone: data.phone !== undefined ? data.phone : (first.phone ?? null),
      photoFileID,
      photo: await photoUrl(cloud, photoFileID),
    };
  },
};
