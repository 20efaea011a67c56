/**
 * Small helpers every page uses: field errors from INVALID_ARGUMENT, toasts that never
 * throw, role checks that mirror docs/permissions.md for what to *show* (the server decides).
 */
import type { ApiError, PartyStatus, ReportStatus, RoleCode } from '../../typings/api';

/**
 * Which form fields an INVALID_ARGUMENT names (`details.fields`, dotted paths within data),
 * each mapped to the message to show under it. The server's message names only the first
 * field, so that field gets it and the others a plain 「请检查此项」.
 */
export function fieldErrors(error: ApiError, known: readonly string[]): Record<string, string> {
  if (error.code !== 'INVALID_ARGUMENT') return {};
  const details = error.details as { fields?: unknown } | undefined;
  const fields = Array.isArray(details?.fields) ? (details.fields as unknown[]) : [];
  const out: Record<string, string> = {};
  fields.forEach((f, i) => {
    const top = String(f).split('.')[0];
    if (!known.includes(top) || out[top]) return;
    out[top] = i === 0 ? error.message : '请检查此项';
  });
  return out;
}

export function toast(title: string, icon: 'success' | 'error' | 'none' = 'none'): void {
  try {
    wx.showToast({ title, icon });
  } catch {
    // No toast on this host; the page state already says what happened.
  }
}

/** Dials `phone` (a declined call is no error); on a host without calling, says the number. */
export function dial(phone: string): void {
  try {
    wx.makePhoneCall({ phoneNumber: phone, fail: () => undefined });
  } catch {
    toast(`请拨打 ${phone}`);
  }
}

export function stopPullDown(): void {
  try {
    wx.stopPullDownRefresh();
  } catch {
    // Not refreshing.
  }
}

/** 支委: may post notices. */
const COMMITTEE: ReadonlySet<RoleCode> = new Set<RoleCode>([
  'secretary',
  'deputySecretary',
  'organizationCommittee',
  'propagandaCommittee',
  'disciplineCommittee',
  'massWorkCommittee',
]);

export function isCommittee(role: RoleCode): boolean {
  return COMMITTEE.has(role);
}

/** May compose lessons, see their statistics, remind, hide reflections and adopt topics. */
export function isLessonComposer(role: RoleCode): boolean {
  return role === 'secretary' || role === 'deputySecretary' || role === 'propagandaCommittee';
}

/**
 * Manage the branch's central households and read its 联户看板 (secretary, deputy, mass-work
 * committee: `manageLiaison` in docs/permissions.md).
 */
export function isLiaisonManager(role: RoleCode): boolean {
  return role === 'secretary' || role === 'deputySecretary' || role === 'massWorkCommittee';
}

/** May create invitations and review applications (secretary, deputy, organisation committee). */
export function isReviewer(role: RoleCode): boolean {
  return role === 'secretary' || role === 'deputySecretary' || role === 'organizationCommittee';
}

export const PARTY_STATUS_LABELS: Record<PartyStatus, string> = {
  full: '正式党员',
  probationary: '预备党员',
  activist: '入党积极分子',
};

/** 双报到 states as the reporter reads them. */
export const REPORT_STATUS_TEXT: Record<ReportStatus, string> = {
  pending: '待确认',
  active: '已报到',
  rejected: '未通过',
  ended: '已结束',
};

/**
 * Per-page-instance state that is not rendered (lists, intents, timers): kept outside `data`
 * so setData never carries it, created on first use for each page instance.
 */
export function pageState<T extends object>(init: () => T): (page: object) => T {
  const states = new WeakMap<object, T>();
  return (page) => {
    let s = states.get(page);
    if (!s) states.set(page, (s = init()));
    return s;
  };
}
