/**
 * 发布通知 (branch committee, `?branchId=`). A form: no call on open. Posting is
 * `branch.postNotice` with a requestId kept until the text changes. Outcomes: published
 * (toast, back), held for review (says so and stays), CONTENT_RISKY (says what to change),
 * INVALID_ARGUMENT under the field it names.
 */
import { call, newRequestId } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { fieldErrors, toast } from '../../../utils/page';
import { decodeQuery } from '../../../utils/nav';

const FIELDS = ['title', 'body'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

const intents = new WeakMap<object, string>();

Component({
  data: {
    elderly: false,
    branchId: '',
    title: '',
    body: '',
    pinned: false,
    errors: {} as Errors,
    formError: '',
    submitting: false,
    /** '' while composing; 'held' after content security asked for review. */
    result: '' as '' | 'held',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({ elderly: isElderlyMode(), branchId: options.branchId ?? '' });
    },

    edited(patch: Record<string, unknown>) {
      intents.delete(this);
      this.setData({ ...patch, formError: '' });
    },
    onTitle(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited({ title: String(e.detail.value ?? ''), 'errors.title': '' });
    },
    onBody(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited({ body: String(e.detail.value ?? ''), 'errors.body': '' });
    },
    onPinned(e: WechatMiniprogram.CustomEvent<{ value: boolean }>) {
      this.edited({ pinned: !!e.detail.value });
    },

    async onSubmit() {
      if (this.data.submitting) return;
      const title = this.data.title.trim();
      const body = this.data.body.trim();
      const errors: Errors = {};
      if (!title) errors.title = '请填写标题';
      else if (title.length > 50) errors.title = '标题最多 50 个字';
      if (!body) errors.body = '请填写正文';
      else if (body.length > 2000) errors.body = '正文最多 2000 个字';
      if (Object.keys(errors).length) {
        this.setData({ errors });
        return;
      }
      let requestId = intents.get(this);
      if (!requestId) intents.set(this, (requestId = newRequestId()));
      this.setData({ submitting: true, errors: {}, formError: '' });
      const res = await call(
        'branch',
        'postNotice',
        { branchId: this.data.branchId, title, body, pinned: this.data.pinned },
        { requestId },
      );
      this.setData({ submitting: false });
      if (res.ok) {
        intents.delete(this);
        if (res.data.status === 'held') {
          this.setData({ result: 'held' });
          return;
        }
        toast('已发布', 'success');
        setTimeout(() => {
          try {
            wx.navigateBack();
          } catch {
            // Opened directly: stay.
          }
        }, 800);
        return;
      }
      if (res.error.code === 'CONTENT_RISKY') {
        this.setData({
          formError: `${res.error.message}。请修改标题或正文中可能违规的内容后再发布。`,
        });
        return;
      }
      const fe = fieldErrors(res.error, FIELDS);
      this.setData({
        errors: fe,
        formError: Object.keys(fe).length ? '' : res.error.message,
      });
    },

    onAnother() {
      this.setData({ result: '', title: '', body: '', pinned: false });
    },
    onBack() {
      wx.navigateBack();
    },
  },
});
