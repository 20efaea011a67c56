/**
 * Privacy consent (隐私授权) and permissions. By default the user has already agreed and
 * every scope is granted, so pages just work. Setting localStorage `wxpreview:privacy` to
 * `pending` (raw or JSON) makes consent outstanding: privacy APIs then pause and ask the
 * listener registered with wx.onNeedPrivacyAuthorization (the app's privacy-consent panel),
 * exactly as WeChat does; 同意 records consent, 不同意 fails the API with errno 104.
 */
import type { PreviewHost } from '../host';
import { asyncApi, noopApi, WxFailure, type Options } from './callback';
import { el, openDialog } from './overlay';
import { decode, STORAGE_PREFIX } from './storage';

const FLAG = `${STORAGE_PREFIX}privacy`;
const CONTRACT_NAME = '《网上支部隐私保护指引》';
const CONTRACT_TEXT =
  '为向您提供支部服务，网上支部仅在您使用相应功能时处理必要的信息：' +
  '更换照片时读取您选择的照片，复制邀请内容时写入剪贴板。' +
  '这些信息只用于本支部的组织管理，不会用于其他目的，也不会提供给第三方。\n\n' +
  '（这是浏览器预览中的示例文本，正式内容以小程序后台填写的指引为准。）';

type Answer = { event?: string; buttonId?: string };
type Listener = (resolve: (a: Answer) => void, info: { referrer: string }) => void;

/** Wrap an API body so it first waits for consent when consent is outstanding. */
export type Gate = (api: string, run: (o: Options) => unknown) => (o: Options) => unknown;

function consentNeeded(): boolean {
  const raw = localStorage.getItem(FLAG);
  return raw !== null && decode(raw) === 'pending';
}

const GRANTED = {
  'scope.userInfo': true,
  'scope.userLocation': true,
  'scope.userFuzzyLocation': true,
  'scope.writePhotosAlbum': true,
  'scope.camera': true,
  'scope.record': true,
  'scope.address': true,
  'scope.invoiceTitle': true,
  'scope.invoice': true,
  'scope.werun': true,
};

export function createPrivacy(host: PreviewHost): { apis: Record<string, any>; gate: Gate } {
  // WeChat keeps only the last listener registered.
  let listener: Listener | null = null;

  /** No listener: WeChat's own consent popup, which the shim stands in for. */
  const ownPopup = async (): Promise<boolean> => {
    const { value } = await openDialog(host, {
      title: '隐私保护提示',
      content: `在使用网上支部之前，请仔细阅读${CONTRACT_NAME}。如你同意该指引，请点击“同意”开始使用。`,
      buttons: [
        { text: '拒绝', color: '#000000', value: false },
        { text: '同意', color: '#576B95', value: true },
      ],
      dismiss: false,
    });
    return value;
  };

  const ask = (referrer: string): Promise<void> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const answer = (a: Answer) => {
        // exposureAuthorization only says the panel is on screen; the choice comes later.
        if (answered || a?.event === 'exposureAuthorization') return;
        answered = true;
        if (a?.event === 'agree') {
          localStorage.setItem(FLAG, JSON.stringify('agreed'));
          resolve();
        } else {
          reject(new WxFailure('privacy permission is not authorized', { errno: 104 }));
        }
      };
      if (!listener) {
        void ownPopup().then((agree) => answer({ event: agree ? 'agree' : 'disagree' }));
        return;
      }
      try {
        listener(answer, { referrer });
      } catch (e) {
        console.error('[preview] the onNeedPrivacyAuthorization listener threw', e);
        answer({ event: 'disagree' });
      }
    });

  const gate: Gate = (api, run) => (o) => (consentNeeded() ? ask(api).then(() => run(o)) : run(o));

  const settings = (o: Options) => ({
    authSetting: { ...GRANTED },
    ...(o.withSubscriptions
      ? { subscriptionsSetting: { mainSwitch: true, itemSettings: {} } }
      : {}),
  });

  const apis = {
    getPrivacySetting: asyncApi('getPrivacySetting', () => ({
      needAuthorization: consentNeeded(),
      privacyContractName: CONTRACT_NAME,
    })),
    onNeedPrivacyAuthorization: (fn: unknown) => {
      listener = typeof fn === 'function' ? (fn as Listener) : null;
    },
    requirePrivacyAuthorize: asyncApi('requirePrivacyAuthorize', () =>
      consentNeeded() ? ask('requirePrivacyAuthorize') : undefined,
    ),
    openPrivacyContract: asyncApi('openPrivacyContract', () => {
      // WeChat opens a page and reports success at once; the overlay stands in for that page.
      void openDialog(host, {
        title: CONTRACT_NAME,
        body: el('div', 'wxp-text', CONTRACT_TEXT),
        buttons: [{ text: '返回', value: true }],
        dismiss: true,
      });
    }),

    authorize: asyncApi('authorize', (o: Options) => {
      if (typeof o.scope !== 'string') throw new WxFailure('parameter error: scope is required');
    }),
    getSetting: asyncApi('getSetting', settings),
    openSetting: asyncApi('openSetting', settings),
    getAppAuthorizeSetting: () => ({
      albumAuthorized: 'authorized',
      bluetoothAuthorized: 'authorized',
      cameraAuthorized: 'authorized',
      locationAuthorized: 'authorized',
      locationReducedAccuracy: false,
      microphoneAuthorized: 'authorized',
      notificationAuthorized: 'authorized',
      phoneCalendarAuthorized: 'authorized',
    }),
    openAppAuthorizeSetting: noopApi('openAppAuthorizeSetting'),

    // The member always accepts: the flow after acceptance is what the preview shows.
    requestSubscribeMessage: asyncApi('requestSubscribeMessage', (o: Options) => {
      const ids: unknown[] = Array.isArray(o.tmplIds) ? o.tmplIds : [];
      if (ids.length === 0) {
        throw new WxFailure("TmplIds can't be empty", { errCode: 10001 });
      }
      console.info('[preview] wx.requestSubscribeMessage: accepted', ids);
      return Object.fromEntries(ids.map((id) => [String(id), 'accept']));
    }),
  };
  return { apis, gate };
}
