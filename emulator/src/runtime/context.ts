/**
 * Per-invocation state. Overlapping invocations each see their own caller because the
 * SDK's reads of `process.env` are answered from the async context of the call.
 */
import { AsyncLocalStorage } from 'async_hooks';

export interface Caller {
  openid?: string;
  appid?: string;
  unionid?: string;
  /** `wx_client` for mini-program calls, `wx_devtools`, `wx_http`, `timer`... */
  source?: string;
  clientIp?: string;
}

export interface Invocation {
  functionName: string;
  requestId: string;
  caller: Caller;
  envId: string;
  /** Database requests this invocation made (ARCHITECTURE.md §6 budgets). */
  dbRequests: number;
  /** The emulator that runs the invocation (several can live in one test process). */
  owner: unknown;
}

export const invocationStore = new AsyncLocalStorage<Invocation>();

export function currentInvocation(): Invocation | undefined {
  return invocationStore.getStore();
}

/** The environment variables CloudBase sets for one invocation and the SDK reads back. */
export function invocationEnv(inv: Invocation): Record<string, string | undefined> {
  const c = inv.caller;
  return {
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_UNIONID,WX_CLIENTIP',
    WX_OPENID: c.openid ?? '',
    WX_APPID: c.appid ?? '',
    WX_UNIONID: c.unionid ?? '',
    WX_CLIENTIP: c.clientIp ?? '127.0.0.1',
    TCB_ENV: inv.envId,
    SCF_NAMESPACE: inv.envId,
    TCB_SOURCE: c.source ?? 'wx_client',
    SCF_FUNCTIONNAME: inv.functionName,
  };
}

let installed = false;

/**
 * Replaces `process.env` with a view that answers the invocation's own variables
 * first. wx-server-sdk re-reads `WX_CONTEXT_KEYS` and `WX_*` on every
 * `getWXContext()`, so a shared mutable env would leak one caller into another.
 */
export function installEnvIsolation(): void {
  if (installed) return;
  installed = true;
  const base = process.env;
  process.env = new Proxy(base, {
    get(target, key) {
      const inv = typeof key === 'string' ? invocationStore.getStore() : undefined;
      if (inv && typeof key === 'string') {
        const env = invocationEnv(inv);
        if (key in env) return env[key];
      }
      return Reflect.get(target, key);
    },
    has(target, key) {
      const inv = invocationStore.getStore();
      if (inv && typeof key === 'string' && key in invocationEnv(inv)) return true;
      return Reflect.has(target, key);
    },
  });
  // The node-sdk probes instance metadata over the network unless it is told it runs
  // inside Tencent Cloud; the emulator must never leave the machine.
  base.TENCENTCLOUD = 'true';
  base.SILENCE = base.SILENCE ?? 'true';
}
