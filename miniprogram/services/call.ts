/**
 * The one way the client talks to cloud functions (ARCHITECTURE.md §3). Typed by the API
 * contract in typings/api.ts; returns the same envelope in cloud and local mode and never
 * throws, so every page handles failure as data: `if (!res.ok) show(res.error.message)`.
 */
import type {
  ActionName,
  ActionReq,
  ActionRes,
  ApiError,
  CallEvent,
  ErrorCode,
  FunctionName,
  Result,
} from '../../typings/api';
import { getConfig, type RuntimeConfig } from '../config';
import { ensureCloud } from './cloud';

export interface CallOptions {
  /** Idempotency key for mutating actions; reuse the same id when retrying the same intent. */
  requestId?: string;
}

/** Why a call never reached the function; kept in `error.details` for logs, not for users. */
export type TransportFailure = 'timeout' | 'network' | 'http' | 'malformed';

export const UNAVAILABLE_MESSAGES: Record<TransportFailure, string> = {
  timeout: '网络超时，请检查网络后重试',
  network: '网络不可用，请检查网络后重试',
  http: '服务暂时不可用，请稍后重试',
  malformed: '服务暂时不可用，请稍后重试',
};

const KNOWN_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_ARGUMENT',
  'CONFLICT',
  'FULL',
  'CONTENT_RISKY',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
]);

export function unavailable(
  failure: TransportFailure,
  extra?: Record<string, unknown>,
): { ok: false; error: ApiError } {
  return {
    ok: false,
    error: {
      code: 'UNAVAILABLE',
      message: UNAVAILABLE_MESSAGES[failure],
      details: { transport: failure, ...extra },
    },
  };
}

/**
 * Accept only what the contract allows, so a page can trust `res.ok` / `res.error.message`.
 * A code this client does not know (a newer server) keeps its message but reads as INTERNAL.
 */
export function toEnvelope<T>(body: unknown): Result<T> | null {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as { ok?: unknown; data?: unknown; error?: unknown };
  if (b.ok === true) return { ok: true, data: b.data as T };
  if (b.ok !== false || typeof b.error !== 'object' || b.error === null) return null;
  const e = b.error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof e.code !== 'string' || typeof e.message !== 'string' || !e.message) return null;
  const code = KNOWN_CODES.has(e.code as ErrorCode) ? (e.code as ErrorCode) : 'INTERNAL';
  const error: ApiError = { code, message: e.message };
  if (e.details !== undefined) error.details = e.details;
  return { ok: false, error };
}

function isTimeout(err: unknown): boolean {
  const e = (err ?? {}) as { errMsg?: unknown; errCode?: unknown; message?: unknown };
  // -504003: the cloud function ran out of time; the request module says "timeout".
  if (e.errCode === -504003) return true;
  const text = `${String(e.errMsg ?? '')} ${String(e.message ?? '')}`;
  return /time\s?out|timed out|超时/i.test(text);
}

function viaGateway<T>(fn: string, event: CallEvent, cfg: RuntimeConfig): Promise<Result<T>> {
  return new Promise((resolve) => {
    wx.request({
      url: `${cfg.gatewayUrl}/functions/${encodeURIComponent(fn)}`,
      method: 'POST',
      header: { 'content-type': 'application/json', 'X-WX-OPENID': cfg.devOpenid },
      data: event as unknown as WechatMiniprogram.IAnyObject,
      dataType: 'json',
      timeout: cfg.timeoutMs,
      success(res) {
        if (res.statusCode < 200 || res.statusCode >= 300) {
          // The gateway answers a failed function with the cloud's {errCode, errMsg}.
          const timedOut = isTimeout(res.data);
          resolve(unavailable(timedOut ? 'timeout' : 'http', { status: res.statusCode }));
          return;
        }
        resolve(toEnvelope<T>(res.data) ?? unavailable('malformed'));
      },
      fail(err) {
        resolve(unavailable(isTimeout(err) ? 'timeout' : 'network'));
      },
    });
  });
}

function viaCloud<T>(fn: string, event: CallEvent, cfg: RuntimeConfig): Promise<Result<T>> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<T>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // callFunction has no client-side time limit of its own; without one a lost reply
    // would leave the page spinning forever.
    const timer = setTimeout(() => settle(unavailable('timeout')), cfg.timeoutMs);
    ensureCloud();
    wx.cloud.callFunction({
      name: fn,
      data: event as unknown as WechatMiniprogram.IAnyObject,
      success(res) {
        settle(toEnvelope<T>(res.result) ?? unavailable('malformed'));
      },
      fail(err) {
        const errCode = (err as { errCode?: unknown }).errCode;
        settle(unavailable(isTimeout(err) ? 'timeout' : 'network', { errCode }));
      },
    });
  });
}

/**
 * Call `fn`/`action` with `data`. Resolves with the function's envelope, or with an
 * `UNAVAILABLE` error (Chinese message, fit to show) when the call never got an answer.
 */
export async function call<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  data?: ActionReq<F, A>,
  opts: CallOptions = {},
): Promise<Result<ActionRes<F, A>>> {
  try {
    const cfg = getConfig();
    const event: CallEvent = { action };
    if (data !== undefined) event.data = data;
    if (opts.requestId) event.requestId = opts.requestId;
    return cfg.mode === 'cloud'
      ? await viaCloud<ActionRes<F, A>>(fn, event, cfg)
      : await viaGateway<ActionRes<F, A>>(fn, event, cfg);
  } catch (err) {
    // wx APIs can throw synchronously (missing permission, SDK not initialised).
    return unavailable(isTimeout(err) ? 'timeout' : 'network');
  }
}

/**
 * A fresh idempotency key. Create it once per user intent (e.g. when a form opens or the
 * button is first tapped) and reuse it for retries of that same intent.
 */
export function newRequestId(): string {
  const rand = () =>
    Math.floor(Math.random() * 0x100000000)
      .toString(36)
      .padStart(7, '0');
  return `${Date.now().toString(36)}-${rand()}${rand()}`;
}
