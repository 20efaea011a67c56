/**
 * One activity in a list: kind tag, title, start time (「明天 14:00」), place, places left or
 * the waitlist (volunteer), the caller's own state (已报名 / 候补第 n 位 / 待回复 …) and, once
 * it is no longer upcoming, 进行中 / 已结束 / 已取消. Emits `open` with `{ activityId }` when
 * tapped; the page navigates. The row is built by utils/activity.ts `activityRow`.
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    activityId: { type: String, value: '' },
    /** 'meeting' | 'themeDay' | 'volunteer': colours the kind tag. */
    kind: { type: String, value: '' },
    kindLabel: { type: String, value: '' },
    title: { type: String, value: '' },
    when: { type: String, value: '' },
    place: { type: String, value: '' },
    places: { type: String, value: '' },
    myText: { type: String, value: '' },
    /** TDesign tag theme of `myText`. */
    myTheme: { type: String, value: 'default' },
    statusText: { type: String, value: '' },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', { activityId: this.data.activityId });
    },
  },
});
