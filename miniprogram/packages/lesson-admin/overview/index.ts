/**
 * 微党课管理 of a branch (composers; `?branchId=&canModerate=1` for the secretary and deputy).
 * One call on open: `lesson.overview` — the last 10 published lessons with studied / audience
 * and the quiz average, tap → 学习情况. Tabs 草稿 / 定时 / 待审核 load their own list
 * (`lesson.list { status }`, 20 a page, load more): a draft or scheduled lesson opens in the
 * composer; a held one (content security asked for review) opens for reading and, for the
 * secretary and deputy, has 通过 (publish, or schedule when its time is ahead) and 退回草稿
 * (`lesson.moderate`), each one tap; the row then leaves. 发布微党课 on top. Pull to refresh;
 * the tab on screen reloads quietly when coming back.
 */
import type {
  LessonItem,
  LessonOverviewItem,
  LessonOverviewResponse,
  LessonStatus,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { LESSON_STATUS_TEXT, lessonFacts } from '../../../utils/lesson';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { PagedList } from '../../../utils/paged-list';
import { pageState, stopPullDown, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';
type Tab = 'published' | 'draft' | 'scheduled' | 'held';

interface OverviewRow {
  lessonId: string;
  title: string;
  when: string;
  studiedText: string;
  quizText: string;
}

interface Row {
  lessonId: string;
  title: string;
  summary: string;
  cover: string;
  meta: string;
  statusText: string;
  busy: boolean;
  error: string;
}

function overviewRow(l: LessonOverviewItem, now: Date): OverviewRow {
  return {
    lessonId: l.lessonId,
    title: l.title,
    when: relativeTime(l.publishedAt, now),
    studiedText: `已学 ${l.studied} / ${l.audience}`,
    quizText:
      l.questionCount === 0
        ? '无测试题'
        : l.quizAverage === null
          ? '还没有人答题'
          : `${l.quizTakers} 人答题，平均 ${l.quizAverage} / ${l.questionCount}`,
  };
}

function row(l: LessonItem, now: Date): Row {
  const when =
    l.status === 'scheduled' && l.publishAt
      ? `${relativeTime(l.publishAt, now)}发布`
      : `${relativeTime(l.updatedAt, now)}修改`;
  return {
    lessonId: l.lessonId,
    title: l.title,
    summary: l.summary,
    cover: l.cover ?? '',
    meta: `${lessonFacts(l)} · ${l.authorName} · ${when}`,
    statusText: LESSON_STATUS_TEXT[l.status as LessonStatus] ?? '',
    busy: false,
    error: '',
  };
}

interface PageState {
  list: PagedList;
  intents: Intents;
  busy: boolean;
  shown: boolean;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  intents: new Intents(),
  busy: false,
  shown: false,
}));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    canModerate: false,
    tab: 'published' as Tab,
    members: 0,
    overview: [] as OverviewRow[],
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        canModerate: options.canModerate === '1',
      });
      void this.load();
    },

    onShow() {
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.load(true);
      s.shown = true;
    },

    load(quiet = false) {
      return this.data.tab === 'published' ? this.loadOverview(quiet) : this.loadList(quiet);
    },

    async loadOverview(quiet = false) {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('lesson', 'overview', { branchId: this.data.branchId });
      s.busy = false;
      stopPullDown();
      if (this.data.tab !== 'published') return;
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.show(res.data);
    },

    show(r: LessonOverviewResponse) {
      const now = new Date();
      const overview = r.items.slice(0, 20).map((l) => overviewRow(l, now));
      this.setData({
        status: overview.length ? 'ready' : 'empty',
        members: r.members,
        overview,
      });
    },

    async loadList(quiet = false) {
      const { branchId, tab } = this.data;
      if (tab === 'published') return;
      await st(this).list.first(
        this,
        (cursor) =>
          call('lesson', 'list', { branchId, status: tab, ...(cursor ? { cursor } : {}) }),
        row,
        undefined,
        { quiet },
      );
    },

    onTab(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = e.detail.value;
      const tab: Tab = v === 'draft' || v === 'scheduled' || v === 'held' ? v : 'published';
      if (tab === this.data.tab) return;
      this.setData({ tab, items: [], overview: [] });
      void this.load();
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(this.data.status === 'ready');
    },
    onReachBottom() {
      const { branchId, tab } = this.data;
      if (tab === 'published') return;
      void st(this).list.more(
        this,
        (cursor) =>
          call('lesson', 'list', { branchId, status: tab, ...(cursor ? { cursor } : {}) }),
        row,
      );
    },
    onMoreRetry() {
      this.onReachBottom();
    },

    onCompose() {
      go(ROUTES.lessonCompose, { branchId: this.data.branchId });
    },
    onStats(e: WechatMiniprogram.BaseEvent) {
      go(ROUTES.lessonStats, { id: dataset(e, 'id') });
    },
    onOpen(e: WechatMiniprogram.CustomEvent<{ lessonId: string }>) {
      const id = e.detail.lessonId;
      if (this.data.tab === 'held') go(ROUTES.lessonDetail, { id });
      else go(ROUTES.lessonCompose, { lessonId: id });
    },

    /** 通过 / 退回草稿 of a held lesson: one tap, the row leaves the tab. */
    async onModerate(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const approve = dataset(e, 'approve') === '1';
      const i = this.data.items.findIndex((r) => r.lessonId === id);
      if (i < 0 || this.data.items[i].busy) return;
      const key = `moderate:${id}:${approve}`;
      const s = st(this);
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'lesson',
        'moderate',
        { lessonId: id, approve },
        { requestId: s.intents.id(key) },
      );
      const at = this.data.items.findIndex((r) => r.lessonId === id);
      if (!res.ok) {
        if (at >= 0) {
          this.setData({ [`items[${at}].busy`]: false, [`items[${at}].error`]: res.error.message });
        }
        return;
      }
      s.intents.done(key);
      toast(
        !approve ? '已退回草稿' : res.data.status === 'scheduled' ? '已通过，将定时发布' : '已发布',
        'success',
      );
      const items = this.data.items.filter((r) => r.lessonId !== id);
      this.setData({ items, status: items.length ? 'ready' : 'empty' });
    },
  },
});
