/**
 * 双报到: in-service party members report to a community branch. A report is not a
 * membership: no role, never counted as a member; an active report lets the reporter read
 * the branch's notices (policy `orReported`) and, later, take part in its activities.
 * One document per (openid, branch) — unique index `openid_branchId` and a derived `_id` —
 * so concurrent reports make one; reporting again after `rejected`/`ended` re-opens it.
 */
import * as z from 'zod';
import type { MyReport, ReportItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  branchesWhere,
  can,
  findById,
  toTime,
  type ActionDef,
  type InviteDoc,
  type MembershipDoc,
  type OrganizationDoc,
  type ReportDoc,
} from '../common';
import {
  MSG,
  PAGE,
  decodeCursor,
  forbidden,
  idSchema,
  isDuplicateKey,
  iso,
  isoOrNull,
  loadActor,
  loadActorWithReports,
  reportId,
  secCheck,
  updatedCount,
  isKeyCursor,
  keyPage,
  phoneFields,
  branchReader,
} from './shared';

const REPORT_NOT_FOUND = '未找到该报到记录';
const ALREADY_REVIEWED = '该报到申请已处理过了';

function reasonShown(r: ReportDoc): string | null {
  if (r.status !== 'rejected') return null;
  return r.reasonHeld ? '报到未通过，具体原因请联系该支部书记' : (r.reason ?? null);
}

/** `me`'s view: pending and active first, then the rest, newest first within each. */
export function myReports(reports: readonly ReportDoc[]): MyReport[] {
  const open = (r: ReportDoc) => Number(r.status === 'pending' || r.status === 'active');
  return [...reports]
    .sort(
      (a, b) =>
        open(b) - open(a) ||
        new Date(iso(b.reportedAt)).getTime() - new Date(iso(a.reportedAt)).getTime(),
    )
    .slice(0, PAGE)
    .map((r) => ({
      reportId: r._id,
      branchId: r.branchId,
      branchName: r.branchName,
      status: r.status,
      reason: reasonShown(r),
      reportedAt: iso(r.reportedAt),
    }));
}

/**
 * By `branchId`, or by `code`: an invitation code of the community branch (its secretary
 * shares it), so members of another committee can report without knowing the branch id.
 * Requests: the caller's memberships with their reports (`$lookup`) and the branch or the
 * invitation (2, parallel), then insert (1) — or, after `rejected`/`ended`, re-open (1; an insert racing
 * another report falls back to it too); with a requestId 5 (6 only in that rare race).
 */
export const reportToBranch: ActionDef<'branch', 'reportToBranch'> = {
  kind: 'write',
  schema: z
    .object({
      branchId: idSchema.optional(),
      code: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{4,16}$/, '邀请码应为 4–16 位字母或数字')
        .toUpperCase()
        .optional(),
    })
    .superRefine((v, ctx) => {
      if ((v.branchId === undefined) === (v.code === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['branchId'],
          message: '请选择要报到的支部或填写该支部的邀请码（二选一）',
        });
      }
    }),
  async handler(data, { openid, db }) {
    const [{ actor, docs, reports }, target] = await Promise.all([
      loadActorWithReports(db, openid),
      data.code !== undefined
        ? findById<InviteDoc>(db, COLLECTIONS.invites, data.code)
        : findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.branchId!),
    ]);
    if (!can(actor, 'reportToBranch', { branchId: data.branchId })) throw forbidden();
    let org: { name: string; committeeId: string; branchId: string };
    if (data.code !== undefined) {
      const invite = target as InviteDoc | null;
      if (!invite) throw new AppError('NOT_FOUND', MSG.inviteNotFound);
      if (invite.revoked) throw new AppError('CONFLICT', MSG.inviteRevoked);
      if (toTime(invite.expiresAt) < Date.now()) {
        throw new AppError('CONFLICT', MSG.inviteExpired);
      }
      org = { name: invite.branchName, committeeId: invite.committeeId, branchId: invite.branchId };
    } else {
      const o = target as OrganizationDoc | null;
      if (!o || o.type !== 'branch') throw new AppError('NOT_FOUND', '未找到该支部');
      org = { name: o.name, committeeId: o.committeeId ?? o.parentId ?? '', branchId: o._id };
    }
    const branchId = org.branchId;
    if (actor.memberships.some((m) => m.orgId === branchId)) {
      throw new AppError('CONFLICT', '您是该支部党员，无需报到', { reason: 'memberHere' });
    }
    // The reporter's own branch: their organisational membership, else any active one.
    const active = docs.filter((d) => d.status === 'active' && d.role !== 'activist');
    const home: MembershipDoc = active.find((d) => d.fullKey === openid) ?? active[0];
    const id = reportId(openid, branchId);
    const now = new Date();
    const fields = {
      branchName: org.name,
      committeeId: org.committeeId,
      fromBranchId: home.orgId,
      fromBranchName: home.branchName ?? '',
      realName: home.realName ?? '',
      phone: home.phone ?? null,
      status: 'pending' as const,
      reportedAt: now,
      queueKey: `${now.toISOString()}#${id}`,
      reviewedAt: null,
      reviewedBy: null,
      reason: null,
      reasonHeld: false,
      endedAt: null,
    };
    const coll = db.collection(COLLECTIONS.reports);
    const alreadyReported = () =>
      new AppError('CONFLICT', '您已向该支部报到或正在等待确认', { reason: 'alreadyReported' });
    const previous = reports.find((r) => r._id === id);
    if (previous && (previous.status === 'pending' || previous.status === 'active')) {
      throw alreadyReported();
    }
    const reopen = async () => {
      const _ = db.command;
      const res = await coll
        .where({ _id: id, status: _.in(['rejected', 'ended']) })
        .update({ data: fields });
      if (updatedCount(res) !== 1) throw alreadyReported();
    };
    if (previous) {
      await reopen();
    } else {
      try {
        const doc: ReportDoc = { _id: id, openid, branchId, ...fields };
        await coll.add({ data: doc });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        await reopen(); // a concurrent report inserted it first
      }
    }
    return { reportId: id, branchId, branchName: org.name, status: 'pending' as const };
  },
};

/**
 * One conditional update `where({ _id, status: 'pending' })` decides, so concurrent reviews
 * apply once. Requests: memberships and the report (2, parallel), update (1); with a
 * requestId 5.
 */
export const reviewReport: ActionDef<'branch', 'reviewReport'> = {
  kind: 'write',
  schema: z
    .object({
      reportId: idSchema,
      approve: z.boolean(),
      reason: z.string().trim().min(1).max(200).optional(),
    })
    .superRefine((v, ctx) => {
      if (!v.approve && !v.reason) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: '不同意时请填写原因' });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const [{ actor }, report] = await Promise.all([
      loadActor(db, openid),
      findById<ReportDoc>(db, COLLECTIONS.reports, data.reportId),
    ]);
    // Permission first (docs/permissions.md): a caller who reviews nowhere learns nothing.
    if (branchesWhere(actor, 'reviewReport').length === 0) throw forbidden();
    if (!report) throw new AppError('NOT_FOUND', REPORT_NOT_FOUND);
    if (!can(actor, 'reviewReport', { branchId: report.branchId })) throw forbidden();
    if (report.status !== 'pending') {
      throw new AppError('CONFLICT', ALREADY_REVIEWED, { reason: 'alreadyReviewed' });
    }
    let held = false;
    if (data.reason) held = (await secCheck(cloud, openid, data.reason, 2)) === 'review';
    const now = new Date();
    const res = await db
      .collection(COLLECTIONS.reports)
      .where({ _id: report._id, status: 'pending' })
      .update({
        data: {
          status: data.approve ? 'active' : 'rejected',
          reviewedAt: now,
          reviewedBy: openid,
          reason: data.approve ? null : (data.reason ?? null),
          reasonHeld: data.approve ? false : held,
        },
      });
    if (updatedCount(res) !== 1) {
      throw new AppError('CONFLICT', ALREADY_REVIEWED, { reason: 'alreadyReviewed' });
    }
    return {
      reportId: report._id,
      status: data.approve ? ('active' as const) : ('rejected' as const),
    };
  },
};

/** The reporter ends their report. Requests: one conditional update (1); with a requestId 3. */
export const endReport: ActionDef<'branch', 'endReport'> = {
  kind: 'write',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const _ = db.command;
    const id = reportId(openid, data.branchId);
    const res = await db
      .collection(COLLECTIONS.reports)
      .where({ _id: id, openid, status: _.in(['pending', 'active']) })
      .update({ data: { status: 'ended', endedAt: new Date() } });
    if (updatedCount(res) !== 1) throw new AppError('NOT_FOUND', '您没有向该支部报到');
    return { reportId: id, branchId: data.branchId, status: 'ended' as const };
  },
};

/** Requests: memberships (1), one page of the branch's reports (1). */
export const listReports: ActionDef<'branch', 'listReports'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    status: z.enum(['pending', 'active', 'rejected', 'ended']).optional(),
    cursor: z.string().min(1).max(400).optional(),
  }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const { reveal } = await branchReader(db, openid, 'listReports', data.branchId);
    const where = { branchId: data.branchId, status: data.status ?? 'pending' };
    const { page, nextCursor } = await keyPage<ReportDoc, 'queueKey'>(
      db,
      COLLECTIONS.reports,
      where,
      'queueKey',
      after,
    );
    const items: ReportItem[] = page.map((r) => ({
      reportId: r._id,
      openid: r.openid,
      name: r.realName,
      ...phoneFields(r.phone, reveal),
      fromBranchId: r.fromBranchId,
      fromBranchName: r.fromBranchName,
      status: r.status,
      reportedAt: iso(r.reportedAt),
      reviewedAt: isoOrNull(r.reviewedAt),
      reason: r.status === 'rejected' ? (r.reason ?? null) : null,
    }));
    return { items, nextCursor };
  },
};
