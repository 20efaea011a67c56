/**
 * 学习情况 of one lesson (composers; `?id=<lessonId>`). One call on open: `lesson.stats` —
 * studied / audience (current members of its audience), the quiz (takers, average of their
 * best scores, passed), and the names of those who have not studied, 20 a page (加载更多 asks
 * `stats` with the cursor and appends only the names). 提醒未学的党员 sends the subscribe
 * message (`lesson.remind`) at most once a day per lesson: the button says so when the server
 * says it cannot be sent today (`canRemind`, `remindedOn`), and RATE_LIMITED is shown as the
 * server words it (from when it may be sent again). Pull to refresh.
 */
import type { LessonStatsResponse, NotStudiedPerson } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { today } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { LESSON_STATUS_TEXT } from '../../../utils/lesson';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'ready';

interface Row {
  membershipId: string;
  name: string;
  group: string;
}

const toRow = (p: NotStudiedPerson): Row => ({
  membershipId: p.membershipId,
  name: p.name,
  group: p.partyGroupName ?? '',
});

function toView(r: LessonStatsResponse) {
  const q = r.quiz;
  return {
    title: r.title,
    statusText: r.status === 'published' ? '' : LESSON_STATUS_TEXT[r.status],
    published: r.status === 'published',
    studied: r.studied,
    audience: r.audience,
    notStudiedCount: Math.max(0, r.audience - r.studied),
    percent: r.audience ? Math.round((r.studied / r.audience) * 100) : 0,
    quizText: !q
      ? ''
      : q.takers === 0
        ? `共 ${q.questionCount} 题，还没有人作答`
        : `共 ${q.questionCount} 题，${q.takers} 人作答，平均 ${q.average ?? 0} 分（满分 ${q.questionCount}），${q.passed} 人通过`,
    canRemind: r.canRemind,
    remindedToday: r.remindedOn === today(),
  };
}

interface PageState {
  busy: boolean;
  paging: boolean;
  cursor: string | null;
  intents: Intents;
}
const st = pageState<PageState>(() => ({
  busy: false,
  paging: false,
  cursor: null,
  intents: new Intents(),
}));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    lessonId: '',
    title: '',
    statusText: '',
    published: false,
    studied: 0,
    audience: 0,
    notStudiedCount: 0,
    percent: 0,
    quizText: '',
    canRemind: false,
    remindedToday: false,
    reminding: false,
    remindResult: '',
    remindFailed: false,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), lessonId: options.id ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('lesson', 'stats', { lessonId: this.data.lessonId });
      s.busy = false;
      stopPullDown();
      if (!res.ok) {
        if (this.data.status !== 'ready') {
          this.setData({ status: 'error', errorMessage: res.error.message });
        } else toast(res.error.message);
        return;
      }
      s.cursor = res.data.nextCursor;
      this.setData({
        status: 'ready',
        ...toView(res.data),
        items: res.data.notStudied.slice(0, 20).map(toRow),
        hasMore: !!s.cursor,
        loadingMore: false,
        moreError: '',
      });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },

    async onMore() {
      const s = st(this);
      if (s.paging || !s.cursor) return;
      s.paging = true;
      this.setData({ loadingMore: true, moreError: '' });
      const res = await call('lesson', 'stats', { lessonId: this.data.lessonId, cursor: s.cursor });
      s.paging = false;
      if (!res.ok) {
        this.setData({ loadingMore: false, moreError: res.error.message });
        return;
      }
      s.cursor = res.data.nextCursor;
      const known = new Set(this.data.items.map((r) => r.membershipId));
      const start = this.data.items.length;
      const patch: Record<string, unknown> = { loadingMore: false, hasMore: !!s.cursor };
      res.data.notStudied
        .filter((p) => !known.has(p.membershipId))
        .slice(0, 20)
        .forEach((p, i) => (patch[`items[${start + i}]`] = toRow(p)));
      this.setData(patch);
    },
    onReachBottom() {
      if (this.data.hasMore && !this.data.loadingMore && !this.data.moreError) void this.onMore();
    },

    async onRemind() {
      if (this.data.reminding || !this.data.canRemind) return;
      const s = st(this);
      this.setData({ reminding: true, remindResult: '', remindFailed: false });
      const res = await call(
        'lesson',
        'remind',
        { lessonId: this.data.lessonId },
        { requestId: s.intents.id('remind') },
      );
      this.setData({ reminding: false });
      if (!res.ok) {
        const limited = res.error.code === 'RATE_LIMITED';
        if (limited) s.intents.done('remind');
        this.setData({
          remindResult: res.error.message,
          remindFailed: true,
          // The day is used up: the button says so instead of inviting another tap.
          ...(limited ? { canRemind: false, remindedToday: true } : {}),
        });
        return;
      }
      s.intents.done('remind');
      const { sent, skipped } = res.data;
      toast('已提醒', 'success');
      this.setData({
        canRemind: false,
        remindedToday: sent > 0,
        remindResult:
          `已提醒 ${sent} 人${skipped ? `，${skipped} 人没有开启学习提醒，请电话或当面告知` : ''}` +
          '。每节课每天只能提醒一次。',
      });
    },

    onOpen() {
      go(ROUTES.lessonDetail, { id: this.data.lessonId });
    },
    onEdit() {
      go(ROUTES.lessonCompose, { lessonId: this.data.lessonId });
    },
  },
});
