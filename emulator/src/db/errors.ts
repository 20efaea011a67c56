/**
 * Errors in the shape the CloudBase database service answers with (`{code, message}`),
 * so `@cloudbase/node-sdk` and `wx-server-sdk` map them to the same errCodes as in the
 * cloud (e.g. DATABASE_REQUEST_FAILED → -502001, DATABASE_PERMISSION_DENIED → -502003,
 * DATABASE_COLLECTION_NOT_EXIST → -502005).
 */
export type DbErrorCode =
  | 'DATABASE_REQUEST_FAILED'
  | 'DATABASE_PERMISSION_DENIED'
  | 'DATABASE_COLLECTION_NOT_EXIST'
  | 'DATABASE_COLLECTION_ALREADY_EXIST'
  | 'DATABASE_TRANSACTION_CONFLICT'
  | 'DATABASE_TRANSACTION_FAIL'
  | 'INVALID_PARAM'
  | 'EMULATOR_UNSUPPORTED'
  | 'EMULATOR_STRICT_INDEX';

export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

export function duplicateKey(
  coll: string,
  index: string,
  fields: string[],
  key: unknown[],
): DbError {
  const dup = fields.map((f, i) => `${f}: ${JSON.stringify(key[i] ?? null)}`).join(', ');
  return new DbError(
    'DATABASE_REQUEST_FAILED',
    `[FailedOperation] E11000 duplicate key error collection: ${coll} index: ${index} dup key: { ${dup} }`,
  );
}
