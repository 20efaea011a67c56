/**
 * One lesson in a list: cover thumbnail, title with a 未学 / 已学 tag (members) or a status
 * tag (composers' drafts, scheduled, held), the summary, and one line of facts. Emits `open`
 * with `{ lessonId }` when tapped; the page navigates.
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    lessonId: { type: String, value: '' },
    title: { type: String, value: '' },
    summary: { type: String, value: '' },
    cover: { type: String, value: '' },
    meta: { type: String, value: '' },
    /** 'studied' | 'unstudied' | '' (no study tag). */
    study: { type: String, value: '' },
    /** A status tag instead (待审核, 草稿…); '' for none. */
    statusText: { type: String, value: '' },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', { lessonId: this.data.lessonId });
    },
  },
});
