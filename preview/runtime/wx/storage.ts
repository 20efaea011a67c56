/**
 * Storage APIs on localStorage. Keys live under `wxpreview:` so the preview's own settings
 * and other sites' data stay apart; values are JSON so numbers, booleans and objects come
 * back as they went in (WeChat keeps types too).
 */
import { asyncApi, WxFailure, type Options } from './callback';

export const STORAGE_PREFIX = 'wxpreview:';
/**
 * WeChat keeps storage per user of a mini-program, so each demo caller gets their own
 * space: switching identity must not carry the secretary's settings over to a resident.
 */
let ownerPrefix = STORAGE_PREFIX;
export function setStorageOwner(openid: string): void {
  ownerPrefix = `${STORAGE_PREFIX}${openid}:`;
}
/** WeChat's limit for one mini-program, in KB. */
const LIMIT_KB = 10240;

function checkKey(key: unknown): string {
  if (typeof key === 'string') return key;
  const got = key === undefined ? 'Undefined' : key === null ? 'Null' : typeof key;
  throw new WxFailure(`parameter error: parameter.key should be String instead of ${got}`);
}

/** Sync forms throw an Error carrying the errMsg, as WeChat's do. */
function sync<T>(api: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const reason = e instanceof WxFailure ? e.reason : e instanceof Error ? e.message : String(e);
    throw Object.assign(new Error(`${api}:fail ${reason}`), { cause: e });
  }
}

function encode(data: unknown): string {
  // undefined has no JSON form; WeChat hands back an empty value for it.
  return JSON.stringify(data === undefined ? '' : data);
}

/** Raw text (written by hand or by the preview) that is not JSON comes back as a string. */
export function decode(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function write(key: string, data: unknown): void {
  try {
    localStorage.setItem(ownerPrefix + key, encode(data));
  } catch {
    throw new WxFailure(`exceed storage max size ${LIMIT_KB / 1024}MB`);
  }
}

function read(key: string): { found: boolean; data: unknown } {
  const raw = localStorage.getItem(ownerPrefix + key);
  return raw === null ? { found: false, data: '' } : { found: true, data: decode(raw) };
}

function keys(): string[] {
  const out: string[] = [];
  for (let i = 0; i < localStorage.length; i += 1) {
    const k = localStorage.key(i);
    if (k?.startsWith(ownerPrefix)) out.push(k.slice(ownerPrefix.length));
  }
  return out;
}

function info(): Record<string, unknown> {
  const all = keys();
  const bytes = all.reduce(
    (n, k) => n + k.length + (localStorage.getItem(ownerPrefix + k)?.length ?? 0),
    0,
  );
  return { keys: all, currentSize: Math.ceil(bytes / 1024), limitSize: LIMIT_KB };
}

function clear(): void {
  keys().forEach((k) => localStorage.removeItem(ownerPrefix + k));
}

export function storageApis(): Record<string, any> {
  return {
    setStorageSync: (key: unknown, data: unknown) =>
      sync('setStorageSync', () => write(checkKey(key), data)),
    // A missing key gives '' (not undefined), which page code relies on.
    getStorageSync: (key: unknown) => sync('getStorageSync', () => read(checkKey(key)).data),
    removeStorageSync: (key: unknown) =>
      sync('removeStorageSync', () => localStorage.removeItem(ownerPrefix + checkKey(key))),
    clearStorageSync: () => clear(),
    getStorageInfoSync: () => info(),

    setStorage: asyncApi('setStorage', (o: Options) => write(checkKey(o.key), o.data)),
    getStorage: asyncApi('getStorage', (o: Options) => {
      const r = read(checkKey(o.key));
      if (!r.found) throw new WxFailure('data not found');
      return { data: r.data };
    }),
    removeStorage: asyncApi('removeStorage', (o: Options) => {
      localStorage.removeItem(ownerPrefix + checkKey(o.key));
    }),
    clearStorage: asyncApi('clearStorage', () => clear()),
    getStorageInfo: asyncApi('getStorageInfo', () => info()),
  };
}
