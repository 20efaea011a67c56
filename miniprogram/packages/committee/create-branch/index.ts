/**
 * 新建支部 / 党总支 (committee admins: secretary / deputy of the committee,
 * `?committeeId=&parentId=`). One call on open (`branch.tree`) for the committee's general
 * branches (党总支). The form: 党支部 or 党总支 (radio); for a 党支部 where it sits, 直属党委 or
 * one of the general branches (radio, shown when there are any; `?parentId=` preselects one);
 * name and grid area (网格) → `createBranch { kind, parentId? }` (requestId kept until the
 * form changes). INVALID_ARGUMENT lands under the field it names; CONFLICT (same name) under
 * the name; NOT_FOUND (the general branch is gone) under the parent choice. Done: a branch
 * exists without a secretary (指定书记 opens appoint-secretary); a general branch offers
 * 在此总支下新建支部.
 */
import type { CreatableOrgType, CreateBranchRequest } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, go } from '../../../utils/nav';
import { generalBranchesOf } from '../../../utils/org';
import { fieldErrors, toast } from '../../../utils/page';

type Status = 'loading' | 'error' | 'ready';
const FIELDS = ['name', 'gridArea', 'kind', 'parentId'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

/** The parent choice meaning 直属党委 (no `parentId` sent). */
const UNDER_COMMITTEE = '';

const KIND_OPTIONS: Array<{ value: CreatableOrgType; label: string }> = [
  { value: 'branch', label: '党支部' },
  { value: 'generalBranch', label: '党总支' },
];
const KIND_TEXT: Record<CreatableOrgType, string> = { branch: '支部', generalBranch: '总支' };

interface ParentOption {
  value: string;
  label: string;
}
const committeeOption: ParentOption = { value: UNDER_COMMITTEE, label: '直属党委' };

interface PageState {
  loading: boolean;
  intents: Intents;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { loading: false, intents: new Intents() }));
  return s;
}

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    committeeId: '',
    kindOptions: KIND_OPTIONS,
    kind: 'branch' as CreatableOrgType,
    kindText: KIND_TEXT.branch,
    /** 直属党委 first, then the committee's general branches. */
    parentOptions: [committeeOption] as ParentOption[],
    parentId: UNDER_COMMITTEE,
    name: '',
    gridArea: '',
    errors: {} as Errors,
    formError: '',
    submitting: false,
    createdName: '',
    createdId: '',
    createdKind: 'branch' as CreatableOrgType,
    /** Name of the general branch the new branch sits under; '' for 直属党委. */
    createdParentName: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        committeeId: options.committeeId ?? '',
        parentId: options.parentId ?? UNDER_COMMITTEE,
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
      const parentOptions = [
        committeeOption,
        ...generalBranchesOf(res.data.root).map((g) => ({ value: g.id, label: g.name })),
      ];
      const known = parentOptions.some((o) => o.value === this.data.parentId);
      this.setData({
        status: 'ready',
        committeeId: committeeId || res.data.root.id,
        parentOptions,
        parentId: known ? this.data.parentId : UNDER_COMMITTEE,
      });
    },

    onRetry() {
      void this.load();
    },

    onKind(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const kind: CreatableOrgType =
        e.detail.value === 'generalBranch' ? 'generalBranch' : 'branch';
      st(this).intents.doneAll();
      this.setData({
        kind,
        kindText: KIND_TEXT[kind],
        errors: {},
        formError: '',
      });
    },
    onParent(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll();
      this.setData({
        parentId: String(e.detail.value ?? UNDER_COMMITTEE),
        'errors.parentId': '',
        formError: '',
      });
    },
    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll();
      this.setData({ name: String(e.detail.value ?? ''), 'errors.name': '', formError: '' });
    },
    onGridArea(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.doneAll();
      this.setData({
        gridArea: String(e.detail.value ?? ''),
        'errors.gridArea': '',
        formError: '',
      });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const { kind, kindText, committeeId, parentId } = this.data;
      const name = this.data.name.trim();
      const gridArea = this.data.gridArea.trim();
      const errors: Errors = {};
      if (name.length < 2 || name.length > 30) errors.name = `请填写 2–30 个字的${kindText}名称`;
      if (!gridArea || gridArea.length > 50)
        errors.gridArea = `请填写${kindText}所在网格（1–50 个字）`;
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      const req: CreateBranchRequest = { committeeId, name, gridArea, kind };
      // A general branch always sits under the committee.
      if (kind === 'branch' && parentId !== UNDER_COMMITTEE) req.parentId = parentId;
      const key = 'create';
      this.setData({ submitting: true, errors: {}, formError: '' });
      const res = await call('branch', 'createBranch', req, {
        requestId: st(this).intents.id(key),
      });
      this.setData({ submitting: false });
      if (res.ok) {
        st(this).intents.done(key);
        const createdKind = res.data.kind ?? kind;
        toast(createdKind === 'generalBranch' ? '党总支已建立' : '支部已建立', 'success');
        const parent = this.data.parentOptions.find((o) => o.value === req.parentId);
        this.setData({
          createdName: res.data.name,
          createdId: res.data.branchId,
          createdKind,
          createdParentName: parent ? parent.label : '',
          // A new general branch can be chosen as a parent right away.
          ...(createdKind === 'generalBranch'
            ? {
                parentOptions: [
                  ...this.data.parentOptions,
                  { value: res.data.branchId, label: res.data.name },
                ],
              }
            : {}),
        });
        return;
      }
      const fe: Errors = fieldErrors(res.error, FIELDS);
      if (res.error.code === 'CONFLICT') fe.name = res.error.message;
      if (res.error.code === 'NOT_FOUND' && req.parentId) fe.parentId = res.error.message;
      // `kind` has no field of its own: say it above the button.
      const formError = fe.kind ?? '';
      delete fe.kind;
      this.setData({
        errors: fe,
        formError: formError || (Object.keys(fe).length ? '' : res.error.message),
      });
    },

    /** Another one of the same kind, under the same parent. */
    onAnother() {
      this.setData({ createdName: '', createdId: '', name: '', gridArea: '' });
    },
    /** After a general branch: a branch under it. */
    onBranchUnder() {
      this.setData({
        kind: 'branch',
        kindText: KIND_TEXT.branch,
        parentId: this.data.createdId,
        createdName: '',
        createdId: '',
        name: '',
        gridArea: '',
      });
    },
    onAppoint() {
      go(ROUTES.appointSecretary, {
        committeeId: this.data.committeeId,
        branchId: this.data.createdId,
      });
    },
    onTree() {
      go(ROUTES.tree, { committeeId: this.data.committeeId });
    },
  },
});
