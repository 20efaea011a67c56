/**
 * The custom tab bar (UX.md §Navigation). Tabs by who the caller is: members see
 * 首页 · 学习 · 活动 · 联户 · 我的, residents and newcomers 首页 · 活动 · 我的 (utils/nav.ts
 * `TABS`, `visibleTabs`: 学习 and 联户 are `membersOnly`). A tab page tells the bar which
 * tab it is, and refreshes the tabs, in onShow (`syncTabBar` in utils/nav.ts).
 */
import { isElderlyMode } from '../utils/elderly';
import { TABS, visibleTabs, type TabItem } from '../utils/nav';

export type { TabItem };
export { TABS };

Component({
  data: {
    value: 'home',
    tabs: [] as TabItem[],
    elderly: false,
  },
  lifetimes: {
    attached() {
      this.setData({ elderly: isElderlyMode(), tabs: visibleTabs() });
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
