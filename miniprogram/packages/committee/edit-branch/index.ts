/**
 * 编辑支部 / 党总支 (committee admins, `?branchId=&committeeId=`, from the tree). One call on open
 * (`branch.tree`) for the branch's current name and grid area (网格); the form sends only
 * what changed to `updateBranch` (requestId kept until the text changes). INVALID_ARGUMENT
 * lands under the field it names; CONFLICT (same name in the committee) under the name.
 */
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { findNode } from '../../../utils/org';
import { fieldErrors, toast } from '../../../utils/page';
import { decodeQuery } from '../../../utils/nav';

type Status = 'loading' | 'error' | 'empty' | 'ready';
const FIELDS = ['name', 'gridArea'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

interface PageState {
  loading: boolean;
  intents: Intents;
  /** The values stored on the server, to send only what changed. */
  saved: { name: string; gridArea: string };
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) {
    state.set(
      page,
      (s = { loading: false, intents: new Intents(), saved: { name: '', gridArea: '' } }),
    );
  }
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    committeeId: '',
    /** 支部 or 总支: the form's words follow what is being edited. */
    kindText: '支部',
    name: '',
    gridArea: '',
    errors: {} as Errors,
    formError: '',
    submitting: false,
    savedText: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        committeeId: options.committeeId ?? '',
      });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.loading) return;
      s.loading = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const { committeeId } = this.data;
      const res = await call('branch', 'tree', committeeId ? { committeeId } : undefined);
      s.loading = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      const node = findNode(res.data.root, this.data.branchId);
      if (!node || (node.type !== 'branch' && node.type !== 'generalBranch')) {
        this.setData({ status: 'empty' });
        return;
      }
      s.saved = { name: node.name, gridArea: node.gridArea ?? '' };
      this.setData({
        status: 'ready',
        kindText: node.type === 'generalBranch' ? '总支' : '支部',
        ...s.saved,
      });
    },

    onRetry() {
      void this.load();
    },

    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll();
      this.setData({
        name: String(e.detail.value ?? ''),
        'errors.name': '',
        formError: '',
        savedText: '',
      });
    },
    onGridArea(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll();
      this.setData({
        gridArea: String(e.detail.value ?? ''),
        'errors.gridArea': '',
        formError: '',
        savedText: '',
      });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const s = st(this);
      const name = this.data.name.trim();
      const gridArea = this.data.gridArea.trim();
      const errors: Errors = {};
      if (name.length < 2 || name.length > 30)
        errors.name = `请填写 2–30 个字的${this.data.kindText}名称`;
      if (!gridArea || gridArea.length > 50)
        errors.gridArea = `请填写${this.data.kindText}所在网格（1–50 个字）`;
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      const change: { name?: string; gridArea?: string } = {};
      if (name !== s.saved.name) change.name = name;
      if (gridArea !== s.saved.gridArea) change.gridArea = gridArea;
      if (!Object.keys(change).length) {
        this.setData({ formError: '名称和网格都没有改动' });
        return;
      }
      const key = 'update';
      this.setData({ submitting: true, errors: {}, formError: '' });
      const res = await call(
        'branch',
        'updateBranch',
        { branchId: this.data.branchId, ...change },
        { requestId: s.intents.id(key) },
      );
      this.setData({ submitting: false });
      if (res.ok) {
        s.intents.done(key);
        s.saved = { name, gridArea };
        toast('已保存', 'success');
        this.setData({ name, gridArea, savedText: '已保存。返回组织架构即可看到新的名称和网格。' });
        return;
      }
      const fe = fieldErrors(res.error, FIELDS);
      if (res.error.code === 'CONFLICT') fe.name = res.error.message;
      this.setData({ errors: fe, formError: Object.keys(fe).length ? '' : res.error.message });
    },
  },
});
