/**
 * 出勤统计 of a branch for a year (organisers; `?branchId=`, optional `&year=`). One call on
 * open and per year chosen: `activity.attendanceStats` — per meeting / theme day (newest
 * first, as the server sends them) the attendance rate and counts, and per member the
 * meetings attended, on leave and missed. Members are listed by name, never by rate: the
 * figures are a record, not a ranking (DOMAIN.md: no leaderboards). Both lists show 20 rows
 * and 显示更多 adds the next 20. ‹ / › change the year (not beyond this one). Pull to refresh.
 */
import type { AttendanceStatsResponse } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { decodeQuery } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';
import { rateText, whenText } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';

const PAGE = 20;

interface MeetingRow {
  activityId: string;
  title: string;
  meta: string;
  rateText: string;
  counts: string;
}
interface MemberRow {
  personId: string;
  name: string;
  counts: string;
  rateText: string;
}

interface PageState {
  generation: number;
  meetings: MeetingRow[];
  members: MemberRow[];
}
const st = pageState<PageState>(() => ({ generation: 0, meetings: [], members: [] }));

function rows(r: AttendanceStatsResponse) {
  const meetings: MeetingRow[] = r.meetings.map((m) => ({
    activityId: m.activityId,
    title: m.title,
    meta: `${m.kindLabel} · ${whenText(m.startAt)}`,
    rateText: rateText(m.summary.rate),
    counts: `应到 ${m.summary.expected} · 实到 ${m.summary.present} · 请假 ${m.summary.leave} · 缺席 ${m.summary.absent}`,
  }));
  const members: MemberRow[] = [...r.members]
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-Hans-CN'))
    .map((m) => ({
      personId: m.personId,
      name: m.name,
      counts: `出席 ${m.present} · 请假 ${m.leave} · 缺席 ${m.absent}`,
      rateText: `${m.rate}%`,
    }));
  return { meetings, members };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    year: 0,
    thisYear: 0,
    meetings: [] as MeetingRow[],
    members: [] as MemberRow[],
    meetingTotal: 0,
    memberTotal: 0,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const thisYear = new Date().getFullYear();
      const asked = Number(o.year);
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= thisYear ? asked : thisYear;
      this.setData({ elderly: isElderlyMode(), branchId: o.branchId ?? '', year, thisYear });
      void this.load();
    },

    async load(quiet = false) {
      const s = st(this);
      const gen = ++s.generation;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'attendanceStats', {
        branchId: this.data.branchId,
        year: this.data.year,
      });
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        if (quiet) toast(res.error.message);
        else this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const { meetings, members } = rows(res.data);
      s.meetings = meetings;
      s.members = members;
      this.setData({
        status: meetings.length || members.length ? 'ready' : 'empty',
        meetings: meetings.slice(0, PAGE),
        members: members.slice(0, PAGE),
        meetingTotal: meetings.length,
        memberTotal: members.length,
      });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(this.data.status === 'ready');
    },

    onPrevYear() {
      this.setData({ year: this.data.year - 1 });
      void this.load();
    },
    onNextYear() {
      if (this.data.year >= this.data.thisYear) return;
      this.setData({ year: this.data.year + 1 });
      void this.load();
    },

    /** The next 20 rows of a list already loaded, appended by path. */
    onMoreMeetings() {
      const all = st(this).meetings;
      const start = this.data.meetings.length;
      const patch: Record<string, unknown> = {};
      all.slice(start, start + PAGE).forEach((r, i) => (patch[`meetings[${start + i}]`] = r));
      this.setData(patch);
    },
    onMoreMembers() {
      const all = st(this).members;
      const start = this.data.members.length;
      const patch: Record<string, unknown> = {};
      all.slice(start, start + PAGE).forEach((r, i) => (patch[`members[${start + i}]`] = r));
      this.setData(patch);
    },
  },
});
