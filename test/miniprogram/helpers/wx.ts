/**
 * Stand-ins for the WeChat client platform (wx.request, wx.cloud, storage, system info).
 * These replace the phone, not our server: what comes back is whatever the test says the
 * gateway or CloudBase answered, and every call is recorded for assertions.
 */
// miniprogram-simulate installs the global `wx` (its platform mock) when first required.
// A require, not an import: its typings would bring a second, clashing copy of the wx types.
require('miniprogram-simulate');

type WxRecord = Record<string, any>;

const saved = new Map<string, unknown>();

function replace(key: string, value: unknown): void {
  const w = wx as unknown as WxRecord;
  if (!saved.has(key)) saved.set(key, w[key]);
  w[key] = value;
}

/** Put back every wx member a test replaced; call from afterEach. */
export function restoreWx(): void {
  const w = wx as unknown as WxRecord;
  for (const [key, value] of saved) {
    if (value === undefined) delete w[key];
    else w[key] = value;
  }
  saved.clear();
}

/** A working wx storage backed by a Map (simulate's own always returns ''). */
export function useStorage(initial: Record<string, unknown> = {}): Map<string, unknown> {
  const store = new Map<string, unknown>(Object.entries(initial));
  replace('getStorageSync', (key: string) => (store.has(key) ? store.get(key) : ''));
  replace('setStorageSync', (key: string, value: unknown) => void store.set(key, value));
  replace('removeStorageSync', (key: string) => void store.delete(key));
  return store;
}

export function useEnvVersion(envVersion: 'develop' | 'trial' | 'release'): void {
  replace('getAccountInfoSync', () => ({
    miniProgram: { appId: 'wx0000000000000000', envVersion, version: '' },
  }));
}

export function useFontScale(fontSizeScaleFactor: number): void {
  replace('getAppBaseInfo', () => ({
    SDKVersion: '3.3.4',
    fontSizeScaleFactor,
    fontSizeSetting: Math.round(17 * fontSizeScaleFactor),
    language: 'zh_CN',
    theme: 'light',
    host: { env: 'WeChat' },
  }));
}

export type RequestReply =
  | { statusCode: number; data: unknown }
  | { fail: string }
  | { never: true }
  /** Answer with `reply` only once `until` settles, to observe the in-flight state. */
  | { until: Promise<unknown>; reply: RequestReply };

export interface RecordedRequest {
  url: string;
  method?: string;
  header?: Record<string, string>;
  data?: any;
  timeout?: number;
}

/**
 * Replace wx.request. `reply` answers each request (it may differ per call); answers arrive
 * asynchronously, like the real network.
 */
export function stubRequest(
  reply: (req: RecordedRequest, index: number) => RequestReply,
): RecordedRequest[] {
  const calls: RecordedRequest[] = [];
  replace('request', (opts: WxRecord) => {
    const req: RecordedRequest = {
      url: opts.url,
      method: opts.method,
      header: opts.header,
      data: opts.data,
      timeout: opts.timeout,
    };
    const deliver = (r: RequestReply): void => {
      if ('never' in r) return;
      if ('until' in r) {
        void r.until.then(() => deliver(r.reply));
        return;
      }
      if ('fail' in r) opts.fail?.({ errMsg: r.fail });
      else
        opts.success?.({
          statusCode: r.statusCode,
          data: r.data,
          header: {},
          errMsg: 'request:ok',
        });
      opts.complete?.({});
    };
    const r = reply(req, calls.length);
    calls.push(req);
    setTimeout(() => deliver(r), 1);
    return { abort() {} };
  });
  return calls;
}

export type CloudReply =
  { result: unknown } | { fail: { errMsg: string; errCode?: number } } | { never: true };

export interface CloudStub {
  init: jest.Mock;
  calls: Array<{ name: string; data: any }>;
}

export function stubCloud(
  reply: (call: { name: string; data: any }, index: number) => CloudReply,
): CloudStub {
  const stub: CloudStub = { init: jest.fn(), calls: [] };
  replace('cloud', {
    init: stub.init,
    callFunction: (opts: WxRecord) => {
      const c = { name: opts.name, data: opts.data };
      const r = reply(c, stub.calls.length);
      stub.calls.push(c);
      setTimeout(() => {
        if ('never' in r) return;
        if ('fail' in r) opts.fail?.(r.fail);
        else opts.success?.({ result: r.result, errMsg: 'cloud.callFunction:ok' });
      }, 1);
    },
  });
  return stub;
}

/** Replace one other wx API (navigateBack, stopPullDownRefresh...) until restoreWx(). */
export function stubWx<T extends (...args: any[]) => unknown>(key: string, fn: T): T {
  replace(key, fn);
  return fn;
}
