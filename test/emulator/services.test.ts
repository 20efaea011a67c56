/**
 * cloud.openapi stand-ins and cloud storage, driven through the real wx-server-sdk: only
 * node-sdk's network methods are replaced (emulator/src/services/install.ts).
 */
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  installServices,
  uninstallServices,
  type CallerContext,
} from '../../emulator/src/services/install';
import {
  createOpenApi,
  parseWordlist,
  type SubscribeMessageRecord,
} from '../../emulator/src/services/openapi';
import {
  CommApiDataType,
  CommOpenApiRespType,
  decodeCommApiData,
} from '../../emulator/src/services/pb';
import { createLocalStorage, serveStorageFile } from '../../emulator/src/services/storage';

// Must precede the SDK's load: it then trusts it is inside CloudBase and skips probing the
// metadata server over the network.
process.env.TENCENTCLOUD = 'true';
const cloud = require('wx-server-sdk');
const { CloudBase } = require('@cloudbase/node-sdk/dist/cloudbase');

const ENV = 'test-env-1a2b3c';

interface SdkError {
  errCode: number;
  errMsg: string;
  code?: string;
}

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (e) {
    return e as SdkError;
  }
  throw new Error('expected the call to fail');
}

let tmp: string;
let storageDir: string;
let outbox: SubscribeMessageRecord[];
let ctx: CallerContext;
let consume: ((openid: string, templateId: string) => Promise<boolean>) | undefined;
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void serveStorageFile(storageDir, req.url ?? '/', res, req.method);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  uninstallServices(CloudBase);
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'services-test-'));
  storageDir = path.join(tmp, 'storage');
  outbox = [];
  ctx = { openid: 'o-caller', appid: 'wx-test-appid' };
  consume = undefined;
  installServices(CloudBase, {
    openapi: createOpenApi({
      outbox: { append: async (r) => void outbox.push(r) },
      subscriptions: { consume: (o, t) => (consume ? consume(o, t) : Promise.resolve(true)) },
    }),
    storage: createLocalStorage({ dir: storageDir, envId: ENV, publicBaseUrl: () => baseUrl }),
    currentContext: () => ctx,
  });
  cloud.init({ env: ENV });
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('security.msgSecCheck (v2)', () => {
  const check = (content: string) =>
    cloud.openapi.security.msgSecCheck({ content, version: 2, scene: 2, openid: 'o-user' });

  it('flags a risky word from the word list', async () => {
    const res = await check('今天的活动 测试违规词 请大家参加');
    expect(res.errCode).toBe(0);
    expect(res.result).toEqual({ suggest: 'risky', label: 20006 });
    expect(res.detail).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ strategy: 'keyword', suggest: 'risky', keyword: '测试违规词' }),
      ]),
    );
    // snake_case from the "server" reaches the function camelCased by the SDK
    expect(res.traceId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
  });

  it('asks for review on a review word', async () => {
    const res = await check('这是一段测试待审词内容');
    expect(res.result.suggest).toBe('review');
  });

  it('risky wins over review when both occur', async () => {
    const res = await check('测试待审词 和 测试违规词');
    expect(res.result.suggest).toBe('risky');
  });

  it('passes ordinary text', async () => {
    const res = await check('支部党员大会将于周五下午召开');
    expect(res.result).toEqual({ suggest: 'pass', label: 100 });
  });

  it('matches case-insensitively and across full-width forms', async () => {
    expect((await check('xx EMULATOR-Risky-Sample yy')).result.suggest).toBe('risky');
    expect((await check('ｅｍｕｌａｔｏｒ-review-sample')).result.suggest).toBe('review');
  });

  it('also checks the nickname field', async () => {
    const res = await cloud.openapi.security.msgSecCheck({
      content: '你好',
      nickname: '测试违规词',
      version: 2,
      scene: 1,
      openid: 'o-user',
    });
    expect(res.result.suggest).toBe('risky');
  });

  it('refuses a v2 call without openid like WeChat (40003)', async () => {
    const err = await rejection(
      cloud.openapi.security.msgSecCheck({ content: 'x', version: 2, scene: 2 }),
    );
    expect(err.errCode).toBe(40003);
    expect(err.errMsg).toContain('openapi.security.msgSecCheck:fail');
  });

  it('keeps v1 semantics when version is not 2 (87014 on risky)', async () => {
    const err = await rejection(cloud.openapi.security.msgSecCheck({ content: '测试违规词' }));
    expect(err.errCode).toBe(87014);
  });

  it('refuses a malformed word list instead of letting text through', () => {
    expect(() => parseWordlist('坏词 risky\n')).toThrow(/:1:/);
    expect(parseWordlist('# c\n\nＡＢ\treview\t21000\n')).toEqual([
      { word: 'ab', verdict: 'review', label: 21000 },
    ]);
  });
});

describe('subscribeMessage.send', () => {
  const message = {
    touser: 'o-member',
    templateId: 'TPL_MEETING',
    page: 'pages/meeting/detail?id=1',
    miniprogramState: 'developer',
    data: { thing1: { value: '支部党员大会' }, time2: { value: '2024-07-01 15:00' } },
  };

  it('lands in the outbox with the caller appid', async () => {
    const res = await cloud.openapi.subscribeMessage.send(message);
    expect(res.errCode).toBe(0);
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      touser: 'o-member',
      templateId: 'TPL_MEETING',
      page: 'pages/meeting/detail?id=1',
      data: message.data,
      miniprogramState: 'developer',
      lang: 'zh_CN',
      appid: 'wx-test-appid',
    });
    expect(typeof outbox[0].id).toBe('string');
    expect(new Date(outbox[0].sentAt).toISOString()).toBe(outbox[0].sentAt);
  });

  it.each([
    ['touser', 40003],
    ['templateId', 40037],
    ['data', 47003],
  ])('refuses a message without %s (%i) and sends nothing', async (field, code) => {
    const err = await rejection(
      cloud.openapi.subscribeMessage.send({ ...message, [field]: undefined }),
    );
    expect(err.errCode).toBe(code);
    expect(outbox).toHaveLength(0);
  });

  it('enforces keyword limits (thing ≤ 20 characters) as production does', async () => {
    const err = await rejection(
      cloud.openapi.subscribeMessage.send({
        ...message,
        data: { thing1: { value: '一'.repeat(21) } },
      }),
    );
    expect(err.errCode).toBe(47003);
    expect(err.errMsg).toContain('thing1');
  });

  it('fails with 43101 when the user has no subscription left', async () => {
    consume = async () => false;
    const err = await rejection(cloud.openapi.subscribeMessage.send(message));
    expect(err.errCode).toBe(43101);
    expect(outbox).toHaveLength(0);
  });
});

describe('wxacode.getUnlimited', () => {
  const decode = (buffer: Buffer) => {
    const png = PNG.sync.read(buffer);
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
  };

  it('returns a PNG (buffer + contentType) whose QR names the page and the encoded scene', async () => {
    const res = await cloud.openapi.wxacode.getUnlimited({
      scene: 'b=42&m=7',
      page: 'packages/resident/bind/index',
    });
    expect(res.contentType).toBe('image/png');
    expect(Buffer.isBuffer(res.buffer)).toBe(true);
    expect(decode(res.buffer)).toBe('wxacode:packages/resident/bind/index?scene=b%3D42%26m%3D7');
    expect(PNG.sync.read(res.buffer).width).toBe(430);
  });

  it('without a page opens the home page (the first known page, else pages/index/index)', async () => {
    const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'XFLQ2C3D' });
    expect(decode(res.buffer)).toBe('wxacode:pages/index/index?scene=XFLQ2C3D');
  });

  it('refuses a page with a leading slash or a query (41030) and a width that is no number (40097)', async () => {
    for (const page of ['/pages/index/index', 'pages/index/index?x=1', '']) {
      const err = await rejection(
        cloud.openapi.wxacode.getUnlimited({ scene: 'a', page, checkPath: false }),
      );
      expect(err.errCode).toBe(41030);
    }
    const err = await rejection(cloud.openapi.wxacode.getUnlimited({ scene: 'a', width: 'big' }));
    expect(err.errCode).toBe(40097);
    const clamped = await cloud.openapi.wxacode.getUnlimited({ scene: 'a', width: 2000 });
    expect(PNG.sync.read(clamped.buffer).width).toBe(1280);
  });

  it('refuses a scene with characters WeChat does not allow (40169)', async () => {
    for (const scene of ['', '卡号', 'a b', 'a%20b']) {
      const err = await rejection(cloud.openapi.wxacode.getUnlimited({ scene }));
      expect(err.errCode).toBe(40169);
    }
  });

  it('honours lineColor and isHyaline', async () => {
    const res = await cloud.openapi.wxacode.getUnlimited({
      scene: 'c',
      width: 280,
      lineColor: { r: 200, g: 16, b: 46 },
      isHyaline: true,
    });
    const png = PNG.sync.read(res.buffer);
    expect(png.width).toBe(280);
    expect(png.data[3]).toBe(0); // quiet-zone corner is transparent
    const px = [];
    for (let i = 0; i < png.data.length; i += 4) px.push(png.data.readUInt32BE(i));
    expect(px).toContain(0xc8102eff);
  });

  it('refuses a scene longer than 32 characters (40169)', async () => {
    const err = await rejection(cloud.openapi.wxacode.getUnlimited({ scene: 'x'.repeat(33) }));
    expect(err.errCode).toBe(40169);
  });

  it('refuses a page that is not in the app when pages are known (41030)', async () => {
    installServices(CloudBase, {
      openapi: createOpenApi({
        outbox: { append: async () => undefined },
        pages: () => ['pages/index/index'],
      }),
      storage: createLocalStorage({ dir: storageDir, envId: ENV, publicBaseUrl: () => baseUrl }),
      currentContext: () => ctx,
    });
    const err = await rejection(
      cloud.openapi.wxacode.getUnlimited({ scene: 'a', page: 'pages/nope/nope' }),
    );
    expect(err.errCode).toBe(41030);
    const ok = await cloud.openapi.wxacode.getUnlimited({
      scene: 'a',
      page: 'pages/nope/nope',
      checkPath: false,
    });
    expect(ok.contentType).toBe('image/png');
  });
});

it('names an openapi the emulator does not implement', async () => {
  const err = await rejection(cloud.openapi.customerServiceMessage.send({ touser: 'x' }));
  expect(err.errCode).toBe(-1);
  expect(err.errMsg).toContain('emulator does not support openapi.customerServiceMessage.send');
});

it('installing twice keeps one patch and the latest services', async () => {
  const second: SubscribeMessageRecord[] = [];
  installServices(CloudBase, {
    openapi: createOpenApi({ outbox: { append: async (r) => void second.push(r) } }),
    storage: createLocalStorage({ dir: storageDir, envId: ENV, publicBaseUrl: () => baseUrl }),
    currentContext: () => ctx,
  });
  await cloud.openapi.subscribeMessage.send({
    touser: 'o',
    templateId: 't',
    data: { thing1: { value: 'v' } },
  });
  expect(second).toHaveLength(1);
  expect(outbox).toHaveLength(0);
});

describe('cloud storage', () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255]);

  it('round-trips upload → temp URL (served over HTTP) → download', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'branches/b1/头像.png', fileContent: bytes });
    expect(up.statusCode).toBe(200);
    expect(up.fileID).toMatch(
      new RegExp(`^cloud://${ENV}\\.[0-9a-f]{4}-${ENV}-\\d+/branches/b1/头像\\.png$`),
    );

    const urls = await cloud.getTempFileURL({ fileList: [up.fileID] });
    expect(urls.fileList[0]).toMatchObject({ fileID: up.fileID, status: 0, errMsg: 'ok' });
    expect(urls.fileList[0].tempFileURL).toBe(
      `${baseUrl}/storage/branches/b1/${encodeURIComponent('头像.png')}`,
    );
    const http = await fetch(urls.fileList[0].tempFileURL);
    expect(http.status).toBe(200);
    expect(http.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await http.arrayBuffer())).toEqual(bytes);

    const down = await cloud.downloadFile({ fileID: up.fileID });
    expect(Buffer.compare(down.fileContent, bytes)).toBe(0);
    expect(fs.readdirSync(path.join(storageDir, '.uploading'))).toEqual([]);
  });

  it('accepts an fs.ReadStream but, like node-sdk, not any other stream', async () => {
    const src = path.join(tmp, 'src.txt');
    fs.writeFileSync(src, 'from a stream');
    const up = await cloud.uploadFile({
      cloudPath: 'docs/a.txt',
      fileContent: fs.createReadStream(src),
    });
    expect((await cloud.downloadFile({ fileID: up.fileID })).fileContent.toString()).toBe(
      'from a stream',
    );
    const err = await rejection(
      cloud.uploadFile({ cloudPath: 'docs/b.txt', fileContent: Readable.from(['x']) }),
    );
    expect(err.errMsg).toContain('fileContent should be instance of fs.ReadStream or Buffer');
  });

  it('deleteFile removes the file; download then fails with STORAGE_FILE_NONEXIST', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'tmp/x.bin', fileContent: bytes });
    const del = await cloud.deleteFile({ fileList: [up.fileID] });
    expect(del.fileList).toEqual([{ fileID: up.fileID, status: 0, errMsg: 'ok' }]);

    const err = await rejection(cloud.downloadFile({ fileID: up.fileID }));
    expect(err.code).toBe('STORAGE_FILE_NONEXIST');
    expect(err.errMsg).toContain('downloadFile:fail');
    const urls = await cloud.getTempFileURL({ fileList: [up.fileID] });
    expect(urls.fileList[0]).toMatchObject({ status: -503003, tempFileURL: '' });
    const again = await cloud.deleteFile({ fileList: [up.fileID] });
    expect(again.fileList[0].status).toBe(-503003);
    expect(fs.existsSync(path.join(storageDir, 'tmp'))).toBe(false);
  });

  it('refuses path traversal in cloudPath, fileID and URL', async () => {
    fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
    for (const cloudPath of [
      '../escape.txt',
      'a/../../escape.txt',
      '/abs.txt',
      'a\\..\\b.txt',
      '.uploading/x',
    ]) {
      const err = await rejection(cloud.uploadFile({ cloudPath, fileContent: bytes }));
      expect(err.errMsg).toContain('uploadFile:fail');
    }
    expect(fs.existsSync(path.join(tmp, 'escape.txt'))).toBe(false);

    const err = await rejection(
      cloud.downloadFile({ fileID: `cloud://${ENV}.bucket/../secret.txt` }),
    );
    expect(err.errMsg).toContain('downloadFile:fail');
    const res = await fetch(`${baseUrl}/storage/..%2Fsecret.txt`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('secret');
  });

  it('does not read a fileID from another environment', async () => {
    fs.mkdirSync(storageDir, { recursive: true });
    fs.writeFileSync(path.join(storageDir, 'a.txt'), 'local');
    const err = await rejection(
      cloud.downloadFile({ fileID: 'cloud://prod-env.7072-prod-env-1/a.txt' }),
    );
    expect(err.code).toBe('STORAGE_EXCEED_AUTHORITY');
  });
});

describe('wire-format contract with wx-server-sdk', () => {
  // The SDK's generated protobuf classes register themselves in its own protobufjs copy.
  const sdkPb = () => {
    const minimal = require(
      require.resolve('protobufjs/minimal', {
        paths: [path.dirname(require.resolve('wx-server-sdk'))],
      }),
    );
    const root = minimal.roots.default;
    if (!root?.CommApiData || !root?.CommOpenApiResp) {
      throw new Error(
        'wx-server-sdk no longer exposes CommApiData/CommOpenApiResp: re-check pb.ts',
      );
    }
    return root;
  };

  const request = {
    apiType: 3,
    openapiData: {
      pairs: [
        {
          key: 'content',
          value: Buffer.from('"你好"'),
          contenttype: 'text/plain',
          filename: 'c.txt',
        },
        { key: 'scene', value: Buffer.from('2') },
      ],
    },
    innerData: {
      modid: 7,
      cmdid: 9,
      url: 'https://x',
      useHttps: true,
      method: 2,
      headers: ['a: b'],
      body: Buffer.from('body'),
    },
    svrkitData: { apiName: 'svr', reqData: Buffer.from('req') },
    tokenData: { resourceAppid: 'wxres', resourceEnv: 'env-r' },
    appid: 'wx-appid',
  };

  it('decodes every CommApiData field the SDK encodes', () => {
    const bytes = sdkPb().CommApiData.encode(request).finish();
    const mine = CommApiDataType.toObject(CommApiDataType.decode(bytes), {
      bytes: Buffer,
      enums: Number,
    });
    expect(mine).toEqual(request);
    expect(decodeCommApiData(bytes)).toEqual({
      apiType: 3,
      appid: 'wx-appid',
      pairs: [
        {
          key: 'content',
          value: Buffer.from('"你好"'),
          contenttype: 'text/plain',
          filename: 'c.txt',
        },
        { key: 'scene', value: Buffer.from('2') },
      ],
    });
  });

  it('encodes CommApiData and CommOpenApiResp byte-for-byte like the SDK', () => {
    const sdk = sdkPb();
    const mineReq = CommApiDataType.encode(CommApiDataType.fromObject(request)).finish();
    expect(Buffer.from(mineReq)).toEqual(Buffer.from(sdk.CommApiData.encode(request).finish()));

    const resp = {
      respData: Buffer.from('{"errcode":0}'),
      contentType: 'application/json',
      errorCode: -7,
      httpCode: 200,
      headers: [{ key: 'X-A', value: '1' }],
      svrkitErrorCode: 5,
    };
    const mineResp = CommOpenApiRespType.encode(CommOpenApiRespType.fromObject(resp)).finish();
    expect(Buffer.from(mineResp)).toEqual(Buffer.from(sdk.CommOpenApiResp.encode(resp).finish()));
    const back = sdk.CommOpenApiResp.decode(mineResp);
    expect(back.errorCode).toBe(-7);
    expect(back.contentType).toBe('application/json');
    expect(Buffer.from(back.respData).toString()).toBe('{"errcode":0}');
  });

  it('a WeChat system errorCode in our reply surfaces as the SDK error', async () => {
    const { encodeCommOpenApiResp } = await import('../../emulator/src/services/pb');
    installServices(CloudBase, {
      openapi: {
        call: async () => ({ respData: Buffer.alloc(0), contentType: '' }),
        callCompatibleWxOpenApi: async () =>
          encodeCommOpenApiResp({
            respData: Buffer.alloc(0),
            contentType: 'application/json',
            errorCode: 12345,
          }),
      },
      storage: createLocalStorage({ dir: storageDir, envId: ENV, publicBaseUrl: () => baseUrl }),
      currentContext: () => ctx,
    });
    const err = await rejection(cloud.openapi.security.msgSecCheck({ content: 'x' }));
    expect(err.errMsg).toContain('error code: 12345');
  });
});
