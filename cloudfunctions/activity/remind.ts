/**
 * Timer `remind` (config.json, every 10 minutes): a subscribe message 24 hours and again 2
 * hours before an activity starts, to its confirmed volunteers or to the expected members of a
 * meeting who have not asked for leave. `nextRemindAt` says which reminder is due; each run
 * claims it with a conditional update on the value it read, so however many runs overlap, each
 * reminder goes out once. A run that comes late (the timer was down) sends one reminder, not
 * two in a row: past the 2-hour mark the 24-hour one is skipped. An activity held for review
 * (content security) is not due: the query leaves it out, so its reminder stays unclaimed and
 * goes out on the first run after it is released (`moderate`) — or not at all once it started —
 * and held rows never fill a run's batch ahead of visible ones.
 */
import { COLLECTIONS, fetchAll, toTime, type TimerContext } from '../common';
import type { ActivityDoc, ParticipantDoc } from '../common/model';
import { updatedCount } from '../common/util';
import { confirmedCount, notify } from './shared';
import { nextRemindAfter } from './activities';

/**
 * Activities handled per run (the rest on the next run, 10 minutes later), PARALLEL at a time.
 * A county's monthly theme days often share one date and hour: 60 a run, 5 at once, gives
 * 360 an hour within the function's 20 s timeout (each: 2 requests and its messages).
 */
const BATCH = 60;
const PARALLEL = 5;

/** Who hears the reminder: confirmed volunteers, or expected members not on leave. */
function recipients(doc: ActivityDoc, participants: ParticipantDoc[]): string[] {
  if (doc.kind === 'volunteer') {
    const confirmed = new Set((doc.queue ?? []).slice(0, confirmedCount(doc)));
    return participants.filter((p) => confirmed.has(p._id)).map((p) => p.openid);
  }
  const onLeave = new Set(
    participants
      .filter((p) => p.reply === 'leave' && p.leave?.status !== 'rejected')
      .map((p) => p.openid),
  );
  return (doc.expected ?? []).map((e) => e.openid).filter((o) => !onLeave.has(o));
}

/**
 * Requests: the due activities (1, index `nextRemindAt`: the range, then `visibility`), then per activity the claim (1) and
 * its participants (1, index `activityId_state_cancelledAt`).
 */
export async function remind({ db, cloud, at }: TimerContext): Promise<void> {
  const _ = db.command;
  const now = at.getTime();
  const due = await fetchAll<ActivityDoc>(
    db
      .collection(COLLECTIONS.activities)
      .where({ nextRemindAt: _.lte(at), visibility: 'visible' })
      .orderBy('nextRemindAt', 'asc')
      .field({ tokenSecret: false, description: false })
      .limit(BATCH),
  );
  const one = async (doc: ActivityDoc) => {
    const start = toTime(doc.startAt);
    const over = doc.cancelled || now >= start;
    // The 2-hour reminder follows the 24-hour one unless its time has come too.
    const next = over ? null : nextRemindAfter(start, now);
    const claim = await db
      .collection(COLLECTIONS.activities)
      .where({ _id: doc._id, nextRemindAt: doc.nextRemindAt })
      .update({ data: { nextRemindAt: next } });
    if (updatedCount(claim) !== 1 || over) return;
    const participants = await fetchAll<ParticipantDoc>(
      db.collection(COLLECTIONS.activityParticipants).where({ activityId: doc._id }).limit(1000),
    );
    const hours = Math.max(1, Math.round((start - now) / 3600_000));
    await notify(cloud, doc, recipients(doc, participants), `活动将于${hours}小时后开始`);
  };
  for (let i = 0; i < due.length; i += PARALLEL) {
    await Promise.all(due.slice(i, i + PARALLEL).map(one));
  }
}
