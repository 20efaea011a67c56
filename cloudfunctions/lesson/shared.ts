/** Helpers shared by the `lesson` actions: messages, limits, loading, audience, views. */
import { createHash } from 'crypto';
import * as z from 'zod';
import type {
  LessonAudienceView,
  LessonItem,
  LessonLimits,
  LessonWriteResponse,
  QuizQuestionView,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  type Actor,
  type Cloud,
  type Database,
  type MembershipDoc,
  type PolicyAction,
} from '../common';
import type {
  LessonDoc,
  LessonProgressDoc,
  LessonReflectionDoc,
  PartyGroupDoc,
} from '../common/model';
import { isoOrNull, iso, loadActor } from '../common/util';
import { ownOnly } from '../common/db';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  lessonNotFound: '未找到该微党课',
  notForYou: '这节微党课不在您的学习范围内',
  notPublished: '这节微党课尚未发布',
  removed: '这节微党课已删除',
  studyFirst: '请先学完本课并点击「我已学完」，再答题',
  noQuiz: '这节微党课没有测试题',
  alreadyPublished: '这节微党课已经发布了',
  notHeld: '这节微党课不在待审核状态',
  groupNotFound: '未找到所选党小组，请刷新后重新选择',
  reflectionNotFound: '未找到该学习心得',
  reflectionExists: '您已在这节课下发表过学习心得',
  topicNotFound: '未找到该点题',
  alreadySupported: '您已支持过这个点题',
  topicClosed: '这个点题已被采纳，无需再支持',
  topicHeld: '这个点题正在审核中',
  nothingToRemind: '所有应学党员都已学完，无需提醒',
  linkUnpublished: '只能关联本支部已发布的微党课，请先发布这节课',
  linkGroupOnly: '点题是全支部提出的，只能关联学习对象为全体党员的微党课',
} as const;

export const forbidden = (message: string = MSG.forbidden) => new AppError('FORBIDDEN', message);
export const notFound = () => new AppError('NOT_FOUND', MSG.lessonNotFound);

/** Limits of the composer form, enforced by the schemas (and sent by `composeOptions`). */
export const LIMITS: LessonLimits = {
  titleMax: 40,
  summaryMax: 120,
  blocksMax: 60,
  textMax: 6000,
  minutesMax: 15,
  questionsMax: 10,
  optionsMin: 2,
  optionsMax: 6,
  optionMax: 60,
  questionMax: 200,
  explanationMax: 300,
  reflectionMax: 300,
  topicTitleMax: 40,
  topicDetailMax: 200,
};

/** A quiz is passed at 60 % of its questions right. */
export const PASS_PERCENT = 60;

// ---------------------------------------------------------------- quiz versions

/** The lesson's quiz version (lessons saved before versions existed: 0). */
export function quizVersionOf(lesson: Pick<LessonDoc, 'quizVersion'>): number {
  return lesson.quizVersion ?? 0;
}

/** The `quizBest` key of a quiz version. */
export function bestKey(version: number): string {
  return `v${version}`;
}

/**
 * The member's best score on the lesson's CURRENT quiz, or null: no attempt yet, or only
 * attempts on a version an edit has since replaced (those say nothing about this quiz).
 */
export function bestScoreOf(
  lesson: Pick<LessonDoc, 'quizVersion'>,
  progress: Pick<LessonProgressDoc, 'quizBest'> | null | undefined,
): number | null {
  const best = progress?.quizBest?.[bestKey(quizVersionOf(lesson))];
  return typeof best === 'number' ? best : null;
}

/** Largest audience read in one request (the SDK returns at most 1000 documents per query). */
export const MAX_AUDIENCE = 1000;

// ---------------------------------------------------------------- schemas

export const idSchema = z.string().trim().min(1).max(64);
/** Cursors are opaque, built by this function (`encodeCursor`). */
export const cursorSchema = z.string().min(1).max(400);

// ---------------------------------------------------------------- ids

/** One study record per (lessonId, openid): derived, so a second insert collides on `_id`. */
export function progressId(lessonId: string, openid: string): string {
  return `p${createHash('sha256').update(`${lessonId}\n${openid}`).digest('hex').slice(0, 31)}`;
}

/** One reflection per (lessonId, openid): derived like `progressId`. */
export function reflectionId(lessonId: string, openid: string): string {
  return `f${createHash('sha256').update(`${lessonId}\n${openid}`).digest('hex').slice(0, 31)}`;
}

// ---------------------------------------------------------------- loading

/** The lesson with what the caller needs of its progress and reflections, joined in one request. */
export interface LessonWithMine extends LessonDoc {
  /** The caller's study record, or null. */
  mine: LessonProgressDoc | null;
  /** Every study record of the lesson (only when asked for: stats, remind). */
  progress?: LessonProgressDoc[];
  /** The caller's reflection on the lesson, or null (only when asked for). */
  myReflection?: LessonReflectionDoc | null;
  /** Visible reflections (only when asked for). */
  reflectionCount?: number;
}

interface JoinOptions {
  /** Keep every study record (stats, reminders) instead of the caller's alone. */
  allProgress?: boolean;
  /** Join the caller's reflection and count the visible ones. */
  reflections?: boolean;
}

interface LessonForOptions extends JoinOptions {
  /**
   * The caller must be in the lesson's audience (`assertAudience`): every action about the
   * lesson's content (get, complete, submitQuiz, listReflections, postReflection).
   */
  audience?: boolean;
}

/**
 * The lesson and, joined by `$lookup` in the same aggregate (one database request, served by
 * the unique `lessonId_openid` indexes), its study records and reflections. Only the caller's
 * own record leaves the database unless `allProgress` is asked for.
 */
export async function loadLesson(
  db: Database,
  openid: string,
  lessonId: string,
  opts: JoinOptions = {},
): Promise<LessonWithMine | null> {
  const $ = db.command.aggregate;
  const mineOf = (field: string) => ownOnly(db, field, openid);
  let q = db.collection(COLLECTIONS.lessons).aggregate().match({ _id: lessonId }).lookup({
    from: COLLECTIONS.lessonProgress,
    localField: '_id',
    foreignField: 'lessonId',
    as: 'progress',
  });
  if (opts.reflections) {
    q = q.lookup({
      from: COLLECTIONS.lessonReflections,
      localField: '_id',
      foreignField: 'lessonId',
      as: 'reflections',
    });
  }
  const added: Record<string, unknown> = { mineList: mineOf('progress') };
  if (opts.reflections) {
    added.myReflections = mineOf('reflections');
    added.reflectionCount = $.size(
      $.filter({ input: '$reflections', as: 'r', cond: $.eq(['$$r.status', 'visible']) }),
    );
  }
  q = q.addFields(added);
  const dropped: Record<string, 0> = opts.reflections ? { reflections: 0 } : {};
  if (!opts.allProgress) dropped.progress = 0;
  if (Object.keys(dropped).length) q = q.project(dropped);
  const res = (await q.end()) as unknown as {
    list: (LessonDoc & {
      mineList?: LessonProgressDoc[];
      myReflections?: LessonReflectionDoc[];
      progress?: LessonProgressDoc[];
      reflectionCount?: number;
    })[];
  };
  const row = res.list?.[0];
  if (!row) return null;
  const { mineList, myReflections, ...lesson } = row;
  return {
    ...lesson,
    mine: mineList?.[0] ?? null,
    ...(opts.reflections ? { myReflection: myReflections?.[0] ?? null } : {}),
  };
}

/**
 * The caller's memberships and the lesson in parallel (two database requests). Refuses a
 * caller who may do `action` in no branch at all before saying whether the lesson exists
 * (docs/permissions.md: a FORBIDDEN check runs before any state check), then checks the
 * lesson's branch before its state. A lesson that is not published is visible to composers
 * only. With `audience`, a member must also be in the lesson's audience.
 */
export async function lessonFor(
  db: Database,
  openid: string,
  lessonId: string,
  action: PolicyAction,
  opts: LessonForOptions = {},
) {
  const [{ actor, docs }, lesson] = await Promise.all([
    loadActor(db, openid),
    loadLesson(db, openid, lessonId, opts),
  ]);
  if (!actor.memberships.some((m) => can(actor, action, { branchId: m.orgId }))) {
    throw forbidden();
  }
  if (!lesson) throw notFound();
  const resource = { branchId: lesson.branchId };
  if (!can(actor, action, resource)) throw forbidden();
  const composer = can(actor, 'listUnpublishedLessons', resource);
  // Removed lessons are gone for everyone; drafts, scheduled and held ones exist for the
  // composers alone (a member learns nothing about them).
  if (lesson.status === 'removed') throw notFound();
  if (lesson.status !== 'published' && !composer) throw notFound();
  if (opts.audience) assertAudience(lesson, docs, openid, composer);
  return { actor, docs, lesson, composer, resource };
}

/**
 * The audience rule, the same for every action about one lesson (`list` applies it as its
 * query): a lesson for chosen party groups is for the current active members of those groups
 * (the whole branch: every member); anyone else gets FORBIDDEN 「这节微党课不在您的学习范围内」,
 * whether they read it, study it, answer its quiz or discuss it. Composers always pass: they
 * manage every lesson of the branch (a membership already checked by the policy).
 */
export function assertAudience(
  lesson: LessonDoc,
  actorDocs: MembershipDoc[],
  openid: string,
  composer: boolean,
): void {
  if (composer) return;
  const group = myGroup(actorDocs, openid, lesson.branchId);
  if (group === undefined || !inAudience(lesson, group)) throw forbidden(MSG.notForYou);
}

// ---------------------------------------------------------------- audience

export interface AudienceMember {
  openid: string;
  membershipId: string;
  name: string;
  sortKey: string;
  partyGroupId: string | null;
  partyGroupName: string | null;
}

/** The branch's current active members by name (one database request, ≤ 1000). */
export async function branchMembers(db: Database, branchId: string): Promise<AudienceMember[]> {
  const rows = await fetchAll<MembershipDoc>(
    db
      .collection(COLLECTIONS.memberships)
      .where({ orgId: branchId, status: 'active' })
      .orderBy('sortKey', 'asc')
      .field({
        openid: true,
        realName: true,
        sortKey: true,
        partyGroupId: true,
        partyGroupName: true,
      })
      .limit(MAX_AUDIENCE),
  );
  return rows.map((m) => ({
    openid: m.openid,
    membershipId: m._id,
    name: m.realName ?? '',
    sortKey: m.sortKey ?? `${m.realName ?? ''}\u0000${m._id}`,
    partyGroupId: m.partyGroupId ?? null,
    partyGroupName: m.partyGroupName ?? null,
  }));
}

/** Whether a member (by their party group) is in the lesson's audience. */
export function inAudience(lesson: LessonDoc, partyGroupId: string | null | undefined): boolean {
  if (lesson.audience.kind === 'branch') return true;
  return !!partyGroupId && lesson.audience.groupIds.includes(partyGroupId);
}

/** The current active members the lesson is for. */
export function audienceOf(lesson: LessonDoc, members: AudienceMember[]): AudienceMember[] {
  return members.filter((m) => inAudience(lesson, m.partyGroupId));
}

export function audienceView(lesson: LessonDoc): LessonAudienceView {
  if (lesson.audience.kind === 'branch') return { kind: 'branch', groups: [], label: '全体党员' };
  const { groupIds, groupNames } = lesson.audience;
  return {
    kind: 'groups',
    groups: groupIds.map((groupId, i) => ({ groupId, name: groupNames[i] ?? '' })),
    label: groupNames.join('、'),
  };
}

/** The branch's party groups by name (one database request). */
export async function branchGroups(db: Database, branchId: string) {
  const rows = await fetchAll<PartyGroupDoc>(
    db.collection(COLLECTIONS.partyGroups).where({ branchId }).limit(100),
  );
  return (
    rows
      .map((g) => ({ groupId: g._id, name: g.name }))
      // Code-point order, like the directory's sortKey: 第一党小组 before 第二党小组.
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  );
}

// ---------------------------------------------------------------- views

/** Temporary https URLs of cloud files (no database request); null for any that fails. */
export async function tempUrls(
  cloud: Cloud,
  fileIDs: (string | null | undefined)[],
): Promise<Map<string, string | null>> {
  const ids = [...new Set(fileIDs.filter((f): f is string => !!f))];
  const out = new Map<string, string | null>();
  if (ids.length === 0) return out;
  try {
    const res = (await cloud.getTempFileURL({ fileList: ids })) as {
      fileList?: { fileID?: string; tempFileURL?: string }[];
    };
    for (const f of res.fileList ?? []) {
      if (f.fileID) out.set(f.fileID, f.tempFileURL || null);
    }
  } catch {
    // A missing picture must not make the lesson unreadable: it is simply left out.
  }
  return out;
}

/** Questions as everyone may see them: no answer, no explanation (built field by field). */
export function questionViews(lesson: LessonDoc): QuizQuestionView[] {
  return (lesson.quiz ?? []).map((q) => ({
    questionId: q.questionId,
    text: q.text,
    kind: q.kind,
    options: [...q.options],
  }));
}

export function lessonItem(
  lesson: LessonDoc,
  urls: Map<string, string | null>,
  mine: LessonProgressDoc | null | undefined,
  forMe: boolean,
): LessonItem {
  return {
    lessonId: lesson._id,
    branchId: lesson.branchId,
    title: lesson.title,
    summary: lesson.summary,
    cover: lesson.coverFileID ? (urls.get(lesson.coverFileID) ?? null) : null,
    coverFileID: lesson.coverFileID ?? null,
    minutes: lesson.minutes,
    mediaKind: lesson.media?.kind ?? null,
    questionCount: (lesson.quiz ?? []).length,
    status: lesson.status,
    publishedAt: isoOrNull(lesson.publishedAt),
    publishAt: isoOrNull(lesson.publishAt),
    updatedAt: iso(lesson.updatedAt),
    authorName: lesson.authorName,
    audience: audienceView(lesson),
    forMe,
    studied: !!mine?.studiedAt,
    bestScore: bestScoreOf(lesson, mine),
  };
}

export function writeResponse(
  lessonId: string,
  status: LessonDoc['status'],
  publishAt: Date | null,
  publishedAt: Date | null,
): LessonWriteResponse {
  return {
    lessonId,
    status,
    publishAt: isoOrNull(publishAt),
    publishedAt: isoOrNull(publishedAt),
  };
}

/** The caller's party group in the branch (from their loaded memberships), or null. */
export function myGroup(actorDocs: MembershipDoc[], openid: string, branchId: string) {
  const m = actorDocs.find(
    (d) => d.openid === openid && d.orgId === branchId && d.status === 'active',
  );
  return m ? (m.partyGroupId ?? null) : undefined;
}

export type { Actor };
