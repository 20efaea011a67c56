/**
 * Chooses a declared index for a filter and sort, the way the emulator's strict mode
 * demands: every query must be served by an index so that it stays cheap however
 * large the collection grows in the cloud.
 */
import type { Index, Bound } from './indexes';

type FieldCond =
  | { kind: 'eq'; values: unknown[] }
  | { kind: 'range'; lower?: Bound; upper?: Bound }
  | { kind: 'other' };

export interface Plan {
  index: Index;
  /** One scan per combination of `$in` values on the equality prefix. */
  prefixes: unknown[][];
  range?: { lower?: Bound; upper?: Bound };
  reverse: boolean;
  /** True when the scan order already satisfies the requested sort. */
  sorted: boolean;
}

const RANGE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp)
  );
}

/**
 * Index keys under which a document equal to `v` can be filed. Multikey indexes file
 * an array under each element, so an exact-array match must look up its first element
 * (and the whole array, for arrays nested in arrays); `[]` is filed as null.
 */
function lookupKeys(values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(v.length ? v[0] : null, v);
    else out.push(v);
  }
  return out;
}

function classify(cond: unknown): FieldCond {
  if (cond instanceof RegExp) return { kind: 'other' };
  if (!isPlainObject(cond)) return { kind: 'eq', values: lookupKeys([cond]) };
  const keys = Object.keys(cond);
  if (!keys.some((k) => k.startsWith('$'))) return { kind: 'eq', values: [cond] };
  if (keys.length === 1 && keys[0] === '$eq') return { kind: 'eq', values: lookupKeys([cond.$eq]) };
  if (keys.length === 1 && keys[0] === '$in' && Array.isArray(cond.$in)) {
    if (cond.$in.some((v) => v instanceof RegExp)) return { kind: 'other' };
    return { kind: 'eq', values: lookupKeys(cond.$in) };
  }
  if (keys.every((k) => RANGE_OPS.has(k))) {
    const r: { lower?: Bound; upper?: Bound } = {};
    if ('$gt' in cond) r.lower = { value: cond.$gt, inclusive: false };
    if ('$gte' in cond) r.lower = { value: cond.$gte, inclusive: true };
    if ('$lt' in cond) r.upper = { value: cond.$lt, inclusive: false };
    if ('$lte' in cond) r.upper = { value: cond.$lte, inclusive: true };
    return { kind: 'range', ...r };
  }
  return { kind: 'other' };
}

/** Conjunctive field conditions of a filter; `null` when the filter has a top-level `$or`/`$nor`. */
export function fieldConditions(filter: Record<string, unknown>): Map<string, FieldCond> | null {
  const out = new Map<string, FieldCond>();
  const add = (field: string, c: FieldCond) => {
    const prev = out.get(field);
    if (!prev) return void out.set(field, c);
    if (prev.kind === 'eq') return;
    if (c.kind === 'eq') return void out.set(field, c);
    if (prev.kind === 'range' && c.kind === 'range') {
      out.set(field, { kind: 'range', lower: c.lower ?? prev.lower, upper: c.upper ?? prev.upper });
    }
  };
  const walk = (f: Record<string, unknown>): boolean => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and') {
        if (!Array.isArray(v)) return false;
        for (const sub of v) if (!isPlainObject(sub) || !walk(sub)) return false;
      } else if (k === '$or' || k === '$nor') {
        return false;
      } else if (k.startsWith('$')) {
        continue;
      } else {
        add(k, classify(v));
      }
    }
    return true;
  };
  return walk(filter) ? out : null;
}

export function planQuery(
  indexes: Index[],
  filter: Record<string, unknown>,
  sort: Record<string, 1 | -1> | undefined,
): Plan | null {
  const conds = fieldConditions(filter);
  if (!conds) return null;
  const sortFields = Object.entries(sort ?? {});
  let best: { plan: Plan; score: number } | null = null;
  for (const index of indexes) {
    const fields = index.fields;
    const prefixValues: unknown[][] = [];
    let p = 0;
    let single = true;
    while (p < fields.length) {
      const c = conds.get(fields[p]);
      if (!c || c.kind !== 'eq') break;
      prefixValues.push(c.values);
      if (c.values.length !== 1) single = false;
      p++;
    }
    const nextCond = p < fields.length ? conds.get(fields[p]) : undefined;
    let range = nextCond && nextCond.kind === 'range' ? nextCond : undefined;
    if (range && range.lower && range.upper && index.multikey) {
      // Scan from the lower bound only; the full filter then decides each document.
      range = { kind: 'range', lower: range.lower };
    }
    if (p === 0 && !range && conds.size > 0) continue;

    // Sort fields pinned by a single-value equality are constant and need no order.
    const pinned = new Set(fields.slice(0, p).filter((_, i) => prefixValues[i].length === 1));
    const needed = sortFields.filter(
      ([f]) =>
        !pinned.has(f) &&
        !(conds.get(f)?.kind === 'eq' && (conds.get(f) as any).values.length === 1),
    );
    let sortOk = needed.length === 0;
    let reverse = false;
    if (!sortOk && single) {
      const tail = fields.slice(p);
      if (needed.length <= tail.length && needed.every(([f], i) => tail[i] === f)) {
        const rel = needed.map(([, d], i) => d * index.dirs[p + i]);
        if (rel.every((r) => r === rel[0])) {
          sortOk = true;
          reverse = rel[0] === -1;
        }
      }
    }
    if (p === 0 && !range && !sortOk) continue;
    if (p === 0 && !range && conds.size === 0 && needed.length === 0 && index.name !== '_id_')
      continue;
    if (!sortOk && needed.length > 0 && single) continue;

    const combos = cartesian(prefixValues);
    const plan: Plan = {
      index,
      prefixes: combos,
      range: range ? { lower: range.lower, upper: range.upper } : undefined,
      reverse,
      sorted: sortOk && combos.length <= 1,
    };
    const score = p * 10 + (range ? 5 : 0) + (sortOk ? 3 : 0) - fields.length * 0.01;
    if (!best || score > best.score) best = { plan, score };
  }
  return best ? best.plan : null;
}

function cartesian(lists: unknown[][]): unknown[][] {
  let out: unknown[][] = [[]];
  for (const l of lists) {
    const next: unknown[][] = [];
    for (const t of out) for (const v of l) next.push([...t, v]);
    out = next;
    if (out.length > 10000) break;
  }
  return out;
}

/** Human-readable field list for strict-mode refusals. */
export function describeQuery(
  filter: Record<string, unknown>,
  sort?: Record<string, 1 | -1>,
): string {
  const conds = fieldConditions(filter);
  const f = conds ? [...conds.keys()] : Object.keys(filter);
  const s = Object.entries(sort ?? {}).map(([k, d]) => `${k} ${d === -1 ? 'desc' : 'asc'}`);
  return `filter fields [${f.join(', ')}]` + (s.length ? `, sort [${s.join(', ')}]` : '');
}
