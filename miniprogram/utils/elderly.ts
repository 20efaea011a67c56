/**
 * 长辈模式 (MIIT 适老化): bigger text and tap targets. It follows the WeChat font size the
 * user already chose, so an elderly user gets it without finding a setting; an explicit
 * choice in 我的 › 设置 (stored under ELDERLY_STORAGE_KEY) wins over that.
 */

export const ELDERLY_STORAGE_KEY = 'settings.elderlyMode';

/** WeChat's standard size reports 1; any deliberate enlargement is at least this. */
export const ELDERLY_SCALE_THRESHOLD = 1.1;

export type ElderlyPreference = 'on' | 'off' | 'auto';

export function resolveElderly(scaleFactor: number | undefined, pref: ElderlyPreference): boolean {
  if (pref === 'on') return true;
  if (pref === 'off') return false;
  return typeof scaleFactor === 'number' && scaleFactor >= ELDERLY_SCALE_THRESHOLD;
}

export function readElderlyPreference(): ElderlyPreference {
  try {
    const v: unknown = wx.getStorageSync(ELDERLY_STORAGE_KEY);
    return v === 'on' || v === 'off' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

/** Whether pages should render in elderly mode now. */
export function isElderlyMode(): boolean {
  let scale: number | undefined;
  try {
    scale = wx.getAppBaseInfo().fontSizeScaleFactor;
  } catch {
    scale = undefined;
  }
  return resolveElderly(scale, readElderlyPreference());
}
