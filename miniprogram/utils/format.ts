/**
 * Dates as members read them (UX.md: 「3 小时前」「明天 14:00」). The client ships no date
 * library, so these work on ISO strings and plain Date arithmetic, in the phone's time zone.
 * `now` is the server's clock where a page has it (`serverTime`), so a wrong phone clock
 * does not make a notice "from the future".
 */

const pad = (n: number) => String(n).padStart(2, '0');

function parse(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function dayStart(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** 「刚刚」「5 分钟前」「3 小时前」「昨天 14:00」「3月5日」「2023年3月5日」 */
export function relativeTime(value: string | null | undefined, now: Date = new Date()): string {
  const d = parse(value);
  if (!d) return '';
  const diff = now.getTime() - d.getTime();
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (diff >= 0 && diff < 60_000) return '刚刚';
  if (diff >= 0 && diff < 3_600_000) return `${Math.floor(diff / 60_000)} 分钟前`;
  const days = Math.round((dayStart(now) - dayStart(d)) / 86_400_000);
  if (days === 0) return diff >= 0 ? `${Math.floor(diff / 3_600_000)} 小时前` : `今天 ${hm}`;
  if (days === 1) return `昨天 ${hm}`;
  if (days === -1) return `明天 ${hm}`;
  if (d.getFullYear() === now.getFullYear()) return `${d.getMonth() + 1}月${d.getDate()}日`;
  return formatDate(value);
}

/** 「2023年3月5日」 */
export function formatDate(value: string | null | undefined): string {
  const d = parse(value);
  if (!d) return '';
  return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

/** Date part of an ISO string or YYYY-MM-DD, as the calendar date it names. */
function calendar(value: string | null | undefined): { y: number; m: number; d: number } | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return null;
  return { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
}

/** Whole years of party standing (党龄) on `now`; null without a joining date. */
export function partyYears(
  joinedAt: string | null | undefined,
  now: Date = new Date(),
): number | null {
  const c = calendar(joinedAt);
  if (!c) return null;
  let years = now.getFullYear() - c.y;
  const before = now.getMonth() + 1 < c.m || (now.getMonth() + 1 === c.m && now.getDate() < c.d);
  if (before) years -= 1;
  return Math.max(0, years);
}

/** 入党纪念日: today is the anniversary (not the day itself) of joining the party. */
export function isPoliticalBirthday(
  joinedAt: string | null | undefined,
  now: Date = new Date(),
): boolean {
  const c = calendar(joinedAt);
  if (!c || c.y >= now.getFullYear()) return false;
  return c.m === now.getMonth() + 1 && c.d === now.getDate();
}

/** Today as YYYY-MM-DD in the phone's time zone (the end of a date picker's range). */
export function today(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
