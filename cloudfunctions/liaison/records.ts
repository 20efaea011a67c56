/**
 * Service records (办实事 / 走访): the linked member logs a visit or a thing done for one of
 * their resident households (or for several: no resident). Each record also counts in the
 * branch's good-deeds tally (`goodDeeds`, as `activity.goodDeeds` reads it, with a neutral
 * title and note: the tally is shown to every member of the branch, so no resident's data goes
 * there) and earns the member points: 1 per (central household, resident household or 「all」,
 * day served), the shared daily cap applying to the day served.
 */
import { createHash } from 'crypto';
import * as z from 'zod';
import type { ServiceCategory, ServiceRecordItem } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  can,
  type ActionDef,
  type Actor,
  type Database,
} from '../common';
import type {
  GoodDeedDoc,
  LiaisonHouseholdDoc,
  LiaisonRecordDoc,
  LiaisonResidentDoc,
  MembershipDoc,
} from '../common/model';
import { award, todayEntries } from '../common/points';
import {
  chinaDay,
  dayStart,
  decodeCursor,
  isDuplicateKey,
  iso,
  newId,
  secCheck,
} from '../common/util';
import {
  MSG,
  PHOTO_DIRS,
  cursorSchema,
  householdResource,
  idSchema,
  isNewestCursor,
  newestPage,
  photoIdSchema,
} from './shared';
import { ownOnly } from '../common/db';

export const RECORD_MSG = {
  notLinked: '只有该中心户的党员本人可以登记服务记录',
  notViewer: '只有该中心户的党员和支部书记、副书记可以查看服务记录',
  badDate: '服务日期应在最近 30 天内，且不能晚于今天',
} as const;

const CATEGORIES = ['visit', 'help', 'policy', 'mediation', 'other'] as const;
/** Title of the good deed and the points entry: no personal data. */
export const SERVICE_TITLES: Record<ServiceCategory, string> = {
  visit: '联户走访',
  help: '联户帮办实事',
  policy: '联户政策宣传',
  mediation: '联户矛盾调解',
  other: '联户服务',
};
/** How far back a record may be dated. */
const MAX_DAYS_BACK = 30;
const DAY = 24 * 3600_000;
/** Shown instead of a note content security held for review, to anyone but its author and secretaries. */
const HELD_NOTE = '（内容审核中）';

interface HouseholdRow extends LiaisonHouseholdDoc {
  m?: MembershipDoc[];
  r?: LiaisonResidentDoc[];
}

/**
 * One central household with the caller's memberships of its branch and, when `residentId` is
 * given, that resident household of it: one aggregate (`_id`, then `$lookup` on
 * `orgId_status_sortKey` and `householdId_active_sortKey`).
 */
async function householdWithResident(
  db: Database,
  openid: string,
  householdId: string,
  residentId?: string,
): Promise<{ household: LiaisonHouseholdDoc; resident: LiaisonResidentDoc | null; actor: Actor }> {
  const $ = db.command.aggregate;
  let q = db
    .collection(COLLECTIONS.liaisonHouseholds)
    .aggregate()
    .match({ _id: householdId })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: 'branchId',
      foreignField: 'orgId',
      as: 'm',
    });
  if (residentId) {
    q = q.lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: '_id',
      foreignField: 'householdId',
      as: 'r',
    });
  }
  const res = (await q
    .addFields({
      m: ownOnly(db, 'm', openid),
      ...(residentId
        ? { r: $.filter({ input: '$r', as: 'x', cond: $.eq(['$$x._id', residentId]) }) }
        : {}),
    })
    .end()) as unknown as { list?: HouseholdRow[] };
  const row = res.list?.[0];
  if (!row) throw new AppError('NOT_FOUND', MSG.householdNotFound);
  const { m = [], r = [], ...household } = row;
  return { household, resident: r[0] ?? null, actor: actorFrom(openid, m) };
}

// ---------------------------------------------------------------- logService

const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '请按「年-月-日」填写日期，如 2025-03-08')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), '日期无效');

const logSchema = z.object({
  householdId: idSchema,
  residentId: idSchema.optional(),
  date: dateSchema.optional(),
  category: z.enum(CATEGORIES, { message: '请选择服务类别' }),
  note: z.string().trim().min(2, '请填写服务内容（至少 2 个字）').max(500, '服务内容最多 500 字'),
  photos: z.array(photoIdSchema(PHOTO_DIRS.record)).max(6, '最多上传 6 张图片').optional(),
});

const derived = (prefix: string, text: string) =>
  `${prefix}${createHash('sha256').update(text).digest('hex').slice(0, 31)}`;

/**
 * The linked member logs a service (policy `logService`). The note is checked (risky:
 * refused; review: kept, shown to the member and secretaries only). Writes the record, the
 * branch's good deed (`_id` derived from the record's) and the points entry (one per
 * household served per day: a second record the same day earns 0). With a requestId the
 * record's `_id` is derived from it, and every write after it is keyed by it too, so a retry
 * completes what the first call left and counts nothing twice (idempotent by itself).
 * Requests: the household with the caller (1), the day's points (1), the record (1), the good
 * deed (1), the points entry (1): 5.
 */
export const logService: ActionDef<'liaison', 'logService'> = {
  kind: 'write',
  idempotent: false,
  schema: logSchema,
  async handler(data, { openid, db, cloud, requestId }) {
    const now = new Date();
    const today = chinaDay(now);
    const date = data.date ?? today;
    const back = (dayStart(today).getTime() - dayStart(date).getTime()) / DAY;
    if (!(back >= 0 && back <= MAX_DAYS_BACK)) {
      throw new AppError('INVALID_ARGUMENT', RECORD_MSG.badDate, { fields: ['date'] });
    }
    // Points of a past day are entered at that day's end: the cap applies to the day served,
    // after what the member earned that day already.
    const on = date === today ? now : new Date(dayStart(date).getTime() + DAY - 1);
    const [{ household, resident, actor }, dayEntries] = await Promise.all([
      householdWithResident(db, openid, data.householdId, data.residentId),
      todayEntries(db, openid, on),
    ]);
    const resource = { branchId: household.branchId, householderOpenid: household.memberOpenid };
    if (!can(actor, 'logService', resource)) throw new AppError('FORBIDDEN', RECORD_MSG.notLinked);
    if (!household.active) throw new AppError('CONFLICT', MSG.steppedDown);
    if (data.residentId && (!resident || !resident.active || resident.erased)) {
      throw new AppError('NOT_FOUND', MSG.residentNotFound);
    }
    const verdict = await secCheck(cloud, openid, data.note, 2);
    const record: LiaisonRecordDoc = {
      _id: requestId ? derived('s', `${openid}\n${requestId}`) : `s${newId().slice(0, 31)}`,
      householdId: household._id,
      residentId: data.residentId ?? null,
      branchId: household.branchId,
      grid: household.grid,
      memberOpenid: openid,
      date,
      category: data.category,
      note: data.note,
      photos: data.photos ?? [],
      held: verdict === 'review',
      createdAt: now,
    };
    const addOnce = async (collection: string, doc: { _id: string }) => {
      try {
        await db.collection(collection).add({ data: doc });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    };
    await addOnce(COLLECTIONS.liaisonRecords, record);
    const title = SERVICE_TITLES[data.category];
    const deed: GoodDeedDoc = {
      _id: derived('g', `liaison\n${record._id}`),
      branchId: household.branchId,
      activityId: '',
      source: 'liaison',
      recordId: record._id,
      title,
      count: 1,
      // Every member of the branch reads the tally: a neutral note, not the member's text.
      note: `党员中心户${title.slice(2)}`,
      noteHeld: false,
      year: Number(date.slice(0, 4)),
      by: openid,
      at: now,
    };
    await addOnce(COLLECTIONS.goodDeeds, deed);
    const points = await award(db, {
      openid,
      reason: 'liaisonService',
      refId: `${household._id}:${data.residentId ?? 'all'}:${date}`,
      branchId: household.branchId,
      title,
      now,
      on,
      today: dayEntries,
    });
    return { recordId: record._id, points: points?.points ?? 0 };
  },
};

// ---------------------------------------------------------------- listServiceRecords

/**
 * A central household's service records, newest first, with their notes, photos and the
 * resident's name: its member (while the household is active: `ownHousehold`) and the branch's
 * secretary and deputy (`manageResidents`). The mass-work member is refused (FORBIDDEN): a
 * record's note and photos are about a resident household (a visit to someone living alone…),
 * and the dashboard gives them the figures. Requests: the household with the caller (1), the
 * page with the resident households joined (1): 2.
 */
export const listServiceRecords: ActionDef<'liaison', 'listServiceRecords'> = {
  kind: 'read',
  schema: z.object({ householdId: idSchema, cursor: cursorSchema.optional() }),
  async handler(data, { openid, db }) {
    const cursor = decodeCursor(data.cursor, isNewestCursor);
    const { household, actor } = await householdWithResident(db, openid, data.householdId);
    // A member who stepped down keeps no access to the household's records (nor its
    // residents' names); the secretaries keep theirs.
    const resource = householdResource(household);
    if (!can(actor, 'ownHousehold', resource) && !can(actor, 'manageResidents', resource)) {
      throw new AppError('FORBIDDEN', RECORD_MSG.notViewer);
    }
    // The same people today; kept apart so a wider rule above never shows what this one hides.
    const seeNames = can(actor, 'viewResidentCare', resource);
    const { page, nextCursor } = await newestPage<LiaisonRecordDoc>(
      db,
      COLLECTIONS.liaisonRecords,
      { householdId: household._id },
      cursor,
      seeNames,
    );
    const items: ServiceRecordItem[] = page.map(({ r, ...rec }) => {
      const resident = r?.[0];
      return {
        recordId: rec._id,
        householdId: rec.householdId,
        date: rec.date,
        category: rec.category as ServiceCategory,
        note: rec.held && !seeNames ? HELD_NOTE : (rec.note ?? ''),
        photos: rec.photos ?? [],
        ...(seeNames && resident && !resident.erased ? { residentName: resident.headName } : {}),
        held: rec.held,
        createdAt: iso(rec.createdAt),
      };
    });
    return { items, nextCursor };
  },
};
