/**
 * 邀请党员加入 (secretary, deputy, organisation committee; `?branchId=&branchName=`).
 * No call on open: creating an invitation is a write, so it waits for the tap on 生成邀请码
 * (`branch.createInvite`, requestId kept across a retry). Shows the short code, the
 * 小程序码 when the server could make one, and the expiry; 撤销 revokes it.
 */
import type { CreateInviteResponse } from '../../../../typings/api';
import { call, newRequestId } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate } from '../../../utils/format';
import { toast } from '../../../utils/page';

const intents = new WeakMap<object, { create?: string; revoke?: string }>();
function ids(page: object) {
  let s = intents.get(page);
  if (!s) intents.set(page, (s = {}));
  return s;
}

Component({
  data: {
    elderly: false,
    branchId: '',
    branchName: '',
    code: '',
    qrUrl: '',
    expiresText: '',
    busy: false,
    error: '',
    revoked: false,
  },

  methods: {
    onLoad(options: Record<string, string | undefined>) {
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        branchName: options.branchName ?? '',
      });
    },

    show(inv: CreateInviteResponse) {
      this.setData({
        code: inv.code,
        qrUrl: inv.qrUrl ?? '',
        branchName: inv.branchName,
        expiresText: `${formatDate(inv.expiresAt)}前有效`,
        revoked: false,
      });
    },

    async onCreate() {
      if (this.data.busy) return;
      const s = ids(this);
      s.create = s.create ?? newRequestId();
      this.setData({ busy: true, error: '' });
      const res = await call(
        'branch',
        'createInvite',
        { branchId: this.data.branchId },
        { requestId: s.create },
      );
      this.setData({ busy: false });
      if (!res.ok) {
        this.setData({ error: res.error.message });
        return;
      }
      // The next tap asks for a new invitation.
      s.create = undefined;
      s.revoke = undefined;
      this.show(res.data);
    },

    async onRevoke() {
      if (this.data.busy || !this.data.code) return;
      const s = ids(this);
      s.revoke = s.revoke ?? newRequestId();
      this.setData({ busy: true, error: '' });
      const res = await call(
        'branch',
        'revokeInvite',
        { code: this.data.code },
        { requestId: s.revoke },
      );
      this.setData({ busy: false });
      if (!res.ok) {
        this.setData({ error: res.error.message });
        return;
      }
      s.revoke = undefined;
      toast('邀请码已撤销', 'success');
      this.setData({ revoked: true });
    },

    onCopy() {
      wx.setClipboardData({ data: this.data.code });
    },
  },
});
