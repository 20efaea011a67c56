/**
 * Reflections (学习心得) under lessons and topic requests (点题授课). Text passes content
 * security like every user text: `risky` is refused, `review` is kept `held` — seen only by
 * its author and the composers, who may show it (`hideReflection { hidden: false }`) or, for
 * a topic, adopt it.
 */
import * as z from 'zod';
import type { ReflectionItem, TopicItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  branchesWhere,
  can,
  fetchAll,
  findById,
  toTime,
  type ActionDef,
} from '../common';
import type { LessonDoc, LessonReflectionDoc, LessonTopicDoc } from '../common/model';
import {
  PAGE,
  activeIn,
  decodeCursor,
  encodeCursor,
  isDuplicateKey,
  iso,
  loadActor,
  newId,
  secCheck,
  updatedCount,
} from '../common/util';
import { LIMITS, MSG, cursorSchema, forbidden, idSchema, lessonFor, reflectionId } from './shared';

type TimeCursor = { t: number };
const isTimeCursor = (v: unknown): v is TimeCursor =>
  typeof v === 'object' && v !== null && typeof (v as TimeCursor).t === 'number';

function reflectionItem(r: LessonReflectionDoc, openid: string): ReflectionItem {
  return {
    reflectionId: r._id,
    lessonId: r.lessonId,
    authorName: r.authorName,
    text: r.text,
    status: r.status,
    createdAt: iso(r.createdAt),
    mine: r.openid === openid,
  };
}

// ---------------------------------------------------------------- reflections

/**
 * Visible reflections under a lesson, newest first (composers may list `held` or `hidden`
 * ones), and the caller's own whatever its status. Members of the lesson's audience only (the
 * audience rule of `lessonFor`: the discussion belongs to those the lesson is for).
 * Requests: memberships and the lesson with the caller's reflection joined (2, parallel), the
 * page (1, `lessonId_status_createdAt`): 3.
 */
export const listReflections: ActionDef<'lesson', 'listReflections'> = {
  kind: 'read',
  schema: z.object({
    lessonId: idSchema,
    cursor: cursorSchema.optional(),
    status: z.enum(['visible', 'held', 'hidden']).optional(),
  }),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data.cursor, isTimeCursor);
    const { actor, lesson, resource } = await lessonFor(
      db,
      openid,
      data.lessonId,
      'listReflections',
      { reflections: true, audience: true },
    );
    const status = data.status ?? 'visible';
    const canModerate = can(actor, 'hideReflection', resource);
    if (status !== 'visible' && !canModerate) throw forbidden();
    const _ = db.command;
    const rows = await fetchAll<LessonReflectionDoc>(
      db
        .collection(COLLECTIONS.lessonReflections)
        .where({
          lessonId: lesson._id,
          status,
          ...(cursor ? { createdAt: _.lt(new Date(cursor.t)) } : {}),
        })
        .orderBy('createdAt', 'desc')
        .limit(PAGE + 1),
    );
    const page = rows.slice(0, PAGE);
    return {
      items: page.map((r) => reflectionItem(r, openid)),
      nextCursor:
        rows.length > PAGE ? encodeCursor({ t: toTime(page[page.length - 1].createdAt) }) : null,
      mine: lesson.myReflection ? reflectionItem(lesson.myReflection, openid) : null,
      canModerate,
    };
  },
};

/**
 * One reflection per member and lesson: its `_id` is derived from both, so a second one is a
 * duplicate key (`CONFLICT`), and a retry of the same text answers the first success. Not
 * wrapped in the requestId marker (`idempotent: false`) for that reason. Members of the
 * lesson's audience (and composers), on a published lesson. Requests: memberships and the
 * lesson (2, parallel), insert (1), the existing reflection after a duplicate (1): at most 4.
 */
export const postReflection: ActionDef<'lesson', 'postReflection'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    lessonId: idSchema,
    text: z
      .string()
      .trim()
      .min(1, '请填写学习心得')
      .max(LIMITS.reflectionMax, `学习心得最多 ${LIMITS.reflectionMax} 个字`),
  }),
  async handler(data, { openid, db, cloud }) {
    const { docs, lesson } = await lessonFor(db, openid, data.lessonId, 'postReflection', {
      audience: true,
    });
    if (lesson.status !== 'published') throw new AppError('CONFLICT', MSG.notPublished);
    const verdict = await secCheck(cloud, openid, data.text, 2);
    const mine = activeIn(docs, openid, lesson.branchId)!;
    const reflection: LessonReflectionDoc = {
      _id: reflectionId(lesson._id, openid),
      lessonId: lesson._id,
      branchId: lesson.branchId,
      openid,
      authorName: mine.realName ?? '',
      text: data.text,
      status: verdict === 'review' ? 'held' : 'visible',
      createdAt: new Date(),
    };
    try {
      await db.collection(COLLECTIONS.lessonReflections).add({ data: reflection });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const prev = await findById<LessonReflectionDoc>(
        db,
        COLLECTIONS.lessonReflections,
        reflection._id,
      );
      if (prev && prev.text === data.text && prev.status !== 'hidden') {
        return { reflectionId: prev._id, status: prev.status };
      }
      throw new AppError('CONFLICT', MSG.reflectionExists);
    }
    return {
      reflectionId: reflection._id,
      status: reflection.status === 'held' ? 'held' : 'visible',
    };
  },
};

/**
 * Composers hide a reflection (or show a held or hidden one). Requests: memberships and the
 * reflection (2, parallel), the update (1); with a requestId 5.
 */
export const hideReflection: ActionDef<'lesson', 'hideReflection'> = {
  kind: 'write',
  schema: z.object({ reflectionId: idSchema, hidden: z.boolean().optional() }),
  async handler(data, { openid, db }) {
    const [{ actor }, r] = await Promise.all([
      loadActor(db, openid),
      findById<LessonReflectionDoc>(db, COLLECTIONS.lessonReflections, data.reflectionId),
    ]);
    if (branchesWhere(actor, 'hideReflection').length === 0) throw forbidden();
    if (!r) throw new AppError('NOT_FOUND', MSG.reflectionNotFound);
    if (!can(actor, 'hideReflection', { branchId: r.branchId })) throw forbidden();
    const status = data.hidden === false ? ('visible' as const) : ('hidden' as const);
    await db
      .collection(COLLECTIONS.lessonReflections)
      .where({ _id: r._id, branchId: r.branchId })
      .update({ data: { status } });
    return { reflectionId: r._id, status };
  },
};

// ---------------------------------------------------------------- topics

function topicItem(t: LessonTopicDoc, openid: string): TopicItem {
  return {
    topicId: t._id,
    title: t.title,
    detail: t.detail,
    proposerName: t.proposerName,
    supportCount: t.supportCount,
    supported: (t.supporters ?? []).includes(openid),
    mine: t.openid === openid,
    status: t.status,
    lessonId: t.lessonId ?? null,
    lessonTitle: t.lessonTitle ?? null,
    createdAt: iso(t.createdAt),
  };
}

/**
 * Topics of the branch, newest first. The default list (`open`) also carries the caller's
 * own held topics; `held` (all of them) is for composers. Requests: memberships (1), the page
 * (1, `branchId_status_createdAt`): 2.
 */
export const listTopics: ActionDef<'lesson', 'listTopics'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    cursor: cursorSchema.optional(),
    status: z.enum(['open', 'held', 'adopted']).optional(),
  }),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data.cursor, isTimeCursor);
    const { actor } = await loadActor(db, openid);
    const branch = { branchId: data.branchId };
    if (!can(actor, 'listTopics', branch)) throw forbidden();
    const canAdopt = can(actor, 'adoptTopic', branch);
    const status = data.status ?? 'open';
    if (status === 'held' && !canAdopt) throw forbidden();
    const _ = db.command;
    const rows = await fetchAll<LessonTopicDoc>(
      db
        .collection(COLLECTIONS.lessonTopics)
        .where({
          branchId: data.branchId,
          status: status === 'open' ? _.in(['open', 'held']) : status,
          ...(cursor ? { createdAt: _.lt(new Date(cursor.t)) } : {}),
        })
        .orderBy('createdAt', 'desc')
        .limit(PAGE + 1),
    );
    const page = rows.slice(0, PAGE);
    return {
      // A held topic in the default list is its proposer's alone.
      items: page
        .filter((t) => status !== 'open' || t.status === 'open' || t.openid === openid)
        .map((t) => topicItem(t, openid)),
      nextCursor:
        rows.length > PAGE ? encodeCursor({ t: toTime(page[page.length - 1].createdAt) }) : null,
      canAdopt,
    };
  },
};

/** Requests: memberships (1), insert (1); with a requestId 4. */
export const proposeTopic: ActionDef<'lesson', 'proposeTopic'> = {
  kind: 'write',
  schema: z.object({
    branchId: idSchema,
    title: z
      .string()
      .trim()
      .min(2, '点题至少 2 个字')
      .max(LIMITS.topicTitleMax, `点题最多 ${LIMITS.topicTitleMax} 个字`),
    detail: z
      .string()
      .trim()
      .max(LIMITS.topicDetailMax, `说明最多 ${LIMITS.topicDetailMax} 个字`)
      .optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const { actor, docs } = await loadActor(db, openid);
    if (!can(actor, 'proposeTopic', { branchId: data.branchId })) throw forbidden();
    const verdict = await secCheck(
      cloud,
      openid,
      data.detail ? `${data.title}\n${data.detail}` : data.title,
      3,
    );
    const mine = activeIn(docs, openid, data.branchId)!;
    const topic: LessonTopicDoc = {
      _id: newId(),
      branchId: data.branchId,
      openid,
      proposerName: mine.realName ?? '',
      title: data.title,
      detail: data.detail ?? '',
      status: verdict === 'review' ? 'held' : 'open',
      supporters: [openid],
      supportCount: 1,
      lessonId: null,
      lessonTitle: null,
      createdAt: new Date(),
      adoptedAt: null,
    };
    await db.collection(COLLECTIONS.lessonTopics).add({ data: topic });
    return { topicId: topic._id, status: topic.status === 'held' ? 'held' : 'open' };
  },
};

/**
 * Adds the caller's support, once: the conditional update `supporters: _.neq(openid)` lets
 * exactly one of concurrent supports by the same member through; a second is `CONFLICT`.
 * A retry with the same requestId answers the first success (marker). Requests: memberships
 * and the topic (2, parallel), the update (1); with a requestId 5.
 */
export const supportTopic: ActionDef<'lesson', 'supportTopic'> = {
  kind: 'write',
  schema: z.object({ topicId: idSchema }),
  async handler(data, { openid, db }) {
    const [{ actor }, topic] = await Promise.all([
      loadActor(db, openid),
      findById<LessonTopicDoc>(db, COLLECTIONS.lessonTopics, data.topicId),
    ]);
    if (branchesWhere(actor, 'supportTopic').length === 0) throw forbidden();
    if (!topic) throw new AppError('NOT_FOUND', MSG.topicNotFound);
    if (!can(actor, 'supportTopic', { branchId: topic.branchId })) throw forbidden();
    if (topic.status === 'adopted') throw new AppError('CONFLICT', MSG.topicClosed);
    if (topic.status === 'held') throw new AppError('CONFLICT', MSG.topicHeld);
    if ((topic.supporters ?? []).includes(openid)) {
      throw new AppError('CONFLICT', MSG.alreadySupported);
    }
    const _ = db.command;
    const res = await db
      .collection(COLLECTIONS.lessonTopics)
      .where({ _id: topic._id, status: 'open', supporters: _.neq(openid) })
      .update({ data: { supporters: _.push([openid]), supportCount: _.inc(1) } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', MSG.alreadySupported);
    return { topicId: topic._id, supportCount: topic.supportCount + 1 };
  },
};

/**
 * Marks a topic adopted (a held one included: adopting it is the composer's release) and
 * links the lesson that answers it: a PUBLISHED lesson of the same branch, since members
 * follow the link to read it (a draft, scheduled or held lesson is CONFLICT; a missing,
 * removed or other branch's one NOT_FOUND, as before: nothing said about other branches).
 * Adopting again replaces the link. Not wrapped in the requestId marker (`idempotent:
 * false`): the same adoption again is the same outcome. Requests: memberships, the topic and
 * the lesson (3, parallel), the update (1): 4.
 */
export const adoptTopic: ActionDef<'lesson', 'adoptTopic'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ topicId: idSchema, lessonId: idSchema.optional() }),
  async handler(data, { openid, db }) {
    const [{ actor }, topic, lesson] = await Promise.all([
      loadActor(db, openid),
      findById<LessonTopicDoc>(db, COLLECTIONS.lessonTopics, data.topicId),
      data.lessonId
        ? findById<LessonDoc>(db, COLLECTIONS.lessons, data.lessonId)
        : Promise.resolve(null),
    ]);
    if (branchesWhere(actor, 'adoptTopic').length === 0) throw forbidden();
    if (!topic) throw new AppError('NOT_FOUND', MSG.topicNotFound);
    if (!can(actor, 'adoptTopic', { branchId: topic.branchId })) throw forbidden();
    if (
      data.lessonId &&
      (!lesson || lesson.branchId !== topic.branchId || lesson.status === 'removed')
    ) {
      throw new AppError('NOT_FOUND', MSG.lessonNotFound);
    }
    if (lesson && lesson.status !== 'published') {
      throw new AppError('CONFLICT', MSG.linkUnpublished);
    }
    // Every member sees the topic and its link; a lesson for some party groups only would
    // answer most of them FORBIDDEN.
    if (lesson && lesson.audience.kind !== 'branch') {
      throw new AppError('CONFLICT', MSG.linkGroupOnly);
    }
    await db
      .collection(COLLECTIONS.lessonTopics)
      .where({ _id: topic._id })
      .update({
        data: {
          status: 'adopted',
          lessonId: lesson?._id ?? null,
          lessonTitle: lesson?.title ?? null,
          adoptedAt: new Date(),
        },
      });
    return { topicId: topic._id, status: 'adopted' as const, lessonId: lesson?._id ?? null };
  },
};
