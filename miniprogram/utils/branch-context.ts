/**
 * The branch the caller is in, remembered on the phone from the last `branch.me` (home and
 * 我的 load it). Two things need it without a call of their own: the custom tab bar, which
 * shows 学习 only to members (UX.md, Navigation), and the 学习 tab page, which is opened with
 * `switchTab` (no query) and must name the branch to `lesson.list`. It is a hint, never an
 * authority: the server decides every permission. The 学习 tab also remembers the branch that
 * `lesson.list` answers with when called without `branchId` (the caller's own), and on
 * FORBIDDEN / NOT_FOUND for a remembered branch asks once more without it (the member may have
 * left or moved).
 */
import type { BranchMeResponse, RoleCode } from '../../typings/api';

export const BRANCH_CONTEXT_KEY = 'context.branch';

export interface BranchContext {
  branchId: string;
  branchName: string;
  committeeId: string;
  role: RoleCode;
}

/** The first active membership of a `branch.me` answer, as remembered. */
export function branchOf(me: BranchMeResponse): BranchContext | null {
  const m = me.memberships.find((x) => x.status === 'active');
  return m
    ? { branchId: m.branchId, branchName: m.branchName, committeeId: m.committeeId, role: m.role }
    : null;
}

/** Remember (or forget, with null) the caller's branch. */
export function rememberBranch(ctx: BranchContext | null): void {
  try {
    if (ctx) wx.setStorageSync(BRANCH_CONTEXT_KEY, ctx);
    else wx.removeStorageSync(BRANCH_CONTEXT_KEY);
  } catch {
    // No storage on this host: pages fall back to asking branch.me.
  }
}

export function currentBranch(): BranchContext | null {
  try {
    const v = wx.getStorageSync(BRANCH_CONTEXT_KEY) as Partial<BranchContext> | '' | undefined;
    if (v && typeof v === 'object' && typeof v.branchId === 'string' && v.branchId) {
      return {
        branchId: v.branchId,
        branchName: String(v.branchName ?? ''),
        committeeId: String(v.committeeId ?? ''),
        role: (v.role ?? 'member') as RoleCode,
      };
    }
  } catch {
    // Fall through.
  }
  return null;
}
