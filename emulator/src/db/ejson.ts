/**
 * Wire encoding of the CloudBase database protocol. `@cloudbase/database` sends
 * queries, updates and documents as canonical EJSON strings and parses the list
 * items it gets back with `EJSON.parse`; we use the same `bson` major so both
 * sides agree on every type.
 */
import { EJSON, BSONRegExp } from 'bson';

export type Doc = Record<string, any>;

/** Parse one EJSON string from the SDK into plain JS values the engine stores. */
export function decode(text: string | undefined | null, now: Date = new Date()): any {
  if (text === undefined || text === null || text === '') return undefined;
  return normalize(EJSON.parse(text, { relaxed: true }), now);
}

/**
 * Parse EJSON the store wrote itself (journal, snapshot, seed files). Relaxed mode is
 * required: canonical parsing yields Int32/Double/Long wrapper objects instead of
 * numbers, which no query or index would then match.
 */
export function parseStored(text: string): any {
  return normalize(EJSON.parse(text, { relaxed: true }), new Date());
}

/** Encode a stored document the way the service does: one EJSON string per document. */
export function encode(value: unknown): string {
  return EJSON.stringify(value as Doc, { relaxed: false });
}

/**
 * `db.serverDate()` arrives as `{$tcb_server_date: {offset}}` and `db.RegExp` as a
 * BSON regex; the store keeps real Dates and RegExps so mingo evaluates them natively.
 */
function normalize(value: any, now: Date): any {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (value instanceof RegExp) return value;
  if (value instanceof BSONRegExp || value?._bsontype === 'BSONRegExp') {
    const flags = String(value.options ?? '')
      .split('')
      .filter((f) => 'imsu'.includes(f))
      .join('');
    return new RegExp(value.pattern, flags);
  }
  if (Array.isArray(value)) return value.map((v) => normalize(v, now));
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$tcb_server_date') {
    const offset = Number(value.$tcb_server_date?.offset ?? 0);
    return new Date(now.getTime() + offset);
  }
  const out: Doc = {};
  for (const k of keys) out[k] = normalize(value[k], now);
  return out;
}

/** Structured clone that keeps Dates and RegExps (documents never hold functions). */
export function clone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return new Date(value.getTime()) as any;
  if (value instanceof RegExp) return new RegExp(value.source, value.flags) as any;
  if (Array.isArray(value)) return value.map((v) => clone(v)) as any;
  const out: any = {};
  for (const k of Object.keys(value as any)) out[k] = clone((value as any)[k]);
  return out;
}
