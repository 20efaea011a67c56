/**
 * 学习 tab: the branch's micro party lessons (微党课) for me, not yet studied first within each
 * page of 20 as the server orders them (`lesson.list`), with a 未学 / 已学 tag and my best quiz
 * score; more on reaching the bottom (`nextCursor`), pull to refresh, a quiet refresh when
 * shown again (a lesson may have just been studied). Above the list: 点题授课 and 我的积分;
 * for composers (secretary, deputy, propaganda committee: `canCompose`) 发布微党课 and
 * 微党课管理. 开启学习提醒 asks for the lesson-reminder subscription inside the tap.
 *
 * A tab page has no query, and opening makes one call: `lesson.list` for the branch
 * remembered in utils/branch-context.ts (by home / 我的 from `branch.me`, or by this page), or,
 * when none is remembered, without `branchId`: the server then lists the caller's own branch
 * and says which it was (`branchId`, `branch`), which the page remembers. Only when the
 * remembered branch is refused (the member left or moved) does it ask again, once, without
 * `branchId`. No branch at all (`branchId: null`) → an empty state that leads to joining.
 */
import type {
  LessonItem,
  ListLessonsBranch,
  ListLessonsResponse,
  Result,
} from '../../../typings/api';
import { call } from '../../services/call';
import { currentBranch, rememberBranch } from '../../utils/branch-context';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { lessonFacts, lessonSubscribeMessage, scoreText } from '../../utils/lesson';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, go, syncTabBar } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { isSubscribeConfigured, requestSubscribe } from '../../utils/subscribe';
import { pageState } from '../../utils/page';

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
  /** The branch it listed (null: the caller has none), as the server said. */
  branchId: string | null;
  branch: ListLessonsBranch | null;
  lastError: string;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  shown: false,
  canCompose: false,
  branchId: null,
  branch: null,
  lastError: '',
}));

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

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

    /** A page of `lesson.list`; without `branchId` the server uses the caller's own branch. */
    fetchPage(branchId: string | undefined, cursor?: string): Promise<Result<ListLessonsResponse>> {
      const s = st(this);
      return call('lesson', 'list', {
        ...(branchId ? { branchId } : {}),
        ...(cursor ? { cursor } : {}),
      }).then((res) => {
        if (res.ok) {
          s.canCompose = res.data.canCompose;
          // The branch asked for, if an older server left it out.
          s.branchId = res.data.branchId ?? branchId ?? null;
          s.branch = res.data.branch ?? null;
        }
        s.lastError = res.ok ? '' : res.error.code;
        return res;
      });
    },

    /**
     * The first page, in one call; `quiet` keeps the list on screen while it refreshes.
     * `retried`: the remembered branch was refused once already (never asks a third time).
     */
    async loadFirst(quiet = false, retried = false) {
      const s = st(this);
      const stored = retried ? null : currentBranch();
      if (stored) this.setData({ branchId: stored.branchId, noBranch: false });
      const rows = await s.list.first(
        this,
        (c) => this.fetchPage(stored?.branchId, c),
        toRow,
        () => ({
          canCompose: s.canCompose,
          branchId: s.branchId ?? '',
          noBranch: s.branchId === null,
        }),
        { quiet },
      );
      if (rows) {
        this.remember(stored?.branchId, s.branchId, s.branch);
        return;
      }
      // The remembered branch was refused (left, moved): list the caller's own, once.
      if (stored && !retried && (s.lastError === 'FORBIDDEN' || s.lastError === 'NOT_FOUND')) {
        rememberBranch(null);
        syncTabBar(this, 'lessons');
        await this.loadFirst(false, true);
      }
    },

    /** Keep utils/branch-context.ts in step with what the server listed. */
    remember(asked: string | undefined, listed: string | null, branch: ListLessonsBranch | null) {
      const before = currentBranch();
      let next = before;
      if (branch) next = branch;
      else if (!asked && listed === null) next = null;
      const same =
        before === next ||
        (!!before &&
          !!next &&
          before.branchId === next.branchId &&
          before.branchName === next.branchName &&
          before.committeeId === next.committeeId &&
          before.role === next.role);
      if (same) return;
      rememberBranch(next ? { ...next } : null);
      syncTabBar(this, 'lessons');
    },

    async loadMore() {
      const branchId = this.data.branchId;
      if (!branchId) return;
      await st(this).list.more(this, (c) => this.fetchPage(branchId, c), toRow);
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
