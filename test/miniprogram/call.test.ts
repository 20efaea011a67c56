import type { MeResponse } from '../../typings/api';
import {
  restoreWx,
  stubCloud,
  stubRequest,
  useEnvVersion,
  useStorage,
  type RequestReply,
} from './helpers/wx';

type CallModule = typeof import('../../miniprogram/services/call');

/** A fresh copy per test, so module state (cloud init) never carries over. */
function freshCall(): CallModule {
  let mod: CallModule | undefined;
  jest.isolateModules(() => {
    mod = require('../../miniprogram/services/call');
  });
  return mod!;
}

const me: MeResponse = {
  registered: true,
  nickname: '李明',
  kind: 'member',
  branches: [{ id: 'b1', name: '幸福社区第一党支部', role: 'member' }],
  serverTime: '2025-01-01T00:00:00.000Z',
};

const okReply = (): RequestReply => ({ statusCode: 200, data: { ok: true, data: me } });

beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
});
afterEach(() => {
  restoreWx();
  jest.useRealTimers();
});

describe('local mode (emulator gateway)', () => {
  test('POSTs the event to the gateway with the demo openid and returns the envelope', async () => {
    const requests = stubRequest(okReply);
    const res = await freshCall().call('user', 'me');

    expect(res).toEqual({ ok: true, data: me });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('http://127.0.0.1:3000/functions/user');
    expect(requests[0].method).toBe('POST');
    expect(requests[0].header).toMatchObject({ 'X-WX-OPENID': 'demo-member' });
    expect(requests[0].data).toEqual({ action: 'me' });
  });

  test('storage overrides choose the demo user and gateway, read at call time', async () => {
    const storage = useStorage({ 'dev.openid': 'demo-secretary' });
    const requests = stubRequest(okReply);
    const { call } = freshCall();
    await call('user', 'me');
    storage.set('dev.openid', 'demo-resident');
    storage.set('dev.gatewayUrl', 'http://192.168.1.20:3000/');
    await call('user', 'me');

    expect(requests.map((r) => r.header?.['X-WX-OPENID'])).toEqual([
      'demo-secretary',
      'demo-resident',
    ]);
    expect(requests[1].url).toBe('http://192.168.1.20:3000/functions/user');
  });

  test('sends data and requestId when given', async () => {
    const requests = stubRequest(okReply);
    const { call, newRequestId } = freshCall();
    const requestId = newRequestId();
    await call('user', 'me', undefined, { requestId });
    // Cast: the contract has no mutating action yet; the wire format is what matters here.
    await (call as any)('user', 'me', { page: 2 }, { requestId });

    expect(requests[0].data).toEqual({ action: 'me', requestId });
    expect(requests[1].data).toEqual({ action: 'me', data: { page: 2 }, requestId });
  });

  test("passes the function's own error through unchanged", async () => {
    stubRequest(() => ({
      statusCode: 200,
      data: { ok: false, error: { code: 'FORBIDDEN', message: '只有书记可以审批' } },
    }));
    const res = await freshCall().call('user', 'me');
    expect(res).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: '只有书记可以审批' } });
  });

  test('an error code this client does not know reads as INTERNAL but keeps its message', async () => {
    stubRequest(() => ({
      statusCode: 200,
      data: { ok: false, error: { code: 'SOMETHING_NEW', message: '请升级微信' } },
    }));
    const res = await freshCall().call('user', 'me');
    expect(res).toEqual({ ok: false, error: { code: 'INTERNAL', message: '请升级微信' } });
  });

  test.each<[string, RequestReply, string]>([
    [
      'connection refused',
      { fail: 'request:fail errcode:-102 cronet_error_code:-102' },
      '网络不可用',
    ],
    ['timeout', { fail: 'request:fail timeout' }, '网络超时'],
    ['gateway 502', { statusCode: 502, data: 'Bad Gateway' }, '服务暂时不可用'],
    [
      'function timed out (emulator answers the cloud errCode)',
      {
        statusCode: 500,
        data: { errCode: -504003, errMsg: 'Invoking task timed out after 3 seconds' },
      },
      '网络超时',
    ],
    [
      'function crashed',
      { statusCode: 500, data: { errCode: -504002, errMsg: 'functions execute fail' } },
      '服务暂时不可用',
    ],
    ['gateway 404', { statusCode: 404, data: { ok: false } }, '服务暂时不可用'],
    ['HTML instead of JSON', { statusCode: 200, data: '<html>oops</html>' }, '服务暂时不可用'],
    ['JSON that is no envelope', { statusCode: 200, data: { hello: 1 } }, '服务暂时不可用'],
    [
      'error without message',
      { statusCode: 200, data: { ok: false, error: { code: 'X' } } },
      '服务暂时不可用',
    ],
  ])(
    'transport failure (%s) becomes UNAVAILABLE with a Chinese message',
    async (_name, reply, text) => {
      stubRequest(() => reply);
      const res = await freshCall().call('user', 'me');
      expect(res.ok).toBe(false);
      if (res.ok) return;
      expect(res.error.code).toBe('UNAVAILABLE');
      expect(res.error.message).toContain(text);
      expect(res.error.message).toMatch(/重试/);
    },
  );

  test('a wx.request that throws still resolves, never rejects', async () => {
    (wx as any).request = () => {
      throw new Error('request:fail url not in domain list');
    };
    const res = await freshCall().call('user', 'me');
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });

  test('a JSON string body (dataType not applied) is still understood', async () => {
    stubRequest(() => ({ statusCode: 200, data: JSON.stringify({ ok: true, data: me }) }));
    expect(await freshCall().call('user', 'me')).toEqual({ ok: true, data: me });
  });
});

describe('cloud mode (CloudBase)', () => {
  test('calls wx.cloud.callFunction with the event and returns res.result', async () => {
    useStorage({ 'dev.mode': 'cloud' });
    const requests = stubRequest(okReply);
    const cloud = stubCloud(() => ({ result: { ok: true, data: me } }));
    const { call } = freshCall();

    const first = await call('user', 'me', undefined, { requestId: 'r-1' });
    await call('user', 'me');

    expect(first).toEqual({ ok: true, data: me });
    expect(cloud.calls).toEqual([
      { name: 'user', data: { action: 'me', requestId: 'r-1' } },
      { name: 'user', data: { action: 'me' } },
    ]);
    expect(cloud.init).toHaveBeenCalledTimes(1);
    expect(requests).toHaveLength(0);
  });

  test('trial and release builds always use the cloud and ignore dev overrides', async () => {
    useEnvVersion('release');
    useStorage({ 'dev.mode': 'local', 'dev.openid': 'demo-secretary' });
    const requests = stubRequest(okReply);
    const cloud = stubCloud(() => ({ result: { ok: true, data: me } }));

    await freshCall().call('user', 'me');

    expect(requests).toHaveLength(0);
    expect(cloud.calls).toHaveLength(1);
    expect(JSON.stringify(cloud.calls)).not.toContain('demo-secretary');
  });

  test.each<[string, { errMsg: string; errCode?: number }, string]>([
    [
      'function timed out',
      { errMsg: 'cloud.callFunction:fail Invoking task timed out', errCode: -504003 },
      '网络超时',
    ],
    [
      'other failure',
      { errMsg: 'cloud.callFunction:fail -501000', errCode: -501000 },
      '网络不可用',
    ],
  ])('callFunction failure (%s) becomes UNAVAILABLE', async (_name, fail, text) => {
    useStorage({ 'dev.mode': 'cloud' });
    stubCloud(() => ({ fail }));
    const res = await freshCall().call('user', 'me');
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    if (!res.ok) expect(res.error.message).toContain(text);
  });

  test('a malformed result becomes UNAVAILABLE', async () => {
    useStorage({ 'dev.mode': 'cloud' });
    stubCloud(() => ({ result: undefined }));
    expect(await freshCall().call('user', 'me')).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
  });

  test('a call that never answers times out instead of spinning forever', async () => {
    jest.useFakeTimers();
    useStorage({ 'dev.mode': 'cloud' });
    stubCloud(() => ({ never: true }));
    const pending = freshCall().call('user', 'me');
    await jest.advanceTimersByTimeAsync(15000);
    const res = await pending;
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    if (!res.ok) expect(res.error.message).toContain('网络超时');
  });
});

test('newRequestId gives distinct ids', () => {
  const { newRequestId } = freshCall();
  const ids = new Set(Array.from({ length: 1000 }, () => newRequestId()));
  expect(ids.size).toBe(1000);
  for (const id of ids) expect(id).toMatch(/^[0-9a-z]+-[0-9a-z]{14}$/);
});

describe('which back end a build uses', () => {
  const { resolveMode } =
    require('../../miniprogram/config') as typeof import('../../miniprogram/config');

  test('develop builds use the emulator until a CloudBase environment is configured', () => {
    expect(resolveMode('develop', '', '')).toBe('local');
    expect(resolveMode('develop', '', 'zhibu-prod-1a2b')).toBe('cloud');
  });

  test('dev.mode overrides the default of a develop build, both ways', () => {
    expect(resolveMode('develop', 'cloud', '')).toBe('cloud');
    expect(resolveMode('develop', 'local', 'zhibu-prod-1a2b')).toBe('local');
  });

  test('trial and release builds always use the cloud', () => {
    expect(resolveMode('trial', 'local', '')).toBe('cloud');
    expect(resolveMode('release', 'local', '')).toBe('cloud');
  });
});
