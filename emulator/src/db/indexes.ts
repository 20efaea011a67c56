/**
 * Real in-memory indexes over a collection: a sorted array of key tuples, so an
 * equality or range lookup is a binary search plus a walk, never a scan.
 */
import { compareValues, getPath } from './order';
import type { Doc } from './ejson';

export interface IndexSpec {
  name: string;
  /** Field → 1 (ascending) or -1 (descending), in key order. */
  keys: Record<string, 1 | -1>;
  unique?: boolean;
}

interface Entry {
  key: unknown[];
  id: string;
}

export interface Bound {
  value: unknown;
  inclusive: boolean;
}

export class Index {
  readonly fields: string[];
  readonly dirs: (1 | -1)[];
  private entries: Entry[] = [];

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.keys);
    this.dirs = this.fields.map((f) => (spec.keys[f] === -1 ? -1 : 1));
  }

  get name(): string {
    return this.spec.name;
  }
  get unique(): boolean {
    return !!this.spec.unique;
  }
  get size(): number {
    return this.entries.length;
  }

  /** One tuple per element for array-valued (multikey) fields; missing fields index as null. */
  keysOf(doc: Doc): unknown[][] {
    let tuples: unknown[][] = [[]];
    for (const f of this.fields) {
      const v = getPath(doc, f);
      const vals = Array.isArray(v) ? (v.length ? dedupe(v) : [undefined]) : [v];
      const next: unknown[][] = [];
      for (const t of tuples) for (const x of vals) next.push([...t, x === undefined ? null : x]);
      tuples = next;
    }
    return tuples;
  }

  private cmpKey(a: unknown[], b: unknown[], n = this.fields.length): number {
    for (let i = 0; i < n; i++) {
      const c = compareValues(a[i], b[i]) * this.dirs[i];
      if (c !== 0) return c;
    }
    return 0;
  }

  private cmpEntry(a: Entry, b: Entry): number {
    const c = this.cmpKey(a.key, b.key);
    if (c !== 0) return c;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  private lowerBound(probe: Entry): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmpEntry(this.entries[mid], probe) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Set once any document holds an array in an indexed field. MongoDB then cannot
   * intersect two bounds on that field (different elements may satisfy each one).
   */
  multikey = false;

  add(doc: Doc): void {
    const id = String(doc._id);
    if (!this.multikey && this.fields.some((f) => Array.isArray(getPath(doc, f)))) {
      this.multikey = true;
    }
    for (const key of this.keysOf(doc)) {
      const e = { key, id };
      this.entries.splice(this.lowerBound(e), 0, e);
    }
  }

  remove(doc: Doc): void {
    const id = String(doc._id);
    for (const key of this.keysOf(doc)) {
      const i = this.lowerBound({ key, id });
      if (
        i < this.entries.length &&
        this.entries[i].id === id &&
        this.cmpKey(this.entries[i].key, key) === 0
      ) {
        this.entries.splice(i, 1);
      }
    }
  }

  /** Ids of other documents that already hold one of `doc`'s keys (unique check). */
  holders(doc: Doc): { id: string; key: unknown[] }[] {
    const out: { id: string; key: unknown[] }[] = [];
    for (const key of this.keysOf(doc)) {
      let i = this.lowerBound({ key, id: '' });
      while (i < this.entries.length && this.cmpKey(this.entries[i].key, key) === 0) {
        out.push({ id: this.entries[i].id, key });
        i++;
      }
    }
    return out;
  }

  /**
   * Ids whose first `prefix.length` keys equal `prefix` and whose next key lies in
   * [lower, upper], in index order (or reversed). `visit` returns false to stop early.
   */
  scan(
    prefix: unknown[],
    range: { lower?: Bound; upper?: Bound } | undefined,
    reverse: boolean,
    visit: (id: string) => boolean,
  ): void {
    const p = prefix.length;
    const inPrefix = (e: Entry) => this.cmpKey(e.key, prefix, p) === 0;
    const next = p < this.fields.length ? p : -1;
    const dir = next >= 0 ? this.dirs[next] : 1;
    const inRange = (e: Entry): boolean => {
      if (!range || next < 0) return true;
      const v = e.key[next];
      if (range.lower) {
        const c = compareValues(v, range.lower.value);
        if (c < 0 || (c === 0 && !range.lower.inclusive)) return false;
      }
      if (range.upper) {
        const c = compareValues(v, range.upper.value);
        if (c > 0 || (c === 0 && !range.upper.inclusive)) return false;
      }
      return true;
    };
    // Start at the first entry of the prefix (and of the range, when the range bound
    // is the index's leading side), then walk while still inside the prefix.
    let start = 0;
    if (p > 0) {
      start = this.firstWithPrefix(prefix);
    }
    if (range && next >= 0) {
      const lead = dir === 1 ? range.lower : range.upper;
      if (lead) {
        const probeKey = [...prefix, lead.value];
        let lo = start;
        let hi = this.entries.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (this.cmpKey(this.entries[mid].key, probeKey, p + 1) < 0) lo = mid + 1;
          else hi = mid;
        }
        start = lo;
      }
    }
    let end = start;
    while (end < this.entries.length && (p === 0 || inPrefix(this.entries[end]))) {
      const e = this.entries[end];
      if (range && next >= 0 && !inRange(e)) {
        // Past the trailing bound: nothing further in this prefix can match.
        const trail = dir === 1 ? range.upper : range.lower;
        if (trail) {
          const c = compareValues(e.key[next], trail.value) * dir;
          if (c > 0 || (c === 0 && !trail.inclusive)) break;
        }
      }
      end++;
    }
    const seen = new Set<string>();
    const emit = (e: Entry): boolean => {
      if (!inRange(e) || seen.has(e.id)) return true;
      seen.add(e.id);
      return visit(e.id);
    };
    if (!reverse) {
      for (let i = start; i < end; i++) if (!emit(this.entries[i])) return;
    } else {
      for (let i = end - 1; i >= start; i--) if (!emit(this.entries[i])) return;
    }
  }

  private firstWithPrefix(prefix: unknown[]): number {
    const p = prefix.length;
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cmpKey(this.entries[mid].key, prefix, p) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function dedupe(vals: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of vals) if (!out.some((o) => compareValues(o, v) === 0)) out.push(v);
  return out;
}
