/**
 * 求助详情 (`?id=<requestId>`; the subscribe message opens it too). One call on open
 * (`getRequest`): category, state in plain words (and 「已转支部书记」 / 「已转社区党委」), the
 * text and photos, what was done (`resolutionNote`), and the history as a timeline. When the
 * request is resolved and the server allows it (`can.rate`), three big buttons 满意 / 基本满意
 * / 不满意 (an optional comment above them) send `rateRequest`; the answer's request replaces
 * the page's, so the rating shows at once. Pull to refresh. A compact 「打电话给中心户」 bar
 * stays at the top when home knows the member's phone (no call).
 */
import type { RequestDetail, RequestRating } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate, relativeTime } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { dial, pageState, stopPullDown, toast } from '../../../utils/page';
import {
  CATEGORY_LABELS,
  HISTORY_TEXT,
  RATINGS,
  RATING_TEXT,
  STATUS_TEXT,
  STATUS_THEME,
  callBarData,
  escalationText,
} from '../shared';

type Status = 'loading' | 'error' | 'ready';

const COMMENT_MAX = 200;

interface HistoryRow {
  key: string;
  title: string;
  by: string;
  time: string;
  note: string;
}

function toView(r: RequestDetail, now: Date) {
  return {
    requestId: r.requestId,
    categoryLabel: CATEGORY_LABELS[r.category] ?? '其他',
    statusText: STATUS_TEXT[r.status] ?? '',
    statusTheme: STATUS_THEME[r.status] ?? 'default',
    escalation: escalationText(r),
    urgent: r.urgent,
    held: r.held,
    text: r.text,
    photos: r.photos,
    createdText: `${formatDate(r.createdAt)}发出`,
    memberName: r.memberName,
    resolutionNote: r.resolutionNote ?? '',
    resolved: r.status === 'resolved' || r.status === 'closed',
    rating: r.rating ? (RATING_TEXT[r.rating] ?? '') : '',
    ratingComment: r.ratingComment ?? '',
    canRate: r.can.rate && r.status === 'resolved',
    // Oldest first: a timeline reads from the top.
    history: r.history.map((h, i): HistoryRow => ({
      key: `h${i}`,
      title: HISTORY_TEXT[h.action] ?? h.action,
      by: h.by,
      time: relativeTime(h.at, now),
      note: h.note ?? '',
    })),
  };
}

const st = pageState(() => ({ busy: false, intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    id: '',
    requestId: '',
    categoryLabel: '',
    statusText: '',
    statusTheme: 'default',
    escalation: '',
    urgent: false,
    held: false,
    text: '',
    photos: [] as string[],
    createdText: '',
    memberName: '',
    resolutionNote: '',
    resolved: false,
    rating: '',
    ratingComment: '',
    canRate: false,
    history: [] as HistoryRow[],
    ratings: RATINGS,
    comment: '',
    commentMax: COMMENT_MAX,
    rateSending: '' as RequestRating | '',
    rateError: '',
    callName: '',
    callPhone: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const q = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), id: q.id ?? '', ...callBarData() });
      void this.load();
    },

    async load(quiet = false) {
      const s = st(this);
      if (s.busy) return;
      if (!this.data.id) {
        this.setData({ status: 'error', errorMessage: '没有找到这条求助' });
        return;
      }
      s.busy = true;
      if (!quiet || this.data.status !== 'ready')
        this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'getRequest', { requestId: this.data.id });
      s.busy = false;
      stopPullDown();
      if (res.ok) this.setData({ status: 'ready', ...toView(res.data.request, new Date()) });
      else if (!quiet || this.data.status !== 'ready')
        this.setData({ status: 'error', errorMessage: res.error.message });
      else toast(res.error.message);
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(true);
    },

    onPreview(e: WechatMiniprogram.BaseEvent) {
      const current = String(e.currentTarget.dataset.src ?? '');
      try {
        wx.previewImage({ current, urls: this.data.photos });
      } catch {
        // No preview on this host.
      }
    },

    onComment(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ comment: String(e.detail.value ?? ''), rateError: '' });
    },

    async onRate(e: WechatMiniprogram.BaseEvent) {
      if (this.data.rateSending) return;
      const rating = String(e.currentTarget.dataset.value ?? '') as RequestRating;
      if (!RATING_TEXT[rating]) return;
      const comment = this.data.comment.trim();
      if (comment.length > COMMENT_MAX) {
        this.setData({ rateError: `想说的话最多 ${COMMENT_MAX} 个字` });
        return;
      }
      const data = { requestId: this.data.requestId, rating, ...(comment ? { comment } : {}) };
      const key = JSON.stringify(data);
      const s = st(this);
      this.setData({ rateSending: rating, rateError: '' });
      const res = await call('liaison', 'rateRequest', data, { requestId: s.intents.id(key) });
      if (!res.ok) {
        this.setData({ rateSending: '', rateError: res.error.message });
        return;
      }
      s.intents.done(key);
      this.setData({
        rateSending: '',
        comment: '',
        ...toView(res.data.request, new Date()),
      });
      toast('谢谢您的评价', 'success');
    },

    /** 打电话给中心户: the member's own phone, shown because they agreed (`showPhone`). */
    onCallMember() {
      const phone = this.data.callPhone;
      if (!phone) return;
      dial(phone);
    },

    onNew() {
      go(ROUTES.residentRequest);
    },
  },
});
