/**
 * The calling convention shared by every cloud function and the mini-program
 * (ARCHITECTURE.md §3). Types only: both sides compile against this file.
 */

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'CONFLICT'
  | 'FULL'
  | 'CONTENT_RISKY'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  /** Client side only: the call never reached the function (network, gateway down, timeout). */
  | 'UNAVAILABLE';

export interface ApiError {
  code: ErrorCode;
  /** Chinese, fit to show to a user. */
  message: string;
  details?: unknown;
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface CallEvent<A extends string = string, D = unknown> {
  action: A;
  data?: D;
  /** Mutating actions: a retry with the same id is applied once. */
  requestId?: string;
}
