/**
 * Words of the resident pages (issue #7), kept plain for elderly residents (UX.md: 请求帮助, not
 * 提交工单): request categories, states as residents read them, escalation, ratings, the
 * request's history, and the local checks of a new request (the server checks them again).
 */
import type {
  CareTag,
  RequestCategory,
  RequestHistoryEntry,
  RequestItem,
  RequestRating,
  RequestStatus,
} from '../../../typings/api';
import { relativeTime } from '../../utils/format';

export const CATEGORIES: readonly { value: RequestCategory; label: string; hint: string }[] = [
  { value: 'repair', label: '维修', hint: '水电、门窗、楼道等' },
  { value: 'elderly', label: '助老', hint: '买菜、就医、照看老人' },
  { value: 'dispute', label: '邻里纠纷', hint: '噪音、占道、漏水等' },
  { value: 'policy', label: '政策咨询', hint: '医保、社保、补贴等' },
  { value: 'other', label: '其他', hint: '其他需要帮忙的事' },
];

export const CATEGORY_LABELS: Record<RequestCategory, string> = {
  repair: '维修',
  elderly: '助老',
  dispute: '邻里纠纷',
  policy: '政策咨询',
  other: '其他',
};

export const STATUS_TEXT: Record<RequestStatus, string> = {
  submitted: '已发送',
  accepted: '已受理',
  resolved: '已办结',
  closed: '已评价',
};

/** TDesign tag themes. */
export const STATUS_THEME: Record<RequestStatus, string> = {
  submitted: 'warning',
  accepted: 'primary',
  resolved: 'success',
  closed: 'default',
};

export const RATING_TEXT: Record<RequestRating, string> = {
  satisfied: '满意',
  basically: '基本满意',
  unsatisfied: '不满意',
};

export const RATINGS: readonly { value: RequestRating; label: string }[] = [
  { value: 'satisfied', label: '满意' },
  { value: 'basically', label: '基本满意' },
  { value: 'unsatisfied', label: '不满意' },
];

export const HISTORY_TEXT: Record<RequestHistoryEntry['action'], string> = {
  submitted: '发出求助',
  accepted: '已受理',
  resolved: '已办结',
  closed: '已评价',
  escalated: '转上级办理',
  moved: '转给新的中心户',
  released: '审核通过',
};

export const CARE_TAG_TEXT: Record<CareTag, string> = {
  livingAlone: '独居',
  elderly: '高龄',
  disability: '残疾',
  illness: '大病重病',
  hardship: '生活困难',
  leftBehind: '留守',
};

const OPEN: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['submitted', 'accepted']);

/**
 * Who handles an open request now, in the resident's words: '' while it is with their central
 * household. An overdue request is about to escalate (the timer runs every 10 minutes), so it
 * reads as already passed on.
 */
export function escalationText(r: Pick<RequestItem, 'status' | 'level' | 'overdue'>): string {
  if (!OPEN.has(r.status)) return '';
  const level = Math.min(2, r.level + (r.overdue ? 1 : 0));
  if (level >= 2) return '已转社区党委';
  if (level === 1) return '已转支部书记';
  return '';
}

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
    rating: r.rating ? (RATING_TEXT[r.rating] ?? '') : '',
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
 * A card code as typed or scanned: the server ignores case and spaces; the page does the same
 * so what is shown and sent is the printed code.
 */
export function normalizeCardCode(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
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
      if (/^[A-Z0-9]{4,16}$/.test(code)) return code;
    }
  }
  const plain = normalizeCardCode(res.result ?? '');
  return /^[A-Z0-9]{4,16}$/.test(plain) ? plain : '';
}
