/**
 * The bound resident's central household, remembered on the phone from the last `branch.me`
 * (home loads it). The resident's request pages (packages/resident: new request, my requests,
 * a request's detail) show 「打电话给中心户」 from here: their own answers carry no phone, and
 * UX.md wants the call button always visible to residents, without a call of its own.
 *
 * Only what the call bar needs is kept (the member's name and the phone they agreed to show),
 * not the resident's own data or their requests. It is a hint, never an authority: home
 * replaces it on every load and forgets it when the caller is no longer bound.
 */
import type { LiaisonCard } from '../../typings/api';

export const LIAISON_CONTEXT_KEY = 'context.liaison';

export interface LiaisonContext {
  householdId: string;
  memberName: string;
  /** Full phone when the member agreed to show it (`showPhone`), else null. */
  phone: string | null;
}

/** What is remembered of a `branch.me` liaison card. */
export function liaisonOf(card: LiaisonCard | null | undefined): LiaisonContext | null {
  if (!card) return null;
  return {
    householdId: card.householdId,
    memberName: card.member.name,
    phone: card.member.phone || null,
  };
}

/** Remember (or forget, with null) the caller's central household. */
export function rememberLiaison(ctx: LiaisonContext | null): void {
  try {
    if (ctx) wx.setStorageSync(LIAISON_CONTEXT_KEY, ctx);
    else wx.removeStorageSync(LIAISON_CONTEXT_KEY);
  } catch {
    // No storage on this host: the request pages then show no call bar.
  }
}

export function currentLiaison(): LiaisonContext | null {
  try {
    const v = wx.getStorageSync(LIAISON_CONTEXT_KEY) as Partial<LiaisonContext> | '' | undefined;
    if (v && typeof v === 'object' && typeof v.householdId === 'string' && v.householdId) {
      return {
        householdId: v.householdId,
        memberName: String(v.memberName ?? ''),
        phone: typeof v.phone === 'string' && v.phone ? v.phone : null,
      };
    }
  } catch {
    // Fall through.
  }
  return null;
}
