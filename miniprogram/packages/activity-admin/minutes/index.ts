/**
 * 会议记录 of a meeting or theme day (secretary, deputy; `?activityId=`). One call on open:
 * `activity.get` — the title and the minutes posted so far (a held one says it waits for
 * review). The text area (10–5000 characters) starts with the current minutes;
 * 发布会议记录 sends `activity.postMinutes`, which replaces earlier minutes (the server keeps
 * them in history) and is checked by content security: held → said on the page,
 * CONTENT_RISKY → what to change. The server refuses before the meeting started (CONFLICT),
 * and its message is shown as is.
 */
import type { MinutesView } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { decodeQuery } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { whenText } from '../shared';

type Status = 'loading' | 'error' | 'ready';

const MIN = 10;
const MAX = 5000;

function minutesView(m: MinutesView | null) {
  if (!m) return null;
  return { text: m.text, held: m.held, meta: `${m.authorName} · ${whenText(m.postedAt)}` };
}

interface PageState {
  intents: Intents;
  busy: boolean;
}
const st = pageState<PageState>(() => ({ intents: new Intents(), busy: false }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    title: '',
    kindLabel: '',
    current: null as null | { text: string; held: boolean; meta: string },
    text: '',
    error: '',
    posting: false,
    result: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), activityId: o.activityId ?? '' });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'get', { activityId: this.data.activityId });
      s.busy = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const a = res.data;
      if (a.kind === 'volunteer') {
        this.setData({ status: 'error', errorMessage: '志愿服务活动没有会议记录' });
        return;
      }
      if (!a.can.moderate) {
        this.setData({ status: 'error', errorMessage: '会议记录由支部书记或副书记发布' });
        return;
      }
      this.setData({
        status: 'ready',
        title: a.title,
        kindLabel: a.kindLabel,
        current: minutesView(a.minutes),
        text: a.minutes?.text ?? '',
      });
    },

    onRetry() {
      void this.load();
    },

    onText(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('post');
      this.setData({ text: String(e.detail.value ?? ''), error: '', result: '' });
    },

    async onPost() {
      if (this.data.posting) return;
      const text = this.data.text.trim();
      if (text.length < MIN) {
        this.setData({ error: `会议记录至少 ${MIN} 个字` });
        return;
      }
      if (text.length > MAX) {
        this.setData({ error: `会议记录最多 ${MAX} 个字` });
        return;
      }
      const s = st(this);
      this.setData({ posting: true, error: '', result: '' });
      const res = await call(
        'activity',
        'postMinutes',
        { activityId: this.data.activityId, text },
        { requestId: s.intents.id('post') },
      );
      this.setData({ posting: false });
      if (!res.ok) {
        this.setData({
          error:
            res.error.code === 'CONTENT_RISKY'
              ? `${res.error.message}。请修改可能违规的内容后再发布。`
              : res.error.message,
        });
        return;
      }
      s.intents.done('post');
      const m = res.data.minutes;
      toast(m.held ? '已提交，等待审核' : '已发布', m.held ? 'none' : 'success');
      this.setData({
        current: minutesView(m),
        text: m.text,
        result: m.held
          ? '已提交。内容安全检查需要人工复核，通过后党员才能看到。'
          : '会议记录已发布，支部党员可以在活动页查看。',
      });
    },
  },
});
