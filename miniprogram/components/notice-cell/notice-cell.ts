/**
 * One notice in a list: title, 置顶 / 未读 tags, author and time, a line of the body.
 * Emits `open` with `{ noticeId }` when tapped; the page navigates.
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    noticeId: { type: String, value: '' },
    title: { type: String, value: '' },
    pinned: { type: Boolean, value: false },
    read: { type: Boolean, value: true },
    held: { type: Boolean, value: false },
    meta: { type: String, value: '' },
    excerpt: { type: String, value: '' },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', { noticeId: this.data.noticeId });
    },
  },
});
