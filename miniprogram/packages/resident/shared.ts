/**
 * Words of the resident pages (issue #7), kept plain for elderly residents (UX.md: 请求帮助, not
 * 提交工单): request categories, states as residents read them, escalation, ratings, the
 * request's history, and the local checks of a new request (the server checks them again).
 */
import type {
  RequestCategory,
  RequestHistoryEntry,
  RequestItem,
  RequestRating,
} from '../../../typings/api';
import { relativeTime } from '../../utils/format';
import { currentLiaison } from '../../utils/liaison-context';
import {
  CARE_TAG_LABELS,
  CATEGORY_LABELS,
  RATING_LABELS,
  STATUS_TEXT,
  STATUS_THEME,
  escalationText,
} from '../../utils/liaison-words';

// The home page (main package) shows requests too, so these words live in the main package.
export {
  CARE_TAG_LABELS as CARE_TAG_TEXT,
  CATEGORY_LABELS,
  RATING_LABELS as RATING_TEXT,
  STATUS_TEXT,
  STATUS_THEME,
  escalationText,
};

export const CATEGORIES: readonly { value: RequestCategory; label: string; hint: string }[] = [
  { value: 'repair', label: '维修', hint: '水电、门窗、楼道等' },
  { value: 'elderly', label: '助老', hint: '买菜、就医、照看老人' },
  { value: 'dispute', label: '邻里纠纷', hint: '噪音、占道、漏水等' },
  { value: 'policy', label: '政策咨询', hint: '医保、社保、补贴等' },
  { value: 'other', label: '其他', hint: '其他需要帮忙的事' },
];

/** The three ratings, in the order the resident chooses them. */
export const RATINGS: readonly { value: RequestRating; label: string }[] = (
  Object.keys(RATING_LABELS) as RequestRating[]
).map((value) => ({ value, label: RATING_LABELS[value] }));

export const HISTORY_TEXT: Record<RequestHistoryEntry['action'], string> = {
  submitted: '发出求助',
  accepted: '已受理',
  resolved: '已办结',
  closed: '已评价',
  escalated: '转上级办理',
  moved: '转给新的中心户',
  released: '审核通过',
};

export interface RequestRow {
  requestId: string;
  categoryLabel: string;
  text: string;
  statusText: string;
  statusTheme: string;
  escalation: string;
  urgent: boolean;
  held: boolean;
  time: string;
  rating: string;
}

export function requestRow(r: RequestItem, now: Date): RequestRow {
  return {
    requestId: r.requestId,
    categoryLabel: CATEGORY_LABELS[r.category] ?? '其他',
    text: r.text,
    statusText: STATUS_TEXT[r.status] ?? '',
    statusTheme: STATUS_THEME[r.status] ?? 'default',
    escalation: escalationText(r),
    urgent: r.urgent,
    held: r.held,
    time: relativeTime(r.createdAt, now),
    rating: r.rating ? (RATING_LABELS[r.rating] ?? '') : '',
  };
}

export const TEXT_MIN = 2;
export const TEXT_MAX = 500;
export const PHOTO_MAX = 3;

/** The new request's local checks, by field, in plain words. */
export function checkRequest(form: {
  category: string;
  text: string;
}): Partial<Record<'category' | 'text', string>> {
  const e: Partial<Record<'category' | 'text', string>> = {};
  if (!CATEGORIES.some((c) => c.value === form.category)) e.category = '请先选一选是哪类事';
  const text = form.text.trim();
  if (!text) e.text = '请写一写需要帮什么忙';
  else if (text.length < TEXT_MIN) e.text = '请多写几个字，至少 2 个字';
  else if (text.length > TEXT_MAX) e.text = `最多写 ${TEXT_MAX} 个字，现在是 ${text.length} 个字`;
  return e;
}

/**
 * A card code as typed or scanned: the server ignores case, spaces and dashes; the page does the
 * same so what is shown and sent is the printed code.
 */
export function normalizeCardCode(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/** A printed card code: 8 characters, letters and the digits 2–9 (no look-alike 0 and 1). */
export const CARD_CODE_PATTERN = /^[A-Z2-9]{8}$/;

/** What is wrong with a (normalised) typed card code, in plain words; '' when it may be sent. */
export function cardCodeError(code: string): string {
  if (!code) return '请输入连心卡上的号码';
  if (code.length !== 8) return '连心卡号是 8 位，请核对';
  if (!CARD_CODE_PATTERN.test(code)) return '连心卡号是 8 位字母和数字（没有 0 和 1），请核对';
  return '';
}

/**
 * The card code in what `wx.scanCode` read: a mini-program code answers `path`
 * (`packages/resident/bind/index?scene=XXXX`, the scene URL-encoded), a plain QR code its
 * `result`, which may be the code itself or a link carrying `scene=`. '' when none.
 */
export function cardCodeFromScan(res: { path?: string; result?: string }): string {
  for (const source of [res.path, res.result]) {
    if (!source) continue;
    const m = /[?&]scene=([^&#]*)/.exec(source);
    if (m) {
      let scene = m[1];
      try {
        // WeChat encodes the scene once; a printed link may encode it twice.
        scene = decodeURIComponent(decodeURIComponent(scene));
      } catch {
        // Not percent-encoded: keep it as it came.
      }
      const code = normalizeCardCode(scene);
      if (CARD_CODE_PATTERN.test(code)) return code;
    }
  }
  const plain = normalizeCardCode(res.result ?? '');
  return CARD_CODE_PATTERN.test(plain) ? plain : '';
}

/**
 * The 「打电话给中心户」 bar of the request pages (call-bar.wxml), from what home remembered of
 * `branch.me` (utils/liaison-context.ts): no call of its own. An empty phone hides the bar
 * (not known yet, or the member did not agree to show it).
 */
export function callBarData(): { callName: string; callPhone: string } {
  const c = currentLiaison();
  return { callName: c?.memberName ?? '', callPhone: c?.phone ?? '' };
}
