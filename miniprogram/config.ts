/**
 * Runtime configuration of the client: which back end a call goes to.
 *
 * - `cloud`: real CloudBase via `wx.cloud.callFunction`; the caller's identity comes from
 *   WeChat itself. Always used by trial and release builds.
 * - `local`: the emulator's HTTP gateway; the caller's identity is a demo openid sent in
 *   a header. The default of `develop` builds while no CloudBase environment is
 *   configured (`CLOUD_ENV_ID` empty), see docs/client.md.
 *
 * Overrides live in wx storage so a developer can switch user or back end from the
 * DevTools console (`wx.setStorageSync('dev.openid', 'demo-secretary')`) without a rebuild.
 * They are ignored outside `develop` builds so a stray key can never redirect production.
 */

export type BackendMode = 'cloud' | 'local';

export interface RuntimeConfig {
  mode: BackendMode;
  /** CloudBase environment id; empty means the default environment of the AppID. */
  envId: string;
  /** Base URL of the local emulator gateway (local mode only). */
  gatewayUrl: string;
  /** Openid the gateway treats as the caller (local mode only). */
  devOpenid: string;
  /** Per-call time limit in milliseconds, both modes. */
  timeoutMs: number;
}

/** Fill in with the production CloudBase environment id before uploading. */
export const CLOUD_ENV_ID = '';

/**
 * Subscribe-message (订阅消息) template ids, the one place the client names them. Empty means
 * not configured: the pages then hide the control that asks for the subscription.
 *
 * `noticeReminder` must be the same id as the `branch` function's environment variable
 * `NOTICE_TEMPLATE_ID` (公众平台 › 订阅消息 › 我的模板): the client asks the member to
 * accept this template, the server sends it (`branch.remindUnread`) with keywords `thing1`
 * (notice title) and `thing2` (a hint). See docs/deploy.md, 订阅消息模板.
 *
 * `lessonReminder` must be the `lesson` function's `LESSON_TEMPLATE_ID` (「提醒未学的党员」,
 * `lesson.remind`): keywords `thing1` (lesson title) and `thing2` (a hint); the message opens
 * `pages/lessons/detail?id=<lessonId>`.
 *
 * `activityReminder` must be the `activity` function's `ACTIVITY_TEMPLATE_ID`: reminders 24 h
 * and 2 h before an activity, a place taken from the waitlist, a cancelled activity; the
 * message opens `pages/activities/detail?id=<activityId>`. Asked for when signing up or
 * answering 参加.
 *
 * `liaisonReminder` must be the `liaison` function's `LIAISON_TEMPLATE_ID`: a resident's request
 * accepted, resolved or escalated; the message opens
 * `packages/resident/request-detail/index?id=<requestId>`. Asked for when sending a request.
 */
export const SUBSCRIBE_TEMPLATES: Readonly<{
  noticeReminder: string;
  lessonReminder: string;
  activityReminder: string;
  liaisonReminder: string;
}> = {
  noticeReminder: '',
  lessonReminder: '',
  activityReminder: '',
  liaisonReminder: '',
};

export const DEFAULT_LOCAL_CONFIG: Readonly<RuntimeConfig> = {
  mode: 'local',
  envId: CLOUD_ENV_ID,
  gatewayUrl: 'http://127.0.0.1:3000',
  devOpenid: 'demo-member',
  timeoutMs: 15000,
};

/** wx storage keys read in develop builds. */
export const STORAGE_KEYS = {
  mode: 'dev.mode',
  gatewayUrl: 'dev.gatewayUrl',
  openid: 'dev.openid',
} as const;

export type EnvVersion = 'develop' | 'trial' | 'release';

function envVersion(): EnvVersion {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion;
  } catch {
    // The browser preview and old base libraries lack the API; they are development hosts.
    return 'develop';
  }
}

function readString(key: string): string {
  try {
    const value: unknown = wx.getStorageSync(key);
    return typeof value === 'string' ? value.trim() : '';
  } catch {
    return '';
  }
}

/**
 * Trial and release builds always use the cloud. A develop build uses the cloud once a
 * CloudBase environment is configured (DevTools with a real env), the local emulator
 * otherwise; `dev.mode` in storage overrides either way.
 */
export function resolveMode(version: EnvVersion, storedMode: string, envId: string): BackendMode {
  if (version !== 'develop') return 'cloud';
  if (storedMode === 'cloud' || storedMode === 'local') return storedMode;
  return envId ? 'cloud' : 'local';
}

/**
 * The configuration in force now. Read on every call rather than cached, so a changed
 * `dev.openid` takes effect on the next request.
 */
export function getConfig(): RuntimeConfig {
  const version = envVersion();
  if (version !== 'develop') {
    return { ...DEFAULT_LOCAL_CONFIG, mode: resolveMode(version, '', CLOUD_ENV_ID) };
  }
  return {
    ...DEFAULT_LOCAL_CONFIG,
    mode: resolveMode('develop', readString(STORAGE_KEYS.mode), CLOUD_ENV_ID),
    gatewayUrl: (readString(STORAGE_KEYS.gatewayUrl) || DEFAULT_LOCAL_CONFIG.gatewayUrl).replace(
      /\/+$/,
      '',
    ),
    devOpenid: readString(STORAGE_KEYS.openid) || DEFAULT_LOCAL_CONFIG.devOpenid,
  };
}
