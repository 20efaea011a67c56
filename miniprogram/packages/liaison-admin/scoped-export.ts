/**
 * The scoped export pages of the subpackage (导出名单 `export/`, 打印连心卡 `cards/`): both are
 * opened with `?householdId=` (`memberName` names it) and / or `?branchId=` (optionally
 * `&grid=`), make no call on open, let the manager pick the scope, send one export action and
 * hand the file to utils/export-file.ts. Only the action and the words differ.
 */
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { exportFileBehavior, openExportFile, showExportFile } from '../../utils/export-file';
import { Intents } from '../../utils/intents';
import { decodeQuery } from '../../utils/nav';
import { pageState, toast } from '../../utils/page';
import {
  type ScopeKind,
  type ScopeOption,
  type ScopeQuery,
  scopeOptions,
  scopeRequest,
} from './shared';

export interface ScopedExportOptions {
  action: 'exportCards' | 'exportResidents';
  /** 「打印」「导出」: in 「请选择…的范围」. */
  verb: string;
  /** Toast after the file is made. */
  done: string;
}

interface PageState {
  intents: Intents;
  query: ScopeQuery;
}
const st = pageState<PageState>(() => ({
  intents: new Intents(),
  query: { householdId: '', branchId: '', grid: '', memberName: '' },
}));

/** Registers a scoped export page (call once from the page's index.ts). */
export function scopedExportPage(opts: ScopedExportOptions): void {
  Component({
    behaviors: [exportFileBehavior],

    data: {
      elderly: false,
      options: [] as ScopeOption[],
      scope: '' as ScopeKind | '',
      error: '',
      exporting: false,
      truncated: false,
      file: null as null | { fileName: string; rows: number; url: string; fileType: string },
      opening: false,
      fileMessage: '',
    },

    methods: {
      onLoad(query: Record<string, string | undefined>) {
        const o = decodeQuery(query);
        const q: ScopeQuery = {
          householdId: o.householdId ?? '',
          branchId: o.branchId ?? '',
          grid: o.grid ?? '',
          memberName: o.memberName ?? '',
        };
        st(this).query = q;
        const options = scopeOptions(q);
        this.setData({
          elderly: isElderlyMode(),
          options,
          scope: options[0]?.value ?? '',
          error: options.length ? '' : '没有指定中心户或支部，请从中心户管理进入',
        });
      },

      onScope(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
        const scope = String(e.detail.value ?? '') as ScopeKind;
        if (!this.data.options.some((o: ScopeOption) => o.value === scope)) return;
        this.setData({ scope, error: '', file: null, fileMessage: '', truncated: false });
      },

      async onExport() {
        if (this.data.exporting) return;
        const s = st(this);
        const scope = this.data.scope;
        const req = scope ? scopeRequest(scope, s.query) : null;
        if (!req) {
          this.setData({ error: `请选择${opts.verb}的范围` });
          return;
        }
        const key = `${opts.action}:${scope}`;
        this.setData({ exporting: true, error: '', file: null, fileMessage: '', truncated: false });
        const res = await call('liaison', opts.action, req, { requestId: s.intents.id(key) });
        this.setData({ exporting: false });
        if (!res.ok) {
          this.setData({ error: res.error.message });
          return;
        }
        s.intents.done(key);
        showExportFile(this, res.data);
        this.setData({ truncated: !!res.data.truncated });
        toast(opts.done, 'success');
        void openExportFile(this);
      },
    },
  });
}
