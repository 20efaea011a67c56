/**
 * Releasing what content security held for review (`review` verdict): an activity (its title or
 * description), which members do not see until then, or posted minutes, which only secretaries
 * see until then. Like `lesson.moderate`, by the branch's secretary or deputy; refusing is
 * editing (the organiser changes the text, which is checked again) or cancelling.
 */
import * as z from 'zod';
import { AppError, COLLECTIONS, type ActionDef } from '../common';
import { updatedCount } from '../common/util';
import { MSG, activityFor, forbidden, idSchema } from './shared';

const NOT_HELD = {
  activity: '该活动不在待审核状态',
  minutes: '会议记录不在待审核状态',
} as const;

/**
 * Releasing an activity also gives its participant documents the real title (they carried
 * 「活动信息审核中」 while held, `publicTitle`). Requests: the activity with the caller's
 * memberships (1), the conditional update (1), for an activity the participants' titles (1): at
 * most 3. Not
 * wrapped in the requestId marker (`idempotent: false`): a second release finds nothing held and
 * says so.
 */
export const moderate: ActionDef<'activity', 'moderate'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    activityId: idSchema,
    what: z.enum(['activity', 'minutes'], { message: '审核对象应为活动或会议记录' }).optional(),
  }),
  async handler(data, { openid, db }) {
    const what = data.what ?? 'activity';
    const a = await activityFor(db, openid, data.activityId);
    if (!a.secretary) throw forbidden(MSG.notSecretary);
    const held = what === 'activity' ? a.doc.visibility === 'held' : a.doc.minutes?.held === true;
    if (!held) throw new AppError('CONFLICT', NOT_HELD[what]);
    // Conditional on still being held, so a concurrent edit (held again) is not released unseen.
    const res = await db
      .collection(COLLECTIONS.activities)
      .where(
        what === 'activity'
          ? { _id: a.doc._id, visibility: 'held', updatedAt: a.doc.updatedAt }
          : { _id: a.doc._id, 'minutes.held': true, 'minutes.postedAt': a.doc.minutes!.postedAt },
      )
      .update({
        data: what === 'activity' ? { visibility: 'visible' } : { 'minutes.held': false },
      });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.changed);
    if (what === 'activity') {
      await db
        .collection(COLLECTIONS.activityParticipants)
        .where({ activityId: a.doc._id })
        .update({ data: { title: a.doc.title } });
    }
    return { activityId: a.doc._id, visibility: 'visible' };
  },
};
