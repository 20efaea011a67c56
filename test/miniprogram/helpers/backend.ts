/**
 * Answers the gateway the way the `npm start` emulator would, one handler per
 * `function.action`, on top of the wx.request stub in helpers/wx.ts. Only the platform is
 * replaced: the page's own call helper, envelope parsing and error handling run for real.
 */
import type { SimComponent } from './load';
import { stubRequest, type RecordedRequest, type RequestReply } from './wx';

export interface BackendCall {
  fn: string;
  action: string;
  data: any;
  requestId?: string;
}

/** What a handler returns: an envelope body, or a raw reply (network failure, pending...). */
export type Answer = { ok: true; data: unknown } | { ok: false; error: unknown } | RequestReply;

export type Handler = (data: any, call: BackendCall, nth: number) => Answer;

export const ok = (data: unknown): Answer => ({ ok: true, data });
export const err = (code: string, message: string, details?: unknown): Answer => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});
export const offline: Answer = { fail: 'request:fail errcode:-102 cronet_error_code:-102' };

function isReply(a: Answer): a is RequestReply {
  return 'statusCode' in a || 'fail' in a || 'never' in a || 'until' in a;
}

/**
 * Route each request to `handlers['fn.action']`; `nth` counts calls of that action from 0.
 * A call nobody expected is answered INTERNAL and recorded, so a test sees it.
 */
export function stubBackend(handlers: Record<string, Handler>): BackendCall[] {
  const calls: BackendCall[] = [];
  const counts = new Map<string, number>();
  stubRequest((req: RecordedRequest) => {
    const fn = decodeURIComponent(req.url.replace(/^.*\/functions\//, ''));
    const body = (req.data ?? {}) as { action: string; data?: unknown; requestId?: string };
    const c: BackendCall = { fn, action: body.action, data: body.data, requestId: body.requestId };
    calls.push(c);
    const key = `${fn}.${body.action}`;
    const nth = counts.get(key) ?? 0;
    counts.set(key, nth + 1);
    const h = handlers[key];
    const answer = h ? h(body.data, c, nth) : err('INTERNAL', `测试未准备 ${key} 的回答`);
    return isReply(answer) ? answer : { statusCode: 200, data: answer };
  });
  return calls;
}

/** Calls of one action, in order. */
export function callsOf(calls: BackendCall[], key: string): BackendCall[] {
  return calls.filter((c) => `${c.fn}.${c.action}` === key);
}

/**
 * Fire a TDesign component's own event (t-input `change`, t-switch `change`, t-search
 * `submit`...) as the component would after user input, so the page's binding runs.
 */
export function emit(el: SimComponent | undefined, name: string, detail: unknown): void {
  if (!el) throw new Error(`emit(${name}): element not found`);
  el.instance.triggerEvent(name, detail);
}

export const aMoment = (ms = 20) => new Promise((r) => setTimeout(r, ms));
