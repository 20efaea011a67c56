/**
 * 处理求助 (`?requestId=`, also `?id=` from a notification): one call on open,
 * `liaison.getRequest`. Shows the category, 紧急, the state, who handles it now (已上报支部书记 /
 * 社区党委) and whether it is overdue with its deadline, the text, photos (tap to preview), the
 * resident household (linked member and secretaries only), the result and rating once there,
 * and the history as a timeline.
 *
 * One main action by state (`can`): 受理 (`updateRequest accepted`), or 办结 with a required
 * note of what was done (`updateRequest resolved`). The answer replaces the request on screen
 * with a toast. CONFLICT (someone else handled it meanwhile) reloads it and says so.
 */
import type { RequestDetail } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';
import {
  HISTORY_LABELS,
  LEVEL_LABELS,
  RATING_LABELS,
  REQUEST_CATEGORY_LABELS,
  REQUEST_STATUS_LABELS,
  clockDate,
} from '../shared';

type Status = 'loading' | 'error' | 'ready';

interface View {
  category: string;
  statusText: string;
  statusTheme: 'warning' | 'primary' | 'success' | 'default';
  urgent: boolean;
  overdue: boolean;
  levelText: string;
  dueText: string;
  text: string;
  photos: string[];
  resident: string;
  createdText: string;
  resolutionNote: string;
  ratingText: string;
  history: { key: string; at: string; action: string; by: string; note: string }[];
  canAccept: boolean;
  canResolve: boolean;
}

function viewOf(r: RequestDetail): View {
  const due = clockDate(r.dueAt);
  return {
    category: REQUEST_CATEGORY_LABELS[r.category] ?? '其他',
    statusText: REQUEST_STATUS_LABELS[r.status] ?? '',
    statusTheme:
      r.status === 'submitted'
        ? 'warning'
        : r.status === 'accepted'
          ? 'primary'
          : r.status === 'resolved' || r.status === 'closed'
            ? 'success'
            : 'default',
    urgent: r.urgent,
    overdue: r.overdue,
    levelText: LEVEL_LABELS[r.level] ?? '',
    dueText: !due
      ? ''
      : r.status === 'submitted'
        ? `请在 ${due} 前受理`
        : r.status === 'accepted'
          ? `请在 ${due} 前办结`
          : '',
    text: r.text,
    photos: r.photos ?? [],
    resident: r.resident ? `${r.resident.headName} · ${r.resident.address}` : '',
    createdText: clockDate(r.createdAt),
    resolutionNote: r.resolutionNote ?? '',
    ratingText: r.rating
      ? `居民评价：${RATING_LABELS[r.rating]}${r.ratingComment ? `，${r.ratingComment}` : ''}`
      : '',
    history: (r.history ?? []).map((h, i) => ({
      key: `${i}`,
      at: clockDate(h.at),
      action: HISTORY_LABELS[h.action] ?? h.action,
      by: h.by,
      note: h.note ?? '',
    })),
    canAccept: r.can.accept,
    canResolve: r.can.resolve,
  };
}

const st = pageState(() => ({ intents: new Intents(), generation: 0 }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    requestId: '',
    req: null as View | null,
    note: '',
    noteError: '',
    actionError: '',
    acting: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), requestId: o.requestId ?? o.id ?? '' });
      void this.load();
    },

    onPullDownRefresh() {
      void this.load(this.data.status === 'ready');
    },
    onRetry() {
      void this.load();
    },

    async load(quiet = false) {
      const s = st(this);
      const gen = ++s.generation;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'getRequest', { requestId: this.data.requestId });
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        if (!quiet) this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.show(res.data.request);
    },

    show(r: RequestDetail) {
      this.setData({ status: 'ready', req: viewOf(r), actionError: '' });
    },

    onNote(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('resolved');
      this.setData({ note: String(e.detail.value ?? ''), noteError: '', actionError: '' });
    },

    onAccept() {
      void this.update('accepted');
    },
    onResolve() {
      const note = this.data.note.trim();
      if (!note) {
        this.setData({ noteError: '请写下办理结果，居民会看到' });
        return;
      }
      if (note.length > 500) {
        this.setData({ noteError: '办理结果最多 500 个字' });
        return;
      }
      void this.update('resolved', note);
    },

    async update(status: 'accepted' | 'resolved', note?: string) {
      if (this.data.acting) return;
      const s = st(this);
      this.setData({ acting: status, actionError: '', noteError: '' });
      const res = await call(
        'liaison',
        'updateRequest',
        { requestId: this.data.requestId, status, ...(note ? { note } : {}) },
        { requestId: s.intents.id(status) },
      );
      this.setData({ acting: '' });
      if (!res.ok) {
        if (res.error.code === 'CONFLICT') {
          // Someone else (the secretary after an escalation) handled it meanwhile.
          s.intents.done(status);
          toast('这条求助已有人处理，已刷新');
          await this.load(true);
          return;
        }
        if (res.error.code === 'INVALID_ARGUMENT' || res.error.code === 'CONTENT_RISKY') {
          if (status === 'resolved') this.setData({ noteError: res.error.message });
          else this.setData({ actionError: res.error.message });
          return;
        }
        this.setData({ actionError: res.error.message });
        return;
      }
      s.intents.done(status);
      toast(status === 'accepted' ? '已受理' : '已办结', 'success');
      if (status === 'resolved') this.setData({ note: '' });
      this.show(res.data.request);
    },

    onPreview(e: WechatMiniprogram.BaseEvent) {
      const url = String((e.currentTarget.dataset as { url?: string }).url ?? '');
      const urls = this.data.req?.photos ?? [];
      try {
        wx.previewImage({ current: url, urls, fail: () => undefined });
      } catch {
        // No previewer on this host.
      }
    },
  },
});
