/**
 * The server kit (cloudfunctions/common): identity, action routing, validation and error
 * wrapping. First through the emulator with a real function, then with small functions
 * defined here, for outcomes no production function should be able to produce on demand.
 */
import * as z from 'zod';
import type { Result } from '../../typings/api';
import { createTestEmulator } from '../helpers/emulator';

type Emulator = Awaited<ReturnType<typeof createTestEmulator>>;
type Failure = Extract<Result<unknown>, { ok: false }>;

function failure(result: unknown): Failure['error'] {
  const r = result as Result<unknown>;
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.data)}`);
  return r.error;
}

const HAN = /[\u4e00-\u9fff]/;

describe('through the emulator', () => {
  let emu: Emulator;

  beforeEach(async () => {
    emu = await createTestEmulator();
    await emu.seed({
      users: [{ _id: 'u1', nickname: '李秀英', createdAt: new Date('2025-03-05T00:00:00.000Z') }],
    });
  });

  afterEach(async () => {
    await emu.close();
  });

  test('a call without an OPENID is UNAUTHENTICATED', async () => {
    const { result } = await emu.call('user', { action: 'me' }, { openid: '' });
    const error = failure(result);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(HAN);
  });

  test('an OPENID given only inside data does not authenticate', async () => {
    const { result } = await emu.call(
      'user',
      { action: 'me', data: { openid: 'u1' }, openid: 'u1', userInfo: { openId: 'u1' } },
      { openid: '' },
    );
    expect(failure(result).code).toBe('UNAUTHENTICATED');
  });

  test('an unknown action is INVALID_ARGUMENT, in Chinese, naming it', async () => {
    const { result, dbRequests } = await emu.call(
      'user',
      { action: 'deleteEverything' },
      { openid: 'u1' },
    );
    const error = failure(result);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(HAN);
    expect(error.message).toContain('deleteEverything');
    expect(dbRequests).toBe(0);
  });

  test.each(['toString', '__proto__', 'constructor', 'hasOwnProperty'])(
    'an inherited property name (%s) is not an action',
    async (action) => {
      const { result } = await emu.call('user', { action }, { openid: 'u1' });
      expect(failure(result).code).toBe('INVALID_ARGUMENT');
    },
  );

  test.each([
    ['no action', {}],
    ['a non-string action', { action: 42 }],
    ['an empty action', { action: '' }],
  ])('%s is INVALID_ARGUMENT', async (_label, event) => {
    const { result } = await emu.call('user', event, { openid: 'u1' });
    expect(failure(result).code).toBe('INVALID_ARGUMENT');
  });

  test.each([
    ['a number', 5],
    ['a string', 'me'],
    ['an array', []],
  ])('data that is %s is INVALID_ARGUMENT', async (_label, data) => {
    const { result, dbRequests } = await emu.call('user', { action: 'me', data }, { openid: 'u1' });
    const error = failure(result);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(HAN);
    expect(dbRequests).toBe(0);
  });

  test('a malformed requestId is INVALID_ARGUMENT naming requestId', async () => {
    const { result } = await emu.call('user', { action: 'me', requestId: 'a b' }, { openid: 'u1' });
    const error = failure(result);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toEqual({ fields: ['requestId'] });
  });

  test('a well-formed call succeeds', async () => {
    const { result } = await emu.call(
      'user',
      { action: 'me', requestId: 'req_0123456789' },
      { openid: 'u1' },
    );
    expect(result).toMatchObject({ ok: true, data: { nickname: '李秀英' } });
  });
});

/**
 * Small functions built with the kit, run with the real SDK. The caller's identity reaches
 * the SDK the way the CloudBase runtime passes it: WX_CONTEXT_KEYS and WX_* variables.
 */
describe('defineFunction', () => {
  type Kit = typeof import('../../cloudfunctions/common');
  type Main = (event: unknown) => Promise<Result<unknown>>;
  type LooseAction = {
    kind: 'read' | 'write';
    schema: z.ZodType;
    handler: (data: any, ctx: any) => Promise<unknown>;
  };

  const ENV_KEYS = ['WX_CONTEXT_KEYS', 'WX_OPENID', 'WX_APPID'];
  let savedEnv: Record<string, string | undefined>;
  let kit: Kit;

  beforeEach(() => {
    savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
    // A private copy of the kit and SDK: nothing here may touch the emulator tests' state.
    jest.isolateModules(() => {
      kit = require('../../cloudfunctions/common');
    });
  });

  afterEach(() => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    jest.restoreAllMocks();
  });

  function signIn(openid: string | null, appid = 'wx-test-app') {
    if (openid === null) {
      delete process.env.WX_CONTEXT_KEYS;
      delete process.env.WX_OPENID;
      delete process.env.WX_APPID;
      return;
    }
    process.env.WX_CONTEXT_KEYS = 'WX_OPENID,WX_APPID';
    process.env.WX_OPENID = openid;
    process.env.WX_APPID = appid;
  }

  function define(
    actions: Record<string, LooseAction>,
    timers?: Record<string, (ctx: unknown) => Promise<void>>,
  ): Main {
    // The contract only knows real functions; these test actions are typed loosely on purpose.
    return kit.defineFunction({ name: 'user', actions: actions as never, timers }) as Main;
  }

  const echo: LooseAction = {
    kind: 'read',
    schema: z.object({ title: z.string().min(2), items: z.array(z.object({ n: z.number() })) }),
    handler: async (data, ctx) => ({
      data,
      openid: ctx.openid,
      appid: ctx.appid,
      requestId: ctx.requestId,
    }),
  };

  test('the handler gets validated data and the caller from the WeChat context', async () => {
    signIn('o-caller');
    const main = define({ echo });
    const result = await main({
      action: 'echo',
      requestId: 'req-12345678',
      data: { title: '主题党日', items: [{ n: 1 }], openid: 'o-someone-else' },
    });
    expect(result).toEqual({
      ok: true,
      data: {
        // The stray `openid` is stripped by the schema, never seen by the handler.
        data: { title: '主题党日', items: [{ n: 1 }] },
        openid: 'o-caller',
        appid: 'wx-test-app',
        requestId: 'req-12345678',
      },
    });
  });

  test('an all-digit OPENID still reaches the handler as a string', async () => {
    signIn('1234567890');
    const main = define({ echo });
    const result = await main({ action: 'echo', data: { title: '学习', items: [] } });
    expect(result).toMatchObject({ ok: true, data: { openid: '1234567890' } });
  });

  test('invalid data names the field in Chinese and lists every failing path', async () => {
    signIn('o-caller');
    const handler = jest.fn();
    const main = define({ echo: { ...echo, handler } });
    const error = failure(
      await main({ action: 'echo', data: { title: 'x', items: [{ n: 'one' }] } }),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('title');
    expect(error.message).toMatch(HAN);
    expect(error.details).toEqual({ fields: ['title', 'items.0.n'] });
    expect(handler).not.toHaveBeenCalled();
  });

  test('missing data is invalid when the action requires it', async () => {
    signIn('o-caller');
    const error = failure(await define({ echo })({ action: 'echo' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(HAN);
  });

  test('an AppError from a handler reaches the caller as it was thrown', async () => {
    signIn('o-caller');
    const main = define({
      join: {
        kind: 'write',
        schema: z.undefined(),
        handler: async () => {
          throw new kit.AppError('FULL', '活动名额已满', { capacity: 20 });
        },
      },
    });
    expect(await main({ action: 'join' })).toEqual({
      ok: false,
      error: { code: 'FULL', message: '活动名额已满', details: { capacity: 20 } },
    });
  });

  test.each([
    ['an Error', () => new Error('phone 13812345678 of 张三 not found')],
    ['a thrown string', () => 'document with _id o-secret-openid does not exist'],
    [
      'a TypeError',
      () => new TypeError("Cannot read properties of undefined (reading '13812345678')"),
    ],
    ['a multi-line message', () => new Error('lookup failed\n  name: 张三\n  phone: 13812345678')],
    ['a driver-style object', () => ({ errCode: -502001, errMsg: 'openid o-secret-openid 张三' })],
  ])('%s becomes INTERNAL, generic, and its message is not logged', async (_label, make) => {
    signIn('o-caller');
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    jest.spyOn(console, 'error').mockImplementation(capture);
    jest.spyOn(console, 'log').mockImplementation(capture);
    jest.spyOn(console, 'warn').mockImplementation(capture);
    const main = define({
      boom: {
        kind: 'read',
        schema: z.undefined(),
        handler: async () => {
          throw make();
        },
      },
    });

    const result = await main({ action: 'boom' });
    const error = failure(result);
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toMatch(HAN);
    expect(error.details).toBeUndefined();
    const everything = JSON.stringify(result) + logged.join('\n');
    for (const secret of ['13812345678', '张三', 'o-secret-openid', 'o-caller']) {
      expect(everything).not.toContain(secret);
    }
    // Logged all the same, so the failure can be found in the function's log.
    expect(logged.join('\n')).toContain('boom');
  });

  test('identity is checked before anything else', async () => {
    signIn(null);
    const error = failure(await define({ echo })({ action: 'no-such-action' }));
    expect(error.code).toBe('UNAUTHENTICATED');
  });

  test('a timer event without a caller runs the named timer', async () => {
    signIn(null);
    const nightly = jest.fn(async () => undefined);
    const main = define({ echo }, { nightly });
    const result = await main({
      Type: 'Timer',
      TriggerName: 'nightly',
      Time: '2026-01-01T02:00:00Z',
    });
    expect(result).toEqual({ ok: true, data: null });
    expect(nightly).toHaveBeenCalledTimes(1);
  });

  test('a client cannot pose as a timer', async () => {
    signIn('o-caller');
    const nightly = jest.fn(async () => undefined);
    const main = define({ echo }, { nightly });
    const error = failure(await main({ Type: 'Timer', TriggerName: 'nightly' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(nightly).not.toHaveBeenCalled();
  });

  test('an unknown timer fails as INTERNAL', async () => {
    signIn(null);
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const main = define({ echo }, {});
    expect(failure(await main({ Type: 'Timer', TriggerName: 'missing' })).code).toBe('INTERNAL');
  });

  test('meta lists actions with their budget class', () => {
    const main = define({ echo, boom: { ...echo, kind: 'write' } }) as unknown as {
      meta: unknown;
    };
    expect(main.meta).toEqual({ name: 'user', actions: { echo: 'read', boom: 'write' } });
  });
});
