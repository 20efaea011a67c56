/**
 * Timer `escalate` (config.json, every 10 minutes): "village reports, township handles, county
 * closes". A request not accepted within the committee's `acceptHours`, or accepted but not
 * resolved within `resolveHours`, goes up one level: 1 the branch secretary and deputy, 2 the
 * party committee's secretaries; each time the new handlers hear of it, the resident
 * household's bound WeChat users hear where it went, and the member hears it went up (not
 * while it is held: they do not see it). Each level gets the same
 * stage's hours again before it goes further; at level 2 a request stays overdue (the dashboard
 * shows it) and goes no higher.
 *
 * Each escalation is a conditional update on the (`_id`, `level`, `dueAt`) read, so however many
 * runs overlap a request escalates once per deadline, and an accept or resolve that lands
 * meanwhile (it changes `dueAt` / the status) wins over the timer.
 */
import { COLLECTIONS, fetchAll, type TimerContext } from '../common';
import type {
  LiaisonHistoryDoc,
  LiaisonRequestDoc,
  LiaisonResidentDoc,
  MembershipDoc,
  OrganizationDoc,
} from '../common/model';
import { updatedCount } from '../common/util';
import { settingsOf, sweepErased } from './shared';
import { BY_SYSTEM, HANDLER_PAGE, RESIDENT_PAGE, notifyRequest } from './requests';
import { OPEN_STATUSES } from '../common/liaison-card';

/** Requests escalated per run (the rest on the next run); PARALLEL at a time. */
const BATCH = 100;
const PARALLEL = 10;
const HOUR = 3600_000;
const SECRETARIES = ['secretary', 'deputySecretary'];

/** The history note: 「超过 24 小时未受理，已转支部书记」. */
export function escalationNote(
  status: LiaisonRequestDoc['status'],
  hours: number,
  level: 1 | 2,
): string {
  const what = status === 'submitted' ? '未受理' : '未办结';
  return `超过 ${hours} 小时${what}，已转${level === 1 ? '支部书记' : '社区党委'}`;
}

/**
 * Requests: the due requests (1, index `dueAt`), the committees' settings (1), the secretaries
 * of their branches and committees (1), the resident households' bound WeChat users (1), then
 * one conditional update per request.
 */
async function escalateDue({ db, cloud, at }: TimerContext): Promise<void> {
  const _ = db.command;
  const due = await fetchAll<LiaisonRequestDoc>(
    db
      .collection(COLLECTIONS.liaisonRequests)
      .where({ dueAt: _.lte(at), status: _.in([...OPEN_STATUSES]), level: _.lt(2) })
      .orderBy('dueAt', 'asc')
      .field({ text: false, photos: false })
      .limit(BATCH),
  );
  if (!due.length) return;
  const committeeIds = [...new Set(due.map((d) => d.committeeId))];
  const orgIds = [...new Set([...due.map((d) => d.branchId), ...committeeIds])];
  const residentIds = [...new Set(due.map((d) => d.residentId))];
  const [committees, secretaries, residents] = await Promise.all([
    fetchAll<OrganizationDoc>(
      db
        .collection(COLLECTIONS.organizations)
        .where({ _id: _.in(committeeIds) })
        .limit(committeeIds.length),
    ),
    fetchAll<MembershipDoc>(
      db
        .collection(COLLECTIONS.memberships)
        .where({ orgId: _.in(orgIds), status: 'active', role: _.in(SECRETARIES) })
        .field({ openid: true, orgId: true })
        .limit(1000),
    ),
    fetchAll<Pick<LiaisonResidentDoc, '_id' | 'boundOpenids'>>(
      db
        .collection(COLLECTIONS.liaisonResidents)
        .where({ _id: _.in(residentIds) })
        .field({ _id: true, boundOpenids: true })
        .limit(residentIds.length),
    ),
  ]);
  const boundTo = new Map(residents.map((r) => [r._id, r.boundOpenids ?? []]));
  const settingsBy = new Map(committees.map((c) => [c._id, settingsOf(c)]));
  const secretariesOf = (orgId: string) =>
    secretaries.filter((m) => m.orgId === orgId).map((m) => m.openid);

  const one = async (doc: LiaisonRequestDoc) => {
    const settings = settingsBy.get(doc.committeeId) ?? settingsOf(null);
    const hours = doc.status === 'submitted' ? settings.acceptHours : settings.resolveHours;
    const level = (doc.level + 1) as 1 | 2;
    const entry: LiaisonHistoryDoc = {
      at,
      action: 'escalated',
      by: BY_SYSTEM,
      byOpenid: null,
      note: escalationNote(doc.status, hours, level),
    };
    const res = await db
      .collection(COLLECTIONS.liaisonRequests)
      .where({ _id: doc._id, level: doc.level, dueAt: doc.dueAt })
      .update({
        data: {
          level,
          dueAt: new Date(at.getTime() + hours * HOUR),
          updatedAt: at,
          history: _.push([entry]),
        },
      });
    if (updatedCount(res) !== 1) return;
    const what = doc.status === 'submitted' ? '未受理' : '未办结';
    // The residents who sent it hear who follows it now (no text, no names: `notify`).
    await notifyRequest(
      cloud,
      doc,
      boundTo.get(doc.residentId) ?? [],
      RESIDENT_PAGE,
      level === 1 ? '您的诉求已转支部书记督办' : '您的诉求已报社区党委督办',
      at,
    );
    if (level === 1) {
      await notifyRequest(
        cloud,
        doc,
        secretariesOf(doc.branchId),
        HANDLER_PAGE,
        `诉求超时${what}，请督办`,
        at,
      );
      // The member hears the secretary now follows it, unless it is held (they do not see it).
      if (!doc.held) {
        await notifyRequest(
          cloud,
          doc,
          [doc.memberOpenid],
          HANDLER_PAGE,
          `诉求超时${what}，已转支部书记`,
          at,
        );
      }
    } else {
      await notifyRequest(
        cloud,
        doc,
        secretariesOf(doc.committeeId),
        HANDLER_PAGE,
        `诉求超时${what}，已报党委`,
        at,
      );
      // The member hears it went up, unless it is held (they do not see it).
      if (!doc.held) {
        await notifyRequest(
          cloud,
          doc,
          [doc.memberOpenid],
          HANDLER_PAGE,
          `诉求超时${what}，已转社区党委`,
          at,
        );
      }
    }
  };
  for (let i = 0; i < due.length; i += PARALLEL) {
    await Promise.all(due.slice(i, i + PARALLEL).map(one));
  }
}

/**
 * The `escalate` timer (every 10 minutes): due requests go up a level, and service records of
 * households erased since the last run lose their notes and photos, the files deleted, and
 * their requests' history its openids (shared.ts `sweepErased`; done here so an erasure stays
 * within its request budget).
 */
export async function escalate(ctx: TimerContext): Promise<void> {
  await Promise.all([escalateDue(ctx), sweepErased(ctx.db, ctx.cloud)]);
}
