/**
 * The calling convention shared by every asynchronous `wx` API: success/fail/complete
 * callbacks, or a Promise when none is given, with WeChat's `errMsg` on every result.
 */

/** An API's options object, as page code passes it. */
export type Options = Record<string, any>;
/** A success or fail object handed to page code. */
export type Result = Record<string, any>;

/**
 * An expected failure: `reason` is the text after `<api>:fail ` (`cancel`, `timeout`, …) and
 * `extra` adds fields such as `errno` or `errCode` that page code tests.
 */
export class WxFailure extends Error {
  constructor(
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

export interface Settled {
  ok: boolean;
  res: Result;
}

export function failResult(api: string, err: unknown): Result {
  if (err instanceof WxFailure) return { ...err.extra, errMsg: `${api}:fail ${err.reason}` };
  // Anything else is a bug in the shim or a browser refusal nobody foresaw: say so loudly
  // rather than let it pass for an ordinary WeChat failure.
  console.error(`[preview] wx.${api} failed unexpectedly`, err);
  const message = err instanceof Error ? err.message : String(err);
  return { errMsg: `${api}:fail ${message}` };
}

/**
 * Start `run` synchronously (a file picker must open inside the tap's user activation) and
 * settle to WeChat result objects. Never rejects.
 */
export function settle(api: string, run: () => unknown): Promise<Settled> {
  let p: Promise<unknown>;
  try {
    p = Promise.resolve(run());
  } catch (e) {
    p = Promise.reject(e);
  }
  return p.then(
    (r) => ({ ok: true, res: { ...((r as Result | undefined) ?? {}), errMsg: `${api}:ok` } }),
    (e: unknown) => ({ ok: false, res: failResult(api, e) }),
  );
}

export function hasCallbacks(o: Options): boolean {
  return ['success', 'fail', 'complete'].some((k) => typeof o[k] === 'function');
}

/** Call a page callback; an exception in it must surface as an uncaught error, as in WeChat. */
function invoke(fn: unknown, arg: Result): void {
  if (typeof fn !== 'function') return;
  try {
    fn(arg);
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}

/** Hand a settled outcome to the options' callbacks (always after the API call returned). */
export function deliver(o: Options, s: Settled): void {
  invoke(s.ok ? o.success : o.fail, s.res);
  invoke(o.complete, s.res);
}

/** Callbacks if any were given, else a Promise that rejects with the fail object. */
export function respond(o: Options, settled: Promise<Settled>): Promise<Result> | undefined {
  if (hasCallbacks(o)) {
    void settled.then((s) => deliver(o, s));
    return undefined;
  }
  return settled.then((s) => (s.ok ? s.res : Promise.reject(s.res)));
}

/** A promisifiable WeChat API around `run`, which returns the success fields or throws. */
export function asyncApi(
  api: string,
  run: (o: Options) => unknown,
): (options?: Options) => Promise<Result> | undefined {
  return (options?: Options) => {
    const o = options ?? {};
    return respond(
      o,
      settle(api, () => run(o)),
    );
  };
}

/** An API that only ever succeeds with nothing to report (vibrate, share menu, …). */
export function noopApi(api: string): (options?: Options) => Promise<Result> | undefined {
  return asyncApi(api, () => undefined);
}
