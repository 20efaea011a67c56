/**
 * 学习 tab: the branch's micro party lessons (微党课) for me, not yet studied first within each
 * page of 20 as the server orders them (`lesson.list`), with a 未学 / 已学 tag and my best quiz
 * score; more on reaching the bottom (`nextCursor`), pull to refresh, a quiet refresh when
 * shown again (a lesson may have just been studied). Above the list: 点题授课 and 我的积分;
 * for composers (secretary, deputy, propaganda committee: `canCompose`) 发布微党课 and
 * 微党课管理. 开启学习提醒 asks for the lesson-reminder subscription inside the tap.
 *
 * A tab page has no query: the branch comes from utils/branch-context.ts (remembered by home
 * from `branch.me`), so opening makes one call. Only when the app starts on this tab with no
 * branch remembered, or the remembered one is refused (the member left), does it ask
 * `branch.me` first. No branch at all → an empty state that leads to joining.
 */
import type { LessonItem, ListLessonsResponse, Result } from '../../../typings/api';
import { call } from '../../services/call';
import { branchOf, currentBranch, rememberBranch } from '../../utils/branch-context';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { lessonFacts, lessonSubscribeMessage, scoreText } from '../../utils/lesson';
import { ROUTES, go, syncTabBar } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { stopPullDown } from '../../utils/page';
import { isSubscribeConfigured, requestSubscribe } from '../../utils/subscribe';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  lessonId: string;
  title: string;
  summary: string;
  cover: string;
  meta: string;
  study: '' | 'studied' | 'unstudied';
}

function toRow(l: LessonItem, now: Date): Row {
  const best = l.bestScore === null ? '' : ` · 最好成绩 ${scoreText(l.bestScore, l.questionCount)}`;
  return {
    lessonId: l.lessonId,
    title: l.title,
    summary: l.summary,
    cover: l.cover ?? '',
    meta: `${lessonFacts(l)}${best} · ${relativeTime(l.publishedAt, now)}`,
    study: l.forMe ? (l.studied ? 'studied' : 'unstudied') : '',
  };
}

interface PageState {
  list: PagedList;
  shown: boolean;
  /** What the last `lesson.list` answered besides the rows. */
  canCompose: boolean;
  lastError: string;
}
const states = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = states.get(page);
  if (!s)
    states.set(
      page,
      (s = { list: new PagedList(), shown: false, canCompose: false, lastError: '' }),
    );
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    /** No active membership: the empty state leads to joining. */
    noBranch: false,
    canCompose: false,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    canSubscribe: false,
    subscribing: false,
    subscribeResult: '',
    subscribeAccepted: false,
  },

  methods: {
    onLoad() {
      this.setData({
        elderly: isElderlyMode(),
        canSubscribe: isSubscribeConfigured('lessonReminder'),
      });
      void this.loadFirst();
    },

    onShow() {
      syncTabBar(this, 'lessons');
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },

    fetchPage(branchId: string, cursor?: string): Promise<Result<ListLessonsResponse>> {
      const s = st(this);
      return call('lesson', 'list', cursor ? { branchId, cursor } : { branchId }).then((res) => {
        if (res.ok) s.canCompose = res.data.canCompose;
        s.lastError = res.ok ? '' : res.error.code;
        return res;
      });
    },

    /** The first page; `quiet` keeps the list on screen while it refreshes. */
    async loadFirst(quiet = false, askedMe = false) {
      const s = st(this);
      let ctx = currentBranch();
      if (!ctx) {
        if (!quiet) this.setData({ status: 'loading', errorMessage: '', noBranch: false });
        const me = await call('branch', 'me');
        if (!me.ok) {
          stopPullDown();
          this.setData({ status: 'error', errorMessage: me.error.message });
          return;
        }
        ctx = branchOf(me.data);
        rememberBranch(ctx);
        syncTabBar(this, 'lessons');
        askedMe = true;
        if (!ctx) {
          stopPullDown();
          this.setData({ status: 'empty', noBranch: true, branchId: '', items: [] });
          return;
        }
      }
      const branchId = ctx.branchId;
      this.setData({ branchId, noBranch: false });
      const rows = await s.list.first(
        this,
        (c) => this.fetchPage(branchId, c),
        toRow,
        () => ({ canCompose: s.canCompose }),
        { quiet },
      );
      if (rows) return;
      // The remembered branch was refused (left, moved): learn it again, once.
      if (!askedMe && (s.lastError === 'FORBIDDEN' || s.lastError === 'NOT_FOUND')) {
        rememberBranch(null);
        await this.loadFirst(false, true);
      }
    },

    async loadMore() {
      const branchId = this.data.branchId;
      if (!branchId) return;
      await st(this).list.more(this, (c) => this.fetchPage(branchId, c), toRow);
    },

    onRetry() {
      void this.loadFirst();
    },
    onPullDownRefresh() {
      void this.loadFirst(this.data.status === 'ready');
    },
    onReachBottom() {
      void this.loadMore();
    },
    onMoreRetry() {
      void this.loadMore();
    },

    onOpen(e: WechatMiniprogram.CustomEvent<{ lessonId: string }>) {
      go(ROUTES.lessonDetail, { id: e.detail.lessonId });
    },
    onEmptyAction() {
      if (this.data.noBranch) go(ROUTES.join);
      else this.onCompose();
    },
    onCompose() {
      go(ROUTES.lessonCompose, { branchId: this.data.branchId });
    },
    onManage() {
      const role = currentBranch()?.role;
      go(ROUTES.lessonOverview, {
        branchId: this.data.branchId,
        canModerate: role === 'secretary' || role === 'deputySecretary' ? '1' : '',
      });
    },
    onTopics() {
      go(ROUTES.topics, { branchId: this.data.branchId });
    },
    onPoints() {
      go(ROUTES.points);
    },

    /** Tap handler: WeChat's dialog opens only while the tap is being handled. */
    onSubscribe() {
      if (this.data.subscribing) return;
      const asked = requestSubscribe('lessonReminder');
      this.setData({ subscribing: true, subscribeResult: '' });
      void asked.then((outcome) =>
        this.setData({
          subscribing: false,
          subscribeResult: lessonSubscribeMessage(outcome),
          subscribeAccepted: outcome === 'accepted',
        }),
      );
    },
  },
});
