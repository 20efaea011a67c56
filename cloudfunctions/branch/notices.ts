/**
 * `branch` actions about notices (通知公告). Who should read a notice is the branch's
 * CURRENT active members (read with one query by `orgId_status_sortKey` when needed), not a
 * list frozen at posting time; reported members (双报到) may read but never count. Who has
 * read it is kept in the notice itself (`readBy`), so "unread first" needs no join, and
 * n (readers among the current members) never exceeds m (the current members).
 */
import * as z from 'zod';
import type { NoticeDetail, NoticeItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  findById,
  toTime,
  type ActionDef,
  type MembershipDoc,
  type NoticeDoc,
} from '../common';
import {
  MSG,
  PAGE,
  activeIn,
  chinaDay,
  decodeCursor,
  encodeCursor,
  forbidden,
  idSchema,
  iso,
  loadActor,
  loadActorWithReports,
  newId,
  secCheck,
  updatedCount,
  isKeyCursor,
  slicePage,
} from './shared';
import { sendEach } from '../common/util';

/**
 * Largest audience read in one request (a branch has tens of members, rarely hundreds; the
 * SDK returns at most 1000 documents per query). Members beyond it, by name, are not counted.
 */
const MAX_AUDIENCE = 1000;
/** Subscribe messages sent per call (the rest is reported as `remaining`). */
export const MAX_REMINDERS = 500;
/** Subscribe messages sent at once. */
/** Subscribe message template (设置 → 订阅消息), set per deployment. */
export const NOTICE_TEMPLATE_ID = process.env.NOTICE_TEMPLATE_ID || 'NOTICE_UNREAD_TEMPLATE';
const NOTICE_PAGE = 'pages/notices/detail';

const LIST_FIELDS = {
  branchId: true,
  title: true,
  body: true,
  pinned: true,
  status: true,
  authorName: true,
  createdAt: true,
} as const;

type ListRow = Pick<
  NoticeDoc,
  '_id' | 'branchId' | 'title' | 'body' | 'pinned' | 'status' | 'authorName' | 'createdAt'
>;

function item(n: ListRow, read: boolean): NoticeItem {
  return {
    noticeId: n._id,
    title: n.title,
    pinned: !!n.pinned,
    createdAt: iso(n.createdAt),
    read,
    authorName: n.authorName,
    excerpt: n.body.slice(0, 60),
    status: n.status === 'held' ? 'held' : 'published',
  };
}

/** Requests: memberships (1), insert (1); with a requestId 4. */
export const postNotice: ActionDef<'branch', 'postNotice'> = {
  kind: 'write',
  schema: z.object({
    branchId: idSchema,
    title: z.string().trim().min(1).max(50),
    body: z.string().trim().min(1).max(2000),
    pinned: z.boolean().optional(),
  }),
  async handler(data, { openid, db, cloud }) {
    const { actor, docs } = await loadActor(db, openid);
    if (!can(actor, 'postNotice', { branchId: data.branchId })) throw forbidden();
    const verdict = await secCheck(cloud, openid, data.body, 3, data.title);
    const mine = activeIn(docs, openid, data.branchId)!;
    const notice: NoticeDoc = {
      _id: newId(),
      branchId: data.branchId,
      committeeId: mine.committeeId ?? '',
      title: data.title,
      body: data.body,
      pinned: data.pinned ?? false,
      status: verdict === 'review' ? 'held' : 'published',
      authorOpenid: openid,
      authorName: mine.realName ?? '',
      createdAt: new Date(),
      // The author has read what they wrote.
      readBy: [openid],
      reads: [{ openid, at: new Date() }],
      remindedOn: null,
    };
    await db.collection(COLLECTIONS.notices).add({ data: notice });
    return { noticeId: notice._id, status: notice.status === 'held' ? 'held' : 'published' };
  },
};

type NoticeCursor = { p: 'u' | 'r' | 'h'; t: number };
const isNoticeCursor = (v: unknown): v is NoticeCursor =>
  typeof v === 'object' &&
  v !== null &&
  ['u', 'r', 'h'].includes((v as NoticeCursor).p) &&
  typeof (v as NoticeCursor).t === 'number';

/**
 * Unread first, newest first within each part; members of the branch and members actively
 * reported to it (双报到). Requests: memberships with reports (1), unread page (1),
 * read notices to fill the page (1).
 */
export const listNotices: ActionDef<'branch', 'listNotices'> = {
  kind: 'read',
  schema: z.object({
    branchId: idSchema,
    cursor: z.string().min(1).max(200).optional(),
    status: z.enum(['published', 'held']).optional(),
  }),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data.cursor, isNoticeCursor);
    const { actor } = await loadActorWithReports(db, openid);
    const held = data.status === 'held';
    if (!can(actor, held ? 'listHeldNotices' : 'listNotices', { branchId: data.branchId })) {
      throw forbidden();
    }
    const _ = db.command;
    const coll = db.collection(COLLECTIONS.notices);
    const page = async (extra: Record<string, unknown>, before: number | null, n: number) =>
      fetchAll<ListRow>(
        coll
          .where({
            branchId: data.branchId,
            status: held ? 'held' : 'published',
            ...extra,
            ...(before !== null ? { createdAt: _.lt(new Date(before)) } : {}),
          })
          .orderBy('createdAt', 'desc')
          .field(LIST_FIELDS)
          .limit(n + 1),
      );
    const next = (p: NoticeCursor['p'], rows: ListRow[]) =>
      encodeCursor({ p, t: toTime(rows[rows.length - 1].createdAt) });

    if (held) {
      const rows = await page({}, cursor?.t ?? null, PAGE);
      const items = rows.slice(0, PAGE).map((n) => item(n, false));
      return { items, nextCursor: rows.length > PAGE ? next('h', rows.slice(0, PAGE)) : null };
    }

    const items: NoticeItem[] = [];
    if (!cursor || cursor.p === 'u') {
      const unread = await page({ readBy: _.neq(openid) }, cursor?.t ?? null, PAGE);
      items.push(...unread.slice(0, PAGE).map((n) => item(n, false)));
      if (unread.length > PAGE) {
        return { items, nextCursor: next('u', unread.slice(0, PAGE)) };
      }
    }
    const want = PAGE - items.length;
    const read = await page({ readBy: openid }, cursor?.p === 'r' ? cursor.t : null, want);
    const taken = read.slice(0, want);
    items.push(...taken.map((n) => item(n, true)));
    return { items, nextCursor: read.length > want && want > 0 ? next('r', taken) : null };
  },
};

async function loadNotice(db: Parameters<typeof loadActor>[0], openid: string, id: string) {
  const [{ actor, docs }, notice] = await Promise.all([
    loadActorWithReports(db, openid),
    findById<NoticeDoc>(db, COLLECTIONS.notices, id),
  ]);
  if (!notice || notice.status === 'removed') {
    throw new AppError('NOT_FOUND', MSG.noticeNotFound);
  }
  const resource = { branchId: notice.branchId, authorOpenid: notice.authorOpenid };
  return { actor, docs, notice, resource };
}

interface AudienceMember {
  openid: string;
  name: string;
  sortKey: string;
}

/** The branch's current active members by name: who should read its notices (1 request). */
async function audienceOf(db: Parameters<typeof loadActor>[0], branchId: string) {
  const rows = await fetchAll<MembershipDoc>(
    db
      .collection(COLLECTIONS.memberships)
      .where({ orgId: branchId, status: 'active' })
      .orderBy('sortKey', 'asc')
      .field({ openid: true, realName: true, sortKey: true })
      .limit(MAX_AUDIENCE),
  );
  return rows.map((m): AudienceMember => ({
    openid: m.openid,
    name: m.realName ?? '',
    sortKey: m.sortKey ?? `${m.realName ?? ''}\u0000${m._id}`,
  }));
}

/**
 * The notice, marked read for the caller. Requests: memberships and the notice (2, parallel),
 * then the read mark on first reading and the current audience (2, parallel): 4. Not wrapped
 * in the requestId marker (`idempotent: false`): marking read again changes nothing.
 */
export const readNotice: ActionDef<'branch', 'readNotice'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ noticeId: idSchema }),
  async handler(data, { openid, db }) {
    const { actor, notice, resource } = await loadNotice(db, openid, data.noticeId);
    if (!can(actor, 'readNotice', resource)) throw forbidden();
    if (notice.status === 'held' && !can(actor, 'listHeldNotices', resource)) {
      throw new AppError('NOT_FOUND', MSG.noticeNotFound);
    }
    const readBy = new Set(notice.readBy ?? []);
    const _ = db.command;
    const [, audience] = await Promise.all([
      readBy.has(openid)
        ? null
        : db
            .collection(COLLECTIONS.notices)
            .where({ _id: notice._id, readBy: _.neq(openid) })
            .update({
              data: { readBy: _.push([openid]), reads: _.push([{ openid, at: new Date() }]) },
            }),
      audienceOf(db, notice.branchId),
    ]);
    readBy.add(openid);
    const detail: NoticeDetail = {
      ...item(notice, true),
      branchId: notice.branchId,
      body: notice.body,
      canManage: can(actor, 'noticeReads', resource),
      readCount: audience.filter((a) => readBy.has(a.openid)).length,
      audienceCount: audience.length,
    };
    return detail;
  },
};

/**
 * Who of the branch's current active members has read the notice and who has not, by name,
 * 20 a page (`list` + `cursor`; without `list` the first page of both). Reported members
 * (双报到) may read but are not listed or counted. Requests: memberships and the notice
 * (2, parallel), the current audience (1): 3.
 */
export const noticeReads: ActionDef<'branch', 'noticeReads'> = {
  kind: 'read',
  schema: z
    .object({
      noticeId: idSchema,
      list: z.enum(['read', 'unread']).optional(),
      cursor: z.string().min(1).max(400).optional(),
    })
    .superRefine((v, ctx) => {
      if (v.cursor !== undefined && v.list === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['list'],
          message: '翻页时请指明名单（read 或 unread）',
        });
      }
    }),
  async handler(data, { openid, db }) {
    const after = decodeCursor(data.cursor, isKeyCursor);
    const { actor, notice, resource } = await loadNotice(db, openid, data.noticeId);
    if (!can(actor, 'noticeReads', resource)) throw forbidden();
    const audience = await audienceOf(db, notice.branchId);
    const readAt = new Map((notice.reads ?? []).map((r) => [r.openid, r.at]));
    const readBy = new Set(notice.readBy ?? []);
    const readers = audience.filter((a) => readBy.has(a.openid));
    const unreaders = audience.filter((a) => !readBy.has(a.openid));
    const pageOf = (people: AudienceMember[], isRead: boolean) => {
      const rest = after === null ? people : people.filter((a) => a.sortKey > after);
      const { page, nextCursor } = slicePage(rest, (last) => last.sortKey);
      return {
        items: page.map((a) => ({
          openid: a.openid,
          name: a.name,
          readAt: isRead && readAt.has(a.openid) ? iso(readAt.get(a.openid)) : null,
        })),
        next: nextCursor,
      };
    };
    const read = data.list === 'unread' ? { items: [], next: null } : pageOf(readers, true);
    const unread = data.list === 'read' ? { items: [], next: null } : pageOf(unreaders, false);
    const chosen = data.list === 'read' ? read : data.list === 'unread' ? unread : null;
    return {
      noticeId: notice._id,
      read: read.items,
      unread: unread.items,
      items: chosen?.items ?? [],
      nextCursor: chosen?.next ?? null,
      readNextCursor: read.next,
      unreadNextCursor: unread.next,
      readCount: readers.length,
      audienceCount: audience.length,
      remindedOn: notice.remindedOn ?? null,
    };
  },
};

/**
 * A subscribe message to every unread current member (at most `MAX_REMINDERS` a call, the
 * rest counted in `remaining`), at most once a day (UTC+8) per notice: the conditional
 * update on `remindedOn` lets one call a day through, however many race. The day is used up
 * only if a message was sent: with no unread member nothing is claimed, and when every send
 * fails the claim is given back. Not wrapped in the requestId marker (`idempotent: false`):
 * a retry after success is `RATE_LIMITED` and sends nothing. Requests: memberships and the
 * notice (2, parallel), the current audience (1), the day mark (1), giving it back (1, only
 * when every send failed): at most 5.
 */
export const remindUnread: ActionDef<'branch', 'remindUnread'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ noticeId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const { actor, notice, resource } = await loadNotice(db, openid, data.noticeId);
    if (!can(actor, 'remindUnread', resource)) throw forbidden();
    if (notice.status !== 'published') throw new AppError('CONFLICT', '通知尚未发布');
    const today = chinaDay(new Date());
    if (notice.remindedOn === today) throw new AppError('RATE_LIMITED', MSG.remindedToday);
    const readBy = new Set(notice.readBy ?? []);
    const unread = (await audienceOf(db, notice.branchId)).filter((a) => !readBy.has(a.openid));
    if (unread.length === 0) return { noticeId: notice._id, sent: 0, skipped: 0, remaining: 0 };

    const _ = db.command;
    const coll = db.collection(COLLECTIONS.notices);
    const claim = await coll
      .where({ _id: notice._id, remindedOn: _.neq(today) })
      .update({ data: { remindedOn: today } });
    if (updatedCount(claim) !== 1) throw new AppError('RATE_LIMITED', MSG.remindedToday);

    const targets = unread.slice(0, MAX_REMINDERS);
    const sent = await sendEach(
      cloud,
      targets.map((a) => a.openid),
      () => ({
        templateId: NOTICE_TEMPLATE_ID,
        page: `${NOTICE_PAGE}?id=${notice._id}`,
        data: {
          thing1: { value: notice.title.slice(0, 20) },
          thing2: { value: '您有一条支部通知尚未阅读' },
        },
      }),
    );
    if (sent === 0) {
      // Nobody was reached: give the day back so a later attempt may try again.
      await coll
        .where({ _id: notice._id, remindedOn: today })
        .update({ data: { remindedOn: notice.remindedOn ?? null } });
    }
    return {
      noticeId: notice._id,
      sent,
      skipped: targets.length - sent,
      remaining: unread.length - targets.length,
    };
  },
};

/** Requests: memberships and the notice (2, parallel), conditional update (1). */
export const moderateNotice: ActionDef<'branch', 'moderateNotice'> = {
  kind: 'write',
  schema: z.object({ noticeId: idSchema, approve: z.boolean() }),
  async handler(data, { openid, db }) {
    const { actor, notice, resource } = await loadNotice(db, openid, data.noticeId);
    if (!can(actor, 'moderateNotice', resource)) throw forbidden();
    if (notice.status !== 'held') throw new AppError('CONFLICT', '该通知已处理过了');
    const status = data.approve ? ('published' as const) : ('removed' as const);
    const res = await db
      .collection(COLLECTIONS.notices)
      .where({ _id: notice._id, status: 'held' })
      .update({ data: { status, ...(data.approve ? { createdAt: new Date() } : {}) } });
    if (updatedCount(res) !== 1) throw new AppError('CONFLICT', '该通知已处理过了');
    return { noticeId: notice._id, status };
  },
};
