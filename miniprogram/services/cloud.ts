import { getConfig } from '../config';

let initialised = false;

/**
 * `wx.cloud.init` must run once before the first cloud call. Both app launch and the call
 * helper go through here, so a page opened directly (DevTools compile mode, tests) still
 * gets an initialised SDK.
 */
export function ensureCloud(): void {
  if (initialised) return;
  const { envId } = getConfig();
  wx.cloud.init(envId ? { env: envId, traceUser: true } : { traceUser: true });
  initialised = true;
}
