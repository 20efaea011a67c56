/**
 * The privacy consent panel (隐私授权, ARCHITECTURE.md §7): the one place that answers
 * `wx.onNeedPrivacyAuthorization`. Put `<privacy-consent />` (declared globally in app.json)
 * once on every page that calls a privacy API (wx.chooseMedia, wx.setClipboardData, …);
 * test/miniprogram/privacy.test.ts checks that no such page lacks it.
 *
 * WeChat keeps only the last registered listener, so this module registers one listener for
 * the whole app (once, when the first panel attaches) and hands each request to the panel of
 * the page on screen. The panel says why the consent is needed, links to the privacy guide
 * (`wx.openPrivacyContract`), and answers the pending `resolve`:
 * 同意 (`<button open-type="agreePrivacyAuthorization">`) → `{ event: 'agree', buttonId }`
 * after WeChat reports the tap; 不同意 or closing → `{ event: 'disagree' }`, and the paused
 * API fails with a privacy error the page words (utils/privacy.ts). Every request that came
 * while the panel was open is answered by the same choice. Old base libraries (and the test
 * platform) have no such API: then nothing is registered and the panel never shows.
 */
import { isElderlyMode } from '../../utils/elderly';

type PrivacyEvent = 'agree' | 'disagree' | 'exposureAuthorization';
type Resolve = (answer: { event: PrivacyEvent; buttonId?: string }) => void;
type Listener = (resolve: Resolve, info?: { referrer?: string }) => void;

/** The privacy APIs as they are (the bundled typings give the listener the wrong shape). */
interface PrivacyApi {
  onNeedPrivacyAuthorization?: (listener: Listener) => void;
  getPrivacySetting?: (o: {
    success?: (r: { needAuthorization: boolean; privacyContractName: string }) => void;
    fail?: () => void;
  }) => void;
  openPrivacyContract?: (o: { success?: () => void; fail?: () => void }) => void;
}
const privacyApi = (): PrivacyApi => wx as unknown as PrivacyApi;

/** `t-id` of the agree button; WeChat checks that this button was tapped before `agree`. */
const AGREE_BUTTON_ID = 'privacy-consent-agree';

const DEFAULT_CONTRACT = '《网上支部隐私保护指引》';

/** What the user was doing, by the API that asked (`eventInfo.referrer`). */
const PURPOSES: Record<string, string> = {
  chooseMedia: '选择照片',
  chooseImage: '选择照片',
  chooseMessageFile: '选择文件',
  saveImageToPhotosAlbum: '保存图片到相册',
  setClipboardData: '复制内容',
  getClipboardData: '读取剪贴板',
  getLocation: '获取您的位置',
  chooseLocation: '选择位置',
};
function purposeOf(referrer: string): string {
  return PURPOSES[referrer.replace(/^wx\./, '')] ?? '使用这项功能';
}

interface Panel {
  owner: object;
  ask(resolve: Resolve, referrer: string): void;
}
/** Panels of pages on screen, the newest last (a page hidden behind another leaves it). */
const shown: Panel[] = [];
let listening = false;

function listen(): void {
  if (listening) return;
  const on = privacyApi().onNeedPrivacyAuthorization;
  if (typeof on !== 'function') return;
  try {
    on.call(wx, (resolve, info) => {
      const panel = shown[shown.length - 1];
      // A page without the panel (privacy.test.ts keeps this from happening): fail the API
      // with a privacy error the page can word, rather than leave it paused for ever.
      if (!panel) safely(resolve, { event: 'disagree' });
      else panel.ask(resolve, String(info?.referrer ?? ''));
    });
    listening = true;
  } catch {
    // No privacy listener on this host; WeChat shows its own dialog, if any.
  }
}

function safely(resolve: Resolve, answer: Parameters<Resolve>[0]): void {
  try {
    resolve(answer);
  } catch {
    // The request already ended (page closed, API timed out): nothing left to answer.
  }
}

function show(owner: object, panel: Panel): void {
  hide(owner);
  shown.push(panel);
}
function hide(owner: object): void {
  const i = shown.findIndex((p) => p.owner === owner);
  if (i >= 0) shown.splice(i, 1);
}

interface PanelState {
  pending: Resolve[];
  panel: Panel | null;
}
const state = new WeakMap<object, PanelState>();
function st(owner: object): PanelState {
  let s = state.get(owner);
  if (!s) state.set(owner, (s = { pending: [], panel: null }));
  return s;
}

Component({
  options: { addGlobalClass: true },

  data: {
    visible: false,
    elderly: false,
    purpose: '',
    contractName: DEFAULT_CONTRACT,
    /** From wx.getPrivacySetting: the user has not agreed to the current guide yet. */
    needed: false,
    contractError: '',
    agreeButtonId: AGREE_BUTTON_ID,
  },

  lifetimes: {
    attached() {
      const s = st(this);
      s.panel = {
        owner: this,
        ask: (resolve, referrer) => this.ask(resolve, referrer),
      };
      show(this, s.panel);
      listen();
      this.readSetting();
    },
    detached() {
      hide(this);
      // The page is gone: a request it was showing must not stay paused.
      this.answer({ event: 'disagree' }, false);
    },
  },

  pageLifetimes: {
    show() {
      const s = st(this);
      if (s.panel) show(this, s.panel);
    },
    hide() {
      hide(this);
    },
  },

  methods: {
    /** Contract name and whether consent is still needed; missing API: keep the defaults. */
    readSetting() {
      const get = privacyApi().getPrivacySetting;
      if (typeof get !== 'function') return;
      try {
        get.call(wx, {
          success: (r) =>
            this.setData({
              needed: r.needAuthorization === true,
              contractName: r.privacyContractName || DEFAULT_CONTRACT,
            }),
        });
      } catch {
        // Defaults stand.
      }
    },

    ask(resolve: Resolve, referrer: string) {
      st(this).pending.push(resolve);
      if (!this.data.visible) {
        this.setData({
          visible: true,
          elderly: isElderlyMode(),
          purpose: purposeOf(referrer),
          contractError: '',
        });
      }
      safely(resolve, { event: 'exposureAuthorization' });
    },

    /** Answer every request waiting on this panel and close it. */
    answer(answer: Parameters<Resolve>[0], close = true) {
      const s = st(this);
      const pending = s.pending;
      s.pending = [];
      pending.forEach((resolve) => safely(resolve, answer));
      if (close && this.data.visible) this.setData({ visible: false });
    },

    /** `bind:agreeprivacyauthorization`: WeChat has recorded the tap on the agree button. */
    onAgree() {
      this.setData({ needed: false });
      this.answer({ event: 'agree', buttonId: AGREE_BUTTON_ID });
    },

    onDisagree() {
      this.answer({ event: 'disagree' });
    },

    /** The popup closed by a tap outside it: the same as 不同意. */
    onVisibleChange(e: WechatMiniprogram.CustomEvent<{ visible: boolean }>) {
      if (!e.detail.visible) this.answer({ event: 'disagree' });
    },

    onContract() {
      const open = privacyApi().openPrivacyContract;
      const failed = () => this.setData({ contractError: '暂时打不开隐私保护指引，请稍后再试' });
      if (typeof open !== 'function') {
        failed();
        return;
      }
      this.setData({ contractError: '' });
      try {
        open.call(wx, { fail: failed });
      } catch {
        failed();
      }
    },
  },
});
