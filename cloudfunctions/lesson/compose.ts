/**
 * Writing lessons: compose, edit, publish now or on schedule (the `publishScheduled` timer),
 * back to draft, remove, and the secretary's release of a held lesson.
 *
 * Content security runs on every save over all the lesson's text. `risky` refuses the save
 * (CONTENT_RISKY); `review` saves it but a lesson meant to go out is `held` instead, with the
 * composer's intent (now / at a time) kept in `heldIntent` for `moderate` to apply. A lesson
 * stays with members only while `published`; study records, reflections and points are
 * never touched by an edit. An edit of the quiz's questions, options or answers starts a new
 * quiz version (`quizVersion`), on which earlier best scores no longer count.
 */
import * as z from 'zod';
import type { LessonContentInput } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  type ActionDef,
  type Database,
  type TimerContext,
} from '../common';
import type { LessonDoc, QuizQuestionDoc } from '../common/model';
import { activeIn, loadActor, newId, updatedCount } from '../common/util';
import {
  bodyDoc,
  checkContent,
  checkFiles,
  contentShape,
  defaultSummary,
  estimateMinutes,
  quizDoc,
} from './content';
import { LIMITS, MSG, branchGroups, forbidden, idSchema, lessonFor, writeResponse } from './shared';

/** A schedule must lie at least this far ahead (the timer runs every 5 minutes)… */
const MIN_LEAD_MS = 5 * 60_000;
/** …and at most this far. */
const MAX_LEAD_MS = 60 * 86400_000;
/** Lessons the timer publishes per run (the rest follow on the next run). */
const TIMER_BATCH = 100;

const publishAtSchema = z.iso
  .datetime({ offset: true, message: '请填写正确的发布时间' })
  .refine((v) => {
    const lead = Date.parse(v) - Date.now();
    return lead >= MIN_LEAD_MS && lead <= MAX_LEAD_MS;
  }, '定时发布时间应在 5 分钟后到 60 天内');

type Audience = LessonDoc['audience'];

/**
 * What grading depends on, in order: each question's id, text, kind, options and answers. Not
 * the explanations (shown after grading, they change no result), nor the title or the body.
 */
function quizFingerprint(quiz: QuizQuestionDoc[]): string {
  return JSON.stringify(quiz.map((q) => [q.questionId, q.text, q.kind, q.options, q.answer]));
}

/**
 * The audience as stored (group names copied for display) and its `audienceKeys`. Group ids
 * must be party groups of the branch (`NOT_FOUND` otherwise).
 */
function audienceDoc(
  input: LessonContentInput['audience'],
  groups: { groupId: string; name: string }[],
): { audience: Audience; audienceKeys: string[] } {
  if (!input || input.kind === 'branch') {
    return { audience: { kind: 'branch' }, audienceKeys: ['all'] };
  }
  const names = input.groupIds.map((id) => groups.find((g) => g.groupId === id)?.name);
  if (names.some((n) => n === undefined)) throw new AppError('NOT_FOUND', MSG.groupNotFound);
  return {
    audience: { kind: 'groups', groupIds: input.groupIds, groupNames: names as string[] },
    audienceKeys: [...input.groupIds],
  };
}

/** The stored content fields of a composer's input. */
function contentFields(data: LessonContentInput, groups: { groupId: string; name: string }[]) {
  const quiz = quizDoc(data.quiz);
  return {
    title: data.title,
    summary: data.summary || defaultSummary(data.body),
    body: bodyDoc(data.body),
    coverFileID: data.coverFileID ?? null,
    media: data.media ? { kind: data.media.kind, fileID: data.media.fileID } : null,
    minutes: data.minutes ?? estimateMinutes(data.body, quiz.length),
    ...audienceDoc(data.audience, groups),
    quiz,
  };
}

/** Where a lesson goes when the composer publishes now (`at` null) or at `at`. */
function publication(verdict: 'pass' | 'review', at: Date | null, now: Date) {
  if (verdict === 'review') {
    return {
      status: 'held' as const,
      heldIntent: { publishAt: at },
      publishAt: at,
      publishedAt: null,
      listAt: now,
    };
  }
  if (at) {
    return {
      status: 'scheduled' as const,
      heldIntent: null,
      publishAt: at,
      publishedAt: null,
      listAt: at,
    };
  }
  return {
    status: 'published' as const,
    heldIntent: null,
    publishAt: null,
    publishedAt: now,
    listAt: now,
  };
}

/** The composer's groups are read only when the audience names some (saves a request). */
async function groupsFor(db: Database, branchId: string, data: LessonContentInput) {
  return data.audience?.kind === 'groups' ? branchGroups(db, branchId) : [];
}

/** Requests: memberships and party groups (2, parallel). */
export const composeOptions: ActionDef<'lesson', 'composeOptions'> = {
  kind: 'read',
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db }) {
    const [{ actor, docs }, groups] = await Promise.all([
      loadActor(db, openid),
      branchGroups(db, data.branchId),
    ]);
    if (!can(actor, 'composeLesson', { branchId: data.branchId })) throw forbidden();
    const mine = activeIn(docs, openid, data.branchId)!;
    return { branchId: data.branchId, branchName: mine.branchName ?? '', groups, limits: LIMITS };
  },
};

/**
 * A draft, a lesson published now (`publish`) or scheduled (`publishAt`). Requests:
 * memberships and (when the audience names groups) the party groups (1–2, parallel), insert
 * (1); with a requestId 2 more: at most 5.
 */
export const create: ActionDef<'lesson', 'create'> = {
  kind: 'write',
  schema: z
    .object({
      branchId: idSchema,
      ...contentShape,
      publish: z.boolean().optional(),
      publishAt: publishAtSchema.optional(),
    })
    .superRefine((v, ctx) => {
      if (v.publish && v.publishAt) {
        ctx.addIssue({
          code: 'custom',
          path: ['publishAt'],
          message: '立即发布与定时发布只能选一个',
        });
      }
    }),
  async handler(data, { openid, db, cloud }) {
    const [{ actor, docs }, groups] = await Promise.all([
      loadActor(db, openid),
      groupsFor(db, data.branchId, data),
    ]);
    if (!can(actor, 'composeLesson', { branchId: data.branchId })) throw forbidden();
    checkFiles(cloud, data);
    const fields = contentFields(data, groups);
    const verdict = await checkContent(cloud, openid, data);
    const mine = activeIn(docs, openid, data.branchId)!;
    const now = new Date();
    const at = data.publishAt ? new Date(data.publishAt) : null;
    const out =
      data.publish || at
        ? publication(verdict, at, now)
        : {
            status: 'draft' as const,
            heldIntent: null,
            publishAt: null,
            publishedAt: null,
            listAt: now,
          };
    const lesson: LessonDoc = {
      _id: newId(),
      branchId: data.branchId,
      committeeId: mine.committeeId ?? '',
      ...fields,
      quizVersion: 0,
      ...out,
      needsReview: verdict === 'review',
      authorOpenid: openid,
      authorName: mine.realName ?? '',
      createdAt: now,
      updatedAt: now,
      remindedOn: null,
    };
    await db.collection(COLLECTIONS.lessons).add({ data: lesson });
    return writeResponse(lesson._id, lesson.status, lesson.publishAt, lesson.publishedAt);
  },
};

/**
 * Replaces the content (a form saved whole). A published lesson stays published unless the
 * new text needs review (then `held`, hidden from members, until released); a held one whose
 * new text passes goes ahead as its composer asked (now, or at its time when still ahead); a
 * draft or scheduled one keeps its status (a scheduled one is held when its new text needs
 * review).
 *
 * When the quiz's questions, options or answers change, `quizVersion` goes up by one (`$inc`,
 * so two racing edits make two versions): a best score of the earlier version no longer
 * means the member passed THIS quiz, so it counts for nothing (not passed, not in the
 * average) until they answer again. Study records stay (issue #5: "edits after publishing
 * keep study records"), and so do points already awarded (the ledger is append-only;
 * `quizPassed` stays once per lesson, whatever the version).
 *
 * Not wrapped in the requestId marker (`idempotent: false`): saving the same content again is
 * the same outcome (the same quiz makes no new version). Requests: memberships and the lesson
 * (2, parallel), the party groups when the audience names some (1), the conditional update
 * (1): at most 4.
 */
export const update: ActionDef<'lesson', 'update'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ lessonId: idSchema, ...contentShape }),
  async handler(data, { openid, db, cloud }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'composeLesson');
    checkFiles(cloud, data);
    const groups = await groupsFor(db, lesson.branchId, data);
    const fields = contentFields(data, groups);
    const verdict = await checkContent(cloud, openid, data);
    const now = new Date();
    let state: Partial<LessonDoc> = {};
    if (verdict === 'review' && (lesson.status === 'published' || lesson.status === 'scheduled')) {
      // Members stop seeing it until the secretary has looked; their study records stay.
      state = {
        status: 'held',
        heldIntent: { publishAt: lesson.status === 'scheduled' ? lesson.publishAt : null },
        listAt: now,
      };
    } else if (verdict === 'pass' && lesson.status === 'held') {
      // The text that needed review is gone: what the composer asked for goes ahead.
      const at = lesson.heldIntent?.publishAt ? new Date(lesson.heldIntent.publishAt) : null;
      state = publication('pass', at && at.getTime() > now.getTime() ? at : null, now);
    } else if (lesson.status === 'draft') {
      state = { listAt: now };
    }
    const _ = db.command;
    const quizChanged = quizFingerprint(fields.quiz) !== quizFingerprint(lesson.quiz ?? []);
    const change: Record<string, unknown> = {
      ...fields,
      ...state,
      ...(quizChanged ? { quizVersion: _.inc(1) } : {}),
      needsReview: verdict === 'review',
      updatedAt: now,
    };
    const res = await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id, status: lesson.status })
      .update({ data: change });
    if (updatedCount(res) !== 1) {
      throw new AppError('CONFLICT', '这节微党课刚被他人修改，请刷新后重试');
    }
    const after = { ...lesson, ...state };
    return writeResponse(lesson._id, after.status, after.publishAt, after.publishedAt);
  },
};

/**
 * A draft (or a scheduled lesson) published now or scheduled for `publishAt`; held when its
 * text needs review. Requests: memberships and the lesson (2, parallel), conditional update
 * (1); with a requestId 5.
 */
export const publish: ActionDef<'lesson', 'publish'> = {
  kind: 'write',
  schema: z.object({ lessonId: idSchema, publishAt: publishAtSchema.optional() }),
  async handler(data, { openid, db }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'composeLesson');
    if (lesson.status === 'published') throw new AppError('CONFLICT', MSG.alreadyPublished);
    if (lesson.status === 'held') throw new AppError('CONFLICT', '这节微党课正在等待书记审核');
    const now = new Date();
    const at = data.publishAt ? new Date(data.publishAt) : null;
    const out = publication(lesson.needsReview ? 'review' : 'pass', at, now);
    const res = await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id, status: lesson.status })
      .update({ data: { ...out, updatedAt: now } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', '这节微党课的状态已变化，请刷新');
    return writeResponse(lesson._id, out.status, out.publishAt, out.publishedAt);
  },
};

/** A scheduled or held lesson back to draft. Requests: 2 (parallel) + update (1) + marker (2). */
export const unschedule: ActionDef<'lesson', 'unschedule'> = {
  kind: 'write',
  schema: z.object({ lessonId: idSchema }),
  async handler(data, { openid, db }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'composeLesson');
    if (lesson.status !== 'scheduled' && lesson.status !== 'held') {
      throw new AppError('CONFLICT', '只有定时发布或待审核的微党课可以转为草稿');
    }
    const now = new Date();
    const res = await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id, status: lesson.status })
      .update({
        data: { status: 'draft', publishAt: null, heldIntent: null, listAt: now, updatedAt: now },
      });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', '这节微党课的状态已变化，请刷新');
    return writeResponse(lesson._id, 'draft', null, null);
  },
};

/**
 * Removes a lesson from every list (soft: study records, reflections and points stay, and an
 * id in an old reminder answers NOT_FOUND). Requests: 2 (parallel) + update (1) + marker (2).
 */
export const remove: ActionDef<'lesson', 'remove'> = {
  kind: 'write',
  schema: z.object({ lessonId: idSchema }),
  async handler(data, { openid, db }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'composeLesson');
    await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id })
      .update({ data: { status: 'removed', updatedAt: new Date() } });
    return writeResponse(lesson._id, 'removed', null, lesson.publishedAt);
  },
};

/**
 * The secretary or deputy releases a held lesson (published now, or scheduled when its time
 * is still ahead) or sends it back to draft. Requests: 2 (parallel) + update (1) + marker (2).
 */
export const moderate: ActionDef<'lesson', 'moderate'> = {
  kind: 'write',
  schema: z.object({ lessonId: idSchema, approve: z.boolean() }),
  async handler(data, { openid, db }) {
    const { lesson } = await lessonFor(db, openid, data.lessonId, 'moderateLesson');
    if (lesson.status !== 'held') throw new AppError('CONFLICT', MSG.notHeld);
    const now = new Date();
    const at = lesson.heldIntent?.publishAt ?? null;
    const ahead = at !== null && new Date(at).getTime() > now.getTime();
    const out = data.approve
      ? { ...publication('pass', ahead ? new Date(at) : null, now), needsReview: false }
      : {
          status: 'draft' as const,
          heldIntent: null,
          publishAt: null,
          publishedAt: null,
          listAt: now,
        };
    const res = await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id, status: 'held' })
      .update({ data: { ...out, updatedAt: now } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.notHeld);
    return writeResponse(lesson._id, out.status, out.publishAt, out.publishedAt);
  },
};

/**
 * Timer `publishScheduled` (config.json, every 5 minutes): scheduled lessons whose time has
 * come become published. Each is a conditional update on its own `status: 'scheduled'`, so
 * an `unschedule` racing the timer wins or loses cleanly, and two overlapping runs publish
 * each lesson once. `publishedAt` is the chosen time (the list order the composer meant).
 * Requests: the due lessons (1, index `status_publishAt`) + one update each.
 */
export async function publishScheduled({ db }: TimerContext): Promise<void> {
  const _ = db.command;
  const now = new Date();
  const due = await fetchAll<Pick<LessonDoc, '_id' | 'publishAt'>>(
    db
      .collection(COLLECTIONS.lessons)
      .where({ status: 'scheduled', publishAt: _.lte(now) })
      .orderBy('publishAt', 'asc')
      .field({ publishAt: true })
      .limit(TIMER_BATCH),
  );
  for (const lesson of due) {
    const at = lesson.publishAt ? new Date(lesson.publishAt) : now;
    await db
      .collection(COLLECTIONS.lessons)
      .where({ _id: lesson._id, status: 'scheduled', publishAt: _.lte(now) })
      .update({
        data: { status: 'published', publishedAt: at, listAt: at, heldIntent: null },
      });
  }
}
