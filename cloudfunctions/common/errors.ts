import type { ApiError, ErrorCode } from '../../typings/api';

/** Codes a function may return; `UNAVAILABLE` is produced by the client alone. */
export type ServerErrorCode = Exclude<ErrorCode, 'UNAVAILABLE'>;

/**
 * An expected failure a handler reports to the caller. Its message reaches the user, so it
 * must be Simplified Chinese and must not contain anything the caller may not see.
 */
export class AppError extends Error {
  readonly code: ServerErrorCode;
  readonly details?: unknown;
  // A brand instead of relying on instanceof alone: a test harness may load the kit twice.
  readonly isAppError = true as const;

  constructor(code: ServerErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(err: unknown): err is AppError {
  return (
    err instanceof AppError ||
    (typeof err === 'object' &&
      err !== null &&
      (err as { isAppError?: unknown }).isAppError === true)
  );
}

/** Chinese messages shared by the kit, so the client sees one wording per situation. */
export const MESSAGES = {
  unauthenticated: '无法识别您的微信身份，请重新进入小程序后再试',
  internal: '服务暂时不可用，请稍后再试',
  missingAction: '请求缺少操作名称',
  badRequestId: '请求编号格式不正确',
  notRegistered: '请先完善个人资料',
} as const;
