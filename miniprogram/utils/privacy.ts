/**
 * What a failed privacy API call (wx.chooseMedia, wx.setClipboardData, …) means for the
 * user. The consent itself is asked by components/privacy-consent (docs/client.md, 隐私授权);
 * pages only word the outcome.
 */

/** The `fail` argument of a wx API: errMsg always, errno on newer base libraries. */
export interface WxFail {
  errMsg?: string;
  errno?: number;
  errCode?: number;
}

function msg(err: unknown): string {
  return String((err as WxFail | undefined)?.errMsg ?? '');
}

/** The user closed the picker or sheet themselves: nothing to say. */
export function isUserCancel(err: unknown): boolean {
  return /\bcancel\b/i.test(msg(err));
}

/**
 * The user did not agree to the privacy guide (隐私保护指引): errno 104, or on base
 * libraries without errno `…:fail privacy permission is not authorized`.
 */
export function isPrivacyRefusal(err: unknown): boolean {
  const e = err as WxFail | undefined;
  return e?.errno === 104 || /privacy/i.test(msg(err));
}

/** The user turned off a system or WeChat permission (camera, album): `auth deny`, errno 103. */
export function isPermissionDenied(err: unknown): boolean {
  const e = err as WxFail | undefined;
  return e?.errno === 103 || /auth (deny|denied)|authorize|permission/i.test(msg(err));
}
