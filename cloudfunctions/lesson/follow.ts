/**
 * For the secretary: who has studied a lesson (of the CURRENT active members in its
 * audience: people who left never count, newcomers do), quiz results, a once-a-day reminder
 * to those who have not, and a branch overview of the last lessons.
 */
import * as z from 'zod';
import type { LessonQuizStats, NotStudiedPerson } from '../../typings/api';
import { AppError, COLLECTIONS, can, type ActionDef } from '../common';
import type { LessonDoc, LessonProgressDoc } from '../common/model';
import {
  chinaDay,
  decodeCursor,
  dayStart,
  isKeyCursor,
  iso,
  loadActor,
  slicePage,
  updatedCount,
} from '../common/util';
import { passes } from './points';
import {
  MSG,
  audienceOf,
  bestScoreOf,
  branchMembers,
  cursorSchema,
  forbidden,
  idSchema,
  lessonFor,
  type AudienceMember,
} from './shared';

/**
 * Subscribe messages sent at once. `remind` sends to everyone who has not studied in rounds
 * of this many: the audience is read whole (at most `MAX_AUDIENCE`, 1000, far above a
 * branch's size), so 20 rounds at most, well inside the function's 10 s timeout; the sends
 * are no database requests.
 */
const SEND_BATCH = 50;
/** Subscribe message template (设置 → 订阅消息), set per deployment (cloudbaserc.json). */
export const LESSON_TEMPLATE_ID = process.env.LESSON_TEMPLATE_ID || 'LESSON_REMIND_TEMPLATE';
/** The reader page a reminder opens. */
export const LESSON_PAGE = 'pages/lessons/detail';
/** Lessons in the overview. */
const OVERVIEW_LESSONS = 10;

/** Study records of audience members, by openid (records of people who left are ignored). */
function progressOf(audience: AudienceMember[], progress: LessonProgressDoc[] | undefined) {
  const inAudience = new Set(audience.map((a) => a.openid));
  return new Map(
    (progress ?? []).filter((p) => inAudience.has(p.openid)).map((p) => [p.openid, p]),
  );
}

/**
 * Quiz results of the audience on the CURRENT quiz version: a best score made on a version an
 * edit has replaced is no result (not a taker, not in the average, not passed).
 */
function quizStats(
  lesson: LessonDoc,
  byOpenid: Map<string, LessonProgressDoc>,
): LessonQuizStats | null {
  const count = (lesson.quiz ?? []).length;
  if (count === 0) return null;
  const scores = [...byOpenid.values()]
    .map((p) => bestScoreOf(lesson, p))
    .filter((s): s is number => s !== null);
  const sum = scores.reduce((a, b) => a + b, 0);
  return {
    questionCount: count,
    takers: scores.length,
    average: scores.length ? Math.round((sum / scores.length) * 10) / 10 : null,
    passed: scores.filter((s) => passes(s, count)).length,
  };
}

/** `M月D日` of the day after `day` (UTC+8), for "remind again from …". */
function nextDayLabel(day: string): string {
  const next = chinaDay(dayStart(day).getTime() + 86400_000);
  return `${Number(next.slice(5, 7))}月${Number(next.slice(8, 10))}日`;
}

/**
 * Studied / audience, the quiz results, and who has not studied (by name, 20 a page, with
 * their membership id and party group; no openids). Requests: memberships and the lesson
 * with every study record joined (2, parallel), the branch's active members (1): 3.
 */
export const stats: ActionDef<'lesson', 'stats'> = {
  kind: 'read',
  schema: z.object({ lessonId: idSchema, cursor: cursorSchema.optional() }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'lessonStats', {
      allProgress: true,
    });
    const audience = audienceOf(lesson, await branchMembers(db, lesson.branchId));
    const byOpenid = progressOf(audience, lesson.progress);
    const notStudied = audience.filter((a) => !byOpenid.get(a.openid)?.studiedAt);
    const rest = after === null ? notStudied : notStudied.filter((a) => a.sortKey > after);
    const { page, nextCursor } = slicePage(rest, (last) => last.sortKey);
    const today = chinaDay(new Date());
    return {
      lessonId: lesson._id,
      title: lesson.title,
      status: lesson.status,
      studied: audience.length - notStudied.length,
      audience: audience.length,
      notStudied: page.map((a): NotStudiedPerson => ({
        membershipId: a.membershipId,
        name: a.name,
        partyGroupName: a.partyGroupName,
      })),
      nextCursor,
      quiz: quizStats(lesson, byOpenid),
      remindedOn: lesson.remindedOn ?? null,
      canRemind:
        lesson.status === 'published' && notStudied.length > 0 && lesson.remindedOn !== today,
    };
  },
};

type OverviewRow = LessonDoc & { progress?: LessonProgressDoc[] };

/**
 * The branch's last 10 published lessons with studied / audience and the quiz average.
 * Requests: memberships (1), then in parallel the lessons with their study records joined by
 * `$lookup` (1, index `branchId_status_listAt`, then `lessonId_openid`) and the branch's
 * active members (1): 3.
 */
export const overview: ActionDef<'lesson', 'overview'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'lessonOverview', { branchId: data.branchId })) throw forbidden();
    const [res, members] = await Promise.all([
      db
        .collection(COLLECTIONS.lessons)
        .aggregate()
        .match({ branchId: data.branchId, status: 'published' })
        .sort({ listAt: -1 })
        .limit(OVERVIEW_LESSONS)
        .lookup({
          from: COLLECTIONS.lessonProgress,
          localField: '_id',
          foreignField: 'lessonId',
          as: 'progress',
        })
        .project({ body: 0 })
        .end(),
      branchMembers(db, data.branchId),
    ]);
    const rows = (res as unknown as { list?: OverviewRow[] }).list ?? [];
    return {
      branchId: data.branchId,
      members: members.length,
      items: rows.map((lesson) => {
        const audience = audienceOf(lesson, members);
        const byOpenid = progressOf(audience, lesson.progress);
        const quiz = quizStats(lesson, byOpenid);
        return {
          lessonId: lesson._id,
          title: lesson.title,
          publishedAt: iso(lesson.publishedAt ?? lesson.listAt),
          studied: [...byOpenid.values()].filter((p) => !!p.studiedAt).length,
          audience: audience.length,
          questionCount: (lesson.quiz ?? []).length,
          quizAverage: quiz?.average ?? null,
          quizTakers: quiz?.takers ?? 0,
        };
      }),
    };
  },
};

/**
 * A subscribe message to every audience member who has not studied the lesson (all of them:
 * the day is used once, so nobody may be left for "later today"; see `SEND_BATCH`), at most
 * once a day (UTC+8) per lesson: the conditional update on `remindedOn`
 * lets one call a day through however many race. The day is claimed only when someone is to
 * be reminded and given back when every send failed. Not wrapped in the requestId marker
 * (`idempotent: false`): a retry after success is RATE_LIMITED and sends nothing. Requests:
 * memberships and the lesson with its study records (2, parallel), the branch's active
 * members (1), the day mark (1), giving it back (1, only when every send failed): at most 5.
 */
export const remind: ActionDef<'lesson', 'remind'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ lessonId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'remindLesson', {
      allProgress: true,
    });
    if (lesson.status !== 'published') throw new AppError('CONFLICT', MSG.notPublished);
    const today = chinaDay(new Date());
    const limited = () =>
      new AppError(
        'RATE_LIMITED',
        `今天已经提醒过了，每节课每天只能提醒一次，请于${nextDayLabel(today)}再试`,
        { nextAllowedOn: chinaDay(dayStart(today).getTime() + 86400_000) },
      );
    if (lesson.remindedOn === today) throw limited();
    const audience = audienceOf(lesson, await branchMembers(db, lesson.branchId));
    const byOpenid = progressOf(audience, lesson.progress);
    const pending = audience.filter((a) => !byOpenid.get(a.openid)?.studiedAt);
    if (pending.length === 0) return { lessonId: lesson._id, sent: 0, skipped: 0 };

    const _ = db.command;
    const coll = db.collection(COLLECTIONS.lessons);
    const claim = await coll
      .where({ _id: lesson._id, remindedOn: _.neq(today) })
      .update({ data: { remindedOn: today } });
    if (updatedCount(claim) !== 1) throw limited();

    let sent = 0;
    for (let i = 0; i < pending.length; i += SEND_BATCH) {
      const results = await Promise.allSettled(
        pending.slice(i, i + SEND_BATCH).map((a) =>
          cloud.openapi.subscribeMessage.send({
            touser: a.openid,
            templateId: LESSON_TEMPLATE_ID,
            page: `${LESSON_PAGE}?id=${lesson._id}`,
            data: {
              thing1: { value: lesson.title.slice(0, 20) },
              thing2: { value: `约${lesson.minutes}分钟，请抽空学习` },
            },
          } as never),
        ),
      );
      sent += results.filter((r) => r.status === 'fulfilled').length;
    }
    if (sent === 0) {
      // Nobody was reached: give the day back so a later attempt may try again.
      await coll
        .where({ _id: lesson._id, remindedOn: today })
        .update({ data: { remindedOn: lesson.remindedOn ?? null } });
    }
    return { lessonId: lesson._id, sent, skipped: pending.length - sent };
  },
};
