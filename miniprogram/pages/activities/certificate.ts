/**
 * 志愿服务证明: the caller's certificate (`activity.certificate`) laid out like a printed
 * card — name, branch, 累计服务 x 小时 / y 次, first and last service days, the serial that
 * identifies its figures, and when it was issued. Nothing to share or boast with: it is there
 * to be shown (or screenshotted) where proof of service is asked for. Pull to refresh.
 */
import type { CertificateResponse } from '../../../typings/api';
import { call } from '../../services/call';
import { hoursText } from '../../utils/activity';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate } from '../../utils/format';
import { ROUTES, go } from '../../utils/nav';
import { stopPullDown } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';

function toView(c: CertificateResponse) {
  return {
    name: c.name,
    branchName: c.branchName ?? '',
    hours: hoursText(c.totalHours),
    count: c.count,
    period: c.since && c.until ? `${formatDate(c.since)} 至 ${formatDate(c.until)}` : '',
    serial: c.serial,
    issued: formatDate(c.issuedAt),
    hasService: c.count > 0,
  };
}

const busy = new WeakSet<object>();

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    name: '',
    branchName: '',
    hours: '',
    count: 0,
    period: '',
    serial: '',
    issued: '',
    hasService: false,
  },

  methods: {
    onLoad() {
      this.setData({ elderly: isElderlyMode() });
      void this.load();
    },
    async load() {
      if (busy.has(this)) return;
      busy.add(this);
      if (this.data.status !== 'ready') this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'certificate', {});
      busy.delete(this);
      stopPullDown();
      if (res.ok) this.setData({ status: 'ready', ...toView(res.data) });
      else if (this.data.status !== 'ready')
        this.setData({ status: 'error', errorMessage: res.error.message });
    },
    onRetry() {
      void this.load();
    },
    onPullDownRefresh() {
      void this.load();
    },
    onActivities() {
      go(ROUTES.activities);
    },
  },
});
