/**
 * The emulator as a newcomer meets it: the CLI serving a functions folder over HTTP,
 * durable across `kill -9`, timers on schedule and on demand.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Emulator } from '../../emulator/src/emulator';
import { startGateway, type Gateway } from '../../emulator/src/gateway';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/functions');

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function post(
  url: string,
  body: unknown,
  openid?: string,
): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(openid ? { 'X-WX-OPENID': openid } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** A GET with the path sent exactly as written (no URL normalisation) and chosen headers. */
function rawGet(
  base: string,
  rawPath: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Starts the CLI the way `npm run emulator` does and resolves with its gateway URL. */
function startCli(
  args: string[],
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  return new Promise((resolve, reject) => {
    // node itself (tsx as a loader, not its wrapper process) so SIGKILL hits the emulator.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'emulator/src/cli.ts'), '--port', '0', ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator not ready in time:\n${out}`)), 20000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /gateway:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before ready:\n${out}`));
    });
  });
}

describe('gateway (in process)', () => {
  let emu: Emulator;
  let gw: Gateway;
  beforeAll(async () => {
    emu = new Emulator({ functionsDir: FIXTURES, strict: false });
    gw = await startGateway(emu, { port: 0 });
  });
  afterAll(async () => {
    await gw.close();
    emu.close();
  });

  test('listens on loopback and reports health with the functions it serves', async () => {
    expect(gw.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${gw.url}/health`);
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.ok).toBe(true);
    expect(body.functions).toEqual(expect.arrayContaining(['probe', 'ticker']));
  });

  test('POST /functions/<name> runs the function as the X-WX-OPENID caller', async () => {
    const r = await post(`${gw.url}/functions/probe`, { op: 'whoami' }, 'demo-member');
    expect(r.status).toBe(200);
    expect(r.json.openid).toBe('demo-member');
    expect(r.json.env).toBe('local');
    expect(r.json.userInfo).toEqual({ appId: r.json.appid, openId: 'demo-member' });
  });

  test('an openid in the body does not change who the caller is', async () => {
    const r = await post(
      `${gw.url}/functions/probe`,
      { op: 'whoami', openid: 'someone-else', userInfo: { openId: 'x' } },
      'demo-member',
    );
    expect(r.json.openid).toBe('demo-member');
    expect(r.json.userInfo.openId).toBe('demo-member');
  });

  test('unknown function → 404, bad JSON → 400, unknown route → 404', async () => {
    expect((await post(`${gw.url}/functions/nope`, {})).status).toBe(404);
    expect((await post(`${gw.url}/functions/probe`, '{not json')).status).toBe(400);
    expect((await post(`${gw.url}/functions/probe`, '[1,2]')).status).toBe(400);
    expect((await fetch(`${gw.url}/elsewhere`)).status).toBe(404);
  });

  test('timers fire on demand over the gateway with the CloudBase timer event', async () => {
    const list: any = await (await fetch(`${gw.url}/timers`)).json();
    expect(list.triggers).toContainEqual(
      expect.objectContaining({ function: 'ticker', name: 'everySecond' }),
    );
    const r = await post(`${gw.url}/timers/ticker/everySecond`, {});
    expect(r.status).toBe(200);
    expect(r.json.result).toEqual({ ticked: 'everySecond' });
    const ticks = emu.db.find('ticks', {});
    expect(ticks[ticks.length - 1]).toMatchObject({ type: 'Timer', trigger: 'everySecond' });
    expect(ticks[ticks.length - 1].at).toBeInstanceOf(Date);
  });

  test('files uploaded by a function are served at their temp URL', async () => {
    const r = await post(
      `${gw.url}/functions/probe`,
      { op: 'upload', path: 'lessons/第一课.txt', text: '不忘初心' },
      'u',
    );
    expect(r.status).toBe(200);
    expect(r.json.fileID).toMatch(/^cloud:\/\/local\..+\/lessons\/第一课\.txt$/);
    expect(r.json.url.startsWith(`${gw.url}/storage/`)).toBe(true);
    const file = await fetch(r.json.url);
    expect(file.status).toBe(200);
    expect(await file.text()).toBe('不忘初心');
    expect((await fetch(`${gw.url}/storage/..%2F..%2Fetc%2Fpasswd`)).status).toBeGreaterThanOrEqual(
      400,
    );
  });

  test('content security answers risky for the documented test word', async () => {
    const r = await post(
      `${gw.url}/functions/probe`,
      { op: 'msgSecCheck', text: '这里有测试违规词' },
      'u',
    );
    expect(r.json.result.suggest).toBe('risky');
    const ok = await post(
      `${gw.url}/functions/probe`,
      { op: 'msgSecCheck', text: '今天学习了党章' },
      'u',
    );
    expect(ok.json.result.suggest).toBe('pass');
  });

  test('outbox is readable and clearable over HTTP', async () => {
    await emu.outbox.append({ id: 'm1', touser: 'demo-member' } as any);
    const got: any = await (await fetch(`${gw.url}/outbox`)).json();
    expect(got.messages).toContainEqual(expect.objectContaining({ id: 'm1' }));
    await fetch(`${gw.url}/outbox`, { method: 'DELETE' });
    const after: any = await (await fetch(`${gw.url}/outbox`)).json();
    expect(after.messages).toEqual([]);
  });
});

describe('gateway: browser preview and its storage calls', () => {
  let emu: Emulator;
  let gw: Gateway;
  let previewDir: string;
  beforeAll(async () => {
    previewDir = tmp('wz-preview-');
    fs.writeFileSync(path.join(previewDir, 'index.html'), '<!doctype html><title>预览</title>');
    fs.mkdirSync(path.join(previewDir, 'icons'));
    fs.writeFileSync(path.join(previewDir, 'icons', 'home.svg'), '<svg/>');
    fs.writeFileSync(path.join(previewDir, 'components.js'), 'void 0;');
    emu = new Emulator({ functionsDir: FIXTURES, strict: false });
    gw = await startGateway(emu, { port: 0, previewDir });
  });
  afterAll(async () => {
    await gw.close();
    emu.close();
  });

  test('serves the preview at /preview/ with the right types and sends / there', async () => {
    const root = await fetch(`${gw.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/preview/');
    const index = await fetch(`${gw.url}/preview/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('预览');
    const js = await fetch(`${gw.url}/preview/components.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const svg = await fetch(`${gw.url}/preview/icons/home.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect((await fetch(`${gw.url}/preview/missing.js`)).status).toBe(404);
  });

  test('never serves a file outside the preview folder', async () => {
    // Sent as raw paths: fetch would normalise dot segments before they reach the gateway.
    for (const p of [
      '/preview/..%2F..%2Fetc%2Fpasswd',
      '/preview/../../etc/passwd',
      '/preview/%2e%2e/%2e%2e/etc/passwd',
      '/preview/icons/..%2F..%2F..%2Fpackage.json',
    ]) {
      const res = await rawGet(gw.url, p);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('root:');
    }
  });

  test('answers requests addressed by IP or localhost, never by another name (DNS rebinding)', async () => {
    const res = await rawGet(gw.url, '/preview/', { Host: 'attacker.example:80' });
    expect(res.status).toBe(403);
    expect((await rawGet(gw.url, '/preview/', { Host: 'localhost' })).status).toBe(200);
    // A phone on the LAN reaches a gateway started with --host 0.0.0.0 by its IP.
    expect((await rawGet(gw.url, '/preview/', { Host: '192.168.1.20:3000' })).status).toBe(200);
    expect((await rawGet(gw.url, '/preview/', { Host: '[::1]:3000' })).status).toBe(200);
  });

  test('a page from another origin cannot load the preview API calls', async () => {
    const res = await fetch(`${gw.url}/storage-upload?cloudPath=a.txt`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'X-WX-OPENID': 'demo-member' },
      body: 'x',
    });
    expect(res.status).toBe(403);
  });

  test('uploads bytes as the caller and answers temp URLs that serve them', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const up = await fetch(
      `${gw.url}/storage-upload?cloudPath=${encodeURIComponent('avatars/照片.png')}`,
      {
        method: 'POST',
        headers: { 'X-WX-OPENID': 'demo-member', 'Content-Type': 'application/octet-stream' },
        body: bytes,
      },
    );
    expect(up.status).toBe(200);
    const { fileID } = (await up.json()) as { fileID: string };
    expect(fileID).toMatch(/^cloud:\/\/local\..+\/avatars\/照片\.png$/);
    const urls: any = await post(
      `${gw.url}/storage-temp-url`,
      { fileList: [fileID] },
      'demo-member',
    );
    expect(urls.status).toBe(200);
    expect(urls.json.fileList[0]).toMatchObject({ fileID, status: 0 });
    const file = await fetch(urls.json.fileList[0].tempFileURL);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  test('an upload never replaces an existing file', async () => {
    const put = (body: string) =>
      fetch(`${gw.url}/storage-upload?cloudPath=${encodeURIComponent('avatars/same.txt')}`, {
        method: 'POST',
        headers: { 'X-WX-OPENID': 'demo-member' },
        body,
      });
    expect((await put('first')).status).toBe(200);
    const again = await put('second');
    expect(again.status).toBe(409);
    const urls: any = await post(`${gw.url}/storage-temp-url`, {
      fileList: [emu.storage.fileIdOf('avatars/same.txt')],
    });
    expect(await (await fetch(urls.json.fileList[0].tempFileURL)).text()).toBe('first');
  });

  test('bad upload paths and bad temp-URL requests are refused with a message', async () => {
    const up = await fetch(`${gw.url}/storage-upload?cloudPath=${encodeURIComponent('../x.png')}`, {
      method: 'POST',
      body: 'x',
    });
    expect(up.status).toBe(400);
    expect(((await up.json()) as any).errMsg).toBeTruthy();
    const bad = await post(`${gw.url}/storage-temp-url`, { fileList: 'nope' });
    expect(bad.status).toBe(400);
  });
});

describe('seed files', () => {
  test('files beside the seed go into storage once, served at their temp URL', async () => {
    const dir = tmp('wz-seed-files-');
    fs.mkdirSync(path.join(dir, 'lessons', 'demo'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lessons', 'demo', 'chime.wav'), 'RIFF-demo');
    const emu = new Emulator({ functionsDir: FIXTURES, strict: false });
    try {
      expect(await emu.seedFiles(dir)).toEqual({ added: 1, skipped: 0 });
      expect(await emu.seedFiles(dir)).toEqual({ added: 0, skipped: 1 });
      const fileID = emu.storage.fileIdOf('lessons/demo/chime.wav');
      const r: any = await emu.storage.downloadFile({ fileID });
      expect(r.fileContent.toString()).toBe('RIFF-demo');
      expect(await emu.seedFiles(path.join(dir, 'missing'))).toEqual({ added: 0, skipped: 0 });
    } finally {
      emu.close();
    }
  });

  test('the demo seed stores the audio its lesson refers to', async () => {
    const emu = new Emulator({ functionsDir: FIXTURES, strict: false });
    try {
      const seedFile = path.join(ROOT, 'database/seed/demo.json');
      const refs = JSON.stringify(Emulator.readSeedFile(seedFile)).match(/cloud:\/\/[^"]+/g) ?? [];
      expect(refs.length).toBeGreaterThan(0);
      await emu.seedFiles(path.join(ROOT, 'database/seed/storage'));
      for (const fileID of refs) {
        const r: any = await emu.storage.downloadFile({ fileID });
        expect({ fileID, bytes: r.fileContent?.length > 0 }).toEqual({ fileID, bytes: true });
      }
    } finally {
      emu.close();
    }
  });
});

describe('timer triggers on schedule', () => {
  test('a 7-field cron trigger fires while the emulator runs', async () => {
    const emu = new Emulator({ functionsDir: FIXTURES, strict: false });
    try {
      const fired: string[] = [];
      emu.startTimers((fn, trigger) => fired.push(`${fn}/${trigger}`));
      await new Promise((r) => setTimeout(r, 2300));
      expect(fired.filter((f) => f === 'ticker/everySecond').length).toBeGreaterThanOrEqual(2);
      expect(emu.db.count('ticks', {})).toBeGreaterThanOrEqual(2);
    } finally {
      emu.close();
    }
  });
});

describe('data folder', () => {
  test('a second emulator on the same data folder is refused while the first runs', () => {
    const dir = tmp('locked-');
    const first = new Emulator({ functionsDir: FIXTURES, dataDir: dir });
    try {
      expect(() => new Emulator({ functionsDir: FIXTURES, dataDir: dir })).toThrow(
        /in use by another emulator/,
      );
    } finally {
      first.close();
    }
    const again = new Emulator({ functionsDir: FIXTURES, dataDir: dir });
    again.close();
  });

  test('a lock left by a dead process, or by a pid since reused, does not keep the emulator out', () => {
    const dir = tmp('stale-lock-');
    // A live pid (this one) but another process start time: the pid was reused.
    fs.writeFileSync(path.join(dir, 'emulator.pid'), `${process.pid} 1`);
    new Emulator({ functionsDir: FIXTURES, dataDir: dir }).close();
    fs.writeFileSync(path.join(dir, 'emulator.pid'), '999999999');
    new Emulator({ functionsDir: FIXTURES, dataDir: dir }).close();
  });
});

describe('CLI', () => {
  test('serves a classic JavaScript functions folder from outside the repository', async () => {
    const fns = tmp('foreign-fns-');
    fs.mkdirSync(path.join(fns, 'todo'));
    fs.writeFileSync(
      path.join(fns, 'todo', 'index.js'),
      `const cloud = require('wx-server-sdk')
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV })
const db = cloud.database()
const _ = db.command
exports.main = async (event) => {
  const { OPENID } = cloud.getWXContext()
  if (event.op === 'add') {
    const r = await db.collection('todos').add({ data: { _openid: OPENID, text: event.text, done: false, at: db.serverDate() } })
    return { _id: r._id }
  }
  const r = await db.collection('todos').where({ _openid: OPENID, done: _.neq(true) }).orderBy('at', 'asc').get()
  return r.data.map((d) => d.text)
}
`,
    );
    const data = tmp('foreign-data-');
    const { child, url } = await startCli(['--functions', fns, '--data', data, '--no-timers']);
    try {
      expect(
        (await post(`${url}/functions/todo`, { op: 'add', text: '买菜' }, 'u1')).json._id,
      ).toMatch(/^[0-9a-f]{32}$/);
      await post(`${url}/functions/todo`, { op: 'add', text: '看望王奶奶' }, 'u1');
      await post(`${url}/functions/todo`, { op: 'add', text: '别人的' }, 'u2');
      expect((await post(`${url}/functions/todo`, { op: 'list' }, 'u1')).json).toEqual([
        '买菜',
        '看望王奶奶',
      ]);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('kill -9 during a burst of writes loses no acknowledged write', async () => {
    const data = tmp('durable-');
    let { child, url } = await startCli(['--functions', FIXTURES, '--data', data, '--no-timers']);
    const acked: string[] = [];
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const r = await post(
            `${url}/functions/probe`,
            { op: 'add', coll: 'burst', doc: { w, i } },
            'w',
          );
          if (r.status === 200 && r.json._id) acked.push(r.json._id);
        } catch {
          return; // connection refused/reset once the process is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acked.length < 150) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    killed = true;
    await Promise.all(writers);
    if (child.exitCode === null && child.signalCode === null)
      await new Promise((r) => child.once('exit', r));

    ({ child, url } = await startCli(['--functions', FIXTURES, '--data', data, '--no-timers']));
    try {
      // Read back through a function, as a user would.
      const seen = new Set<string>();
      for (const w of Array.from({ length: 8 }, (_, k) => k)) {
        let skip = 0;
        for (;;) {
          const r = await post(
            `${url}/functions/probe`,
            { op: 'get', coll: 'burst', where: { w }, skip },
            'w',
          );
          const page: any[] = r.json.data;
          page.forEach((d) => seen.add(d._id));
          if (page.length < 100) break;
          skip += page.length;
        }
      }
      const lost = acked.filter((id) => !seen.has(id));
      expect(acked.length).toBeGreaterThanOrEqual(150);
      expect(lost).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60000);
});
