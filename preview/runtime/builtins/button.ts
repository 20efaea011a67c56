/**
 * button: WeChat's look (type/size/plain/loading/disabled as attributes builtins.css styles),
 * form-type submit/reset, and the open-type capabilities a browser can stand in for.
 */
import { hoverProperties, setupHover } from './common';
import { resetFormOf, submitFormOf } from './form';
import {
  type BuiltinContext,
  type BuiltinDef,
  type Caller,
  withCaller,
  SLOT,
  addExparserListener,
  el,
  hostOf,
  infoOnce,
  nodeOf,
  setAttr,
  truthy,
} from './util';

function reflect(c: Caller) {
  const host = hostOf(c);
  const d = c.data;
  const disabled = truthy(d.disabled);
  setAttr(host, 'type', String(d.type || 'default'));
  setAttr(host, 'size', String(d.size || 'default'));
  setAttr(host, 'plain', truthy(d.plain));
  setAttr(host, 'loading', truthy(d.loading));
  setAttr(host, 'disabled', disabled);
  setAttr(host, 'data-wx-disabled', disabled);
  // An explicit aria-disabled from the page wins; otherwise mirror `disabled`.
  if (d.ariaDisabled === null || d.ariaDisabled === undefined || d.ariaDisabled === '') {
    setAttr(host, 'aria-disabled', disabled ? 'true' : null);
  }
  setAttr(host, 'aria-busy', truthy(d.loading) ? 'true' : null);
}

/** A file chooser for open-type="chooseAvatar"; resolves with an object URL. */
function chooseImage(): Promise<string | null> {
  return new Promise((resolve) => {
    const input = el('input', { type: 'file', accept: 'image/*' });
    input.style.display = 'none';
    document.body.append(input);
    let settled = false;
    const done = (url: string | null) => {
      if (settled) return;
      settled = true;
      input.remove();
      resolve(url);
    };
    input.addEventListener('change', () => {
      const file = input.files && input.files[0];
      done(file ? URL.createObjectURL(file) : null);
    });
    input.addEventListener('cancel', () => done(null));
    input.click();
  });
}

function openType(c: Caller, ctx: BuiltinContext) {
  const type = String(c.data.openType || '');
  if (!type) return;
  const node = nodeOf(c);
  switch (type) {
    case 'share': {
      const pages = ctx.host.pages();
      const top = pages[pages.length - 1];
      const handler = top && top.instance && top.instance.onShareAppMessage;
      let content: unknown = null;
      if (typeof handler === 'function') {
        try {
          content = handler.call(top.instance, {
            from: 'button',
            target: { id: node.id, dataset: { ...(node.dataset || {}) } },
          });
        } catch (err) {
          console.error(err);
        }
      }
      console.info('[preview] 分享（预览中不会真的转发）', content ?? '');
      return;
    }
    case 'contact':
      console.info('[preview] 客服会话在预览中不可用', c.data.sessionFrom || '');
      return;
    case 'feedback':
      console.info('[preview] 意见反馈页在预览中不可用');
      return;
    case 'getPhoneNumber':
    case 'getRealtimePhoneNumber':
      console.info('[preview] 获取手机号在预览中不可用');
      c.triggerEvent(type.toLowerCase(), {
        errMsg: `${type}:fail 预览不支持获取手机号`,
      });
      return;
    case 'chooseAvatar':
      void chooseImage().then((url) => {
        if (url) c.triggerEvent('chooseavatar', { avatarUrl: url });
      });
      return;
    case 'getUserInfo':
      c.triggerEvent('getuserinfo', {
        errMsg: 'getUserInfo:ok',
        userInfo: {
          nickName: '微信用户',
          avatarUrl: '',
          gender: 0,
          country: '',
          province: '',
          city: '',
          language: String(c.data.lang || 'en'),
        },
      });
      return;
    case 'openSetting':
      console.info('[preview] 设置页在预览中不可用');
      c.triggerEvent('opensetting', { authSetting: {} });
      return;
    case 'launchApp':
      c.triggerEvent('error', { errMsg: 'launchApp:fail 预览不支持打开 App' });
      return;
    case 'agreePrivacyAuthorization':
      c.triggerEvent('agreeprivacyauthorization', {});
      return;
    default:
      infoOnce(`button open-type="${type}" 在预览中不可用`);
  }
}

/** What a tap (or a tap on its label) does besides the page's own bind:tap. */
function activate(c: Caller, ctx: BuiltinContext) {
  if (truthy(c.data.disabled)) return;
  const formType = String(c.data.formType || '');
  if (formType === 'submit') submitFormOf(nodeOf(c));
  else if (formType === 'reset') resetFormOf(nodeOf(c));
  openType(c, ctx);
}

export function buttonDef(ctx: BuiltinContext): BuiltinDef {
  return {
    id: 'button',
    template: SLOT,
    properties: {
      size: { type: String, value: 'default' },
      type: { type: String, value: 'default' },
      plain: { type: Boolean, value: false },
      disabled: { type: Boolean, value: false },
      loading: { type: Boolean, value: false },
      formType: { type: String, value: '' },
      openType: { type: String, value: '' },
      lang: { type: String, value: 'en' },
      sessionFrom: { type: String, value: '' },
      sendMessageTitle: { type: String, value: '' },
      sendMessagePath: { type: String, value: '' },
      sendMessageImg: { type: String, value: '' },
      appParameter: { type: String, value: '' },
      showMessageCard: { type: Boolean, value: false },
      phoneNumberNoQuotaToast: { type: Boolean, value: true },
      ...hoverProperties({ cls: 'button-hover', start: 20, stay: 70 }),
    },
    observers: {
      'type, size, plain, loading, disabled, ariaDisabled'(this: Caller) {
        reflect(this);
      },
    },
    methods: {
      _wxActivate(this: Caller) {
        activate(this, ctx);
      },
    },
    lifetimes: {
      attached: withCaller((c) => {
        const host = hostOf(c);
        reflect(c);
        if (c.__wxButtonReady) return;
        c.__wxButtonReady = true;
        if (!host.hasAttribute('role')) host.setAttribute('role', 'button');
        if (!host.hasAttribute('tabindex')) host.setAttribute('tabindex', '0');
        setupHover(c, 'button-hover', () => truthy(c.data.disabled));
        addExparserListener(nodeOf(c), 'tap', () => {
          activate(c, ctx);
        });
        // Keyboard: Enter/Space act like a tap (through the runtime's click bridge).
        host.addEventListener('keydown', (e) => {
          if (e.target !== host || (e.key !== 'Enter' && e.key !== ' ')) return;
          e.preventDefault();
          if (!truthy(c.data.disabled)) host.click();
        });
      }),
    },
  };
}
