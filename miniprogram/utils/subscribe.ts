/**
 * 订阅消息: asking a member to accept a subscribe-message template, so a cloud function may
 * later send them one message (`subscribeMessage.send` fails with 43101 for anyone who has
 * not accepted). Each acceptance of a one-time template allows exactly one message, so the
 * pages offer the request again after it is used.
 *
 * WeChat shows its dialog only when `wx.requestSubscribeMessage` is called from a user's
 * tap: call `requestSubscribe()` synchronously inside the tap handler, before any `await`.
 * Template ids come from `SUBSCRIBE_TEMPLATES` in config.ts; an empty id means not
 * configured, and the control that would ask should not be shown at all.
 */
import { SUBSCRIBE_TEMPLATES } from '../config';

export type SubscribeTemplate = keyof typeof SUBSCRIBE_TEMPLATES;

export type SubscribeOutcome =
  /** The member accepted (or had ticked 总是保持 with accept): one message may be sent. */
  | 'accepted'
  /** The member said no, now or for good (总是保持 with reject, no dialog shown). */
  | 'rejected'
  /** The member switched off all subscribe messages of this mini-program (20004). */
  | 'switchedOff'
  /** The template cannot be used: banned, filtered, or misconfigured (ban, filter, 200xx). */
  | 'unavailable'
  /** WeChat could not fetch or send the subscription (10002, 10003). */
  | 'network'
  /** This WeChat or host has no wx.requestSubscribeMessage. */
  | 'unsupported'
  /** No template id configured. */
  | 'unconfigured'
  /** Anything else (10005: the app went to the background...). */
  | 'failed';

/** What to show after each outcome, in Chinese, fit to show inline as is. */
export const SUBSCRIBE_MESSAGES: Readonly<Record<SubscribeOutcome, string>> = {
  accepted: '已开启提醒：有未读通知时，书记可提醒您一次（微信服务通知）。用掉后可再次开启。',
  rejected:
    '您没有允许提醒。需要时请再点一次；如果不再弹出询问，请点右上角「···」›「设置」›「通知管理」开启。',
  switchedOff: '您关闭了本小程序的消息提醒，请点右上角「···」›「设置」›「通知管理」开启后再试。',
  unavailable: '通知提醒暂不可用，请联系支部书记。',
  network: '网络不可用，请检查网络后重试。',
  unsupported: '当前微信版本不支持消息提醒，请升级微信后再试。',
  unconfigured: '通知提醒尚未配置。',
  failed: '开启提醒没有成功，请稍后再试。',
};

/** The configured id of `template`, '' when not configured. */
export function templateId(template: SubscribeTemplate): string {
  return (SUBSCRIBE_TEMPLATES[template] ?? '').trim();
}

/** Whether pages should offer to subscribe to `template`. */
export function isSubscribeConfigured(template: SubscribeTemplate): boolean {
  return templateId(template) !== '';
}

/** The outcome a `requestSubscribeMessage` answer means for one template id. */
export function outcomeOf(answer: unknown): SubscribeOutcome {
  if (typeof answer !== 'string') return 'failed';
  // 'accept', and 'acceptWithAudio' / 'acceptWithAlert' of voice-reminder templates.
  if (answer.startsWith('accept')) return 'accepted';
  if (answer === 'reject') return 'rejected';
  if (answer === 'ban' || answer === 'filter') return 'unavailable';
  return 'failed';
}

/** The outcome of a `requestSubscribeMessage` failure (its errCode). */
export function outcomeOfError(errCode: number | undefined): SubscribeOutcome {
  switch (errCode) {
    case 20004:
      return 'switchedOff';
    case 10002:
    case 10003:
      return 'network';
    case 10001: // empty tmplIds
    case 10004: // wrong parameter type
    case 20001: // no such template (or of another type)
    case 20002: // one-time and long-term templates mixed
    case 20003: // too many templates
    case 20005: // subscribe messages of this mini-program are banned
      return 'unavailable';
    default:
      return 'failed';
  }
}

/**
 * Ask the member to accept `template`. Must be called synchronously from a tap handler:
 * `wx.requestSubscribeMessage` is invoked before this returns, and the promise settles once
 * the member has answered WeChat's own dialog. Never rejects.
 */
export function requestSubscribe(template: SubscribeTemplate): Promise<SubscribeOutcome> {
  const id = templateId(template);
  if (!id) return Promise.resolve('unconfigured');
  if (typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve('unsupported');
  return new Promise<SubscribeOutcome>((resolve) => {
    try {
      wx.requestSubscribeMessage({
        tmplIds: [id],
        success: (res) => resolve(outcomeOf(res[id])),
        fail: (err) => resolve(outcomeOfError(err?.errCode)),
      });
    } catch {
      resolve('failed');
    }
  });
}
