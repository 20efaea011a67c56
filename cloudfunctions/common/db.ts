import type { Database } from './define';
import type { CollectionName } from './model';

type Gettable = { get(): unknown };

/**
 * Runs a query and returns its documents. The SDK's typings allow `void | string` for
 * callback styles this project never uses, so the shape is checked once here.
 */
export async function fetchAll<T>(query: Gettable): Promise<T[]> {
  const res = (await query.get()) as { data?: unknown } | undefined;
  if (!res || !Array.isArray(res.data)) throw new Error('unexpected query result shape');
  return res.data as T[];
}

/**
 * Reads one document by `_id`, or null. A where-query rather than `doc().get()`, which
 * throws when the document is missing and would turn "not found" into an exception.
 */
export async function findById<T>(
  db: Database,
  collection: CollectionName,
  id: string,
): Promise<T | null> {
  const docs = await fetchAll<T>(db.collection(collection).where({ _id: id }).limit(1));
  return docs[0] ?? null;
}

/** Dates come back as Date from the SDK, but as strings when a document was hand-edited. */
export function toTime(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string' || typeof value === 'number') return new Date(value).getTime();
  return 0;
}

/**
 * An aggregate expression keeping, of the array `field` a `$lookup` joined, the elements that
 * belong to `openid` (their `openid`): the caller's own memberships or records, in the same
 * request as the document they were joined to.
 */
export function ownOnly(db: Database, field: string, openid: string) {
  const $ = db.command.aggregate;
  return $.filter({ input: `$${field}`, as: 'x', cond: $.eq(['$$x.openid', openid]) });
}
