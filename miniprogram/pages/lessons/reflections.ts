/**
 * 学习心得 under a lesson (`?id=<lessonId>&title=`). One call on open:
 * `lesson.listReflections` (newest first, 20 a page, my own reflection whatever its status,
 * and whether I may moderate). I may post one (`postReflection`, text checked by content
 * security: CONTENT_RISKY is said under the box with what to do, `held` says only I and the
 * secretary see it until reviewed). Composers get tabs 公开 / 待审核 / 已隐藏 and one-tap
 * 隐藏 / 公开 (`hideReflection`); the row leaves its tab. Load more, pull to refresh.
 */
import type {
  ListReflectionsResponse,
  ReflectionItem,
  ReflectionStatus,
  Result,
} from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { relativeTime } from '../../utils/format';
import { Intents } from '../../utils/intents';
import { plainMessage } from '../../utils/lesson';
import { listPageBehavior } from '../../utils/list-page';
import { dataset, decodeQuery } from '../../utils/nav';
import { PagedList } from '../../utils/paged-list';
import { pageState, toast } from '../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Row {
  reflectionId: string;
  authorName: string;
  text: string;
  when: string;
  mine: boolean;
  busy: boolean;
  error: string;
}

const toRow = (r: ReflectionItem, now: Date): Row => ({
  reflectionId: r.reflectionId,
  authorName: r.authorName,
  text: r.text,
  when: relativeTime(r.createdAt, now),
  mine: r.mine,
  busy: false,
  error: '',
});

const MINE_STATUS: Record<ReflectionStatus, string> = {
  visible: '',
  held: '审核中，目前只有你和支部书记能看到',
  hidden: '已被支部隐藏，只有你和支部书记能看到',
};

const MAX = 300;

interface PageState {
  list: PagedList;
  intents: Intents;
  extra: { mine: ReflectionItem | null; canModerate: boolean };
}
const st = pageState<PageState>(() => ({
  list: new PagedList(),
  intents: new Intents(),
  extra: { mine: null, canModerate: false },
}));

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    lessonId: '',
    title: '',
    tab: 'visible' as ReflectionStatus,
    canModerate: false,
    mine: null as null | { text: string; when: string; statusText: string },
    draft: '',
    draftError: '',
    posting: false,
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
        lessonId: options.id ?? '',
        title: options.title ?? '',
      });
      void this.loadFirst();
    },

    fetchPage(cursor?: string): Promise<Result<ListReflectionsResponse>> {
      const s = st(this);
      const { lessonId, tab } = this.data;
      return call('lesson', 'listReflections', {
        lessonId,
        ...(cursor ? { cursor } : {}),
        ...(tab === 'visible' ? {} : { status: tab }),
      }).then((res) => {
        if (res.ok) s.extra = { mine: res.data.mine, canModerate: res.data.canModerate };
        return res;
      });
    },

    mineView(m: ReflectionItem | null) {
      return m
        ? { text: m.text, when: relativeTime(m.createdAt), statusText: MINE_STATUS[m.status] }
        : null;
    },

    async loadFirst() {
      const s = st(this);
      await s.list.first(
        this,
        (c) => this.fetchPage(c),
        toRow,
        () => ({ mine: this.mineView(s.extra.mine), canModerate: s.extra.canModerate }),
      );
    },
    async loadMore() {
      await st(this).list.more(this, (c) => this.fetchPage(c), toRow);
    },

    onTab(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = e.detail.value;
      const tab: ReflectionStatus = v === 'held' || v === 'hidden' ? v : 'visible';
      if (tab === this.data.tab) return;
      this.setData({ tab });
      void this.loadFirst();
    },

    onDraft(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('post');
      this.setData({ draft: String(e.detail.value ?? ''), draftError: '' });
    },

    async onPost() {
      if (this.data.posting) return;
      const text = this.data.draft.trim();
      if (!text) {
        this.setData({ draftError: '请写下你的学习心得' });
        return;
      }
      if (text.length > MAX) {
        this.setData({ draftError: `心得最多 ${MAX} 个字` });
        return;
      }
      const s = st(this);
      this.setData({ posting: true, draftError: '' });
      const res = await call(
        'lesson',
        'postReflection',
        { lessonId: this.data.lessonId, text },
        { requestId: s.intents.id('post') },
      );
      this.setData({ posting: false });
      if (!res.ok) {
        const e = res.error;
        this.setData({
          draftError:
            e.code === 'CONTENT_RISKY'
              ? `${e.message}。请修改可能不当的字词后再发表。`
              : plainMessage(e.message),
        });
        return;
      }
      s.intents.done('post');
      const held = res.data.status === 'held';
      toast(held ? '已提交，等待审核' : '已发表', held ? 'none' : 'success');
      this.setData({
        draft: '',
        mine: { text, when: '刚刚', statusText: MINE_STATUS[res.data.status] },
      });
      if (!held && this.data.tab === 'visible') void this.loadFirst();
    },

    /** 隐藏 (visible tab) or 公开 (held / hidden tabs): one tap, the row leaves the tab. */
    async onModerate(e: WechatMiniprogram.BaseEvent) {
      const id = dataset(e, 'id');
      const i = this.data.items.findIndex((r) => r.reflectionId === id);
      if (i < 0 || this.data.items[i].busy) return;
      const hidden = this.data.tab === 'visible';
      const key = `hide:${id}:${hidden}`;
      const s = st(this);
      this.setData({ [`items[${i}].busy`]: true, [`items[${i}].error`]: '' });
      const res = await call(
        'lesson',
        'hideReflection',
        { reflectionId: id, hidden },
        { requestId: s.intents.id(key) },
      );
      const at = this.data.items.findIndex((r) => r.reflectionId === id);
      if (!res.ok) {
        if (at >= 0) {
          this.setData({ [`items[${at}].busy`]: false, [`items[${at}].error`]: res.error.message });
        }
        return;
      }
      s.intents.done(key);
      toast(hidden ? '已隐藏' : '已公开', 'success');
      const items = this.data.items.filter((r) => r.reflectionId !== id);
      this.setData({ items, status: items.length ? 'ready' : 'empty' });
    },
  },
});
