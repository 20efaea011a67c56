/**
 * How a resident reads their requests (issue #7, UX.md: plain words), shared by the resident
 * home (main package: the newest requests under 我的中心户), the resident subpackage
 * (packages/resident/shared.ts re-exports these) and the member's (packages/liaison):
 * request categories, ratings, care tags, states, and who handles an open request now.
 */
import type {
  CareTag,
  RequestCategory,
  RequestItem,
  RequestRating,
  RequestStatus,
} from '../../typings/api';

export const CATEGORY_LABELS: Record<RequestCategory, string> = {
  repair: '维修',
  elderly: '助老',
  dispute: '邻里纠纷',
  policy: '政策咨询',
  other: '其他',
};

/** 满意 · 基本满意 · 不满意, in the order the resident chooses them. */
export const RATING_LABELS: Record<RequestRating, string> = {
  satisfied: '满意',
  basically: '基本满意',
  unsatisfied: '不满意',
};

/** Care tags (关爱标签) as the linked member and the resident read them. */
export const CARE_TAG_LABELS: Record<CareTag, string> = {
  livingAlone: '独居',
  elderly: '高龄',
  disability: '残疾',
  illness: '大病重病',
  hardship: '生活困难',
  leftBehind: '留守',
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
