/**
 * 联户看板 of a branch (managers; `?branchId=`). One call on open: `liaison.dashboard` — the
 * totals (中心户, 联系户, 连心卡绑定率, 待补充中心户, 未办结, 已超时, 平均受理 / 办结用时, 满意率,
 * 走访记录), the same by grid, and the central households below the norm (tap → the household).
 * 查看求助 opens the branch's 求助列表 (未办结); tapping 未办结 or 已超时 opens it on that tab.
 * Pull to refresh. The committee's settings are shown to everyone here; committee secretaries
 * (`canEditSettings`) get the form: 每户最多联系, 最少联系, 受理时限, 办结时限 →
 * `liaison.updateSettings` for the answer's `committeeId`.
 */
import type { DashboardFigures, DashboardResponse, LiaisonSettings } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, dataset, decodeQuery, go } from '../../../utils/nav';
import { fieldErrors, pageState, stopPullDown, toast } from '../../../utils/page';
import { hoursText, percentText } from '../shared';

type Status = 'loading' | 'error' | 'ready';
type SettingKey = keyof LiaisonSettings;

const SETTING_KEYS: readonly SettingKey[] = [
  'maxResidents',
  'minResidents',
  'acceptHours',
  'resolveHours',
];

interface Figure {
  key: string;
  label: string;
  value: string;
  warn: boolean;
  /** Tapping it opens the 求助列表 on this tab. */
  status?: 'open' | 'overdue';
}

function figures(t: DashboardFigures, canSeeResidents: boolean): Figure[] {
  // The request list is for those who may see residents (secretary, deputy).
  const link = (status: 'open' | 'overdue') => (canSeeResidents ? { status } : {});
  return [
    { key: 'households', label: '中心户', value: `${t.households}`, warn: false },
    { key: 'residents', label: '联系户', value: `${t.residents}`, warn: false },
    { key: 'coverage', label: '连心卡绑定率', value: percentText(t.coverage), warn: false },
    { key: 'needsMore', label: '待补充中心户', value: `${t.needsMore}`, warn: t.needsMore > 0 },
    { key: 'open', label: '未办结', value: `${t.openRequests}`, warn: false, ...link('open') },
    {
      key: 'overdue',
      label: '已超时',
      value: `${t.overdueRequests}`,
      warn: t.overdueRequests > 0,
      ...link('overdue'),
    },
    { key: 'accept', label: '平均受理用时', value: hoursText(t.avgAcceptHours), warn: false },
    { key: 'resolve', label: '平均办结用时', value: hoursText(t.avgResolveHours), warn: false },
    { key: 'satisfaction', label: '满意率', value: percentText(t.satisfaction), warn: false },
    { key: 'records', label: '走访记录', value: `${t.serviceRecords}`, warn: false },
  ];
}

interface GridRow {
  grid: string;
  households: number;
  residents: number;
  coverage: string;
  open: number;
  overdue: number;
}

function gridRows(r: DashboardResponse): GridRow[] {
  return r.byGrid.map((g) => ({
    grid: g.grid,
    households: g.households,
    residents: g.residents,
    coverage: percentText(g.coverage),
    open: g.openRequests,
    overdue: g.overdueRequests,
  }));
}

function settingsText(s: LiaisonSettings): string {
  return `每户中心户联系 ${s.minResidents}–${s.maxResidents} 户；求助 ${s.acceptHours} 小时内受理、${s.resolveHours} 小时内办结，超时上报支部书记，再超时上报社区党委。`;
}

const formOf = (s: LiaisonSettings): Record<SettingKey, string> => ({
  maxResidents: String(s.maxResidents),
  minResidents: String(s.minResidents),
  acceptHours: String(s.acceptHours),
  resolveHours: String(s.resolveHours),
});

/** The most resident households a central household may link (the server's limit too). */
export const RESIDENTS_LIMIT = 20;

/** The form as numbers, or the message under each wrong field. */
export function checkSettings(
  form: Record<SettingKey, string>,
): { value: LiaisonSettings } | { errors: Partial<Record<SettingKey, string>> } {
  const errors: Partial<Record<SettingKey, string>> = {};
  const num = (k: SettingKey, min: number, max: number, what: string): number => {
    const raw = String(form[k] ?? '').trim();
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) errors[k] = `${what}请填 ${min}–${max} 的整数`;
    return n;
  };
  const maxResidents = num('maxResidents', 1, RESIDENTS_LIMIT, '每户最多联系');
  const minResidents = num('minResidents', 1, RESIDENTS_LIMIT, '最少联系');
  const acceptHours = num('acceptHours', 1, 168, '受理时限');
  const resolveHours = num('resolveHours', 1, 720, '办结时限');
  if (!errors.maxResidents && !errors.minResidents && minResidents > maxResidents)
    errors.minResidents = '最少联系不能多于每户最多联系';
  if (Object.keys(errors).length) return { errors };
  return { value: { maxResidents, minResidents, acceptHours, resolveHours } };
}

interface PageState {
  generation: number;
  intents: Intents;
}
const st = pageState<PageState>(() => ({ generation: 0, intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    canSeeResidents: false,
    branchId: '',
    branchName: '',
    figures: [] as Figure[],
    grids: [] as GridRow[],
    needsMore: [] as DashboardResponse['needsMore'],
    settingsText: '',
    canEdit: false,
    committeeId: '',
    form: { maxResidents: '', minResidents: '', acceptHours: '', resolveHours: '' } as Record<
      SettingKey,
      string
    >,
    errors: {} as Partial<Record<SettingKey, string>>,
    formError: '',
    saving: false,
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: o.branchId ?? '' });
      void this.load();
    },

    async load(quiet = false) {
      const s = st(this);
      const gen = ++s.generation;
      if (!quiet) this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'dashboard', { branchId: this.data.branchId });
      if (gen !== s.generation) return;
      stopPullDown();
      if (!res.ok) {
        if (quiet) toast(res.error.message);
        else this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const r = res.data;
      const canEdit = !!r.canEditSettings && !!r.committeeId;
      this.setData({
        status: 'ready',
        branchName: r.branchName,
        figures: figures(r.totals, r.canSeeResidents !== false),
        canSeeResidents: r.canSeeResidents !== false,
        grids: gridRows(r),
        needsMore: r.needsMore,
        settingsText: settingsText(r.settings),
        canEdit,
        committeeId: r.committeeId ?? '',
        // A form being edited is not overwritten by a refresh.
        ...(canEdit && !quiet ? { form: formOf(r.settings), errors: {}, formError: '' } : {}),
      });
      if (r.branchName) {
        try {
          wx.setNavigationBarTitle({ title: `${r.branchName} · 联户看板` });
        } catch {
          // The title stays 联户看板.
        }
      }
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load(this.data.status === 'ready');
    },

    onOpenHousehold(e: WechatMiniprogram.BaseEvent) {
      const householdId = dataset(e, 'id');
      if (householdId && this.data.canSeeResidents) go(ROUTES.household, { householdId });
    },

    /** 查看求助, or a tap on 未办结 / 已超时: the branch's requests on that tab. */
    onRequests(e: WechatMiniprogram.BaseEvent) {
      const status = dataset(e, 'status') === 'overdue' ? 'overdue' : 'open';
      go(ROUTES.liaisonRequests, { branchId: this.data.branchId, status });
    },
    onFigure(e: WechatMiniprogram.BaseEvent) {
      if (dataset(e, 'status')) this.onRequests(e);
    },

    onSetting(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const key = dataset(e, 'key') as SettingKey;
      if (!SETTING_KEYS.includes(key)) return;
      this.setData({
        [`form.${key}`]: String(e.detail.value ?? ''),
        [`errors.${key}`]: '',
        formError: '',
      });
    },

    async onSaveSettings() {
      if (this.data.saving || !this.data.canEdit) return;
      const checked = checkSettings(this.data.form);
      if ('errors' in checked) {
        this.setData({ errors: checked.errors, formError: '请按提示修改后再保存' });
        return;
      }
      const s = st(this);
      const body = { committeeId: this.data.committeeId, ...checked.value };
      const key = `settings:${JSON.stringify(body)}`;
      this.setData({ saving: true, errors: {}, formError: '' });
      const res = await call('liaison', 'updateSettings', body, { requestId: s.intents.id(key) });
      this.setData({ saving: false });
      if (!res.ok) {
        const fe = fieldErrors(res.error, SETTING_KEYS);
        this.setData({
          errors: fe,
          formError: Object.keys(fe).length ? '请按提示修改后再保存' : res.error.message,
        });
        return;
      }
      s.intents.done(key);
      this.setData({
        settingsText: settingsText(res.data.settings),
        form: formOf(res.data.settings),
      });
      toast('已保存', 'success');
      // The norm changes which households need more: refresh the figures quietly.
      void this.load(true);
    },
  },
});
