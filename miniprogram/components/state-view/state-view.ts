/**
 * The loading / empty / error states every page shows before or instead of its content
 * (ARCHITECTURE.md §7). Renders nothing when `status` is 'ready', so a page writes
 * `<state-view status="{{status}}" … />` once and its content under `wx:if="{{status === 'ready'}}"`.
 *
 * Events: `retry` (error state button), `action` (empty state button, when `actionText` is set).
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    /** 'loading' | 'error' | 'empty' | 'ready' */
    status: { type: String, value: 'loading' },
    /** Error message, shown as is (the server's Chinese message). */
    message: { type: String, value: '' },
    loadingText: { type: String, value: '正在加载…' },
    emptyText: { type: String, value: '暂无内容' },
    /** Label of the empty state's action button; no button when empty. */
    actionText: { type: String, value: '' },
    retryText: { type: String, value: '重新加载' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
    onAction() {
      this.triggerEvent('action');
    },
  },
});
