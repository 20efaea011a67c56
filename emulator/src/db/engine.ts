/**
 * The emulator's document database: MongoDB semantics evaluated by mingo over
 * collections kept in memory, real indexes, optimistic transactions and a journal.
 */
import { randomBytes } from 'crypto';
import { Query, find, aggregate as mingoAggregate, update as mingoUpdate } from 'mingo';
import { clone, type Doc } from './ejson';
import { DbError, duplicateKey } from './errors';
import { Index, type IndexSpec } from './indexes';
import { Journal, type JournalOp } from './journal';
import { planQuery, describeQuery, type Plan } from './planner';
import { compareValues, getPath } from './order';

export type IndexDeclarations = Record<string, IndexSpec[]>;

export interface DatabaseOptions {
  /** Folder for durable data; in memory when omitted. */
  dir?: string;
  /** Refuse queries that no declared index serves (always on in tests and `npm start`). */
  strict?: boolean;
  /** Declared indexes per collection; declaring a collection also creates it. */
  indexes?: IndexDeclarations;
  /** Outside strict mode, the first write to an unknown collection creates it. */
  autoCreate?: boolean;
  /** Told when a write created a collection that CloudBase would have refused (-502005). */
  onAutoCreate?: (collection: string) => void;
  now?: () => Date;
}

export interface FindOptions {
  sort?: Record<string, 1 | -1>;
  skip?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

export interface QueryStats {
  /** Documents looked at to answer the last query: stays near the result size when an index serves it. */
  docsExamined: number;
  index: string | null;
}

class Collection {
  readonly docs = new Map<string, Doc>();
  /** Commit sequence of each document's last write, for transaction validation. */
  readonly versions = new Map<string, number>();
  readonly indexes: Index[];
  constructor(
    readonly name: string,
    specs: IndexSpec[],
  ) {
    this.indexes = [new Index({ name: '_id_', keys: { _id: 1 }, unique: true })];
    for (const s of specs) if (!(s.name === '_id_')) this.indexes.push(new Index(s));
  }
  put(doc: Doc, seq: number): void {
    const id = String(doc._id);
    const prev = this.docs.get(id);
    if (prev) for (const ix of this.indexes) ix.remove(prev);
    this.docs.set(id, doc);
    this.versions.set(id, seq);
    for (const ix of this.indexes) ix.add(doc);
  }
  del(id: string, seq: number): boolean {
    const prev = this.docs.get(id);
    if (!prev) return false;
    for (const ix of this.indexes) ix.remove(prev);
    this.docs.delete(id);
    this.versions.set(id, seq);
    return true;
  }
}

interface Txn {
  id: string;
  startSeq: number;
  startedAt: number;
  /** collection → id → new document, or null for a delete. */
  writes: Map<string, Map<string, Doc | null>>;
  reads: Map<string, Set<string>>;
}

const TXN_TTL_MS = 30_000;

export class Database {
  private readonly colls = new Map<string, Collection>();
  private readonly txns = new Map<string, Txn>();
  private seq = 0;
  private journal: Journal | null = null;
  readonly strict: boolean;
  private readonly autoCreate: boolean;
  private readonly onAutoCreate?: (collection: string) => void;
  private readonly declared: IndexDeclarations;
  readonly now: () => Date;
  lastStats: QueryStats = { docsExamined: 0, index: null };

  constructor(opts: DatabaseOptions = {}) {
    this.strict = !!opts.strict;
    this.autoCreate = opts.autoCreate ?? !this.strict;
    this.onAutoCreate = opts.onAutoCreate;
    this.declared = opts.indexes ?? {};
    this.now = opts.now ?? (() => new Date());
    for (const name of Object.keys(this.declared)) this.ensure(name);
    if (opts.dir) {
      this.journal = Journal.open(opts.dir, (snap, records) => {
        this.seq = snap.seq;
        for (const [name, docs] of Object.entries(snap.collections)) {
          const c = this.ensure(name);
          for (const d of docs) c.put(d, this.seq);
        }
        for (const ops of records) this.applyOps(ops, ++this.seq);
      });
      this.journal.compact(this.snapshot());
    }
  }

  close(): void {
    this.journal?.close();
    this.journal = null;
  }

  private ensure(name: string): Collection {
    let c = this.colls.get(name);
    if (!c) {
      c = new Collection(name, this.declared[name] ?? []);
      this.colls.set(name, c);
    }
    return c;
  }

  private snapshot() {
    const collections: Record<string, Doc[]> = {};
    for (const [name, c] of this.colls) collections[name] = [...c.docs.values()];
    return { seq: this.seq, collections };
  }

  private applyOps(ops: JournalOp[], seq: number): void {
    for (const op of ops) {
      if (op[0] === 'coll') this.ensure(op[1]);
      else if (op[0] === 'put') this.ensure(op[1]).put(op[2], seq);
      else this.ensure(op[1]).del(op[2], seq);
    }
  }

  /** Journal first, then memory: a write is acknowledged only once it is on disk. */
  private commitOps(ops: JournalOp[]): void {
    if (ops.length === 0) return;
    this.journal?.append(ops);
    this.applyOps(ops, ++this.seq);
    if (this.journal?.shouldCompact()) this.journal.compact(this.snapshot());
  }

  collectionNames(): string[] {
    return [...this.colls.keys()].sort();
  }

  hasCollection(name: string): boolean {
    return this.colls.has(name);
  }

  createCollection(name: string): void {
    validateCollectionName(name);
    if (this.colls.has(name)) {
      throw new DbError('DATABASE_COLLECTION_ALREADY_EXIST', `collection ${name} already exists`);
    }
    this.commitOps([['coll', name]]);
  }

  private coll(name: string, forWrite: boolean): Collection {
    validateCollectionName(name);
    const c = this.colls.get(name);
    if (c) return c;
    if (forWrite && this.autoCreate) {
      this.commitOps([['coll', name]]);
      this.onAutoCreate?.(name);
      return this.colls.get(name)!;
    }
    throw new DbError(
      'DATABASE_COLLECTION_NOT_EXIST',
      `[ResourceNotFound] Db or Table not exist: ${name}. 集合 ${name} 不存在，请先创建集合`,
    );
  }

  // ---------------------------------------------------------------- queries

  private plan(c: Collection, filter: Doc, sort?: Record<string, 1 | -1>): Plan[] | null {
    const or = Array.isArray(filter.$or) ? (filter.$or as Doc[]) : null;
    const branches = or
      ? or.map((b) => {
          const rest = { ...filter };
          delete rest.$or;
          return { $and: [rest, b] };
        })
      : [filter];
    const plans: Plan[] = [];
    for (const b of branches) {
      const p = planQuery(c.indexes, b, or ? undefined : sort);
      if (!p) {
        if (this.strict) {
          throw new DbError(
            'EMULATOR_STRICT_INDEX',
            `[emulator strict mode] no declared index serves the query on collection "${c.name}" ` +
              `(${describeQuery(b, or ? undefined : sort)}). Declare one in database/indexes.json.`,
          );
        }
        return null;
      }
      plans.push(p);
    }
    if (or && sort && Object.keys(sort).length) plans.forEach((p) => (p.sorted = false));
    return plans;
  }

  /**
   * Matching documents (committed state overlaid with `txn`'s own writes), sorted,
   * skipped and limited; `docsExamined` tells how many documents were looked at.
   */
  private select(c: Collection, filter: Doc, opts: FindOptions, txn?: Txn): Doc[] {
    const q = new Query(filter);
    const plans = this.plan(c, filter, opts.sort);
    const overlay = txn?.writes.get(c.name);
    const skip = Math.max(0, opts.skip ?? 0);
    const limit = opts.limit ?? Infinity;
    const sortKeys = opts.sort && Object.keys(opts.sort).length ? opts.sort : undefined;
    const ordered = !!plans && plans.length === 1 && plans[0].sorted && !overlay;
    const out: Doc[] = [];
    const seen = new Set<string>();
    let examined = 0;
    const consider = (id: string): boolean => {
      if (seen.has(id)) return true;
      seen.add(id);
      const doc = overlay?.has(id) ? overlay.get(id) : c.docs.get(id);
      examined++;
      if (doc && q.test(doc)) out.push(doc);
      // With the index order equal to the requested order, stop once the page is full.
      return !(ordered && out.length >= skip + limit);
    };
    if (plans) {
      for (const p of plans) {
        for (const prefix of p.prefixes) {
          p.index.scan(prefix, p.range, p.reverse, consider);
        }
      }
    } else {
      for (const id of c.docs.keys()) consider(id);
    }
    if (overlay) for (const [id, doc] of overlay) if (doc && !seen.has(id)) consider(id);
    this.lastStats = {
      docsExamined: examined,
      index: plans ? plans.map((p) => p.index.name).join('|') : null,
    };

    let docs = out;
    if (sortKeys && !ordered) docs = find(docs, {}).sort(sortKeys).all() as Doc[];
    else if (!sortKeys && !ordered)
      docs.sort((a, b) => compareValues(String(a._id), String(b._id)));
    return docs.slice(skip, skip + (limit === Infinity ? docs.length : limit));
  }

  find(name: string, filter: Doc = {}, opts: FindOptions = {}, txnId?: string): Doc[] {
    const txn = txnId ? this.txn(txnId) : undefined;
    const c = this.coll(name, false);
    const docs = this.select(c, filter, opts, txn);
    if (txn) for (const d of docs) this.readSet(txn, name).add(String(d._id));
    const projected =
      opts.projection && Object.keys(opts.projection).length
        ? (find(docs, {}, opts.projection as any).all() as Doc[])
        : docs;
    return projected.map((d) => clone(d));
  }

  count(name: string, filter: Doc = {}): number {
    const c = this.coll(name, false);
    return this.select(c, filter, {}).length;
  }

  /** Reads one document by id, inside a transaction when `txnId` is given. */
  get(name: string, id: string, txnId?: string): Doc | null {
    return this.find(name, { _id: id }, { limit: 1 }, txnId)[0] ?? null;
  }

  /**
   * The leading `$match` / `$sort` / `$skip` / `$limit` are answered by an index scan
   * like a query, and each plain `$lookup` by one indexed `$in` query on the foreign
   * collection; mingo evaluates every other stage.
   */
  aggregate(name: string, pipeline: Doc[]): Doc[] {
    const c = this.coll(name, false);
    let i = 0;
    let filter: Doc | undefined;
    let sort: Record<string, 1 | -1> | undefined;
    let skip: number | undefined;
    let limit: number | undefined;
    if (pipeline[i]?.$match) filter = pipeline[i++].$match as Doc;
    if (pipeline[i]?.$sort) sort = pipeline[i++].$sort as Record<string, 1 | -1>;
    if (sort && pipeline[i] && '$skip' in pipeline[i]) skip = Number(pipeline[i++].$skip);
    if (sort && pipeline[i] && '$limit' in pipeline[i]) limit = Number(pipeline[i++].$limit);
    let docs: Doc[];
    if (filter || sort) {
      docs = this.select(c, filter ?? {}, { sort, skip, limit });
    } else {
      if (this.strict) {
        throw new DbError(
          'EMULATOR_STRICT_INDEX',
          `[emulator strict mode] aggregate on collection "${c.name}" must start with $match (or $sort) served by a declared index`,
        );
      }
      docs = [...c.docs.values()];
      this.lastStats = { docsExamined: docs.length, index: null };
    }
    docs = clone(docs);
    let segment: Doc[] = [];
    const runSegment = () => {
      if (segment.length) {
        docs = mingoAggregate(docs, segment, {
          collectionResolver: (n: string) =>
            [...(this.colls.get(n)?.docs.values() ?? [])].map((d) => clone(d)),
        } as any) as Doc[];
      }
      segment = [];
    };
    for (const stage of pipeline.slice(i)) {
      const lk = stage.$lookup as Doc | undefined;
      const simple =
        lk &&
        typeof lk.localField === 'string' &&
        typeof lk.foreignField === 'string' &&
        !lk.pipeline;
      if (lk && simple && typeof lk.as === 'string' && !lk.as.includes('.')) {
        runSegment();
        docs = this.lookup(docs, lk);
      } else {
        if (lk && this.strict) {
          throw new DbError(
            'EMULATOR_STRICT_INDEX',
            `[emulator strict mode] $lookup into "${String(lk.from)}" must use localField/foreignField on an indexed field`,
          );
        }
        segment.push(stage);
      }
    }
    runSegment();
    return docs;
  }

  private lookup(docs: Doc[], lk: Doc): Doc[] {
    const foreign = this.coll(String(lk.from), false);
    const local = String(lk.localField);
    const field = String(lk.foreignField);
    const as = String(lk.as);
    const valuesOf = (d: Doc, path: string): unknown[] => {
      const v = getPath(d, path);
      if (Array.isArray(v)) return v.length ? v : [null];
      return [v === undefined ? null : v];
    };
    const wanted = new Map<string, unknown>();
    for (const d of docs) for (const v of valuesOf(d, local)) wanted.set(valueKey(v), v);
    const matches = this.select(foreign, { [field]: { $in: [...wanted.values()] } }, {});
    const byKey = new Map<string, Doc[]>();
    for (const fd of matches) {
      for (const v of valuesOf(fd, field)) {
        const k = valueKey(v);
        const list = byKey.get(k);
        if (list) list.push(fd);
        else byKey.set(k, [fd]);
      }
    }
    return docs.map((d) => {
      const seen = new Set<string>();
      const joined: Doc[] = [];
      for (const v of valuesOf(d, local)) {
        for (const fd of byKey.get(valueKey(v)) ?? []) {
          const id = String(fd._id);
          if (!seen.has(id)) {
            seen.add(id);
            joined.push(clone(fd));
          }
        }
      }
      return { ...d, [as]: joined };
    });
  }

  // ---------------------------------------------------------------- writes

  private newId(): string {
    return randomBytes(16).toString('hex');
  }

  /** Unique-index check of `docs` against the committed state, ignoring ids being replaced. */
  private checkUnique(c: Collection, docs: Doc[], replacing: Set<string>, extra: Doc[] = []): void {
    for (const ix of c.indexes) {
      if (!ix.unique) continue;
      const taken = new Map<string, string>();
      for (const d of [...extra, ...docs]) {
        for (const key of ix.keysOf(d)) {
          const k = JSON.stringify(key);
          const other = taken.get(k);
          if (other !== undefined && other !== String(d._id))
            throw duplicateKey(c.name, ix.name, ix.fields, key);
          taken.set(k, String(d._id));
        }
      }
      for (const d of docs) {
        for (const h of ix.holders(d)) {
          if (h.id !== String(d._id) && !replacing.has(h.id))
            throw duplicateKey(c.name, ix.name, ix.fields, h.key);
        }
      }
    }
  }

  insert(name: string, docs: Doc[], txnId?: string): string[] {
    const txn = txnId ? this.txn(txnId) : undefined;
    const c = this.coll(name, true);
    const prepared = docs.map((d) => {
      const doc = clone(d);
      if (doc._id === undefined || doc._id === null) doc._id = this.newId();
      return doc;
    });
    if (txn) {
      const w = this.writeSet(txn, name);
      for (const d of prepared) {
        const id = String(d._id);
        const existing = w.has(id) ? w.get(id) : c.docs.get(id);
        if (existing) throw duplicateKey(name, '_id_', ['_id'], [d._id]);
      }
      this.checkUnique(c, prepared, new Set(w.keys()), [...w.values()].filter(Boolean) as Doc[]);
      for (const d of prepared) w.set(String(d._id), d);
      return prepared.map((d) => String(d._id));
    }
    // checkUnique skips a holder with the document's own id (that is how an update
    // keeps its key), so an insert must refuse an id already taken itself.
    const batch = new Set<string>();
    for (const d of prepared) {
      const id = String(d._id);
      if (c.docs.has(id) || batch.has(id)) throw duplicateKey(name, '_id_', ['_id'], [d._id]);
      batch.add(id);
    }
    this.checkUnique(c, prepared, new Set());
    this.commitOps(prepared.map((d) => ['put', name, d] as JournalOp));
    return prepared.map((d) => String(d._id));
  }

  /**
   * `replace` = `doc().set()`: the whole document is replaced (upserted);
   * otherwise `update` holds MongoDB update operators.
   */
  update(
    name: string,
    filter: Doc,
    update: Doc,
    opts: { multi: boolean; upsert: boolean; replace: boolean; returnDoc?: boolean },
    txnId?: string,
  ): { updated: number; upsertedId?: string; doc?: Doc | null } {
    const txn = txnId ? this.txn(txnId) : undefined;
    const c = this.coll(name, true);
    const matched = this.select(c, filter, { limit: opts.multi ? undefined : 1 }, txn);
    const changed: Doc[] = [];
    for (const cur of matched) {
      let next: Doc;
      if (opts.replace) {
        next = { ...clone(update), _id: cur._id };
      } else {
        next = clone(cur);
        applyUpdate(next, update);
        if (next._id !== cur._id)
          throw new DbError('DATABASE_REQUEST_FAILED', 'cannot change _id of a document');
      }
      if (opts.replace || !sameDoc(cur, next)) changed.push(next);
    }
    let upsertedId: string | undefined;
    if (matched.length === 0 && opts.upsert) {
      const base: Doc = {};
      for (const [k, v] of Object.entries(filter))
        if (!k.startsWith('$') && !isOperatorObject(v)) base[k] = clone(v);
      let doc: Doc;
      if (opts.replace)
        doc = { ...clone(update), ...(base._id !== undefined ? { _id: base._id } : {}) };
      else {
        doc = base;
        applyUpdate(doc, update);
      }
      if (doc._id === undefined) doc._id = this.newId();
      upsertedId = String(doc._id);
      changed.push(doc);
    }
    if (txn) {
      const w = this.writeSet(txn, name);
      for (const d of matched) this.readSet(txn, name).add(String(d._id));
      this.checkUnique(
        c,
        changed,
        new Set([...changed.map((d) => String(d._id)), ...w.keys()]),
        [...w.values()].filter((d) => d && !changed.some((x) => x._id === d._id)) as Doc[],
      );
      for (const d of changed) w.set(String(d._id), d);
    } else {
      this.checkUnique(c, changed, new Set(changed.map((d) => String(d._id))));
      this.commitOps(changed.map((d) => ['put', name, d] as JournalOp));
    }
    const updated = upsertedId ? 0 : opts.replace ? matched.length : changed.length;
    const res: { updated: number; upsertedId?: string; doc?: Doc | null } = { updated };
    if (upsertedId) res.upsertedId = upsertedId;
    if (opts.returnDoc)
      res.doc = changed[0] ? clone(changed[0]) : matched[0] ? clone(matched[0]) : null;
    return res;
  }

  remove(name: string, filter: Doc, multi: boolean, txnId?: string): number {
    const txn = txnId ? this.txn(txnId) : undefined;
    const c = this.coll(name, true);
    const matched = this.select(c, filter, { limit: multi ? undefined : 1 }, txn);
    if (txn) {
      const w = this.writeSet(txn, name);
      for (const d of matched) {
        this.readSet(txn, name).add(String(d._id));
        w.set(String(d._id), null);
      }
    } else {
      this.commitOps(matched.map((d) => ['del', name, String(d._id)] as JournalOp));
    }
    return matched.length;
  }

  // ---------------------------------------------------------------- transactions

  startTransaction(): string {
    const now = Date.now();
    for (const [id, t] of this.txns) if (now - t.startedAt > TXN_TTL_MS) this.txns.delete(id);
    const id = this.newId();
    this.txns.set(id, {
      id,
      startSeq: this.seq,
      startedAt: now,
      writes: new Map(),
      reads: new Map(),
    });
    return id;
  }

  private txn(id: string): Txn {
    const t = this.txns.get(id);
    if (!t)
      throw new DbError(
        'DATABASE_TRANSACTION_FAIL',
        `transaction ${id} does not exist or has ended`,
      );
    if (Date.now() - t.startedAt > TXN_TTL_MS) {
      this.txns.delete(id);
      throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${id} expired`);
    }
    return t;
  }

  private writeSet(t: Txn, name: string): Map<string, Doc | null> {
    let m = t.writes.get(name);
    if (!m) t.writes.set(name, (m = new Map()));
    return m;
  }

  private readSet(t: Txn, name: string): Set<string> {
    let s = t.reads.get(name);
    if (!s) t.reads.set(name, (s = new Set()));
    return s;
  }

  /**
   * First committer wins: a transaction whose documents were written by anyone
   * since it started fails with DATABASE_TRANSACTION_CONFLICT, which is the code
   * the SDK's `runTransaction` retries on.
   */
  commitTransaction(id: string): void {
    const t = this.txn(id);
    this.txns.delete(id);
    for (const [name, ids] of [...t.reads, ...t.writes.entries()].map(
      ([n, s]) => [n, s instanceof Set ? s : new Set(s.keys())] as const,
    )) {
      const c = this.colls.get(name);
      if (!c) continue;
      for (const docId of ids) {
        const v = c.versions.get(docId);
        if (v !== undefined && v > t.startSeq) {
          throw new DbError('DATABASE_TRANSACTION_CONFLICT', 'database transaction conflict');
        }
      }
    }
    const ops: JournalOp[] = [];
    for (const [name, w] of t.writes) {
      const c = this.ensure(name);
      const puts = [...w.values()].filter(Boolean) as Doc[];
      this.checkUnique(c, puts, new Set(w.keys()));
      for (const [docId, doc] of w) ops.push(doc ? ['put', name, doc] : ['del', name, docId]);
    }
    this.commitOps(ops);
  }

  abortTransaction(id: string): void {
    this.txn(id);
    this.txns.delete(id);
  }

  isTransactionOpen(id: string): boolean {
    return this.txns.has(id);
  }
}

/** Equality key for join values: same key ⇔ equal as MongoDB compares them. */
function valueKey(v: unknown): string {
  if (v instanceof Date) return `d:${v.getTime()}`;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return `o:${JSON.stringify(v)}`;
  return `${typeof v}:${String(v)}`;
}

function validateCollectionName(name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/.test(name)) {
    throw new DbError('INVALID_PARAM', `invalid collection name: ${String(name)}`);
  }
  if (name.startsWith('system') || name.startsWith('__')) {
    throw new DbError(
      'DATABASE_PERMISSION_DENIED',
      `permission denied: collection ${name} is reserved`,
    );
  }
}

function isOperatorObject(v: unknown): boolean {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Date) &&
    !(v instanceof RegExp) &&
    Object.keys(v).some((k) => k.startsWith('$'))
  );
}

function applyUpdate(doc: Doc, update: Doc): void {
  const ops = Object.keys(update);
  if (!ops.length) return;
  if (!ops.every((k) => k.startsWith('$'))) {
    throw new DbError(
      'DATABASE_REQUEST_FAILED',
      'update document must contain only update operators',
    );
  }
  try {
    mingoUpdate(doc, update as any, undefined, undefined, { cloneMode: 'deep' });
  } catch (e) {
    throw new DbError('DATABASE_REQUEST_FAILED', `invalid update: ${(e as Error).message}`);
  }
}

function sameDoc(a: Doc, b: Doc): boolean {
  return (
    compareValues(a, b) === 0 && JSON.stringify(Object.keys(a)) === JSON.stringify(Object.keys(b))
  );
}
