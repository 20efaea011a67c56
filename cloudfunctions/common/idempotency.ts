import { createHash } from 'crypto';
import { AppError } from './errors';
import { COLLECTIONS } from './model';
import { findById } from './db';
import type { Database } from './define';

/**
 * A retried write (same requestId from the same caller for the same action) must not apply
 * twice (ARCHITECTURE §3). The first call claims the id by inserting a marker whose `_id`
 * is derived from it, so the database's unique `_id` decides between concurrent retries;
 * the finished call stores its answer there and a retry gets that answer back.
 * Costs two database requests per write: the claim and the answer.
 */

/** A claim older than this belongs to an invocation that died (CloudBase's limit is 60 s). */
const STALE_MS = 90_000;

export const MESSAGES_IDEMPOTENCY = {
  inProgress: '该操作正在处理中，请稍候刷新查看结果',
} as const;

export interface IdempotencyScope {
  fn: string;
  action: string;
  openid: string;
  requestId: string;
}

interface RequestLogDoc {
  _id: string;
  state: 'pending' | 'done';
  fn: string;
  action: string;
  createdAt: Date;
  result?: unknown;
}

/** The openid is hashed into the key, so the log holds no caller identity in clear. */
export function requestKey(s: IdempotencyScope): string {
  return createHash('sha256')
    .update(`${s.fn}\n${s.action}\n${s.openid}\n${s.requestId}`)
    .digest('hex')
    .slice(0, 40);
}

function isDuplicateKey(err: unknown): boolean {
  const e = (err ?? {}) as { errCode?: unknown; errMsg?: unknown; message?: unknown };
  return e.errCode === -502001 && /E11000|duplicate key/i.test(`${e.errMsg ?? e.message ?? ''}`);
}

export async function withIdempotency<T>(
  db: Database,
  scope: IdempotencyScope,
  run: () => Promise<T>,
): Promise<T> {
  const log = db.collection(COLLECTIONS.requestLog);
  const id = requestKey(scope);
  try {
    await log.add({
      data: {
        _id: id,
        state: 'pending',
        fn: scope.fn,
        action: scope.action,
        createdAt: db.serverDate(),
      },
    });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const prev = await findById<RequestLogDoc>(db, COLLECTIONS.requestLog, id);
    // Claimed and released (the first attempt failed) between our add and this read.
    if (!prev) throw new AppError('CONFLICT', MESSAGES_IDEMPOTENCY.inProgress);
    if (prev.state === 'done') return prev.result as T;
    const age = Date.now() - new Date(prev.createdAt).getTime();
    if (age < STALE_MS) throw new AppError('CONFLICT', MESSAGES_IDEMPOTENCY.inProgress);
    // The first attempt died mid-way: take its claim over, unless another retry just did.
    const took = (await log
      .where({ _id: id, state: 'pending', createdAt: prev.createdAt })
      .update({ data: { createdAt: db.serverDate() } })) as { stats: { updated: number } };
    if (took.stats.updated !== 1) throw new AppError('CONFLICT', MESSAGES_IDEMPOTENCY.inProgress);
  }
  let result: T;
  try {
    result = await run();
  } catch (err) {
    // Nothing was applied, so a retry must run again rather than replay a failure.
    await Promise.resolve(log.doc(id).remove()).catch(() => undefined);
    throw err;
  }
  // command.set stores the answer whole; a plain object would be merged field by field.
  await log
    .doc(id)
    .update({ data: { state: 'done', result: db.command.set((result ?? null) as any) } });
  return result;
}

/**
 * How long a finished write's answer is kept for retries. A client retries within seconds
 * or, after a lost network, within the same visit; a week covers a phone left in a drawer
 * with a page open and keeps the collection from growing with every write ever made.
 */
export const REQUEST_LOG_RETENTION_DAYS = 7;

/**
 * Deletes request-log entries older than the retention, in one request (index `createdAt`).
 * A retry of such an old write would run again; it is refused or harmless on its own terms
 * (unique keys, conditional updates), the log only saves the repeat.
 */
export async function pruneRequestLog(db: Database, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - REQUEST_LOG_RETENTION_DAYS * 24 * 3600 * 1000);
  await db
    .collection(COLLECTIONS.requestLog)
    .where({ createdAt: db.command.lt(cutoff) })
    .remove();
}
