/**
 * The secretaries' dashboard of a branch's central households (党员中心户), by grid: central
 * households, linked resident households, coverage (households with a bound WeChat), households
 * below the norm, open / overdue requests, average hours to accept and to resolve,
 * satisfaction, service records; and the committee's settings (`updateSettings`).
 *
 * Figures come from counters and grouped aggregates, never from a scan in the function:
 * households' `residentCount` / `boundCount`, the branch's requests `$group`ed by grid, its
 * service records `$group`ed by grid.
 */
import * as z from 'zod';
import type { DashboardFigures, LiaisonSettings } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  findById,
  type ActionDef,
  type Database,
} from '../common';
import type { LiaisonHouseholdDoc, MembershipDoc, OrganizationDoc } from '../common/model';
import { loadActor } from '../common/util';
import { MSG, idSchema, settingsOf } from './shared';
import { OPEN_STATUSES } from '../common/liaison-card';
import { ownOnly } from '../common/db';

export const DASHBOARD_MSG = {
  notManager: MSG.notManager,
  notCommittee: '只有社区党委书记、副书记可以修改中心户设置',
  committeeNotFound: '未找到该党委',
  minAboveMax: '「至少联系户数」不能大于「最多联系户数」',
} as const;

/** Households below the norm the dashboard lists. */
const NEEDS_MORE_LIST = 20;
const HOUR = 3600_000;

interface RequestGroup {
  _id: string;
  open: number;
  overdue: number;
  acceptMs: number;
  accepted: number;
  resolveMs: number;
  resolved: number;
  satisfied: number;
  basically: number;
  unsatisfied: number;
}

interface Tally {
  households: number;
  residents: number;
  boundResidents: number;
  needsMore: number;
  serviceRecords: number;
  requests: Omit<RequestGroup, '_id'>;
}

const emptyTally = (): Tally => ({
  households: 0,
  residents: 0,
  boundResidents: 0,
  needsMore: 0,
  serviceRecords: 0,
  requests: {
    open: 0,
    overdue: 0,
    acceptMs: 0,
    accepted: 0,
    resolveMs: 0,
    resolved: 0,
    satisfied: 0,
    basically: 0,
    unsatisfied: 0,
  },
});

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function figures(t: Tally): DashboardFigures {
  const r = t.requests;
  const rated = r.satisfied + r.basically + r.unsatisfied;
  return {
    households: t.households,
    residents: t.residents,
    boundResidents: t.boundResidents,
    coverage: t.residents ? round(t.boundResidents / t.residents, 3) : 0,
    needsMore: t.needsMore,
    openRequests: r.open,
    overdueRequests: r.overdue,
    avgAcceptHours: r.accepted ? round(r.acceptMs / r.accepted / HOUR, 1) : null,
    avgResolveHours: r.resolved ? round(r.resolveMs / r.resolved / HOUR, 1) : null,
    ratings: { satisfied: r.satisfied, basically: r.basically, unsatisfied: r.unsatisfied },
    satisfaction: rated ? round((r.satisfied + r.basically) / rated, 3) : null,
    serviceRecords: t.serviceRecords,
  };
}

function addRequests(into: Tally['requests'], g: Omit<RequestGroup, '_id'>) {
  for (const k of Object.keys(into) as (keyof Tally['requests'])[]) into[k] += g[k] ?? 0;
}

interface BranchRow extends OrganizationDoc {
  m?: MembershipDoc[];
  cm?: MembershipDoc[];
  h?: LiaisonHouseholdDoc[];
  c?: OrganizationDoc[];
}

/**
 * The branch with the caller's memberships of it and of its committee, its active central
 * households and its committee (settings): one aggregate (`_id`, then `$lookup` on
 * `orgId_status_sortKey`, `branchId_active_sortKey` and `_id`).
 */
async function branchFor(db: Database, openid: string, branchId: string) {
  const $ = db.command.aggregate;
  const own = (field: string) => ownOnly(db, field, openid);
  const res = (await db
    .collection(COLLECTIONS.organizations)
    .aggregate()
    .match({ _id: branchId })
    .lookup({ from: COLLECTIONS.memberships, localField: '_id', foreignField: 'orgId', as: 'm' })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'committeeId',
      foreignField: 'orgId',
      as: 'cm',
    })
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: '_id',
      foreignField: 'branchId',
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
      h: $.filter({ input: '$h', as: 'x', cond: $.eq(['$$x.active', true]) }),
    })
    .end()) as unknown as { list?: BranchRow[] };
  return res.list?.[0] ?? null;
}

/** The branch's requests grouped by grid (`branchId_createdAt`). */
async function requestGroups(db: Database, branchId: string, now: Date) {
  const $ = db.command.aggregate;
  const isOpen = $.in(['$status', [...OPEN_STATUSES]]);
  const when = (cond: unknown, value: unknown) => $.sum($.cond([cond, value, 0]));
  const has = (field: string) => $.neq([field, null]);
  const res = (await db
    .collection(COLLECTIONS.liaisonRequests)
    .aggregate()
    .match({ branchId })
    .group({
      _id: '$grid',
      open: when(isOpen, 1),
      overdue: when($.and([isOpen, has('$dueAt'), $.lte(['$dueAt', now])]), 1),
      acceptMs: when(has('$acceptedAt'), $.subtract(['$acceptedAt', '$createdAt'])),
      accepted: when(has('$acceptedAt'), 1),
      resolveMs: when(has('$resolvedAt'), $.subtract(['$resolvedAt', '$createdAt'])),
      resolved: when(has('$resolvedAt'), 1),
      satisfied: when($.eq(['$rating', 'satisfied']), 1),
      basically: when($.eq(['$rating', 'basically']), 1),
      unsatisfied: when($.eq(['$rating', 'unsatisfied']), 1),
    })
    .limit(1000)
    .end()) as unknown as { list?: RequestGroup[] };
  return res.list ?? [];
}

/** The branch's service records counted by grid (`branchId_date`). */
async function recordGroups(db: Database, branchId: string) {
  const $ = db.command.aggregate;
  const res = (await db
    .collection(COLLECTIONS.liaisonRecords)
    .aggregate()
    .match({ branchId })
    .group({ _id: '$grid', n: $.sum(1) })
    .limit(1000)
    .end()) as unknown as { list?: { _id: string; n: number }[] };
  return res.list ?? [];
}

/**
 * Managers of the branch (`manageLiaison`), and the secretaries of its party committee
 * (`committeeLiaison`: they oversee the branches and change the settings from here).
 * Requests: the branch with the caller and its households (1), the requests by grid (1), the
 * service records by grid (1), in parallel: 3.
 */
export const dashboard: ActionDef<'liaison', 'dashboard'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const now = new Date();
    const [branch, requests, records] = await Promise.all([
      branchFor(db, openid, data.branchId),
      requestGroups(db, data.branchId, now),
      recordGroups(db, data.branchId),
    ]);
    if (!branch) throw new AppError('FORBIDDEN', DASHBOARD_MSG.notManager);
    const committeeId = branch.committeeId ?? branch.parentId ?? '';
    const actor = actorFrom(openid, [...(branch.m ?? []), ...(branch.cm ?? [])]);
    const canEditSettings = can(actor, 'committeeLiaison', { committeeId });
    if (!can(actor, 'manageLiaison', { branchId: branch._id }) && !canEditSettings) {
      throw new AppError('FORBIDDEN', DASHBOARD_MSG.notManager);
    }
    const settings = settingsOf(branch.c?.[0]);
    const households = branch.h ?? [];

    const byGrid = new Map<string, Tally>();
    const tallyOf = (grid: string) => {
      let t = byGrid.get(grid);
      if (!t) byGrid.set(grid, (t = emptyTally()));
      return t;
    };
    const total = emptyTally();
    for (const h of households) {
      const below = h.residentCount < settings.minResidents ? 1 : 0;
      for (const t of [tallyOf(h.grid), total]) {
        t.households += 1;
        t.residents += h.residentCount;
        t.boundResidents += h.boundCount;
        t.needsMore += below;
      }
    }
    for (const { _id, ...g } of requests) {
      addRequests(tallyOf(_id ?? '').requests, g);
      addRequests(total.requests, g);
    }
    for (const r of records) {
      tallyOf(r._id ?? '').serviceRecords += r.n;
      total.serviceRecords += r.n;
    }
    const needsMore = households
      .filter((h) => h.residentCount < settings.minResidents)
      .sort(
        (a, b) =>
          a.residentCount - b.residentCount ||
          a.grid.localeCompare(b.grid, 'zh') ||
          a.memberName.localeCompare(b.memberName, 'zh'),
      )
      .slice(0, NEEDS_MORE_LIST)
      .map((h) => ({
        householdId: h._id,
        memberName: h.memberName,
        grid: h.grid,
        residentCount: h.residentCount,
      }));
    return {
      branchName: branch.name,
      totals: figures(total),
      byGrid: [...byGrid.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'zh'))
        .map(([grid, t]) => ({ grid, ...figures(t) })),
      needsMore,
      settings,
      canEditSettings,
      canSeeResidents: can(actor, 'manageResidents', { branchId: branch._id }),
      committeeId,
    };
  },
};

// ---------------------------------------------------------------- updateSettings

const int = (label: string, min: number, max: number) =>
  z
    .number({ message: `请填写${label}` })
    .int(`${label}应为整数`)
    .min(min, `${label}应在 ${min}–${max} 之间`)
    .max(max, `${label}应在 ${min}–${max} 之间`);

/**
 * At most 20 linked households: a household's residents then always fit in one page of 20
 * (`listResidents`; the visit page's resident picker and the card sheets read one page).
 */
export const MAX_RESIDENTS_LIMIT = 20;

const settingsSchema = z.object({
  committeeId: idSchema,
  maxResidents: int('最多联系户数', 1, MAX_RESIDENTS_LIMIT).optional(),
  minResidents: int('至少联系户数', 1, MAX_RESIDENTS_LIMIT).optional(),
  acceptHours: int('受理时限（小时）', 1, 168).optional(),
  resolveHours: int('办结时限（小时）', 1, 720).optional(),
});

/**
 * The committee's secretaries change its settings; what is not given stays. The minimum may
 * not exceed the maximum (INVALID_ARGUMENT). A lower maximum refuses new links only: nobody is
 * unlinked. Requests: memberships and the committee, in parallel (2), the update (1); with
 * requestId + 2: 5.
 */
export const updateSettings: ActionDef<'liaison', 'updateSettings'> = {
  kind: 'write',
  schema: settingsSchema,
  async handler(data, { openid, db }) {
    const [{ actor }, committee] = await Promise.all([
      loadActor(db, openid),
      findById<OrganizationDoc>(db, COLLECTIONS.organizations, data.committeeId),
    ]);
    if (!can(actor, 'committeeLiaison', { committeeId: data.committeeId })) {
      throw new AppError('FORBIDDEN', DASHBOARD_MSG.notCommittee);
    }
    if (!committee || committee.type !== 'committee') {
      throw new AppError('NOT_FOUND', DASHBOARD_MSG.committeeNotFound);
    }
    const { committeeId: _c, ...given } = data;
    const settings: LiaisonSettings = { ...settingsOf(committee) };
    for (const [k, v] of Object.entries(given) as [keyof LiaisonSettings, number | undefined][]) {
      if (v !== undefined) settings[k] = v;
    }
    if (settings.minResidents > settings.maxResidents) {
      throw new AppError('INVALID_ARGUMENT', DASHBOARD_MSG.minAboveMax, {
        fields: [given.minResidents !== undefined ? 'minResidents' : 'maxResidents'],
      });
    }
    await db
      .collection(COLLECTIONS.organizations)
      .where({ _id: committee._id })
      .update({ data: { liaisonSettings: { ...settings } } });
    return { settings };
  },
};
