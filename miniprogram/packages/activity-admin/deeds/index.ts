/**
 * 办好事实事 (good deeds done for residents). `?branchId=` shows the branch's tally
 * (`activity.goodDeeds`: all time, this year, the latest records) — one call on open;
 * with `&activityId=` an organiser also records the good deeds done on that activity
 * (`activity.recordGoodDeeds`: how many, 1–100, and what, 2–200 characters, checked by
 * content security). Recording updates the totals shown from the server's answer and puts
 * the record on top of the recent list. Pull to refresh.
 */
import type { GoodDeedsResponse } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface RecentRow {
  key: string;
  title: string;
  text: string;
  meta: string;
}

const recentRow = (r: GoodDeedsResponse['recent'][number], i: number): RecentRow => ({
  key: `${r.activityId}-${r.at}-${i}`,
  title: r.title,
  text: r.note,
  meta: `${r.count} 件 · ${formatDate(r.at)}`,
});

interface PageState {
  intents: Intents;
  busy: boolean;
}
const st = pageState<PageState>(() => ({ intents: new Intents(), busy: false }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    activityId: '',
    hasTally: false,
    branchTotal: 0,
    yearTotal: 0,
    recent: [] as RecentRow[],
    count: 1,
    note: '',
    error: '',
    saving: false,
    result: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: o.branchId ?? '',
        activityId: o.activityId ?? '',
      });
      if (o.branchId) void this.load();
      else this.setData({ status: 'ready' });
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'goodDeeds', { branchId: this.data.branchId });
      s.busy = false;
      stopPullDown();
      if (!res.ok) {
        if (this.data.status === 'ready') toast(res.error.message);
        else this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.setData({
        status: 'ready',
        hasTally: true,
        branchTotal: res.data.branchTotal,
        yearTotal: res.data.yearTotal,
        recent: res.data.recent.slice(0, 20).map(recentRow),
      });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      if (this.data.branchId) void this.load();
      else stopPullDown();
    },

    onCount(e: WechatMiniprogram.CustomEvent<{ value: number | string }>) {
      const n = Math.round(Number(e.detail.value));
      st(this).intents.done('record');
      this.setData({ count: n >= 1 && n <= 100 ? n : this.data.count, error: '', result: '' });
    },
    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('record');
      this.setData({ note: String(e.detail.value ?? ''), error: '', result: '' });
    },

    async onRecord() {
      if (this.data.saving || !this.data.activityId) return;
      const note = this.data.note.trim();
      const count = this.data.count;
      if (!(Number.isInteger(count) && count >= 1 && count <= 100)) {
        this.setData({ error: '件数应为 1–100' });
        return;
      }
      if (note.length < 2 || note.length > 200) {
        this.setData({ error: '请写明办了哪些好事实事（2–200 个字）' });
        return;
      }
      const s = st(this);
      this.setData({ saving: true, error: '', result: '' });
      const res = await call(
        'activity',
        'recordGoodDeeds',
        { activityId: this.data.activityId, count, note },
        { requestId: s.intents.id('record') },
      );
      this.setData({ saving: false });
      if (!res.ok) {
        this.setData({
          error:
            res.error.code === 'CONTENT_RISKY'
              ? `${res.error.message}。请修改可能违规的内容后再提交。`
              : res.error.message,
        });
        return;
      }
      s.intents.done('record');
      toast('已记录', 'success');
      this.setData({
        result: `已记录 ${count} 件，这次活动共 ${res.data.activityTotal} 件，支部累计 ${res.data.branchTotal} 件。`,
        branchTotal: res.data.branchTotal,
        note: '',
        count: 1,
      });
      // This year's total and the recent list as the server now has them.
      if (this.data.hasTally) void this.load();
    },
  },
});
