/**
 * Answers `@cloudbase/database` requests (`send(action, params)`) the way the
 * CloudBase service does: `{requestId, data}` on success, `{requestId, code, message}`
 * on failure. Every action the SDK can send is listed; anything else fails naming it.
 */
import { randomUUID } from 'crypto';
import { decode, encode, type Doc } from './ejson';
import { DbError } from './errors';
import type { Database } from './engine';

export interface DbResponse {
  requestId: string;
  code?: string;
  message?: string;
  data?: any;
  transactionId?: string;
}

const MAX_LIMIT = 1000;
/** mingo's words for an operator it does not implement (geo operators, for one). */
const UNSUPPORTED_OPERATOR =
  /(?:unknown query operator|unregistered pipeline operator|unknown update operator:?)\s*'?(\$\w+)/i;
const DEFAULT_LIMIT = 100;

export function handleDbRequest(db: Database, action: string, params: any = {}): DbResponse {
  const requestId = randomUUID();
  try {
    return { requestId, ...dispatch(db, action, params ?? {}) };
  } catch (e) {
    if (e instanceof DbError) return { requestId, code: e.code, message: e.message };
    const op = UNSUPPORTED_OPERATOR.exec((e as Error)?.message ?? '');
    if (op) {
      return {
        requestId,
        code: 'EMULATOR_UNSUPPORTED',
        message: `the local emulator does not support the operator ${op[1]} (${action})`,
      };
    }
    return {
      requestId,
      code: 'DATABASE_REQUEST_FAILED',
      message: (e as Error)?.message ?? String(e),
    };
  }
}

function dispatch(db: Database, action: string, p: any): Omit<DbResponse, 'requestId'> {
  const now = db.now();
  const coll = p.collectionName as string;
  const txnId = p.transactionId as string | undefined;
  const filter = (): Doc => (decode(p.query, now) as Doc) ?? {};
  if (txnId && p.queryType === 'WHERE' && action !== 'database.insertDocument') {
    // CloudBase transactions only address documents by id.
    throw new DbError(
      'DATABASE_TRANSACTION_FAIL',
      `${action} with a where() query is not supported inside a transaction; use doc(id)`,
    );
  }
  switch (action) {
    case 'database.addCollection':
      db.createCollection(coll);
      return { data: {} };
    case 'database.insertDocument': {
      const docs = (p.data as string[]).map((s) => decode(s, now) as Doc);
      return { data: { insertedIds: db.insert(coll, docs, txnId) } };
    }
    case 'database.getDocument': {
      const limit = p.limit ? Math.min(Number(p.limit), MAX_LIMIT) : DEFAULT_LIMIT;
      const list = db.find(
        coll,
        filter(),
        {
          sort: decode(p.order, now),
          skip: p.offset ? Number(p.offset) : 0,
          limit: p.queryType === 'DOC' ? 1 : limit,
          projection: decode(p.projection, now),
        },
        txnId,
      );
      return { data: { list: list.map(encode), limit, offset: p.offset ?? 0 } };
    }
    case 'database.calculateDocument':
      return { data: { total: db.count(coll, filter()) } };
    case 'database.modifyDocument':
    case 'database.modifyAndReturnDoc': {
      const returnDoc = action === 'database.modifyAndReturnDoc';
      const r = db.update(
        coll,
        filter(),
        decode(p.data, now) ?? {},
        {
          multi: returnDoc ? false : !!p.multi,
          upsert: !!p.upsert,
          replace: p.merge === false,
          returnDoc,
        },
        txnId,
      );
      const data: any = { updated: r.updated };
      if (r.upsertedId !== undefined) data.upsert_id = r.upsertedId;
      if (returnDoc) data.doc = r.doc ? encode(r.doc) : null;
      return { data };
    }
    case 'database.removeDocument':
      return { data: { deleted: db.remove(coll, filter(), p.multi !== false, txnId) } };
    case 'database.aggregateDocuments': {
      const stages = (p.stages as { stageKey: string; stageValue: string }[]).map((s) => ({
        [s.stageKey]: decode(s.stageValue, now),
      }));
      return { data: { list: db.aggregate(coll, stages).map(encode) } };
    }
    case 'database.startTransaction':
      return { transactionId: db.startTransaction() };
    case 'database.commitTransaction':
      db.commitTransaction(txnId as string);
      return { data: {} };
    case 'database.abortTransaction':
      db.abortTransaction(txnId as string);
      return { data: {} };
    default:
      throw new DbError(
        'EMULATOR_UNSUPPORTED',
        `the local emulator does not support the database action "${action}"`,
      );
  }
}
