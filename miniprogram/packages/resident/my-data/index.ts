/**
 * 我的联户信息 (issue #7; from home and 我的). One call on open (`myData`): what is stored about
 * the caller's household (head of household, address, their own phone in full, people, care
 * tags, notes, card code), who is bound, counts of requests and service records, and the
 * central household. Two actions, each after a confirm step on the page that says what happens:
 * - 解除绑定: `unbind`, only this WeChat; the household and other family members stay.
 * - 删除我的信息: `eraseMyData { confirm: true }`: every family member is unbound and the
 *   household's personal data removed; request statistics stay, without names.
 * Done: home is opened afresh (it then offers to bind again).
 */
import type { MyDataResponse } from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { formatDate } from '../../../utils/format';
import { Intents } from '../../../utils/intents';
import { rememberLiaison } from '../../../utils/liaison-context';
import { ROUTES } from '../../../utils/nav';
import { pageState, stopPullDown, toast } from '../../../utils/page';
import { CARE_TAG_TEXT } from '../shared';

type Status = 'loading' | 'error' | 'empty' | 'ready';
/** What the page shows under the data: nothing, or the confirm step of one action. */
type Confirm = '' | 'unbind' | 'erase';

function toView(d: MyDataResponse) {
  const you = d.bindings.find((b) => b.you);
  return {
    headName: d.headName,
    address: d.address,
    phone: d.phone,
    people: d.people,
    careText: d.careTags.map((t) => CARE_TAG_TEXT[t] ?? t).join('、'),
    notes: d.notes ?? '',
    cardCode: d.cardCode,
    boundText: `本户有 ${d.bindings.length} 个微信绑定${you ? `，您在${formatDate(you.boundAt)}绑定` : ''}`,
    requestCount: d.requestCount,
    serviceRecordCount: d.serviceRecordCount,
    memberName: d.centralHousehold.memberName,
    branchName: d.centralHousehold.branchName,
  };
}

const st = pageState(() => ({ busy: false, intents: new Intents() }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    headName: '',
    address: '',
    phone: '',
    people: 0,
    careText: '',
    notes: '',
    cardCode: '',
    boundText: '',
    requestCount: 0,
    serviceRecordCount: 0,
    memberName: '',
    branchName: '',
    confirm: '' as Confirm,
    acting: false,
    actionError: '',
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('liaison', 'myData');
      s.busy = false;
      stopPullDown();
      if (res.ok) this.setData({ status: 'ready', ...toView(res.data) });
      // Not bound (any more): nothing is stored about this WeChat.
      else if (res.error.code === 'FORBIDDEN' || res.error.code === 'NOT_FOUND')
        this.setData({ status: 'empty' });
      else this.setData({ status: 'error', errorMessage: res.error.message });
    },

    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },
    onBind() {
      wx.redirectTo({ url: ROUTES.residentBind });
    },

    onAskUnbind() {
      this.setData({ confirm: 'unbind', actionError: '' });
    },
    onAskErase() {
      this.setData({ confirm: 'erase', actionError: '' });
    },
    onCancel() {
      if (this.data.acting) return;
      this.setData({ confirm: '', actionError: '' });
    },

    async onConfirm() {
      const what = this.data.confirm;
      if (!what || this.data.acting) return;
      const s = st(this);
      this.setData({ acting: true, actionError: '' });
      const res =
        what === 'erase'
          ? await call(
              'liaison',
              'eraseMyData',
              { confirm: true },
              { requestId: s.intents.id(what) },
            )
          : await call('liaison', 'unbind', {}, { requestId: s.intents.id(what) });
      if (!res.ok) {
        this.setData({ acting: false, actionError: res.error.message });
        return;
      }
      s.intents.done(what);
      // No longer bound: the request pages must not offer to call the member any more.
      rememberLiaison(null);
      this.setData({ acting: false, confirm: '' });
      toast(what === 'erase' ? '已删除您的信息' : '已解除绑定', 'success');
      wx.reLaunch({ url: ROUTES.home });
    },
  },
});
