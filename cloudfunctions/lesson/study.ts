/**
 * Studying: the list of lessons for the caller, the reader (`get`), "I have studied it"
 * (`complete`) and the quiz, graded here so that answers never travel before a submission.
 */
import * as z from 'zod';
import type {
  LessonBlock,
  LessonDetail,
  LessonEditable,
  LessonItem,
  QuizQuestionResult,
} from '../../typings/api';
import { AppError, COLLECTIONS, can, fetchAll, toTime, type ActionDef } from '../common';
import type { LessonBlockDoc, LessonDoc, LessonProgressDoc, MembershipDoc } from '../common/model';
import {
  PAGE,
  activeIn,
  decodeCursor,
  encodeCursor,
  isDuplicateKey,
  loadActor,
  updatedCount,
} from '../common/util';
import { bodyFiles, richTextNodes } from './content';
import { award, passes, todayEntries } from './points';
import {
  MSG,
  bestKey,
  bestScoreOf,
  branchGroups,
  cursorSchema,
  forbidden,
  idSchema,
  inAudience,
  lessonFor,
  lessonItem,
  myGroup,
  progressId,
  questionViews,
  quizVersionOf,
  tempUrls,
  type LessonWithMine,
} from './shared';

type ListCursor = { t: number };
const isListCursor = (v: unknown): v is ListCursor =>
  typeof v === 'object' && v !== null && typeof (v as ListCursor).t === 'number';

/**
 * Published lessons for the caller, newest first; composers also page through drafts,
 * scheduled and held lessons (newest change first) and see every published lesson of the
 * branch. "Unstudied first" is applied WITHIN each page of 20: the page is the next 20
 * lessons by publication time, then the caller's unstudied ones are put before the studied
 * ones. That keeps the list at three requests and its pages stable (a lesson never moves to
 * another page because it was studied meanwhile); a branch publishes a few lessons a month,
 * so the first page holds everything recent. Requests: memberships (1), the page (1, index
 * `branchId_status_listAt`; a member's audience is `audienceKeys $in ['all', their group]`),
 * the caller's study records of the page (1, `lessonId_openid`): 3.
 *
 * `branchId` is optional (the 学习 tab has no query): without it the branch is the caller's
 * own, read from the memberships already loaded (no extra request), by the rule of `myBranch`.
 * No active membership → `items: []`, `branchId: null` (1 request), not an error.
 */
export const list: ActionDef<'lesson', 'list'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema.optional(),
    cursor: cursorSchema.optional(),
    status: z.enum(['published', 'draft', 'scheduled', 'held']).optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const cursor = decodeCursor(data.cursor, isListCursor);
    const { actor, docs } = await loadActor(db, openid);
    const status = data.status ?? 'published';
    const own = data.branchId ? activeIn(docs, openid, data.branchId) : myBranch(docs, openid);
    const branchId = data.branchId ?? own?.orgId;
    if (!branchId) {
      // No branch asked for and none to be had: not an error, the page leads to joining.
      if (status !== 'published') throw forbidden();
      return { items: [], nextCursor: null, canCompose: false, branchId: null, branch: null };
    }
    const branch = { branchId };
    if (!can(actor, 'listLessons', branch)) throw forbidden();
    const composer = can(actor, 'listUnpublishedLessons', branch);
    if (status !== 'published' && !composer) throw forbidden();
    const group = myGroup(docs, openid, branchId) ?? null;
    const _ = db.command;
    const where: Record<string, unknown> = { branchId, status };
    // Members see the lessons meant for them; composers see the whole branch's.
    if (status === 'published' && !composer) {
      where.audienceKeys = _.in(group ? ['all', group] : ['all']);
    }
    if (cursor) where.listAt = _.lt(new Date(cursor.t));
    const rows = await fetchAll<LessonDoc>(
      db
        .collection(COLLECTIONS.lessons)
        .where(where)
        .orderBy('listAt', 'desc')
        .field({ body: false })
        .limit(PAGE + 1),
    );
    const page = rows.slice(0, PAGE);
    const nextCursor =
      rows.length > PAGE ? encodeCursor({ t: toTime(page[page.length - 1].listAt) }) : null;
    const ids = page.map((l) => l._id);
    const [progress, urls] = await Promise.all([
      status === 'published' && ids.length
        ? fetchAll<LessonProgressDoc>(
            db
              .collection(COLLECTIONS.lessonProgress)
              .where({ lessonId: _.in(ids), openid })
              .limit(PAGE),
          )
        : Promise.resolve([] as LessonProgressDoc[]),
      tempUrls(
        cloud,
        page.map((l) => l.coverFileID),
      ),
    ]);
    const mine = new Map(progress.map((p) => [p.lessonId, p]));
    const items: LessonItem[] = page.map((l) =>
      lessonItem(l, urls, mine.get(l._id), inAudience(l, group)),
    );
    if (status === 'published') {
      // Stable: newest first within the unstudied part and within the studied part.
      items.sort((a, b) => Number(a.studied) - Number(b.studied));
    }
    return {
      items,
      nextCursor,
      canCompose: can(actor, 'composeLesson', branch),
      branchId,
      branch: own
        ? {
            branchId,
            branchName: own.branchName ?? '',
            committeeId: own.committeeId ?? '',
            role: own.role,
          }
        : null,
    };
  },
};

/**
 * The caller's branch when `list` is not told one: the branch of their active membership.
 * The database keeps one active full membership per person (unique `fullKey`); should more
 * than one be active all the same, the earliest joined wins (then the smaller `_id`), the
 * order of `branch.me` and of the client's `branchOf`, so the 学习 tab and 首页 agree.
 */
function myBranch(docs: MembershipDoc[], openid: string): MembershipDoc | undefined {
  return docs
    .filter((d) => d.openid === openid && d.status === 'active')
    .sort((a, b) => toTime(a.joinedAt) - toTime(b.joinedAt) || (a._id < b._id ? -1 : 1))[0];
}

function editableOf(
  lesson: LessonDoc,
  groups: { groupId: string; name: string }[],
): LessonEditable {
  const body = lesson.body.map((b: LessonBlockDoc): LessonBlock => {
    if (b.type === 'img') return b.alt ? { type: 'img', fileID: b.fileID, alt: b.alt } : b;
    return b;
  });
  return {
    title: lesson.title,
    summary: lesson.summary,
    body,
    coverFileID: lesson.coverFileID,
    media: lesson.media,
    minutes: lesson.minutes,
    audience:
      lesson.audience.kind === 'branch'
        ? { kind: 'branch' }
        : { kind: 'groups', groupIds: [...lesson.audience.groupIds] },
    quiz: lesson.quiz.map((q) => ({
      questionId: q.questionId,
      text: q.text,
      kind: q.kind,
      options: [...q.options],
      answer: [...q.answer],
      ...(q.explanation ? { explanation: q.explanation } : {}),
    })),
    groups,
    needsReview: lesson.needsReview,
  };
}

/**
 * The reader. A member gets the lesson with its questions but never their answers or
 * explanations (the view is built field by field), and only when it is meant for them (the
 * audience rule, `assertAudience`); a composer also gets `editable` (the lesson as written,
 * answers included), since they are the ones who edit it. `my.bestScore` and `my.passed`
 * are of the current quiz version only (`bestScoreOf`). Requests:
 * memberships and the lesson with the caller's study record and reflection joined (2,
 * parallel), and for composers the party groups (1): at most 3.
 */
export const get: ActionDef<'lesson', 'get'> = {
  kind: 'read',
  schema: z.object({ lessonId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const { actor, docs, lesson, composer, resource } = await lessonFor(
      db,
      openid,
      data.lessonId,
      'readLesson',
      { reflections: true, audience: true },
    );
    const [groups, urls] = await Promise.all([
      composer ? branchGroups(db, lesson.branchId) : Promise.resolve([]),
      tempUrls(cloud, [lesson.coverFileID, lesson.media?.fileID, ...bodyFiles(lesson.body)]),
    ]);
    const group = myGroup(docs, openid, lesson.branchId) ?? null;
    const mine = lesson.mine;
    const best = bestScoreOf(lesson, mine);
    const detail: LessonDetail = {
      ...lessonItem(lesson, urls, mine, inAudience(lesson, group)),
      nodes: richTextNodes(lesson.body, urls),
      media: lesson.media
        ? {
            kind: lesson.media.kind,
            fileID: lesson.media.fileID,
            url: urls.get(lesson.media.fileID) ?? null,
          }
        : null,
      questions: questionViews(lesson),
      my: {
        studied: !!mine?.studiedAt,
        studiedAt: mine?.studiedAt ? new Date(toTime(mine.studiedAt)).toISOString() : null,
        bestScore: best,
        attempts: mine?.attempts ?? 0,
        passed: best !== null && passes(best, lesson.quiz.length),
      },
      canManage: composer,
      canModerate: can(actor, 'moderateLesson', resource),
      reflectionCount: lesson.reflectionCount ?? 0,
    };
    if (composer) detail.editable = editableOf(lesson, groups);
    return detail;
  },
};

/**
 * Loads what `complete` and `submitQuiz` need and checks the caller may study it: a member
 * of the branch (else FORBIDDEN), the lesson published (a member is told NOT_FOUND for a
 * draft, a composer CONFLICT) and meant for the caller (the audience rule of `lessonFor`,
 * else FORBIDDEN). Requests: memberships, the lesson with the caller's study record, and
 * today's points entries (3, parallel).
 */
async function studyContext(
  db: Parameters<typeof loadActor>[0],
  openid: string,
  lessonId: string,
  action: 'completeLesson' | 'submitQuiz',
  now: Date,
) {
  const [ctx, today] = await Promise.all([
    lessonFor(db, openid, lessonId, action, { audience: true }),
    todayEntries(db, openid, now),
  ]);
  const lesson: LessonWithMine = ctx.lesson;
  if (lesson.status !== 'published') throw new AppError('CONFLICT', MSG.notPublished);
  return { lesson, today };
}

/**
 * "I have studied it" (the member reached the end and confirmed; never a timer). One study
 * record per (lesson, member): its `_id` is derived from both, so concurrent calls insert
 * once; the points entry is unique the same way. Not wrapped in the requestId marker
 * (`idempotent: false`): a repeat answers `firstTime: false` and awards nothing, and it
 * retries a points entry a crashed first call may have missed. Requests: 3 (parallel, see
 * `studyContext`), the study record (1), the points entry (1): at most 5.
 */
export const complete: ActionDef<'lesson', 'complete'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ lessonId: idSchema }),
  async handler(data, { openid, db }) {
    const now = new Date();
    const { lesson, today } = await studyContext(db, openid, data.lessonId, 'completeLesson', now);
    let firstTime = false;
    let studiedAt = lesson.mine?.studiedAt ? new Date(toTime(lesson.mine.studiedAt)) : null;
    if (!studiedAt) {
      const id = progressId(lesson._id, openid);
      const record: LessonProgressDoc = {
        _id: id,
        lessonId: lesson._id,
        openid,
        branchId: lesson.branchId,
        studiedAt: now,
        quizBest: {},
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await db.collection(COLLECTIONS.lessonProgress).add({ data: record });
        firstTime = true;
      } catch (err) {
        // A concurrent `complete` of the same member got there first.
        if (!isDuplicateKey(err)) throw err;
      }
      studiedAt = now;
    }
    const points = await award(db, { openid, reason: 'lessonStudied', lesson, now, today });
    return { lessonId: lesson._id, studiedAt: studiedAt.toISOString(), firstTime, points };
  },
};

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Grades the answers on the server: a single-choice question is right with its one option, a
 * multiple-choice question only with exactly its set of options (all-or-nothing). Retries are
 * allowed; the best score is kept per quiz version (`quizBest.v<quizVersion>`, raised with
 * `$max`, so concurrent attempts cannot lower it; the keys of other versions are removed in
 * the same update, so the first attempt after an edit of the questions replaces the old
 * best). The first passing attempt (≥ 60 %) earns points once per lesson (unique ledger
 * entry; passing an edited quiz again earns nothing more). Answers and
 * explanations are returned here, after the member has committed to theirs. Study first
 * (`CONFLICT`): the quiz sits at the end of the lesson. Not wrapped in the requestId marker
 * (`idempotent: false`): a repeated submission is one more attempt, which cannot lower the
 * best score or award twice. Requests: 3 (parallel), the study record (1), the points entry
 * when passed (1): at most 5.
 */
export const submitQuiz: ActionDef<'lesson', 'submitQuiz'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    lessonId: idSchema,
    answers: z
      .array(
        z.object({
          questionId: z.string().min(1).max(24),
          choices: z
            .array(z.number().int().min(0).max(9))
            .max(10)
            .refine((c) => new Set(c).size === c.length, '选项有重复'),
        }),
      )
      .max(10, '答案最多 10 题')
      .refine(
        (as) => new Set(as.map((a) => a.questionId)).size === as.length,
        '同一道题只能作答一次',
      ),
  }),
  async handler(data, { openid, db }) {
    const now = new Date();
    const { lesson, today } = await studyContext(db, openid, data.lessonId, 'submitQuiz', now);
    if (lesson.quiz.length === 0) throw new AppError('CONFLICT', MSG.noQuiz);
    if (!lesson.mine?.studiedAt) throw new AppError('CONFLICT', MSG.studyFirst);
    const given = new Map(data.answers.map((a) => [a.questionId, a.choices]));
    const results: QuizQuestionResult[] = lesson.quiz.map((q) => {
      const chosen = [...(given.get(q.questionId) ?? [])].sort((a, b) => a - b);
      return {
        questionId: q.questionId,
        correct: sameSet(chosen, q.answer),
        chosen,
        answer: [...q.answer],
        explanation: q.explanation || null,
      };
    });
    const score = results.filter((r) => r.correct).length;
    const total = lesson.quiz.length;
    const key = bestKey(quizVersionOf(lesson));
    const _ = db.command;
    // Graded against the version read above: if an edit lands meanwhile, this score goes to
    // the old version's key and counts for nothing on the new quiz, as it should.
    const stale = Object.keys(lesson.mine.quizBest ?? {}).filter((k) => k !== key);
    const res = await db
      .collection(COLLECTIONS.lessonProgress)
      .where({ _id: lesson.mine._id })
      .update({
        data: {
          attempts: _.inc(1),
          [`quizBest.${key}`]: _.max(score),
          ...Object.fromEntries(stale.map((k) => [`quizBest.${k}`, _.remove()])),
          updatedAt: now,
        },
      });
    if (updatedCount(res) !== 1) throw new Error('study record vanished');
    const passed = passes(score, total);
    const points = passed
      ? await award(db, { openid, reason: 'quizPassed', lesson, now, today })
      : null;
    return {
      lessonId: lesson._id,
      score,
      total,
      passed,
      bestScore: Math.max(score, bestScoreOf(lesson, lesson.mine) ?? 0),
      attempts: (lesson.mine.attempts ?? 0) + 1,
      results,
      points,
    };
  },
};
