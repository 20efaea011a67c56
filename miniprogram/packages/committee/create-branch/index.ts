/**
 * 新建支部 (committee admins: secretary / deputy of the committee, `?committeeId=`). A form,
 * no call on open: name and grid area (网格) → `createBranch` (requestId kept until the text
 * changes). INVALID_ARGUMENT lands under the field it names; CONFLICT (same name) under the
 * name. Done: the branch exists without a secretary; 指定书记 opens appoint-secretary for it.
 */
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { go, ROUTES } from '../../../utils/nav';
import { fieldErrors, toast } from '../../../utils/page';

const FIELDS = ['name', 'gridArea'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

const intents = new WeakMap<object, Intents>();
function its(page: object): Intents {
  let i = intents.get(page);
  if (!i) intents.set(page, (i = new Intents()));
  return i;
}

Component({
  data: {
    elderly: false,
    committeeId: '',
    name: '',
    gridArea: '',
    errors: {} as Errors,
    formError: '',
    submitting: false,
    createdName: '',
    createdId: '',
  },

  methods: {
    onLoad(options: Record<string, string | undefined>) {
      this.setData({ elderly: isElderlyMode(), committeeId: options.committeeId ?? '' });
    },

    onName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      its(this).doneAll();
      this.setData({ name: String(e.detail.value ?? ''), 'errors.name': '', formError: '' });
    },
    onGridArea(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      its(this).doneAll();
      this.setData({
        gridArea: String(e.detail.value ?? ''),
        'errors.gridArea': '',
        formError: '',
      });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const name = this.data.name.trim();
      const gridArea = this.data.gridArea.trim();
      const errors: Errors = {};
      if (name.length < 2 || name.length > 30) errors.name = '请填写 2–30 个字的支部名称';
      if (!gridArea || gridArea.length > 50) errors.gridArea = '请填写支部所在网格（1–50 个字）';
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      const key = 'create';
      this.setData({ submitting: true, errors: {}, formError: '' });
      const res = await call(
        'branch',
        'createBranch',
        { committeeId: this.data.committeeId, name, gridArea },
        { requestId: its(this).id(key) },
      );
      this.setData({ submitting: false });
      if (res.ok) {
        its(this).done(key);
        toast('支部已建立', 'success');
        this.setData({ createdName: res.data.name, createdId: res.data.branchId });
        return;
      }
      const fe = fieldErrors(res.error, FIELDS);
      if (res.error.code === 'CONFLICT') fe.name = res.error.message;
      this.setData({ errors: fe, formError: Object.keys(fe).length ? '' : res.error.message });
    },

    onAnother() {
      this.setData({ createdName: '', createdId: '', name: '', gridArea: '' });
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
