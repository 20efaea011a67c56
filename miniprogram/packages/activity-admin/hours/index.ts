/**
 * 核定时长 of a volunteer activity (organisers, after it ended; `?activityId=`). One call on
 * open: `activity.listSignups` (the active list; only the confirmed are shown), 20 a page,
 * more at the bottom, pull to refresh. Each person shows check-in / check-out, the hours the
 * server computed (attended ≥ 60 % of the activity, half hours) and a stepper in half hours
 * prefilled with the confirmed hours, or the computed ones before confirmation. A value
 * different from that needs a reason (2–100 characters, inline), kept by the server as a
 * correction; earlier corrections are listed under the person.
 *
 * 确认时长 sends `activity.confirmHours` (at most 50 entries a call): every person not yet
 * confirmed (hours omitted when unchanged = the computed hours) and every changed one, again
 * with those the server answers as `pending` until none is left. The list then reloads, so
 * the confirmed hours and corrections are what the server kept.
 */
import type { HoursCorrection, SignupItem } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { listPageBehavior } from '../../../utils/list-page';
import { dataset, decodeQuery } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { PagedList, type Page } from '../../../utils/paged-list';
import { clockText, whenText } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';

const BATCH = 50;

interface Row {
  signupId: string;
  name: string;
  checks: string;
  computed: number;
  confirmed: number | null;
  /** What the organiser confirms now; starts at confirmed ?? computed. */
  hours: number;
  changed: boolean;
  reason: string;
  error: string;
  corrections: { key: string; text: string }[];
}

function correctionText(c: HoursCorrection): string {
  return `${whenText(c.at)} ${c.byName}：${c.from} → ${c.to} 小时（${c.reason}）`;
}

function toRow(s: SignupItem): Row {
  const base = s.confirmedHours ?? s.computedHours;
  return {
    signupId: s.signupId,
    name: s.name,
    checks:
      [
        s.checkedInAt ? `签到 ${clockText(s.checkedInAt)}` : '未签到',
        s.checkedOutAt ? `签退 ${clockText(s.checkedOutAt)}` : '未签退',
      ].join(' · ') + ` · 按规则 ${s.computedHours} 小时`,
    computed: s.computedHours,
    confirmed: s.confirmedHours,
    hours: base,
    changed: false,
    reason: '',
    error: '',
    corrections: s.corrections.map((c, i) => ({
      key: `${s.signupId}-${i}`,
      text: correctionText(c),
    })),
  };
}

const base = (r: Row) => r.confirmed ?? r.computed;

interface PageState {
  list: PagedList;
  intents: Intents;
}
const st = pageState<PageState>(() => ({ list: new PagedList(), intents: new Intents() }));

Component({
  behaviors: [listPageBehavior()],

  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    activityId: '',
    items: [] as Row[],
    hasMore: false,
    loadingMore: false,
    moreError: '',
    saving: false,
    saveError: '',
    result: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), activityId: o.activityId ?? '' });
      void this.loadFirst();
    },

    /** A page of the active list with only the confirmed people (the waitlisted did not take part). */
    async fetch(cursor?: string) {
      const res = await call('activity', 'listSignups', {
        activityId: this.data.activityId,
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (!res.ok) return res;
      const page: Page<SignupItem> = {
        items: res.data.items.filter((s) => s.status === 'confirmed'),
        nextCursor: res.data.nextCursor,
      };
      return { ok: true as const, data: page };
    },

    async loadFirst() {
      await st(this).list.first(
        this,
        (c) => this.fetch(c),
        (s: SignupItem) => toRow(s),
        () => ({ saveError: '' }),
      );
    },
    async loadMore() {
      await st(this).list.more(
        this,
        (c) => this.fetch(c),
        (s: SignupItem) => toRow(s),
      );
    },

    indexOf(id: string): number {
      return this.data.items.findIndex((r) => r.signupId === id);
    },

    onHours(e: WechatMiniprogram.CustomEvent<{ value: number | string }>) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i < 0) return;
      const v = Math.round(Number(e.detail.value) * 2) / 2;
      if (!(v >= 0 && v <= 24)) return;
      const r = this.data.items[i];
      st(this).intents.doneAll('confirm');
      this.setData({
        [`items[${i}].hours`]: v,
        [`items[${i}].changed`]: v !== base(r),
        [`items[${i}].error`]: '',
        saveError: '',
        result: '',
      });
    },
    onReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const i = this.indexOf(dataset(e, 'id'));
      if (i < 0) return;
      st(this).intents.doneAll('confirm');
      this.setData({
        [`items[${i}].reason`]: String(e.detail.value ?? ''),
        [`items[${i}].error`]: '',
      });
    },

    async onConfirm() {
      if (this.data.saving) return;
      const patch: Record<string, unknown> = {};
      let bad = false;
      const entries: { signupId: string; hours?: number; reason?: string }[] = [];
      this.data.items.forEach((r, i) => {
        if (r.changed) {
          const reason = r.reason.trim();
          if (reason.length < 2 || reason.length > 100) {
            patch[`items[${i}].error`] = '改动了时长，请写明原因（2–100 个字）';
            bad = true;
            return;
          }
          entries.push({ signupId: r.signupId, hours: r.hours, reason });
        } else if (r.confirmed === null) {
          // Not yet confirmed and unchanged: the server takes the computed hours.
          entries.push({ signupId: r.signupId });
        }
      });
      if (bad) {
        this.setData({ ...patch, saveError: '请按红字提示写明改动原因' });
        return;
      }
      if (!entries.length) {
        this.setData({ saveError: '时长都已确认，没有改动' });
        return;
      }
      const s = st(this);
      this.setData({ saving: true, saveError: '', result: '' });
      let confirmed = 0;
      let corrected = 0;
      // A call confirms what its database budget allows and answers the rest as `pending`
      // (each call confirms at least one group): send those again until none is left.
      let todo = entries;
      for (let round = 0; todo.length > 0; round++) {
        const batch = todo.slice(0, BATCH);
        const res = await call(
          'activity',
          'confirmHours',
          { activityId: this.data.activityId, entries: batch },
          { requestId: s.intents.id(`confirm:${round}`) },
        );
        if (!res.ok) {
          this.setData({ saving: false, saveError: res.error.message });
          return;
        }
        confirmed += res.data.confirmed;
        corrected += res.data.corrected;
        const pending = new Set(res.data.pending ?? []);
        // Nothing confirmed and everything pending again would loop forever: stop and say so.
        if (res.data.confirmed === 0 && pending.size >= batch.length) {
          this.setData({ saving: false, saveError: '时长没有全部确认，请稍后重试' });
          return;
        }
        todo = [...batch.filter((e) => pending.has(e.signupId)), ...todo.slice(BATCH)];
      }
      s.intents.doneAll('confirm');
      const result = `已确认 ${confirmed} 人的时长${corrected ? `，其中更正 ${corrected} 人` : ''}`;
      toast('时长已确认', 'success');
      this.setData({ saving: false, result });
      // Show what the server kept (confirmed hours, the new corrections).
      await this.loadFirst();
      this.setData({ result });
    },
  },
});
