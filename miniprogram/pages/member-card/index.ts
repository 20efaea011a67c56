/**
 * 亮身份: a member's identity card (`?branchId=&openid=`; without `openid`, my own).
 * One call on open (`branch.memberCard`). Photo or the first character of the name,
 * name, branch, role, party group, 党龄 and 入党日期; the 政治生日 greeting on the day.
 */
import type { MemberCardResponse } from '../../../typings/api';
import { call } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate } from '../../utils/format';
import { roleLabel } from '../../utils/roles';
import { decodeQuery } from '../../utils/nav';

type Status = 'loading' | 'error' | 'ready';

function toView(c: MemberCardResponse) {
  const [mm, dd] = (c.politicalBirthday ?? '').split('-');
  return {
    name: c.name,
    initial: c.name.slice(0, 1),
    photo: c.photo ?? '',
    branchName: c.branchName,
    roleText: roleLabel(c.role),
    groupText: c.partyGroupName ?? '',
    yearsText: c.partyYears === null ? '' : `${c.partyYears} 年`,
    joinedText: formatDate(c.joinedPartyAt),
    birthdayText: mm && dd ? `${Number(mm)}月${Number(dd)}日` : '',
    birthdayToday: c.isPoliticalBirthdayToday,
    phone: c.phone ?? '',
  };
}

const busy = new WeakSet<object>();

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    openid: '',
    name: '',
    initial: '',
    photo: '',
    branchName: '',
    roleText: '',
    groupText: '',
    yearsText: '',
    joinedText: '',
    birthdayText: '',
    birthdayToday: false,
    phone: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const options = decodeQuery(query);
      this.setData({
        elderly: isElderlyMode(),
        branchId: options.branchId ?? '',
        openid: options.openid ?? '',
      });
      void this.load();
    },

    async load() {
      if (busy.has(this)) return;
      busy.add(this);
      this.setData({ status: 'loading', errorMessage: '' });
      const { branchId, openid } = this.data;
      const res = await call('branch', 'memberCard', openid ? { branchId, openid } : { branchId });
      busy.delete(this);
      if (res.ok) this.setData({ status: 'ready', ...toView(res.data) });
      else this.setData({ status: 'error', errorMessage: res.error.message });
    },

    onRetry() {
      void this.load();
    },
  },
});
