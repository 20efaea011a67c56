/**
 * 开启通知提醒: the notice pages ask WeChat for the notice-reminder subscription inside the
 * tap (the only place WeChat shows its dialog), with the template id from config.ts, and
 * show the member's answer inline; nothing is offered while no template id is configured.
 */
import path from 'path';
import type { NoticeDetail, NoticeItem } from '../../typings/api';
import { ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const LIST = 'pages/notices/index';
const DETAIL = 'pages/notices/detail';
const CONFIG = path.resolve(__dirname, '../../miniprogram/config');
const TEMPLATE = 'tmpl-notice-reminder-0001';

const notice: NoticeItem = {
  noticeId: 'n1',
  title: '七月主题党日安排',
  pinned: false,
  createdAt: '2025-01-01T00:00:00.000Z',
  read: false,
  authorName: '王书记',
  excerpt: '请全体党员准时参加',
  status: 'published',
};
const detail: NoticeDetail = {
  ...notice,
  read: true,
  branchId: 'b1',
  body: '时间：7月1日 9:00',
  canManage: false,
  readCount: 1,
  audienceCount: 30,
};

/** The template ids config.ts would hold; pages load their modules afresh, so this applies. */
function configure(noticeReminder: string): void {
  jest.doMock(CONFIG, () => ({
    ...jest.requireActual(CONFIG),
    SUBSCRIBE_TEMPLATES: { noticeReminder },
  }));
}

type Answer = { success: Record<string, string> } | { fail: { errCode: number; errMsg: string } };

interface SubscribeCall {
  tmplIds: string[];
  /** Whether WeChat would have shown its dialog: called while the page's tap handler ran. */
  inTap: boolean;
}

/** Replace wx.requestSubscribeMessage; the member's answer arrives asynchronously. */
function stubSubscribe(answer: Answer): SubscribeCall[] {
  const calls: SubscribeCall[] = [];
  stubWx('requestSubscribeMessage', (opts: WechatMiniprogram.RequestSubscribeMessageOption) => {
    calls.push({
      tmplIds: opts.tmplIds,
      inTap: /onSubscribe/.test(new Error().stack ?? ''),
    });
    setTimeout(() => {
      if ('success' in answer) {
        opts.success?.({ errMsg: 'requestSubscribeMessage:ok', ...answer.success });
      } else {
        opts.fail?.(answer.fail);
      }
    }, 1);
  });
  return calls;
}

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string>): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const button = (page: LoadedPage) => page.page.querySelector('#subscribe');
const result = (page: LoadedPage) => page.page.querySelector('#subscribe-result')?.dom?.textContent;

beforeAll(() => {
  prepare(LIST);
  prepare(DETAIL);
}, 60_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
  stubBackend({
    'branch.listNotices': () => ok({ items: [notice], nextCursor: null }),
    'branch.readNotice': () => ok(detail),
  });
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
  jest.dontMock(CONFIG);
});

describe('notices list: 开启通知提醒', () => {
  test('the tap asks WeChat, inside the tap, for the configured template; accept is confirmed', async () => {
    configure(TEMPLATE);
    const calls = stubSubscribe({ success: { [TEMPLATE]: 'accept' } });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    expect(button(page)!.instance.data.ariaLabel).toBe('开启通知提醒');
    expect(calls).toHaveLength(0);

    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('已开启提醒'));
    expect(calls).toEqual([{ tmplIds: [TEMPLATE], inTap: true }]);
    expect(page.instance.data.subscribeAccepted).toBe(true);
  });

  test('reject says how to turn it on, and the button stays to ask again', async () => {
    configure(TEMPLATE);
    const calls = stubSubscribe({ success: { [TEMPLATE]: 'reject' } });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('您没有允许提醒'));
    expect(result(page)).toContain('通知管理');
    expect(page.instance.data.subscribeAccepted).toBe(false);

    tap(button(page));
    await waitFor(() => expect(calls).toHaveLength(2));
  });

  test('a banned template reads as unavailable', async () => {
    configure(TEMPLATE);
    stubSubscribe({ success: { [TEMPLATE]: 'ban' } });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('通知提醒暂不可用'));
  });

  test('the main switch turned off (20004) points to 通知管理', async () => {
    configure(TEMPLATE);
    stubSubscribe({ fail: { errCode: 20004, errMsg: 'requestSubscribeMessage:fail' } });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('您关闭了本小程序的消息提醒'));
  });

  test('hidden when no template id is configured (the shipped config)', async () => {
    const calls = stubSubscribe({ success: {} });
    const page = open(LIST, { branchId: 'b1' });
    await waitFor(() => expect(page.page.querySelectorAll('.notice-row')).toHaveLength(1));
    expect(button(page)).toBeFalsy();
    expect(page.text()).not.toContain('开启通知提醒');
    expect(calls).toHaveLength(0);
  });
});

describe('notice detail: 开启通知提醒', () => {
  test('accept on the detail page, asked inside the tap', async () => {
    configure(TEMPLATE);
    const calls = stubSubscribe({ success: { [TEMPLATE]: 'accept' } });
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('已开启提醒'));
    expect(calls).toEqual([{ tmplIds: [TEMPLATE], inTap: true }]);
  });

  test('reject on the detail page', async () => {
    configure(TEMPLATE);
    stubSubscribe({ success: { [TEMPLATE]: 'reject' } });
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(button(page)).toBeTruthy());
    tap(button(page));
    await waitFor(() => expect(result(page)).toContain('您没有允许提醒'));
  });

  test('hidden when not configured', async () => {
    configure('  ');
    const page = open(DETAIL, { id: 'n1' });
    await waitFor(() => expect(page.page.querySelector('#notice')).toBeTruthy());
    expect(button(page)).toBeFalsy();
  });
});

describe('utils/subscribe', () => {
  function load(noticeReminder: string): typeof import('../../miniprogram/utils/subscribe') {
    configure(noticeReminder);
    let mod!: typeof import('../../miniprogram/utils/subscribe');
    jest.isolateModules(() => {
      mod = require('../../miniprogram/utils/subscribe');
    });
    return mod;
  }

  test('not configured: no call to WeChat', async () => {
    const calls = stubSubscribe({ success: {} });
    const sub = load('');
    expect(sub.isSubscribeConfigured('noticeReminder')).toBe(false);
    await expect(sub.requestSubscribe('noticeReminder')).resolves.toBe('unconfigured');
    expect(calls).toHaveLength(0);
  });

  test('calls WeChat synchronously, before the promise settles', () => {
    const calls = stubSubscribe({ success: { [TEMPLATE]: 'accept' } });
    void load(TEMPLATE).requestSubscribe('noticeReminder');
    expect(calls.map((c) => c.tmplIds)).toEqual([[TEMPLATE]]);
  });

  test('a WeChat without the API', async () => {
    stubWx('requestSubscribeMessage', undefined as never);
    await expect(load(TEMPLATE).requestSubscribe('noticeReminder')).resolves.toBe('unsupported');
  });

  test('answers and error codes map to outcomes', () => {
    const sub = load(TEMPLATE);
    expect(sub.outcomeOf('accept')).toBe('accepted');
    expect(sub.outcomeOf('acceptWithAudio')).toBe('accepted');
    expect(sub.outcomeOf('reject')).toBe('rejected');
    expect(sub.outcomeOf('filter')).toBe('unavailable');
    expect(sub.outcomeOf(undefined)).toBe('failed');
    expect(sub.outcomeOfError(20004)).toBe('switchedOff');
    expect(sub.outcomeOfError(10002)).toBe('network');
    expect(sub.outcomeOfError(20001)).toBe('unavailable');
    expect(sub.outcomeOfError(10005)).toBe('failed');
  });
});
