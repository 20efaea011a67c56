/**
 * The `wx` object of the browser preview: WeChat's client API rebuilt on the DOM, fetch and
 * localStorage, talking to the emulator gateway for cloud calls. The runtime installs the
 * result as globalThis.wx before any page code runs.
 */
import type { PreviewHost } from '../host';
import { appApis } from './app';
import { cloudApis } from './cloud';
import { deviceApis } from './device';
import { documentApis } from './document';
import { mediaApis } from './media';
import { nativeApis } from './native';
import { navigationApis } from './navigation';
import { networkApis } from './network';
import { createPrivacy } from './privacy';
import { scanApis } from './scan';
import { setStorageOwner, storageApis } from './storage';
import { uiApis } from './ui';

/** Names read on a `wx` object that the shim lacks, first read first ("cloud.x" for wx.cloud.x). */
const missing = new Set<string>();

export function missingWxApis(): string[] {
  return [...missing];
}

/**
 * Reads that are not API lookups: awaiting or printing the object (Promise resolution, jest
 * and console inspectors) probes these, and they must not count as missing APIs.
 */
const NOT_APIS = new Set([
  'then',
  'toJSON',
  'constructor',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  'inspect',
  'prototype',
]);

/**
 * Make reads of absent APIs loud. Throwing (or handing back a throwing function) would break
 * feature detection: TDesign's `wx.getWindowInfo && wx.getWindowInfo() || …`, the app's
 * `typeof wx.requestSubscribeMessage !== 'function'` and `'x' in wx` all read the property,
 * and a Proxy cannot tell such a test from a call. So an absent API reads as `undefined`,
 * exactly as on an old base library (a case page code already handles), `in` stays honest
 * (no `has` trap), and the gap is reported instead: console.error once per name, and
 * missingWxApis() for tests to assert it stays empty.
 */
function loud<T extends Record<string, any>>(target: T, path: string): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || Reflect.has(t, prop)) return Reflect.get(t, prop, receiver);
      if (NOT_APIS.has(prop) || prop.startsWith('__') || prop.startsWith('@@')) return undefined;
      const name = path + prop;
      if (!missing.has(name)) {
        missing.add(name);
        console.error(`[preview] wx.${name} is not implemented in the browser preview`);
      }
      return undefined;
    },
  });
}

/** Built-in components belong to the runtime; canIUse assumes base library 3.7 has them. */
const COMPONENTS = new Set(
  (
    'view text button input textarea image icon scroll-view swiper swiper-item picker ' +
    'picker-view switch radio radio-group checkbox checkbox-group form label navigator ' +
    'rich-text progress slider movable-area movable-view cover-view cover-image map ' +
    'canvas web-view video camera page-meta navigation-bar root-portal editor block'
  ).split(' '),
);

/** One object from the modules; two modules defining the same API is a bug worth a throw. */
function merge(parts: Record<string, any>[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const part of parts) {
    for (const [name, value] of Object.entries(part)) {
      if (name in out) throw new Error(`[preview] wx.${name} is defined twice`);
      out[name] = value;
    }
  }
  return out;
}

export function createWx(host: PreviewHost): Record<string, any> {
  setStorageOwner(host.openid());
  const privacy = createPrivacy(host);
  const ui = uiApis(host);
  const toast = (title: string) => {
    ui.showToast({ title, icon: 'none', duration: 1500, complete: () => undefined });
  };
  const cloud = cloudApis(host);
  const api = merge([
    storageApis(),
    ui,
    navigationApis(host),
    networkApis(),
    mediaApis(host, privacy.gate),
    deviceApis(privacy.gate, toast),
    nativeApis(host, privacy.gate),
    scanApis(host),
    documentApis(),
    privacy.apis,
    appApis(host),
    { cloud: loud(cloud, 'cloud.') },
  ]);

  /** `getWindowInfo`, `wx.cloud.callFunction`, `getSystemInfoSync.return.safeArea`, `button.open-type.x`. */
  api.canIUse = (schema: unknown): boolean => {
    const [head, next] = String(schema ?? '')
      .replace(/^wx\./, '')
      .split('.');
    if (!head) return false;
    if (COMPONENTS.has(head)) return true;
    if (!(head in api)) return false;
    return head === 'cloud' && next ? next in cloud : true;
  };

  return loud(api, '');
}
