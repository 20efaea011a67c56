/**
 * 绑定连心卡 (issue #7). The card code comes from the scanned mini-program code (`?scene=`, the
 * card code, as `wxacode.getUnlimited` made it), from a `?code=` link, from 扫一扫连心卡
 * (`wx.scanCode`: a mini-program code answers its `path`, a plain QR code its `result`) or is
 * typed. A code goes on only when it is a printed one: 8 characters, letters and 2–9, after
 * spaces and dashes are dropped and letters raised (「连心卡号是 8 位，请核对」 otherwise). Then
 * one screen asks 「请输入户主手机号后四位」 and one big 确认绑定 sends
 * `bindResident { cardCode, phoneLast4 }`. Wrong digits say how many tries are left and clear
 * the spent digits; a locked card (`RATE_LIMITED`) says to wait an hour; an unknown card takes
 * the resident back to the code with the digits kept (a wrong code spends no try). Bound:
 * 绑定成功 with the member's name, then home is opened afresh (it shows 我的中心户).
 * No call on open.
 */
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery } from '../../../utils/nav';
import { pageState } from '../../../utils/page';
import { isPermissionDenied, isPrivacyRefusal, isUserCancel } from '../../../utils/privacy';
import { cardCodeError, cardCodeFromScan, normalizeCardCode } from '../shared';

/** code: scan or type the card; digits: the last four digits; done: bound. */
type Step = 'code' | 'digits' | 'done';

/** Seconds the success screen stays before home opens by itself. */
const DONE_DELAY_MS = 1500;

interface PageState {
  intents: Intents;
  timer: ReturnType<typeof setTimeout> | null;
}
const st = pageState<PageState>(() => ({ intents: new Intents(), timer: null }));

const NOT_FOUND_TEXT = '没有找到这张连心卡，请核对卡上的号码，或重新扫一扫';

/** What a failed `wx.scanCode` means ('' when the resident closed the scanner). */
function scanFailText(err: unknown): string {
  if (isUserCancel(err)) return '';
  if (isPrivacyRefusal(err))
    return '您还没有同意隐私保护指引，不能扫码。再点一次「扫一扫连心卡」，可以查看并同意。';
  if (isPermissionDenied(err))
    return '没有使用摄像头的权限，请点右上角「···」›「设置」允许使用摄像头，或直接输入卡上的号码。';
  return '没有扫到连心卡，请对准卡上的小程序码再试，或直接输入卡上的号码';
}

Component({
  data: {
    elderly: false,
    step: 'code' as Step,
    code: '',
    codeError: '',
    digits: '',
    error: '',
    /** The card is locked: 确认绑定 waits (RATE_LIMITED). */
    locked: false,
    scanning: false,
    binding: false,
    memberName: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const q = decodeQuery(query);
      const code = normalizeCardCode(q.scene ?? q.code ?? '');
      // A link with a mistyped code opens on the code, to be corrected.
      const codeError = code ? cardCodeError(code) : '';
      this.setData({
        elderly: isElderlyMode(),
        code,
        codeError,
        step: code && !codeError ? 'digits' : 'code',
      });
    },

    onUnload() {
      const s = st(this);
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    },

    onScan() {
      if (this.data.scanning) return;
      this.setData({ scanning: true, codeError: '' });
      try {
        wx.scanCode({
          scanType: ['wxCode', 'qrCode'],
          success: (res) => {
            const code = cardCodeFromScan(res as { path?: string; result?: string });
            if (code) this.useCode(code);
            else
              this.setData({
                scanning: false,
                codeError: '这不是连心卡上的码，请对准连心卡上的小程序码再扫',
              });
          },
          fail: (err) => this.setData({ scanning: false, codeError: scanFailText(err) }),
        });
      } catch {
        this.setData({ scanning: false, codeError: '当前微信版本不能扫码，请直接输入卡上的号码' });
      }
    },

    /** On to the digits; digits typed for an earlier, wrong code are kept (none was spent). */
    useCode(code: string) {
      this.setData({
        scanning: false,
        code,
        codeError: '',
        step: 'digits',
        error: '',
        locked: false,
      });
    },

    onCodeInput(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ code: normalizeCardCode(String(e.detail.value ?? '')), codeError: '' });
    },

    onCodeNext() {
      const code = normalizeCardCode(this.data.code);
      const codeError = cardCodeError(code);
      if (codeError) {
        this.setData({ code, codeError });
        return;
      }
      this.useCode(code);
    },

    /** 换一张卡: back to scanning or typing (the digits stay: they are the householder's). */
    onChangeCard() {
      if (this.data.binding) return;
      this.setData({ step: 'code', error: '', locked: false, codeError: '' });
    },

    onDigits(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const digits = String(e.detail.value ?? '')
        .replace(/\D/g, '')
        .slice(0, 4);
      this.setData({ digits, error: this.data.locked ? this.data.error : '' });
    },

    async onBind() {
      if (this.data.binding) return;
      const cardCode = this.data.code;
      const phoneLast4 = this.data.digits;
      if (!/^\d{4}$/.test(phoneLast4)) {
        this.setData({ error: '请输入 4 位数字：户主手机号的最后四位' });
        return;
      }
      const s = st(this);
      const key = `${cardCode}:${phoneLast4}`;
      this.setData({ binding: true, error: '' });
      const res = await call(
        'liaison',
        'bindResident',
        { cardCode, phoneLast4 },
        { requestId: s.intents.id(key) },
      );
      if (!res.ok) {
        s.intents.done(key);
        const { code, message } = res.error;
        const fields = (res.error.details as { fields?: unknown } | undefined)?.fields;
        const about = (f: string) => Array.isArray(fields) && fields.includes(f);
        if (code === 'NOT_FOUND' || (code === 'INVALID_ARGUMENT' && about('cardCode'))) {
          // The code is wrong, not the digits: back to the code, digits kept for the retry.
          this.setData({
            binding: false,
            step: 'code',
            error: '',
            codeError: code === 'NOT_FOUND' ? NOT_FOUND_TEXT : message,
          });
          return;
        }
        this.setData({
          binding: false,
          locked: code === 'RATE_LIMITED',
          error: message,
          // A wrong try is spent: the next one starts from an empty box.
          ...(code === 'INVALID_ARGUMENT' && about('phoneLast4') ? { digits: '' } : {}),
        });
        return;
      }
      s.intents.done(key);
      this.setData({ binding: false, step: 'done', memberName: res.data.member.name });
      s.timer = setTimeout(() => this.goHome(), DONE_DELAY_MS);
    },

    /** Home opened afresh, so its branch.me carries the new card. */
    goHome() {
      const s = st(this);
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      wx.reLaunch({ url: ROUTES.home });
    },

    onGoHome() {
      this.goHome();
    },
  },
});
