/**
 * One member in the directory: avatar letter, name, role and party group, phone as the
 * server sent it (masked unless the caller is a secretary). Emits `open` with `{ openid }`.
 */
Component({
  options: { addGlobalClass: true },
  properties: {
    openid: { type: String, value: '' },
    name: { type: String, value: '' },
    roleText: { type: String, value: '' },
    groupText: { type: String, value: '' },
    phone: { type: String, value: '' },
  },
  methods: {
    onTap() {
      this.triggerEvent('open', { openid: this.data.openid });
    },
  },
});
