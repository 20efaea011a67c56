/**
 * Helpers every function needs: China-time days, ids, cursors, database write results,
 * content security and the caller's memberships. Moved here from branch/shared.ts when the
 * `lesson` function came, so both functions share one implementation (branch/shared.ts
 * re-exports them under the old names).
 */
import { createHash, randomBytes } from 'crypto';
import { AppError } from './errors';
import {
  COLLECTIONS,
  type CollectionName,
  type LiaisonHouseholdDoc,
  type MembershipDoc,
  type ReportDoc,
} from './model';
import { actorFrom } from './policy';
import { fetchAll, toTime } from './db';
import type { Cloud, Database } from './define';

/** A person belongs to few organisations; the cap keeps the read bounded whatever the data. */
export const MAX_MEMBERSHIPS = 20;
/** Items per list page (ARCHITECTURE §6). */
export const PAGE = 20;
const CHINA_OFFSET_MS = 8 * 3600_000;

export const UTIL_MESSAGES = {
  badCursor: '参数「cursor」有误：分页参数无效，请刷新后重试',
  risky: '内容含有不适宜发布的信息，请修改后再提交',
} as const;

// ---------------------------------------------------------------- identity

/**
 * The caller's memberships (and, in the same request, those of the people the action is
 * about): one database request, served by the `openid_orgId` index.
 */
export async function loadActor(db: Database, openid: string, others: string[] = []) {
  const ids = [...new Set([openid, ...others])];
  const _ = db.command;
  const docs = await fetchAll<MembershipDoc>(
    db
      .collection(COLLECTIONS.memberships)
      .where({ openid: ids.length === 1 ? openid : _.in(ids) })
      .limit(MAX_MEMBERSHIPS * ids.length),
  );
  return { actor: actorFrom(openid, docs), docs };
}

/**
 * As `loadActor`, plus the caller's reports (双报到) joined by `$lookup` in the same
 * aggregate: still one database request. A reporter always has membership documents (only
 * a party member may report, and membership documents are never deleted). `households`: also
 * join the caller's central households (党员中心户, `$lookup` on `memberOpenid`, index
 * `memberOpenid_active`) for `branch.me`; `[]` when not asked for.
 */
export async function loadActorWithReports(
  db: Database,
  openid: string,
  opts: { households?: boolean } = {},
) {
  let agg = db
    .collection(COLLECTIONS.memberships)
    .aggregate()
    .match({ openid })
    .limit(MAX_MEMBERSHIPS)
    .lookup({ from: COLLECTIONS.reports, localField: 'openid', foreignField: 'openid', as: 'r' });
  if (opts.households) {
    agg = agg.lookup({
      from: COLLECTIONS.liaisonHouseholds,
      localField: 'openid',
      foreignField: 'memberOpenid',
      as: 'h',
    });
  }
  const res = (await agg.end()) as unknown as {
    list: (MembershipDoc & { r?: ReportDoc[]; h?: LiaisonHouseholdDoc[] })[];
  };
  const rows = res.list ?? [];
  const reports = rows[0]?.r ?? [];
  const households = rows[0]?.h ?? [];
  const docs = rows.map(({ r: _r, h: _h, ...m }) => m as MembershipDoc);
  return { actor: actorFrom(openid, docs, reports), docs, reports, households };
}

/** The report (双报到) id of a person to a branch: derived, so it is found by `_id`. */
export function reportId(openid: string, branchId: string): string {
  return `r${createHash('sha256').update(`${openid}\n${branchId}`).digest('hex').slice(0, 31)}`;
}

/** `138****1234`; anything not an 11-digit number is hidden entirely. */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  return /^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : '****';
}

export function activeIn(docs: MembershipDoc[], openid: string, branchId: string) {
  return docs.find((d) => d.openid === openid && d.orgId === branchId && d.status === 'active');
}

// ---------------------------------------------------------------- time

/** `YYYY-MM-DD` of an instant in China time. */
export function chinaDay(value: unknown): string {
  return new Date(toTime(value) + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD HH:mm` in China time (subscribe messages' time fields, exports). */
export function chinaMinute(value: unknown): string {
  return new Date(toTime(value) + CHINA_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** The instant 00:00 China time of a `YYYY-MM-DD` day. */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - CHINA_OFFSET_MS);
}

export function iso(value: unknown): string {
  return new Date(toTime(value)).toISOString();
}

export function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

// ---------------------------------------------------------------- ids and cursors

export function newId(): string {
  return randomBytes(16).toString('hex');
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined,
  check: (v: unknown) => v is T,
): T | null {
  if (cursor === undefined) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw new AppError('INVALID_ARGUMENT', UTIL_MESSAGES.badCursor, { fields: ['cursor'] });
}

/** A cursor that is the sort key of the last item shown. */
export const isKeyCursor = (v: unknown): v is string => typeof v === 'string';

/** The first `PAGE` of `rows` (read with one more) and the cursor of the next page, or null. */
export function slicePage<T>(rows: T[], cursorOf: (last: T) => unknown) {
  const page = rows.slice(0, PAGE);
  return {
    page,
    nextCursor: rows.length > PAGE ? encodeCursor(cursorOf(page[page.length - 1])) : null,
  };
}

/**
 * One page of `collection` matching `where`, in ascending `key` order after the key `after`
 * (from `decodeCursor(…, isKeyCursor)`): one database request.
 */
export async function keyPage<T, K extends keyof T & string>(
  db: Database,
  collection: CollectionName,
  where: Record<string, unknown>,
  key: K,
  after: string | null,
) {
  const _ = db.command;
  if (after !== null) where[key] = _.gt(after);
  const rows = await fetchAll<T>(
    db
      .collection(collection)
      .where(where)
      .orderBy(key, 'asc')
      .limit(PAGE + 1),
  );
  return slicePage(rows, (last) => last[key]);
}

// ---------------------------------------------------------------- write results

export function isDuplicateKey(err: unknown): boolean {
  const e = (err ?? {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  return /E11000|duplicate key/i.test(`${e.errMsg ?? e.message ?? ''}`);
}

export function updatedCount(res: unknown): number {
  const stats = (res as { stats?: { updated?: number } } | undefined)?.stats;
  return stats?.updated ?? 0;
}

// ---------------------------------------------------------------- content security

/**
 * Content security (msgSecCheck v2). `risky` is refused with CONTENT_RISKY; the verdict
 * `review` is returned so the caller can hold the text for a secretary.
 * Scenes: 1 profile, 2 comment, 3 forum, 4 social log.
 */
export async function secCheck(
  cloud: Cloud,
  openid: string,
  content: string,
  scene: 1 | 2 | 3 | 4,
  title?: string,
): Promise<'pass' | 'review'> {
  const res = (await cloud.openapi.security.msgSecCheck({
    content,
    version: 2,
    scene,
    openid,
    ...(title ? { title } : {}),
  } as never)) as { result?: { suggest?: string } };
  const suggest = res?.result?.suggest;
  if (suggest === 'risky') throw new AppError('CONTENT_RISKY', UTIL_MESSAGES.risky);
  if (suggest === 'review') return 'review';
  if (suggest === 'pass') return 'pass';
  throw new Error('unexpected msgSecCheck answer');
}

// ---------------------------------------------------------------- subscribe messages

/** Subscribe messages sent at once (the sends are no database requests). */
export const SEND_BATCH = 50;

/**
 * Sends one subscribe message to each of `openids`, `SEND_BATCH` at a time; `message` gives the
 * rest of it (template, page, data). A refused send (the user did not subscribe) is not an
 * error. Returns how many went out.
 */
export async function sendEach(
  cloud: Cloud,
  openids: readonly string[],
  message: (touser: string) => Record<string, unknown>,
): Promise<number> {
  let sent = 0;
  for (let i = 0; i < openids.length; i += SEND_BATCH) {
    const results = await Promise.allSettled(
      openids
        .slice(i, i + SEND_BATCH)
        .map((touser) =>
          cloud.openapi.subscribeMessage.send({ touser, ...message(touser) } as never),
        ),
    );
    sent += results.filter((r) => r.status === 'fulfilled').length;
  }
  return sent;
}
