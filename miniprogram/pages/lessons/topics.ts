/**
 * 点题授课 of a branch (`?branchId=`): members ask for a lesson topic, others add their support
 * once each, the secretary adopts one and links the lesson that answers it. One call on open:
 * `lesson.listTopics` (征集中, newest first, 20 a page). Tabs 征集中 / 已采纳 (and 待审核 for
 * those who may adopt) load their own first page. 我也想听 is one tap (`supportTopic`, once;
 * the button then says 已支持); 我想听… opens the form on the page (`proposeTopic`: title 2–40,
 * detail ≤ 200; CONTENT_RISKY / INVALID_ARGUMENT under the field; `held` says it waits for
 * review). Composers get 采纳 (→ the adopt page of the lesson-admin subpackage); an adopted
 * topic links its lesson. Load more, pull to refresh, refreshed when coming back from adopting.
 */
import type { ListTopicsResponse, Result, TopicItem, TopicStatus } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { Intents } from '../../utils/intents';
import { plainMessage } from '../../utils/lesson';
import { listPageBehavior } from '../../utils/list-page';
import { ROUTES, dataset, decodeQuery, go } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { pageState, toast } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  topicId: string;
  title: string;
  detail: string;
  meta: string;
  supportCount: number;
  supported: boolean;
  lessonId: string;
  lessonTitle: string;
  busy: boolean;
  error: string;
}

const toRow = (t: TopicItem, now: Date): Row => ({
  topicId: t.topicId,
  title: t.title,
  detail: t.detail,
  meta: `${t.mine ? '我' : t.proposerName} 提出 · ${relativeTime(t.createdAt, now)}`,
  supportCount: t.supportCount,
  supported: t.supported,
  lessonId: t.lessonId ?? '',
  lessonTitle: t.lessonTitle ?? '',
  busy: false,
  error: '',
});

interface PageState {
  list: PagedList;
  intents: Intents;
  canAdopt: boolean;
  shown: boolean;
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  intents: new Intents(),
  canAdopt: false,
  shown: false,
}));

type Errors = { title?: string; detail?: string };

Component({
  behaviors: [listPageBehavior({ quietRefresh: true })],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    tab: 'open' as TopicStatus,
    canAdopt: false,
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    proposing: false,
    topicTitle: '',
    topicDetail: '',
    errors: {} as Errors,
    formError: '',
    sending: false,
    proposedNote: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
      void this.loadFirst();
    },

    onShow() {
      const s = st(this);
      if (s.shown && this.data.status === 'ready') void this.loadFirst(true);
      s.shown = true;
    },

    fetchPage(cursor?: string): Promise<Result<ListTopicsResponse>> {
      const s = st(this);
      const { branchId, tab } = this.data;
      return call('lesson', 'listTopics', {
        branchId,
        ...(cursor ? { cursor } : {}),
        ...(tab === 'open' ? {} : { status: tab }),
      }).then((res) => {
        if (res.ok) s.canAdopt = res.data.canAdopt;
        return res;
      });
    },

    async loadFirst(quiet = false) {
      const s = st(this);
      await s.list.first(
        this,
        (c) => this.fetchPage(c),
        toRow,
        () => ({ canAdopt: s.canAdopt }),
        {
          quiet,
        },
      );
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetchPage(c), toRow);
    },

    onTab(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = e.detail.value;
      const tab: TopicStatus = v === 'adopted' || v === 'held' ? v : 'open';
      if (tab === this.data.tab) return;
      this.setData({ tab });
      void this.loadFirst();
    },

    async onSupport(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.data.items.findIndex((r) => r.topicId === id);
      const row = this.data.items[i];
      if (!row || row.busy || row.supported) return;
      const s = st(this);
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'lesson',
        'supportTopic',
        { topicId: id },
        { requestId: s.intents.id(`support:${id}`) },
      );
      const at = this.data.items.findIndex((r) => r.topicId === id);
      if (at < 0) return;
      if (!res.ok) {
        // Supported before (another phone): say so and show it as supported.
        const already = res.error.code === 'CONFLICT' && /已支持过/.test(res.error.message);
        this.setData({
          [`items[${at}].busy`]: false,
          [`items[${at}].supported`]: already || this.data.items[at].supported,
          [`items[${at}].error`]: res.error.message,
        });
        return;
      }
      s.intents.done(`support:${id}`);
      this.setData({
        [`items[${at}].busy`]: false,
        [`items[${at}].supported`]: true,
        [`items[${at}].supportCount`]: res.data.supportCount,
      });
    },

    onAdopt(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const row = this.data.items.find((r) => r.topicId === id);
      if (!row) return;
      go(ROUTES.topicAdopt, { topicId: id, branchId: this.data.branchId, title: row.title });
    },
    onLesson(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'lesson');
      if (id) go(ROUTES.lessonDetail, { id });
    },

    onPropose() {
      this.setData({ proposing: true, proposedNote: '' });
    },
    onCancel() {
      this.setData({ proposing: false, errors: {}, formError: '' });
    },
    onTitle(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('propose');
      this.setData({ topicTitle: String(e.detail.value ?? ''), 'errors.title': '', formError: '' });
    },
    onDetail(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('propose');
      this.setData({
        topicDetail: String(e.detail.value ?? ''),
        'errors.detail': '',
        formError: '',
      });
    },

    async onSend() {
      if (this.data.sending) return;
      const title = this.data.topicTitle.trim();
      const detail = this.data.topicDetail.trim();
      const errors: Errors = {};
      if (title.length < 2) errors.title = '请用 2–40 个字说出想听的主题';
      else if (title.length > 40) errors.title = '主题最多 40 个字';
      if (detail.length > 200) errors.detail = '说明最多 200 个字';
      if (errors.title || errors.detail) {
        this.setData({ errors });
        return;
      }
      const s = st(this);
      this.setData({ sending: true, errors: {}, formError: '' });
      const res = await call(
        'lesson',
        'proposeTopic',
        { branchId: this.data.branchId, title, ...(detail ? { detail } : {}) },
        { requestId: s.intents.id('propose') },
      );
      this.setData({ sending: false });
      if (!res.ok) {
        const e = res.error;
        if (e.code === 'CONTENT_RISKY') {
          this.setData({ formError: `${e.message}。请修改可能不当的字词后再提交。` });
          return;
        }
        const fields = ((e.details as { fields?: unknown[] } | undefined)?.fields ?? []).map(
          String,
        );
        if (e.code === 'INVALID_ARGUMENT' && fields[0] === 'detail') {
          this.setData({ 'errors.detail': plainMessage(e.message) });
        } else if (e.code === 'INVALID_ARGUMENT' && fields[0] === 'title') {
          this.setData({ 'errors.title': plainMessage(e.message) });
        } else {
          this.setData({ formError: e.message });
        }
        return;
      }
      s.intents.done('propose');
      const held = res.data.status === 'held';
      toast(held ? '已提交，等待审核' : '已提交', held ? 'none' : 'success');
      this.setData({
        proposing: false,
        topicTitle: '',
        topicDetail: '',
        proposedNote: held
          ? `「${title}」已提交，需要支部审核后大家才能看到`
          : `「${title}」已提交，支部书记会看到`,
      });
      if (this.data.tab === 'open') void this.loadFirst(true);
    },
  },
});
