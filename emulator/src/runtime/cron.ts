/**
 * CloudBase timer triggers use a 7-field cron (second minute hour day month weekday
 * year) evaluated in UTC+8. cron-parser handles the first six; the year is checked here.
 */
import { CronExpressionParser } from 'cron-parser';

export interface TimerTrigger {
  name: string;
  type: 'timer';
  config: string;
}

export class CloudBaseCron {
  private readonly six: string;
  private readonly years: ((y: number) => boolean) | null;

  constructor(readonly expression: string) {
    const parts = expression.trim().split(/\s+/);
    if (parts.length !== 7) {
      throw new Error(
        `timer trigger "${expression}": CloudBase cron needs 7 fields (second minute hour day month week year)`,
      );
    }
    this.six = parts.slice(0, 6).join(' ');
    this.years = parseYears(parts[6]);
    CronExpressionParser.parse(this.six, { tz: 'Asia/Shanghai' });
  }

  /** The next firing strictly after `from`, or null when none within 5 years. */
  next(from: Date): Date | null {
    const it = CronExpressionParser.parse(this.six, { tz: 'Asia/Shanghai', currentDate: from });
    for (let i = 0; i < 100000; i++) {
      const d = it.next().toDate();
      if (d.getTime() - from.getTime() > 5 * 366 * 86400_000) return null;
      const year = new Date(d.getTime() + 8 * 3600_000).getUTCFullYear();
      if (!this.years || this.years(year)) return d;
    }
    return null;
  }
}

function parseYears(field: string): ((y: number) => boolean) | null {
  if (field === '*') return null;
  const tests = field.split(',').map((part) => {
    const m = /^(\d{4})(?:-(\d{4}))?$/.exec(part);
    if (!m) throw new Error(`timer trigger: unsupported year field "${field}"`);
    const lo = Number(m[1]);
    const hi = m[2] ? Number(m[2]) : lo;
    return (y: number) => y >= lo && y <= hi;
  });
  return (y) => tests.some((t) => t(y));
}
