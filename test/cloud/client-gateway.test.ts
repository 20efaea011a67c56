/**
 * The whole local path a DevTools developer uses: the mini-program's own call helper,
 * the emulator's HTTP gateway, the real function through the real SDK, and back. Only
 * `wx.request` is bridged to fetch: it is the WeChat platform, not our code.
 */
import * as path from 'path';
import { Emulator, loadIndexFile } from '../../emulator/src/emulator';
import { startGateway, type Gateway } from '../../emulator/src/gateway';

const ROOT = path.resolve(__dirname, '../..');

type CallFn = (fn: string, action: string, data?: unknown) => Promise<any>;

function installWx(storage: Record<string, string>): void {
  (globalThis as any).wx = {
    getAccountInfoSync: () => ({ miniProgram: { envVersion: 'develop' } }),
    getStorageSync: (k: string) => storage[k] ?? '',
    request(opts: any) {
      fetch(opts.url, {
        method: opts.method,
        headers: opts.header,
        body: JSON.stringify(opts.data),
        signal: AbortSignal.timeout(opts.timeout ?? 15000),
      })
        .then(async (res) => {
          const text = await res.text();
          let data: unknown = text;
          try {
            data = JSON.parse(text);
          } catch {
            /* wx.request hands over the raw text when it is not JSON */
          }
          opts.success?.({ statusCode: res.status, data, header: {} });
        })
        .catch((e) => opts.fail?.({ errMsg: `request:fail ${String(e)}` }));
    },
  };
}

describe('client call helper → gateway → user function', () => {
  let emu: Emulator;
  let gw: Gateway;
  const storage: Record<string, string> = {};
  let call: CallFn;

  beforeAll(async () => {
    emu = new Emulator({
      functionsDir: path.join(ROOT, 'cloudfunctions'),
      strict: true,
      indexes: loadIndexFile(path.join(ROOT, 'database/indexes.json')),
    });
    emu.seed(Emulator.readSeedFile(path.join(ROOT, 'database/seed/demo.json')));
    gw = await startGateway(emu, { port: 0 });
    storage['dev.gatewayUrl'] = gw.url;
    installWx(storage);
    call = require('../../miniprogram/services/call').call;
  });
  afterAll(async () => {
    await gw.close();
    emu.close();
    delete (globalThis as any).wx;
  });

  test('as the default demo member the envelope arrives unchanged', async () => {
    const r = await call('user', 'me');
    expect(r).toEqual({
      ok: true,
      data: expect.objectContaining({
        registered: true,
        kind: 'member',
        branches: [expect.objectContaining({ name: '幸福里社区第一党支部', role: 'member' })],
      }),
    });
  });

  test('switching dev.openid changes who the server sees', async () => {
    storage['dev.openid'] = 'demo-secretary';
    const r = await call('user', 'me');
    expect(r.data.branches[0].role).toBe('secretary');
    delete storage['dev.openid'];
  });

  test('a function error comes back as the same error envelope', async () => {
    const r = await call('user', 'noSuchAction');
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe('INVALID_ARGUMENT');
    expect(r.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  test('a gateway that is not there becomes UNAVAILABLE with a message a page can show', async () => {
    storage['dev.gatewayUrl'] = 'http://127.0.0.1:9';
    const r = await call('user', 'me');
    storage['dev.gatewayUrl'] = gw.url;
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNAVAILABLE' }) });
    expect(r.error.message).toMatch(/网络|服务/);
  });
});
