/**
 * The custom tab bar (UX.md §Navigation). Tabs by who the caller is; only the tabs whose
 * pages exist are listed: 学习, 活动 and 联户 join them with their own issues. A tab page
 * tells the bar which tab it is in onShow (`syncTabBar` in utils/nav.ts).
 */
import { isElderlyMode } from '../utils/elderly';

export interface TabItem {
  value: string;
  label: string;
  icon: string;
  url: string;
}

export const TABS: TabItem[] = [
  { value: 'home', label: '首页', icon: 'home', url: '/pages/index/index' },
  { value: 'mine', label: '我的', icon: 'user', url: '/pages/mine/index' },
];

Component({
  data: {
    value: 'home',
    tabs: TABS,
    elderly: false,
  },
  lifetimes: {
    attached() {
      this.setData({ elderly: isElderlyMode() });
    },
  },
  methods: {
    onChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const tab = TABS.find((t) => t.value === e.detail.value);
      if (!tab) return;
      this.setData({ value: tab.value });
      wx.switchTab({ url: tab.url });
    },
  },
});
