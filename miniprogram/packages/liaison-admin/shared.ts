/**
 * What the secretaries' 联户 pages (packages/liaison-admin) share: the scope of an export or a
 * card sheet (one central household, or a branch with an optional grid), how figures read, and
 * the words of a request row. The exported file's card itself is utils/export-file.ts.
 */
import type { EscalationLevel, ExportResidentsRequest, RequestStatus } from '../../../typings/api';

export { CATEGORY_LABELS } from '../../utils/liaison-words';

/** Where a request has been escalated to (level 0: still with its central household). */
export const LEVEL_TEXT: Record<EscalationLevel, string> = {
  0: '',
  1: '已转支部书记',
  2: '已转社区党委',
};

/** States as the people handling requests read them. */
export const REQUEST_STATUS_TEXT: Record<RequestStatus, string> = {
  submitted: '待受理',
  accepted: '处理中',
  resolved: '已办结',
  closed: '已评价',
};

export type ScopeKind = 'household' | 'branch' | 'grid';

export interface ScopeOption {
  value: ScopeKind;
  label: string;
}

export interface ScopeQuery {
  householdId: string;
  branchId: string;
  grid: string;
  /** The central household's member, to name the household scope (optional). */
  memberName: string;
}

/** The scopes a page opened with `query` may offer, most specific first. */
export function scopeOptions(q: ScopeQuery): ScopeOption[] {
  const out: ScopeOption[] = [];
  if (q.householdId)
    out.push({
      value: 'household',
      label: q.memberName ? `${q.memberName}这一户中心户` : '这一户中心户',
    });
  if (q.branchId && q.grid) out.push({ value: 'grid', label: `网格：${q.grid}` });
  if (q.branchId) out.push({ value: 'branch', label: '全支部' });
  return out;
}

/** The request's scope (`ExportResidentsRequest` and `ExportCardsRequest` take the same). */
export function scopeRequest(kind: ScopeKind, q: ScopeQuery): ExportResidentsRequest | null {
  if (kind === 'household') return q.householdId ? { householdId: q.householdId } : null;
  if (!q.branchId) return null;
  if (kind === 'grid') return q.grid ? { branchId: q.branchId, grid: q.grid } : null;
  return { branchId: q.branchId };
}

/** 0–1 → 「83%」; null → 「暂无」. */
export function percentText(v: number | null | undefined): string {
  return v === null || v === undefined ? '暂无' : `${Math.round(v * 100)}%`;
}

/** Hours with one decimal → 「5.5 小时」; null → 「暂无」. */
export function hoursText(v: number | null | undefined): string {
  return v === null || v === undefined ? '暂无' : `${v} 小时`;
}
