/**
 * 采纳点题 (composers; `?topicId=&branchId=&title=`, from 点题授课). One call on open:
 * `lesson.list` (the branch's published lessons, 20 a page, 加载更多). Choose the lesson that
 * answers the topic, or 先采纳，课程以后发布; 确认采纳 sends `adoptTopic { topicId, lessonId? }`
 * (requestId kept while the choice is) and goes back to the topics, which reload.
 */
import type { LessonItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { PagedList } from '../../../utils/paged-list';
import { pageState, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'empty' | 'ready';

interface Option {
  label: string;
  value: string;
  disabled?: boolean;
}

/** The empty value: adopted now, the lesson follows later. */
const LATER = 'later';

/** Every member sees an adopted topic's lesson, so a lesson for some groups only is shown but closed. */
const toOption = (l: LessonItem): Option =>
  l.audience.kind === 'branch'
    ? { label: `${l.title}（${formatDate(l.publishedAt)}）`, value: l.lessonId }
    : {
        label: `${l.title}（仅${l.audience.label}可学，不能关联）`,
        value: l.lessonId,
        disabled: true,
      };

interface PageState {
  list: PagedList;
  intents: Intents;
}
const st = pageState<PageState>(() => ({ list: new PagedList(), intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    topicId: '',
    branchId: '',
    title: '',
    items: [] as Option[],
    choices: [{ label: '先采纳，课程以后发布', value: LATER }] as Option[],
    choice: LATER,
    hasMore: false,
    loadingMore: false,
    moreError: '',
    sending: false,
    sendError: '',
  },

  observers: {
    items(items: Option[]) {
      this.setData({ choices: [{ label: '先采纳，课程以后发布', value: LATER }, ...items] });
    },
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        topicId: options.topicId ?? '',
        branchId: options.branchId ?? '',
        title: options.title ?? '',
      });
      void this.loadFirst();
    },

    async loadFirst() {
      const branchId = this.data.branchId;
      await st(this).list.first(
        this,
        (cursor) => call('lesson', 'list', { branchId, ...(cursor ? { cursor } : {}) }),
        toOption,
      );
      // No lesson yet is fine: the topic can still be adopted.
      if (this.data.status === 'empty') this.setData({ status: 'ready' });
    },
    async onMore() {
      const branchId = this.data.branchId;
      await st(this).list.more(
        this,
        (cursor) => call('lesson', 'list', { branchId, ...(cursor ? { cursor } : {}) }),
        toOption,
      );
    },
    onRetry() {
      void this.loadFirst();
    },

    onChoose(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('adopt');
      this.setData({ choice: String(e.detail.value ?? LATER), sendError: '' });
    },

    async onAdopt() {
      if (this.data.sending) return;
      const s = st(this);
      const lessonId = this.data.choice === LATER ? '' : this.data.choice;
      this.setData({ sending: true, sendError: '' });
      const res = await call(
        'lesson',
        'adoptTopic',
        { topicId: this.data.topicId, ...(lessonId ? { lessonId } : {}) },
        { requestId: s.intents.id('adopt') },
      );
      this.setData({ sending: false });
      if (!res.ok) {
        this.setData({ sendError: res.error.message });
        return;
      }
      s.intents.done('adopt');
      toast('已采纳', 'success');
      setTimeout(() => {
        try {
          wx.navigateBack();
        } catch {
          // Opened directly: stay.
        }
      }, 600);
    },
  },
});
