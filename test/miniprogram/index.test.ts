import type { MeResponse } from '../../typings/api';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import {
  restoreWx,
  stubRequest,
  useEnvVersion,
  useFontScale,
  useStorage,
  type RequestReply,
} from './helpers/wx';

const secretary: MeResponse = {
  registered: true,
  nickname: '王书记',
  kind: 'member',
  branches: [{ id: 'b1', name: '幸福社区第一党支部', role: 'secretary' }],
  serverTime: '2025-01-01T00:00:00.000Z',
};

const ok = (data: MeResponse): RequestReply => ({ statusCode: 200, data: { ok: true, data } });

const aMoment = () => new Promise((r) => setTimeout(r, 20));

let opened: LoadedPage | null = null;
function open(): LoadedPage {
  opened = loadPage('pages/index/index');
  return opened;
}

beforeAll(() => prepare('pages/index/index'), 60_000);

beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

test('shows loading, then who I am and my branch with my role, after one call', async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const requests = stubRequest(() => ({ until: answered, reply: ok(secretary) }));

  const page = open();
  expect(page.page.querySelector('#state-loading')).toBeTruthy();
  expect(page.text()).toContain('正在加载');
  expect(page.text()).not.toContain('王书记');

  await aMoment();
  expect(page.text()).toContain('正在加载');
  answer();
  await waitFor(() => expect(page.text()).toContain('你好，王书记'));
  expect(page.page.querySelector('#state-loading')).toBeFalsy();
  expect(page.text()).toContain('我的支部');
  expect(page.text()).toContain('幸福社区第一党支部');
  expect(page.text()).toContain('书记');
  expect(requests).toHaveLength(1);
  expect(requests[0].url).toMatch(/\/functions\/user$/);
  expect(requests[0].data).toEqual({ action: 'me' });
});

test('a newcomer without a branch is told so instead of an empty list', async () => {
  stubRequest(() => ok({ ...secretary, nickname: null, kind: 'guest', branches: [] }));
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#no-branch')).toBeTruthy());
  expect(page.text()).toContain('欢迎使用网上支部');
  expect(page.text()).toContain('还没有加入党支部');
  expect(page.page.querySelector('#branches')).toBeFalsy();
});

test('a failed call shows the reason and a retry button that loads again', async () => {
  const requests = stubRequest((_req, i) =>
    i === 0 ? { fail: 'request:fail errcode:-102' } : ok(secretary),
  );
  const page = open();

  await waitFor(() => expect(page.page.querySelector('#state-error')).toBeTruthy());
  expect(page.text()).toContain('网络不可用');
  const retry = page.page.querySelector('#retry');
  expect(retry).toBeTruthy();
  expect(retry!.instance.data.ariaLabel).toBe('重新加载');

  tap(retry!);
  await waitFor(() => expect(page.text()).toContain('你好，王书记'));
  expect(page.page.querySelector('#state-error')).toBeFalsy();
  expect(requests).toHaveLength(2);
});

test("the server's own error message is what the user reads", async () => {
  stubRequest(() => ({
    statusCode: 200,
    data: { ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } },
  }));
  const page = open();
  await waitFor(() => expect(page.text()).toContain('系统繁忙，请稍后再试'));
});

test('tapping retry twice while loading starts only one call', async () => {
  const requests = stubRequest((_req, i) => (i === 0 ? { fail: 'request:fail' } : { never: true }));
  const page = open();
  await waitFor(() => expect(page.page.querySelector('#retry')).toBeTruthy());
  const retry = page.page.querySelector('#retry')!;
  tap(retry);
  page.instance.onRetry();
  await waitFor(() => expect(page.page.querySelector('#state-loading')).toBeTruthy());
  expect(requests).toHaveLength(2);
});

describe('长辈模式', () => {
  const rootClass = (page: LoadedPage) => page.page.dom!.firstElementChild!.className;

  test('follows an enlarged WeChat font size', async () => {
    useFontScale(1.3);
    stubRequest(() => ok(secretary));
    const page = open();
    expect(rootClass(page)).toMatch(/\belderly\b/);
  });

  test('stays off at the standard font size', () => {
    stubRequest(() => ok(secretary));
    const page = open();
    expect(rootClass(page)).not.toMatch(/elderly/);
  });

  test('an explicit choice in settings wins over the font size', () => {
    useStorage({ 'settings.elderlyMode': 'on' });
    stubRequest(() => ok(secretary));
    expect(rootClass(open())).toMatch(/elderly/);
  });
});
