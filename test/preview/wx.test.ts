/**
 * The `wx` shim of the browser preview (preview/runtime/wx/): what page code calls, with
 * WeChat's calling conventions (callbacks or a Promise, `errMsg` on every result), against a
 * fake host and a mocked fetch standing in for the emulator gateway.
 */
import { createWx, missingWxApis } from '../../preview/runtime/wx';
import { GATEWAY, byText, fakeHost, settle } from './helpers';

const host = fakeHost('demo-secretary');
const wx = createWx(host);

/** A fetch Response as far as the shim reads it. */
function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const all = { 'content-type': 'application/json', ...headers };
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      forEach: (fn: (value: string, key: string) => void) =>
        Object.entries(all).forEach(([k, v]) => fn(v, k)),
    },
    text: async () => text,
  } as unknown as Response;
}

let fetchMock: jest.Mock;
const g = globalThis as Record<string, any>;

/** The url and init of the `n`th fetch. */
function fetched(n = 0): { url: string; init: RequestInit & { headers: Record<string, string> } } {
  const [url, init] = fetchMock.mock.calls[n];
  return { url, init };
}

function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** Call `api` with callbacks; resolves with which callback ran and its object. */
function withCallbacks(api: (o: Record<string, unknown>) => unknown, o: Record<string, unknown>) {
  return new Promise<{ via: 'success' | 'fail'; res: any; complete: any; returned: unknown }>(
    (resolve) => {
      let via: 'success' | 'fail' = 'success';
      let res: unknown;
      const returned = api({
        ...o,
        success: (r: unknown) => {
          via = 'success';
          res = r;
        },
        fail: (r: unknown) => {
          via = 'fail';
          res = r;
        },
        complete: (complete: unknown) => resolve({ via, res, complete, returned }),
      });
    },
  );
}

let blobCount = 0;
beforeAll(() => {
  // jsdom has no object URLs; the shim names picked files by them.
  (URL as any).createObjectURL = jest.fn(() => `blob:http://localhost/${++blobCount}`);
});

beforeEach(() => {
  localStorage.clear();
  fetchMock = jest.fn();
  g.fetch = fetchMock;
});

afterEach(() => {
  delete g.fetch;
  host.overlay.replaceChildren();
  jest.restoreAllMocks();
});

describe('storage', () => {
  it('round-trips objects, numbers and booleans synchronously; a missing key is ""', () => {
    wx.setStorageSync('profile', { name: '张三', roles: ['member'] });
    wx.setStorageSync('count', 0);
    wx.setStorageSync('flag', false);
    expect(wx.getStorageSync('profile')).toEqual({ name: '张三', roles: ['member'] });
    expect(wx.getStorageSync('count')).toBe(0);
    expect(wx.getStorageSync('flag')).toBe(false);
    expect(wx.getStorageSync('never-set')).toBe('');
    wx.removeStorageSync('count');
    expect(wx.getStorageSync('count')).toBe('');
    expect(wx.getStorageInfoSync().keys.sort()).toEqual(['flag', 'profile']);
  });

  it('keeps the storage of each demo caller apart, as WeChat keeps it per user', () => {
    wx.setStorageSync('elderly', true);
    const other = createWx(fakeHost('demo-resident'));
    expect(other.getStorageSync('elderly')).toBe('');
    other.setStorageSync('elderly', false);
    const again = createWx(fakeHost(host.openid()));
    expect(again.getStorageSync('elderly')).toBe(true);
  });

  it('throws WeChat errMsg from the sync forms on a bad key', () => {
    expect(() => wx.getStorageSync(42)).toThrow(
      'getStorageSync:fail parameter error: parameter.key should be String instead of number',
    );
  });

  it('clearStorageSync leaves the preview shell keys alone', () => {
    localStorage.setItem('preview-shell.caller', 'demo-member');
    wx.setStorageSync('a', 1);
    wx.clearStorageSync();
    expect(wx.getStorageSync('a')).toBe('');
    expect(localStorage.getItem('preview-shell.caller')).toBe('demo-member');
  });

  it('async forms: Promise without callbacks, errMsg on results and failures', async () => {
    await expect(wx.setStorage({ key: 'n', data: 7 })).resolves.toEqual({
      errMsg: 'setStorage:ok',
    });
    await expect(wx.getStorage({ key: 'n' })).resolves.toEqual({
      data: 7,
      errMsg: 'getStorage:ok',
    });
    await expect(wx.getStorage({ key: 'missing' })).rejects.toEqual({
      errMsg: 'getStorage:fail data not found',
    });
  });

  it('async forms: callbacks after the call returned, complete with the same object', async () => {
    wx.setStorageSync('obj', { a: 1 });
    const success = jest.fn();
    const returned = wx.getStorage({ key: 'obj', success });
    expect(returned).toBeUndefined();
    expect(success).not.toHaveBeenCalled();
    await settle();
    expect(success).toHaveBeenCalledWith({ data: { a: 1 }, errMsg: 'getStorage:ok' });

    const failed = await withCallbacks(wx.getStorage, { key: 'missing' });
    expect(failed.via).toBe('fail');
    expect(failed.res).toEqual({ errMsg: 'getStorage:fail data not found' });
    expect(failed.complete).toBe(failed.res);
  });
});

describe('interaction', () => {
  it('showModal resolves confirm when 确定 is clicked', async () => {
    const p = wx.showModal({ title: '删除通知', content: '删除后不可恢复' });
    expect(host.overlay.textContent).toContain('删除通知');
    expect(host.overlay.textContent).toContain('删除后不可恢复');
    byText(host.overlay, 'button', '确定').click();
    await expect(p).resolves.toEqual({ confirm: true, cancel: false, errMsg: 'showModal:ok' });
    expect(host.overlay.querySelector('button')).toBeNull();
  });

  it('showModal reports cancel for 取消, through callbacks too', async () => {
    const done = withCallbacks(wx.showModal, { title: '退出登录？' });
    byText(host.overlay, 'button', '取消').click();
    const r = await done;
    expect(r.returned).toBeUndefined();
    expect(r.via).toBe('success');
    expect(r.res).toEqual({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
  });

  it('showModal with showCancel false has only 确定', async () => {
    const p = wx.showModal({ content: '已提交', showCancel: false, confirmText: '知道了' });
    const buttons = Array.from(host.overlay.querySelectorAll('button')).map((b) => b.textContent);
    expect(buttons).toEqual(['知道了']);
    byText(host.overlay, 'button', '知道了').click();
    await expect(p).resolves.toMatchObject({ confirm: true });
  });

  it('showToast renders the title and goes away after the duration', async () => {
    await expect(wx.showToast({ title: '已保存', icon: 'none', duration: 10 })).resolves.toEqual({
      errMsg: 'showToast:ok',
    });
    expect(host.overlay.querySelector('.wxp-toast-text')?.textContent).toBe('已保存');
    await settle(30);
    expect(host.overlay.querySelector('.wxp-toast')).toBeNull();
  });

  it('showActionSheet resolves the tapped index and fails with cancel', async () => {
    const p = wx.showActionSheet({ itemList: ['拍照', '从相册选择'] });
    byText(host.overlay, 'button', '从相册选择').click();
    await expect(p).resolves.toEqual({ tapIndex: 1, errMsg: 'showActionSheet:ok' });
    const q = wx.showActionSheet({ itemList: ['拍照'] });
    byText(host.overlay, 'button', '取消').click();
    await expect(q).rejects.toEqual({ errMsg: 'showActionSheet:fail cancel' });
  });
});

describe('request', () => {
  it('GET puts data in the query string', async () => {
    fetchMock.mockResolvedValue(reply(200, { list: [1] }));
    const r = await withCallbacks(wx.request, {
      url: 'https://api.test/notices?branch=b1',
      data: { q: '支部 会议', page: 2, filter: { read: false } },
    });
    const { url, init } = fetched();
    expect(url).toBe(
      'https://api.test/notices?branch=b1' +
        `&q=${encodeURIComponent('支部 会议')}&page=2` +
        `&filter=${encodeURIComponent('{"read":false}')}`,
    );
    expect(init.method).toBe('GET');
    expect(init.body).toBeUndefined();
    expect(r.via).toBe('success');
    expect(r.res).toEqual({
      data: { list: [1] },
      statusCode: 200,
      header: { 'content-type': 'application/json' },
      cookies: [],
      errMsg: 'request:ok',
    });
    // A task, not a Promise, comes back.
    expect(typeof (r.returned as { abort: unknown }).abort).toBe('function');
  });

  it('POST sends the data as a JSON body with the page headers', async () => {
    fetchMock.mockResolvedValue(reply(201, 'plain text', { 'content-type': 'text/plain' }));
    const r = await withCallbacks(wx.request, {
      url: 'https://api.test/items',
      method: 'post',
      header: { 'X-Token': 't1' },
      data: { title: '学习', tags: ['a'] },
    });
    const { init } = fetched();
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ title: '学习', tags: ['a'] });
    expect(init.headers).toMatchObject({ 'content-type': 'application/json', 'x-token': 't1' });
    // Non-JSON text stays text; any HTTP status is a success for wx.request.
    expect(r.res).toMatchObject({ data: 'plain text', statusCode: 201, errMsg: 'request:ok' });
  });

  it('fails with request:fail timeout when the answer is too late', async () => {
    fetchMock.mockImplementation(
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    const r = await withCallbacks(wx.request, { url: 'https://api.test/slow', timeout: 20 });
    expect(r.via).toBe('fail');
    expect(r.res).toEqual({ errMsg: 'request:fail timeout' });
    expect(r.complete).toEqual({ errMsg: 'request:fail timeout' });
  });

  it('fails with request:fail abort when the task is aborted', async () => {
    fetchMock.mockImplementation(
      (_url: string, init: RequestInit) =>
        new Promise((_resolve, reject) =>
          init.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    const done = new Promise<any>((resolve) => {
      const task = wx.request({ url: 'https://api.test/slow', fail: resolve });
      task.abort();
    });
    await expect(done).resolves.toEqual({ errMsg: 'request:fail abort' });
  });
});

describe('wx.cloud', () => {
  it('refuses calls before wx.cloud.init', async () => {
    const fresh = createWx(host);
    await expect(fresh.cloud.callFunction({ name: 'branch' })).rejects.toMatchObject({
      errCode: -1,
      errMsg: expect.stringContaining('cloud.callFunction:fail 请先调用 wx.cloud.init()'),
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('callFunction posts the data to the gateway as the chosen caller', async () => {
    wx.cloud.init({ env: 'local' });
    fetchMock.mockResolvedValue(reply(200, { ok: true, data: { id: 'b1' } }));
    const data = { action: 'get', data: { branchId: 'b1' } };
    await expect(wx.cloud.callFunction({ name: 'branch', data })).resolves.toEqual({
      result: { ok: true, data: { id: 'b1' } },
      requestID: '',
      errMsg: 'cloud.callFunction:ok',
    });
    const { url, init } = fetched();
    expect(url).toBe(`${GATEWAY}/functions/branch`);
    expect(init.method).toBe('POST');
    expect(init.headers['X-WX-OPENID']).toBe('demo-secretary');
    expect(JSON.parse(String(init.body))).toEqual(data);
  });

  it('callFunction fails with the cloud errCode on a non-2xx answer', async () => {
    wx.cloud.init();
    fetchMock.mockResolvedValue(reply(500, { errCode: -504002, errMsg: 'functions execute fail' }));
    const r = await withCallbacks(wx.cloud.callFunction, { name: 'notice', data: {} });
    expect(r.via).toBe('fail');
    expect(r.res).toEqual({
      errCode: -504002,
      errMsg: 'cloud.callFunction:fail functions execute fail',
    });

    fetchMock.mockResolvedValue(reply(502, 'Bad Gateway'));
    await expect(wx.cloud.callFunction({ name: 'notice' })).rejects.toMatchObject({
      errCode: -1,
      errMsg: expect.stringMatching(/^cloud\.callFunction:fail /),
    });

    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(wx.cloud.callFunction({ name: 'notice' })).rejects.toEqual({
      errCode: -1,
      errMsg: 'cloud.callFunction:fail network error: Failed to fetch',
    });
  });

  it('uploadFile sends the picked file bytes to /storage-upload', async () => {
    wx.cloud.init();
    const picked = wx.chooseImage({ count: 1 });
    const input = host.overlay.querySelector<HTMLInputElement>('input[type=file]');
    if (!input) throw new Error('chooseImage opened no file picker');
    expect(input.accept).toBe('image/*');
    const file = new File(['photo bytes'], 'me.png', { type: 'image/png' });
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change'));
    const { tempFilePaths, tempFiles } = await picked;
    expect(tempFilePaths).toHaveLength(1);
    expect(tempFilePaths[0]).toMatch(/^blob:.*#\.png$/);
    expect(tempFiles[0].size).toBe(file.size);

    fetchMock.mockResolvedValue(reply(200, { fileID: 'cloud://local.bucket/avatars/me 1.png' }));
    const r = await wx.cloud.uploadFile({
      cloudPath: 'avatars/me 1.png',
      filePath: tempFilePaths[0],
    });
    expect(r).toEqual({
      fileID: 'cloud://local.bucket/avatars/me 1.png',
      statusCode: 200,
      errMsg: 'cloud.uploadFile:ok',
    });
    const { url, init } = fetched();
    expect(url).toBe(
      `${GATEWAY}/storage-upload?cloudPath=${encodeURIComponent('avatars/me 1.png')}`,
    );
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({
      'X-WX-OPENID': 'demo-secretary',
      'Content-Type': 'image/png',
    });
    expect(init.body).toBeInstanceOf(Blob);
    expect(await readBlob(init.body as Blob)).toBe('photo bytes');
  });

  it('uploadFile of an unknown path fails without calling the gateway', async () => {
    wx.cloud.init();
    await expect(
      wx.cloud.uploadFile({ cloudPath: 'a.png', filePath: 'wxfile://nowhere.png' }),
    ).rejects.toMatchObject({
      errMsg: 'cloud.uploadFile:fail no such file or directory wxfile://nowhere.png',
    });
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('missing APIs', () => {
  it('reading an absent API logs once and is listed; in and canIUse do not count', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(wx.somethingMissing).toBeUndefined();
    expect(wx.somethingMissing).toBeUndefined();
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain('wx.somethingMissing');
    expect(missingWxApis()).toContain('somethingMissing');

    expect('probedWithIn' in wx).toBe(false);
    expect(wx.canIUse('probedWithCanIUse')).toBe(false);
    expect(wx.canIUse('cloud.probedToo')).toBe(false);
    // Awaiting the object reads `then`, which is not an API.
    await Promise.resolve(wx);
    expect(error).toHaveBeenCalledTimes(1);
    const listed = missingWxApis();
    for (const name of ['probedWithIn', 'probedWithCanIUse', 'cloud.probedToo', 'then']) {
      expect(listed).not.toContain(name);
    }

    expect(wx.cloud.missingCloudApi).toBeUndefined();
    expect(missingWxApis()).toContain('cloud.missingCloudApi');
  });

  it('canIUse knows the shim, wx.cloud and the built-in components', () => {
    expect(wx.canIUse('getWindowInfo')).toBe(true);
    expect(wx.canIUse('wx.requestSubscribeMessage')).toBe(true);
    expect(wx.canIUse('cloud.callFunction')).toBe(true);
    expect(wx.canIUse('rich-text')).toBe(true);
  });
});

describe('device and subscriptions', () => {
  it('requestSubscribeMessage accepts every template id', async () => {
    jest.spyOn(console, 'info').mockImplementation(() => undefined);
    await expect(wx.requestSubscribeMessage({ tmplIds: ['TPL_A', 'TPL_B'] })).resolves.toEqual({
      TPL_A: 'accept',
      TPL_B: 'accept',
      errMsg: 'requestSubscribeMessage:ok',
    });
    await expect(wx.requestSubscribeMessage({ tmplIds: [] })).rejects.toEqual({
      errCode: 10001,
      errMsg: "requestSubscribeMessage:fail TmplIds can't be empty",
    });
  });

  it('getWindowInfo is the 375 px wide phone frame', () => {
    expect(wx.getWindowInfo()).toMatchObject({
      screenWidth: 375,
      screenHeight: 812,
      windowWidth: 375,
      windowHeight: 812 - 44 - 44,
      statusBarHeight: 44,
    });
  });
});
