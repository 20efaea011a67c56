/**
 * The liaison card (连心卡) of a WeChat user: the household their WeChat is bound to and its
 * central household's member, as the resident home shows it. ONE aggregate, shared by
 * `liaison.myLiaison` and `branch.me` (for callers without a branch), so both say the same.
 * Also the member's view (`memberView`) both build it with.
 */
import type {
  LiaisonCard,
  LiaisonMember,
  RequestCategory,
  RequestItem,
  RoleCode,
} from '../../typings/api';
import type { Database } from './define';
import { toTime } from './db';
import { iso } from './util';
import {
  COLLECTIONS,
  type LiaisonBindingDoc,
  type LiaisonHouseholdDoc,
  type LiaisonRequestDoc,
  type LiaisonResidentDoc,
  type MembershipDoc,
} from './model';

export const ROLE_LABELS: Record<RoleCode, string> = {
  secretary: '支部书记',
  deputySecretary: '支部副书记',
  organizationCommittee: '组织委员',
  propagandaCommittee: '宣传委员',
  disciplineCommittee: '纪检委员',
  massWorkCommittee: '群众工作委员',
  member: '党员',
  probationary: '预备党员',
  activist: '入党积极分子',
};

/** The promise as residents may see it: nothing while content security holds it. */
export function publicPromise(h: Pick<LiaisonHouseholdDoc, 'promise' | 'promiseHeld'>): string {
  return h.promiseHeld ? '' : h.promise;
}

/**
 * The central household's member as a bound resident sees them: the live name, photo and role
 * from their membership; the phone only when the member agreed (`showPhone`).
 */
export function memberView(
  h: LiaisonHouseholdDoc,
  member: Pick<MembershipDoc, 'realName' | 'photo' | 'role' | 'phone'> | null | undefined,
): LiaisonMember {
  return {
    name: member?.realName || h.memberName,
    photo: member?.photo ?? h.photo ?? null,
    roleLabel: ROLE_LABELS[member?.role ?? 'member'] ?? ROLE_LABELS.member,
    branchName: h.branchName,
    phone: h.showPhone ? (member?.phone ?? null) : null,
    address: h.address,
    promise: publicPromise(h),
  };
}

// ---------------------------------------------------------------- requests as lists show them

/** Open = submitted or accepted (not yet resolved): lists, counters, the timer and the dashboard. */
export const OPEN_STATUSES = ['submitted', 'accepted'] as const;

/** Open = submitted or accepted (not yet resolved). */
export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

/** What a caller may learn of the resident household behind a request. */
export type RequestResident = Pick<LiaisonResidentDoc, '_id' | 'headName' | 'address'>;

/**
 * A request as a list shows it. `resident` is given ONLY by callers allowed to see the
 * household behind it (the linked member, the branch secretary and deputy: policy
 * `viewResidentCare`); anyone else gets no `resident` block. An anonymised request (the
 * resident erased their data) has an empty text and never a resident block.
 */
export function requestView(
  r: LiaisonRequestDoc,
  resident?: RequestResident | null,
  now: number = Date.now(),
): RequestItem {
  const due = r.dueAt ? toTime(r.dueAt) : null;
  return {
    requestId: r._id,
    householdId: r.householdId,
    category: r.category as RequestCategory,
    text: r.text ?? '',
    urgent: !!r.urgent,
    status: r.status,
    level: r.level,
    overdue: isOpen(r.status) && due !== null && due < now,
    dueAt: due === null ? null : new Date(due).toISOString(),
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    rating: r.rating ?? null,
    ...(resident && !r.anonymised && resident._id === r.residentId
      ? {
          resident: {
            residentId: resident._id,
            headName: resident.headName,
            address: resident.address,
          },
        }
      : {}),
    memberName: r.memberName,
    grid: r.grid,
    held: !!r.held,
  };
}

/** Requests on the resident home card. */
export const RECENT_REQUESTS = 3;

/** The newest `n` of a household's requests, newest first, as its residents see them. */
export function newestRequests(
  requests: readonly LiaisonRequestDoc[],
  n: number,
  now: number = Date.now(),
): RequestItem[] {
  return [...requests]
    .sort((a, b) => toTime(b.createdAt) - toTime(a.createdAt) || (a._id < b._id ? 1 : -1))
    .slice(0, n)
    .map((q) => requestView(q, null, now));
}

// ---------------------------------------------------------------- the card

/** What `loadCard` read: the binding, its resident household and central household. */
export interface CardRow {
  binding: LiaisonBindingDoc;
  resident: LiaisonResidentDoc;
  household: LiaisonHouseholdDoc;
  member: MembershipDoc | null;
  /** Every binding of the resident household (with `family`). */
  family: LiaisonBindingDoc[];
  /** The resident household's requests (with `requests`). */
  requests: LiaisonRequestDoc[];
}

/**
 * The caller's binding with its resident household, central household and the member's
 * membership: ONE database request (`liaisonBindings` by `_id` = openid, then `$lookup`s by
 * `_id`; with `family` every binding of the household by index `residentId`, with `requests`
 * its requests by `residentId_createdAt`). Null when the caller is not bound (or the household
 * is gone).
 */
export async function loadCard(
  db: Database,
  openid: string,
  opts: { family?: boolean; requests?: boolean } = {},
): Promise<CardRow | null> {
  let agg = db
    .collection(COLLECTIONS.liaisonBindings)
    .aggregate()
    .match({ _id: openid })
    .lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: 'residentId',
      foreignField: '_id',
      as: 'r',
    })
    // Through the resident: `stepDown` moves residents, not their bindings.
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'r.householdId',
      foreignField: '_id',
      as: 'h',
    })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'h.membershipId',
      foreignField: '_id',
      as: 'm',
    });
  if (opts.family) {
    agg = agg.lookup({
      from: COLLECTIONS.liaisonBindings,
      localField: 'residentId',
      foreignField: 'residentId',
      as: 'b',
    });
  }
  if (opts.requests) {
    agg = agg.lookup({
      from: COLLECTIONS.liaisonRequests,
      localField: 'residentId',
      foreignField: 'residentId',
      as: 'q',
    });
  }
  const res = (await agg.end()) as unknown as {
    list: (LiaisonBindingDoc & {
      r?: LiaisonResidentDoc[];
      h?: LiaisonHouseholdDoc[];
      m?: MembershipDoc[];
      b?: LiaisonBindingDoc[];
      q?: LiaisonRequestDoc[];
    })[];
  };
  const row = res.list?.[0];
  const resident = row?.r?.[0];
  const household = row?.h?.[0];
  if (!row || !resident || !household || !resident.active) return null;
  const { r: _r, h: _h, m = [], b = [], q = [], ...binding } = row;
  return {
    binding: binding as LiaisonBindingDoc,
    resident,
    household,
    member: m[0] ?? null,
    family: b,
    requests: q,
  };
}

/**
 * The card as the resident home shows it. `recentRequests`: the newest of `requests` (a newest
 * first page the caller already read) or else of the requests `loadCard` joined.
 */
export function cardView(
  c: CardRow,
  requests: readonly LiaisonRequestDoc[] = c.requests,
  now: number = Date.now(),
): LiaisonCard {
  return {
    residentId: c.resident._id,
    householdId: c.household._id,
    member: memberView(c.household, c.member),
    headName: c.resident.headName,
    openRequests: c.resident.openRequests ?? 0,
    recentRequests: newestRequests(requests, RECENT_REQUESTS, now),
  };
}

/**
 * The caller's liaison card with the household's newest requests, or null when their WeChat
 * is not bound: one database request (the requests joined by `loadCard`).
 */
export async function liaisonCard(db: Database, openid: string): Promise<LiaisonCard | null> {
  const row = await loadCard(db, openid, { requests: true });
  return row ? cardView(row) : null;
}
