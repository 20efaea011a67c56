/**
 * Vocabulary shared by the `liaison` actions: messages, settings, input schemas (address,
 * phone, file ids), ids and card codes, and the one place that decides which resident fields a
 * caller may receive (`residentView`). Personal data leaves this function only through here.
 */
import { createHash, randomInt } from 'crypto';
import * as z from 'zod';
import type {
  AddressInput,
  CareTag,
  HouseholdItem,
  LiaisonSettings,
  ResidentItem,
} from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  actorFrom,
  fetchAll,
  type Actor,
  type Cloud,
  type Database,
} from '../common';
import { roleIn, type Resource } from '../common/policy';
import type {
  AddressPartsDoc,
  LiaisonHouseholdDoc,
  LiaisonRecordDoc,
  LiaisonRequestDoc,
  LiaisonResidentDoc,
  LiaisonSettingsDoc,
  MembershipDoc,
  OrganizationDoc,
} from '../common/model';
import { MAX_MEMBERSHIPS, PAGE, encodeCursor, iso, maskPhone, updatedCount } from '../common/util';
import { ROLE_LABELS, isOpen } from '../common/liaison-card';
import { ownOnly } from '../common/db';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  householdNotFound: '未找到该中心户',
  residentNotFound: '未找到该联系户',
  requestNotFound: '未找到该求助',
  notManager: '只有支部书记、副书记和群众工作委员可以管理中心户',
  notLinked: '只有联系该户的党员和支部书记可以查看',
  notBound: '请先绑定连心卡',
  full: (max: number) => `每个中心户最多联系 ${max} 户，已达上限`,
  cardNotFound: '没有找到这张连心卡，请核对卡号',
  wrongDigits: (left: number) => `手机号后四位不对，还可以再试 ${left} 次`,
  locked: '输错次数太多，这张连心卡已锁定，请一小时后再试',
  boundElsewhere: '您的微信已绑定其他住户，请先在“我的信息”里解除绑定',
  notPartyMember: '只有本支部的正式党员或预备党员可以设为中心户',
  steppedDown: '该中心户已卸任',
} as const;

// ---------------------------------------------------------------- settings

export const DEFAULT_SETTINGS: LiaisonSettings = {
  maxResidents: 10,
  minResidents: 5,
  acceptHours: 24,
  resolveHours: 72,
};

/** The committee's settings with defaults for what it has not set. */
export function settingsOf(committee: Pick<OrganizationDoc, 'liaisonSettings'> | null | undefined) {
  const s: Partial<LiaisonSettingsDoc> = committee?.liaisonSettings ?? {};
  return { ...DEFAULT_SETTINGS, ...s } as LiaisonSettings;
}

// ---------------------------------------------------------------- input schemas

export const idSchema = z.string().trim().min(1, '请填写编号').max(64, '编号过长');
export const cursorSchema = z.string().min(1).max(400);

const part = (label: string) =>
  z.string().trim().min(1, `请填写${label}`).max(20, `${label}最多 20 个字`);

export const addressSchema = z.union([
  z.string().trim().min(2, '请填写地址（至少 2 个字）').max(60, '地址最多 60 个字'),
  z.object({ building: part('楼栋'), unit: part('单元').optional(), room: part('房号') }),
  z.object({ group: part('村民小组'), houseNumber: part('门牌号') }),
]);

/** Mainland mobile, or a landline of 7–12 digits with an optional area-code dash. */
export const residentPhoneSchema = z
  .string()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$/, '请填写正确的手机号或固定电话');

export const CARE_TAGS = [
  'livingAlone',
  'elderly',
  'disability',
  'illness',
  'hardship',
  'leftBehind',
] as const satisfies readonly CareTag[];

export const CARE_TAG_LABELS: Record<CareTag, string> = {
  livingAlone: '独居',
  elderly: '高龄',
  disability: '残疾',
  illness: '大病重病',
  hardship: '生活困难',
  leftBehind: '留守',
};

/**
 * Where the pages upload photos (`cloud://<env>.<bucket>/<dir>/…`): a request's
 * (packages/resident/request), a service record's (packages/liaison/visit), a central
 * household's door-plate photo (packages/liaison-admin/designate). A photo is accepted only
 * from its own folder: the erasure and the timer's sweep delete the photos of requests and
 * records with the function's rights, and a file id from anywhere else (an export, another
 * member's photo) must never get there.
 */
export const PHOTO_DIRS = {
  request: 'liaison-requests',
  record: 'liaison-records',
  household: 'liaison-households',
} as const;
export type PhotoDir = (typeof PHOTO_DIRS)[keyof typeof PHOTO_DIRS];

export const MSG_PHOTO = '图片地址不正确，只能使用在本页上传的图片，请重新上传';

/**
 * Whether `fileId` is a file under `dir` of an environment's storage: `cloud://<host>/<dir>/…`
 * with no `..` and no backslash anywhere (nothing that could lead out of the folder).
 */
export function isPhotoIn(dir: PhotoDir, fileId: unknown): fileId is string {
  return (
    typeof fileId === 'string' &&
    new RegExp(`^cloud://[^/\\s]+/${dir}/[^\\s]{1,300}$`).test(fileId) &&
    !fileId.includes('..') &&
    !fileId.includes('\\')
  );
}

/** A photo the page uploaded under `dir` (`PHOTO_DIRS`). */
export const photoIdSchema = (dir: PhotoDir) =>
  z.string().refine((id) => isPhotoIn(dir, id), MSG_PHOTO);

/** Display text and stored parts of an address. */
export function formatAddress(a: AddressInput): { address: string; addressParts: AddressPartsDoc } {
  if (typeof a === 'string') return { address: a.trim(), addressParts: null };
  if ('group' in a) return { address: `${a.group}${a.houseNumber}号`, addressParts: a };
  const unit = a.unit ? `${a.unit}单元` : '';
  return { address: `${a.building}栋${unit}${a.room}室`, addressParts: a };
}

// ---------------------------------------------------------------- ids and card codes

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** One central household per (branch, member): designating twice finds the same document. */
export function householdId(branchId: string, memberOpenid: string): string {
  return `hh${hash(`${branchId}\n${memberOpenid}`).slice(0, 30)}`;
}

/** Look-alike-free alphabet (no 0/O, 1/I/L), as invitation codes. */
const CARD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A fresh 8-character card code; the unique index on `cardCode` decides collisions. */
export function newCardCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CARD_ALPHABET[randomInt(CARD_ALPHABET.length)];
  return s;
}

/** What a resident typed or scanned: spaces and dashes dropped, upper case. */
export function normaliseCardCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export const cardCodeSchema = z
  .string()
  .transform(normaliseCardCode)
  .pipe(z.string().regex(/^[A-Z2-9]{8}$/, '连心卡号是 8 位字母和数字，请核对'));

// ---------------------------------------------------------------- what a caller may see

export { ROLE_LABELS, memberView, publicPromise } from '../common/liaison-card';

/**
 * A resident household as a list shows it. The phone is always masked here; care tags and
 * notes only when `seeCare` (the linked member, secretary, deputy: policy `viewResidentCare`).
 * Callers who may not see residents at all never reach this (they get FORBIDDEN first).
 */
export function residentView(r: LiaisonResidentDoc, seeCare: boolean): ResidentItem {
  return {
    residentId: r._id,
    householdId: r.householdId,
    headName: r.headName,
    address: r.address,
    phone: maskPhone(r.phone) ?? '',
    people: r.people,
    cardCode: r.cardCode,
    boundCount: r.boundOpenids.length,
    openRequests: r.openRequests,
    ...(seeCare ? { careTags: r.careTags as CareTag[], notes: r.notes } : {}),
  };
}

// ---------------------------------------------------------------- errors

export const forbidden = (message: string = MSG.forbidden) => new AppError('FORBIDDEN', message);
export const householdNotFound = () => new AppError('NOT_FOUND', MSG.householdNotFound);
export const residentNotFound = () => new AppError('NOT_FOUND', MSG.residentNotFound);

// ---------------------------------------------------------------- loading with the caller

type Joined<T> = T & {
  /** The caller's memberships in the household's branch. */
  m?: MembershipDoc[];
  /** The caller's memberships in the household's committee organisation. */
  cm?: MembershipDoc[];
  /** The committee organisation (its `liaisonSettings`). */
  c?: OrganizationDoc[];
  /** The central household's member's membership (`membershipId`). */
  hm?: MembershipDoc[];
};

/** Who may do what about a central household, as the policy sees it. */
export function householdResource(h: LiaisonHouseholdDoc): Resource {
  return {
    branchId: h.branchId,
    committeeId: h.committeeId,
    // A member who stepped down keeps no access to the residents they handed over.
    householderOpenid: h.active ? h.memberOpenid : undefined,
    householdId: h._id,
  };
}

/** A central household with what every household-scoped action needs (`householdFor`). */
export interface HouseholdFor {
  doc: LiaisonHouseholdDoc;
  /** The caller's memberships of the household's branch and committee organisation. */
  actor: Actor;
  settings: LiaisonSettings;
  /** The household's member's membership (live name, photo, role, phone), if it still exists. */
  member: MembershipDoc | null;
  resource: Resource;
  /** Its active resident households (`householdsFor` with `residents: true`). */
  residents?: LiaisonResidentDoc[];
}

/** The `$lookup`s of the household-scoped loaders (from a document with these fields). */
function withContext(agg: any, db: Database, openid: string, prefix = '') {
  return agg
    .lookup({
      from: COLLECTIONS.memberships,
      localField: `${prefix}branchId`,
      foreignField: 'orgId',
      as: 'm',
    })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: `${prefix}committeeId`,
      foreignField: 'orgId',
      as: 'cm',
    })
    .lookup({
      from: COLLECTIONS.organizations,
      localField: `${prefix}committeeId`,
      foreignField: '_id',
      as: 'c',
    })
    .lookup({
      from: COLLECTIONS.memberships,
      localField: `${prefix}membershipId`,
      foreignField: '_id',
      as: 'hm',
    })
    .addFields({ m: ownOnly(db, 'm', openid), cm: ownOnly(db, 'cm', openid) });
}

function contextOf<T extends object>(
  openid: string,
  h: LiaisonHouseholdDoc,
  row: Joined<T>,
): HouseholdFor {
  const actor = actorFrom(openid, [...(row.m ?? []), ...(row.cm ?? [])]);
  return {
    doc: h,
    actor,
    settings: settingsOf(row.c?.[0]),
    member: row.hm?.[0] ?? null,
    resource: householdResource(h),
  };
}

/**
 * Central households by `_id`, each with the caller's memberships of its branch and committee
 * organisation, the committee's settings, the member's membership and, with `residents: true`,
 * its active resident households: ONE database request (an aggregate with `$lookup`s on
 * `orgId_status_sortKey`, `_id` and `householdId_active_sortKey`). Missing ids are left out.
 */
export async function householdsFor(
  db: Database,
  openid: string,
  ids: string[],
  opts: { residents?: boolean } = {},
): Promise<HouseholdFor[]> {
  const _ = db.command;
  let agg = db
    .collection(COLLECTIONS.liaisonHouseholds)
    .aggregate()
    .match({ _id: ids.length === 1 ? ids[0] : _.in(ids) });
  if (opts.residents) {
    agg = agg.lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: '_id',
      foreignField: 'householdId',
      as: 'rs',
    });
  }
  const res = (await withContext(agg, db, openid).end()) as {
    list: Joined<LiaisonHouseholdDoc & { rs?: LiaisonResidentDoc[] }>[];
  };
  return (res.list ?? []).map((row) => {
    const { m: _m, cm: _cm, c: _c, hm: _hm, rs = [], ...h } = row;
    const context = contextOf(openid, h as LiaisonHouseholdDoc, row);
    return opts.residents ? { ...context, residents: rs.filter((r) => r.active) } : context;
  });
}

/** One central household (`householdsFor`); NOT_FOUND when it does not exist. */
export async function householdFor(
  db: Database,
  openid: string,
  id: string,
): Promise<HouseholdFor> {
  const [h] = await householdsFor(db, openid, [id]);
  if (!h) throw householdNotFound();
  return h;
}

/** A resident household with its central household's context (`residentFor`). */
export interface ResidentFor extends HouseholdFor {
  resident: LiaisonResidentDoc;
  /** The resident's requests (only with `requests: true`). */
  requests: LiaisonRequestDoc[];
}

/**
 * A resident household with its central household and the same context as `householdFor`,
 * optionally with the resident's requests: ONE database request. NOT_FOUND when either is
 * missing.
 */
export async function residentFor(
  db: Database,
  openid: string,
  residentId: string,
  opts: { requests?: boolean } = {},
): Promise<ResidentFor> {
  let agg = db
    .collection(COLLECTIONS.liaisonResidents)
    .aggregate()
    .match({ _id: residentId })
    .lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'householdId',
      foreignField: '_id',
      as: 'h',
    });
  if (opts.requests) {
    agg = agg.lookup({
      from: COLLECTIONS.liaisonRequests,
      localField: '_id',
      foreignField: 'residentId',
      as: 'q',
    });
  }
  const res = (await withContext(agg, db, openid, 'h.').end()) as {
    list: Joined<LiaisonResidentDoc & { h?: LiaisonHouseholdDoc[]; q?: LiaisonRequestDoc[] }>[];
  };
  const row = res.list?.[0];
  const h = row?.h?.[0];
  if (!row || !h) throw residentNotFound();
  const { m: _m, cm: _cm, c: _c, hm: _hm, h: _h, q = [], ...resident } = row;
  return {
    ...contextOf(openid, h, row),
    resident: resident as LiaisonResidentDoc,
    requests: q,
  };
}

/**
 * The caller's memberships (active or not) with each one's organisation and committee
 * organisation joined: ONE database request. For actions that start from a branch id.
 */
export async function actorWithOrgs(db: Database, openid: string, others: string[] = []) {
  const _ = db.command;
  const ids = [...new Set([openid, ...others])];
  const res = (await db
    .collection(COLLECTIONS.memberships)
    .aggregate()
    .match({ openid: ids.length === 1 ? openid : _.in(ids) })
    .limit(MAX_MEMBERSHIPS * ids.length)
    .lookup({ from: COLLECTIONS.organizations, localField: 'orgId', foreignField: '_id', as: 'o' })
    .lookup({
      from: COLLECTIONS.organizations,
      localField: 'committeeId',
      foreignField: '_id',
      as: 'c',
    })
    .end()) as { list: (MembershipDoc & { o?: OrganizationDoc[]; c?: OrganizationDoc[] })[] };
  const orgs = new Map<string, OrganizationDoc>();
  const docs: MembershipDoc[] = [];
  for (const { o = [], c = [], ...m } of res.list ?? []) {
    for (const org of [...o, ...c]) orgs.set(org._id, org);
    docs.push(m as MembershipDoc);
  }
  return { actor: actorFrom(openid, docs), docs, orgs };
}

/** The settings of the committee a branch (or committee) belongs to, from `actorWithOrgs`. */
export function settingsFor(orgs: Map<string, OrganizationDoc>, committeeId: string | undefined) {
  return settingsOf(committeeId ? orgs.get(committeeId) : null);
}

// ---------------------------------------------------------------- views

/**
 * A central household as managers and its member see it. `member` (the member's membership)
 * gives the live name and photo; the snapshot is used when it is missing.
 */
export function householdView(
  h: LiaisonHouseholdDoc,
  settings: LiaisonSettings,
  member?: Pick<MembershipDoc, 'realName' | 'photo'> | null,
): HouseholdItem {
  return {
    householdId: h._id,
    branchId: h.branchId,
    memberOpenid: h.memberOpenid,
    memberName: member?.realName || h.memberName,
    memberPhoto: member?.photo ?? h.photo ?? null,
    address: h.address,
    grid: h.grid,
    promise: h.promise,
    showPhone: h.showPhone,
    residentCount: h.residentCount,
    boundCount: h.boundCount,
    needsMore: h.residentCount < settings.minResidents,
    openRequests: h.openRequests,
  };
}

export { isOpen, requestView, type RequestResident } from '../common/liaison-card';

// ---------------------------------------------------------------- who did it (history)

/** 「李秀英（中心户）」 for the household's member, else the caller's role 「支部书记」…. */
export function byLabel(h: HouseholdFor, openid: string): string {
  if (openid === h.doc.memberOpenid) return `${h.member?.realName || h.doc.memberName}（中心户）`;
  const role = roleIn(h.actor, h.doc.branchId);
  if (role) return ROLE_LABELS[role];
  return h.actor.memberships.some((m) => m.orgId === h.doc.committeeId) ? '社区党委' : '居民';
}

// ---------------------------------------------------------------- erasure

/** An erased household's card code: unique (the index) and never one a resident can type. */
export const erasedCardCode = (residentId: string) => `~${residentId}`;

/** Files per `deleteFile` call (the platform's limit). */
const DELETE_BATCH = 50;

/**
 * Deletes the photo files under `dir` (no database request). Only files in that folder: the
 * schemas accept no other photo today, but a document written before they did (or by hand)
 * may name any file, and this runs with the function's rights — an export, another member's
 * photo or anything outside the folder is never deleted here. A refused file (gone already,
 * another environment) is left as it is; a failed call throws, so the caller can stop before
 * it writes.
 */
export async function deleteFiles(
  cloud: Cloud,
  dir: PhotoDir,
  fileIds: readonly unknown[],
): Promise<void> {
  const ids = [...new Set(fileIds.filter((f): f is string => isPhotoIn(dir, f)))];
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    await cloud.deleteFile({ fileList: ids.slice(i, i + DELETE_BATCH) });
  }
}

/** What the erasure needs of the household's requests (its loader read them). */
export type ErasedRequest = Pick<LiaisonRequestDoc, '_id' | 'status' | 'photos'>;

/**
 * Erases a resident household (`eraseMyData` by the resident, `removeResident` by a manager):
 * - the photo files of its requests are deleted from storage first (a failure stops the
 *   erasure before anything is written, so it can be tried again);
 * - every binding removed;
 * - the resident document's personal fields emptied (`erased`, inactive, its card code replaced
 *   so it no longer binds; who erased it and when stay on the emptied document as the record
 *   of the erasure), conditional on `active: true`, so a concurrent or repeated erasure changes
 *   the counters once;
 * - its requests anonymised: text, photos, submitter, notes and comments gone (residents' own
 *   history steps carry no openid; an older step's is cleared by the timer's sweep); category,
 *   level, times and rating stay. Open ones (and resolved ones still
 *   waiting for a rating nobody can give now) are closed with `dueAt` null: the `escalate`
 *   timer never picks them again and a late accept or resolve finds them closed (CONFLICT), so
 *   the open-request counters drop once, here. `acceptedAt` / `resolvedAt` stay as they were
 *   (a request closed unresolved has no `resolvedAt`);
 * - the central household's counters follow.
 * Service records about the household (the member's work log: points and good deeds stay) lose
 * their notes and photo files on the next run of the `escalate` timer (`recordsToSweep`, within
 * 10 minutes, `sweepErased`), which keeps the erasure within the write budget.
 *
 * Requests: bindings (1, skipped when `bound` is false), the resident (1), requests (1, skipped
 * when there are none), the household counters (1): 2 to 4. Files are not database requests.
 */
export async function eraseResident(
  db: Database,
  r: LiaisonResidentDoc,
  opts: {
    cloud: Cloud;
    /** The household's requests as the caller's loader read them (all of them, by `residentId`). */
    requests: readonly ErasedRequest[];
    bound: boolean;
    now: Date;
    by: 'resident' | 'manager';
    byOpenid: string | null;
  },
): Promise<boolean> {
  const _ = db.command;
  const { now } = opts;
  await deleteFiles(
    opts.cloud,
    PHOTO_DIRS.request,
    opts.requests.flatMap((q) => q.photos ?? []),
  );
  if (opts.bound) {
    await db.collection(COLLECTIONS.liaisonBindings).where({ residentId: r._id }).remove();
  }
  const erased = updatedCount(
    await db
      .collection(COLLECTIONS.liaisonResidents)
      .where({ _id: r._id, active: true })
      .update({
        data: {
          headName: '',
          address: '',
          addressParts: null,
          phone: '',
          people: 0,
          careTags: [],
          notes: null,
          cardCode: erasedCardCode(r._id),
          boundOpenids: [],
          bound: false,
          bindFails: 0,
          lockedUntil: null,
          openRequests: 0,
          countedRequests: [],
          active: false,
          erased: true,
          erasedAt: now,
          erasedBy: opts.by,
          // A manager's removal names them (accountability); a resident's own erasure keeps no
          // openid linked to the emptied household.
          erasedByOpenid: opts.byOpenid,
          recordsToSweep: true,
          sortKey: `\u0000${r._id}`,
          updatedAt: now,
        },
      }),
  );
  if (!erased) return false;
  const openIds = opts.requests.filter((q) => isOpen(q.status)).map((q) => q._id);
  await Promise.all([
    opts.requests.length > 0
      ? db
          .collection(COLLECTIONS.liaisonRequests)
          .where({ residentId: r._id })
          .update({
            data: {
              text: null,
              photos: [],
              submittedBy: null,
              resolutionNote: null,
              ratingComment: null,
              // Residents' own steps keep no openid (requests.ts); older entries that do lose
              // it on the timer's sweep (`sweepErased`): the emulator refuses two `$[]` paths
              // of one array in an update.
              'history.$[].note': null,
              // Closed ones stay closed (their rating and times kept); the others end here.
              status: 'closed',
              dueAt: null,
              anonymised: true,
              updatedAt: now,
            },
          })
      : null,
    db
      .collection(COLLECTIONS.liaisonHouseholds)
      .where({ _id: r.householdId })
      .update({
        data: {
          residentCount: _.inc(-1),
          boundCount: _.inc(countsAsBound(r) ? -1 : 0),
          openRequests: _.inc(-(r.openRequests ?? 0)),
          ...(openIds.length ? { countedRequests: _.pullAll(openIds) } : {}),
          updatedAt: now,
        },
      }),
  ]);
  return true;
}

/** Counted in its central household's `boundCount` (`bound`, or on older documents a binding). */
export function countsAsBound(r: Pick<LiaisonResidentDoc, 'bound' | 'boundOpenids'>): boolean {
  return r.bound ?? (r.boundOpenids ?? []).length > 0;
}

/** Erased households swept per timer run. */
const SWEEP_BATCH = 50;

/**
 * Finishes the erasure of households erased since the last run (index `recordsToSweep`): the
 * service records about them lose their notes and photos, the photo files are deleted from
 * storage, and their requests' history keeps no openid; then the flag is cleared. Four requests
 * per household (its records, their update, the requests' history, the flag), after the
 * erasure answered. A failure leaves the flag set, so the next run tries again.
 */
export async function sweepErased(db: Database, cloud: Cloud): Promise<number> {
  const pending = await fetchAll<Pick<LiaisonResidentDoc, '_id' | 'branchId'>>(
    db
      .collection(COLLECTIONS.liaisonResidents)
      .where({ recordsToSweep: true })
      .field({ _id: true, branchId: true })
      .limit(SWEEP_BATCH),
  );
  for (const r of pending) {
    // Records are found through the branch (index `branchId_date`): a resident never changes
    // branch, while its central household may (stepDown).
    const where = { branchId: r.branchId, residentId: r._id };
    const records = await fetchAll<Pick<LiaisonRecordDoc, '_id' | 'photos'>>(
      db
        .collection(COLLECTIONS.liaisonRecords)
        .where(where)
        .field({ _id: true, photos: true })
        .limit(1000),
    );
    await deleteFiles(
      cloud,
      PHOTO_DIRS.record,
      records.flatMap((x) => x.photos ?? []),
    );
    await Promise.all([
      records.length
        ? db
            .collection(COLLECTIONS.liaisonRecords)
            .where(where)
            .update({ data: { note: null, photos: [] } })
        : null,
      db
        .collection(COLLECTIONS.liaisonRequests)
        .where({ residentId: r._id })
        .update({ data: { 'history.$[].byOpenid': null } }),
    ]);
    await db
      .collection(COLLECTIONS.liaisonResidents)
      .where({ _id: r._id })
      .update({ data: { recordsToSweep: false } });
  }
  return pending.length;
}

// ---------------------------------------------------------------- newest-first pages

/** Cursor of a newest-first list: the last shown `createdAt` and the ids shown with that time. */
export interface NewestCursor {
  t: string;
  ids: string[];
}

export const isNewestCursor = (v: unknown): v is NewestCursor =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as NewestCursor).t === 'string' &&
  !Number.isNaN(Date.parse((v as NewestCursor).t)) &&
  Array.isArray((v as NewestCursor).ids) &&
  (v as NewestCursor).ids.length <= PAGE &&
  (v as NewestCursor).ids.every((x) => typeof x === 'string');

/**
 * One page (20) of `collection` matching `match`, newest first (`createdAt` desc: the leading
 * `$match` and `$sort` are served by the caller's index), with the resident household joined
 * as `r` when `withResidents` (the caller may see residents): one aggregate. Items sharing the
 * last time are carried in the cursor, so none is skipped or repeated.
 */
export async function newestPage<
  T extends { _id: string; createdAt: Date; residentId: string | null },
>(
  db: Database,
  collection: string,
  match: Record<string, unknown>,
  cursor: NewestCursor | null,
  withResidents: boolean,
): Promise<{ page: (T & { r?: LiaisonResidentDoc[] })[]; nextCursor: string | null }> {
  const m = { ...match };
  if (cursor) m.createdAt = db.command.lte(new Date(cursor.t));
  const skip = new Set(cursor?.ids ?? []);
  let q = db
    .collection(collection)
    .aggregate()
    .match(m)
    .sort({ createdAt: -1 })
    .limit(PAGE + 1 + skip.size);
  if (withResidents) {
    q = q.lookup({
      from: COLLECTIONS.liaisonResidents,
      localField: 'residentId',
      foreignField: '_id',
      as: 'r',
    });
  }
  const res = (await q.end()) as unknown as { list?: (T & { r?: LiaisonResidentDoc[] })[] };
  const fresh = (res.list ?? []).filter((x) => !skip.has(x._id));
  const page = fresh.slice(0, PAGE);
  let nextCursor: string | null = null;
  if (fresh.length > PAGE) {
    const t = iso(page[page.length - 1].createdAt);
    const same = page.filter((x) => iso(x.createdAt) === t).map((x) => x._id);
    const carried = cursor && cursor.t === t ? cursor.ids : [];
    nextCursor = encodeCursor({ t, ids: [...carried, ...same] } satisfies NewestCursor);
  }
  return { page, nextCursor };
}
