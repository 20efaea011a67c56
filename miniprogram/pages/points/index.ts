/**
 * 我的积分. One call on open: `lesson.myPoints` — my balance, what I earned today against the
 * daily cap, how points are earned (studying a lesson, passing its quiz, confirmed volunteer
 * hours: 志愿服务), and my entries of the
 * last 7 days (up to 50 from the server, shown 20 at a time with 显示更多). Only my own
 * numbers: there is no ranking of anyone by points or study time (DOMAIN.md). Pull to refresh.
 */
import type { MyPointsResponse, PointsEntryView, PointsReason } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { ROUTES, go } from '../../utils/nav';
import { stopPullDown } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

const REASON_TEXT: Record<PointsReason, string> = {
  lessonStudied: '学完微党课',
  quizPassed: '课后测试通过',
  volunteerHours: '志愿服务',
  liaisonService: '联户服务',
};

interface Row {
  entryId: string;
  title: string;
  reason: string;
  pointsText: string;
  when: string;
}

const PAGE = 20;

function toRow(e: PointsEntryView, now: Date): Row {
  return {
    entryId: e.entryId,
    title: e.title,
    reason: REASON_TEXT[e.reason] ?? '',
    pointsText: e.points < e.nominal ? `+${e.points}（已达当天上限）` : `+${e.points}`,
    when: relativeTime(e.at, now),
  };
}

const all = new WeakMap<object, Row[]>();
const busy = new WeakSet<object>();

function toView(p: MyPointsResponse) {
  return {
    balance: p.balance,
    todayText: `今天 ${p.today} / ${p.dailyCap} 分`,
    rulesText:
      `学完一节微党课 +${p.rules.lessonStudied} 分，课后测试答对 ${p.rules.passPercent}% 及以上 ` +
      `+${p.rules.quizPassed} 分；每节课各记一次。志愿服务时长经组织者确认后，每小时 +1 分，` +
      `每次活动最多 5 分。党员中心户走访联系户，每户每天 +${p.rules.liaisonService ?? 1} 分。` +
      `每天最多 ${p.dailyCap} 分。`,
  };
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    balance: 0,
    todayText: '',
    rulesText: '',
    items: [] as Row[],
    total: 0,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    async load() {
      if (busy.has(this)) return;
      busy.add(this);
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('lesson', 'myPoints');
      busy.delete(this);
      stopPullDown();
      if (!res.ok) {
        if (this.data.status !== 'ready') {
          this.setData({ status: 'error', errorMessage: res.error.message });
        }
        return;
      }
      const now = new Date();
      const rows = res.data.recent.map((e) => toRow(e, now));
      all.set(this, rows);
      this.setData({
        status: 'ready',
        ...toView(res.data),
        items: rows.slice(0, PAGE),
        total: rows.length,
      });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    /** The next 20 rows, appended by path. */
    onMore() {
      const rows = all.get(this) ?? [];
      const start = this.data.items.length;
      const patch: Record<string, unknown> = {};
      rows.slice(start, start + PAGE).forEach((r, i) => (patch[`items[${start + i}]`] = r));
      this.setData(patch);
    },

    onStudy() {
      go(ROUTES.lessons);
    },
  },
});
