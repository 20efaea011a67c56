/**
 * 考勤 of a meeting or theme day (organisers; `?activityId=`). The answer says whether the
 * caller may decide leave requests (`canModerate`: the secretary and deputy). One call on open: `activity.attendance`
 * — the summary (应到 / 实到 / 请假 / 缺席 / 出勤率) and the expected people with their reply,
 * leave request and recorded attendance, 20 a page, more at the bottom, pull to refresh.
 *
 * Leave requests waiting for a decision have 批准 / 不批准 (`activity.decideLeave`), one tap
 * each, for those who may moderate. Attendance is marked by hand with 出席 / 缺席 / 请假 on
 * each row; the changes collect until 保存考勤 sends them (`activity.markAttendance`, at most
 * 50 a call), and the summary the server answers replaces the one shown.
 */
import type {
  AttendanceItem,
  AttendanceListResponse,
  AttendanceSummary,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { dataset, decodeQuery } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { PagedList } from '../../../utils/paged-list';
import { clockText, summaryView } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type Mark = 'present' | 'absent' | 'leave';

const MARKS: readonly Mark[] = ['present', 'absent', 'leave'];
const BATCH = 50;

const REPLY_TEXT = { attend: '回复参加', leave: '请假', none: '未回复' } as const;
const LEAVE_TEXT = { pending: '待审批', approved: '已批准', rejected: '未批准' } as const;

interface Row {
  personId: string;
  name: string;
  replyText: string;
  leaveReason: string;
  leaveStatus: '' | 'pending' | 'approved' | 'rejected';
  leaveText: string;
  /** What the row shows as marked: the recorded value or the unsaved change. */
  mark: '' | Mark;
  changed: boolean;
  checks: string;
  busy: boolean;
  error: string;
}

function toRow(a: AttendanceItem): Row {
  return {
    personId: a.personId,
    name: a.name,
    replyText: REPLY_TEXT[a.reply ?? 'none'],
    leaveReason: a.leave?.reason ?? '',
    leaveStatus: a.leave?.status ?? '',
    leaveText: a.leave ? LEAVE_TEXT[a.leave.status] : '',
    mark: a.attendance ?? '',
    changed: false,
    checks: [
      a.checkedInAt ? `签到 ${clockText(a.checkedInAt)}` : '',
      a.checkedOutAt ? `签退 ${clockText(a.checkedOutAt)}` : '',
    ]
      .filter(Boolean)
      .join(' · '),
    busy: false,
    error: '',
  };
}

interface PageState {
  list: PagedList;
  intents: Intents;
  summary: AttendanceSummary | null;
  canModerate: boolean;
  /** personId → the attendance chosen and not yet saved. */
  changes: Map<string, Mark>;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  intents: new Intents(),
  summary: null,
  canModerate: false,
  changes: new Map(),
}));

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    canModerate: false,
    summary: null as null | (AttendanceSummary & { rateText: string }),
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    changeCount: 0,
    saving: false,
    saveError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        activityId: o.activityId ?? '',
      });
      void this.loadFirst();
    },

    fetch(cursor?: string) {
      const s = st(this);
      return call('activity', 'attendance', {
        activityId: this.data.activityId,
        ...(cursor === undefined ? {} : { cursor }),
      }).then((res) => {
        if (res.ok) {
          const data = res.data as AttendanceListResponse;
          s.summary = data.summary;
          s.canModerate = data.canModerate;
        }
        return res;
      });
    },

    async loadFirst() {
      const s = st(this);
      await s.list.first(
        this,
        (c) => this.fetch(c),
        (a: AttendanceItem) => toRow(a),
        () => {
          // A reload shows what is recorded: unsaved marks are dropped with the old rows.
          s.changes.clear();
          return {
            summary: s.summary ? summaryView(s.summary) : null,
            canModerate: s.canModerate,
            changeCount: 0,
            saveError: '',
          };
        },
      );
    },
    async loadMore() {
      const s = st(this);
      await s.list.more(
        this,
        (c) => this.fetch(c),
        (a: AttendanceItem) => toRow(a),
      );
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.personId === id);
    },

    onMark(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const mark = dataset(e, 'mark') as Mark;
      const i = this.indexOf(id);
      if (i < 0 || !MARKS.includes(mark)) return;
      const s = st(this);
      s.changes.set(id, mark);
      // Another set of changes: a new save intent.
      s.intents.doneAll('save');
      this.setData({
        [`items[${i}].mark`]: mark,
        [`items[${i}].changed`]: true,
        changeCount: s.changes.size,
        saveError: '',
      });
    },

    async onSave() {
      const s = st(this);
      if (this.data.saving || !s.changes.size) return;
      const entries = [...s.changes].map(([personId, attendance]) => ({ personId, attendance }));
      this.setData({ saving: true, saveError: '' });
      let summary: AttendanceSummary | null = null;
      let updated = 0;
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        const res = await call(
          'activity',
          'markAttendance',
          { activityId: this.data.activityId, entries: batch },
          { requestId: s.intents.id(`save:${i}`) },
        );
        if (!res.ok) {
          this.setData({ saving: false, saveError: res.error.message });
          return;
        }
        // Saved rows leave the pending changes, so a retry sends only what is left.
        for (const e of batch) s.changes.delete(e.personId);
        s.intents.done(`save:${i}`);
        summary = res.data.summary;
        updated += res.data.updated;
      }
      const patch: Record<string, unknown> = {
        saving: false,
        changeCount: 0,
        ...(summary ? { summary: summaryView(summary) } : {}),
      };
      this.data.items.forEach((r, i) => {
        if (r.changed) patch[`items[${i}].changed`] = false;
      });
      this.setData(patch);
      toast(`已保存 ${updated} 人的考勤`, 'success');
    },

    onApprove(e: WechatMiniprogram.BaseEvent) {
      void this.decide(dataset(e, 'id'), true);
    },
    onReject(e: WechatMiniprogram.BaseEvent) {
      void this.decide(dataset(e, 'id'), false);
    },

    async decide(personId: string, approve: boolean) {
      const i = this.indexOf(personId);
      if (i < 0 || this.data.items[i].busy) return;
      const key = `leave:${personId}:${approve ? 'yes' : 'no'}`;
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'activity',
        'decideLeave',
        { activityId: this.data.activityId, personId, approve },
        { requestId: st(this).intents.id(key) },
      );
      const j = this.indexOf(personId);
      if (j < 0) return;
      if (!res.ok) {
        this.setData({ [`items[${j}].busy`]: false, [`items[${j}].error`]: res.error.message });
        return;
      }
      st(this).intents.done(key);
      const leave = res.data.leave;
      toast(leave.status === 'approved' ? '已批准请假' : '已不批准', 'success');
      this.setData({
        [`items[${j}].busy`]: false,
        [`items[${j}].leaveStatus`]: leave.status,
        [`items[${j}].leaveText`]: LEAVE_TEXT[leave.status],
      });
    },
  },
});
