/**
 * The HTTP face of the emulator: what the browser preview, DevTools in local mode,
 * scripts and load tests call. Loopback only unless the CLI is told otherwise.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { Emulator, FunctionNotFound } from './emulator';
import { serveStorageFile } from './services/storage';
import { PREVIEW_PREFIX, servePreviewFile } from './preview';

const MAX_BODY = 1024 * 1024;
/** Photos and short audio from the preview's file picker; CloudBase allows far more. */
const MAX_UPLOAD = 20 * 1024 * 1024;
const LOOPBACK_ORIGIN = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;
/**
 * The Host a request was addressed to. A page elsewhere can point its own domain name at
 * this machine (DNS rebinding) and then read answers as if same-origin; such a request still
 * names that domain in Host. An IP address cannot be rebound, so `localhost` and IP literals
 * are served (a phone on the LAN reaches `--host 0.0.0.0` by IP, docs/client.md) and any
 * other name is refused.
 */
const ACCEPTED_HOST = /^(localhost|\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])(:\d+)?$/i;

export interface GatewayOptions {
  port?: number;
  host?: string;
  log?: (line: string) => void;
  /** Folder of the built browser preview, served at /preview/ (see preview.ts). */
  previewDir?: string;
}

export interface Gateway {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return readRawBody(req, MAX_BODY).then((b) => b.toString('utf8'));
}

function readRawBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startGateway(emu: Emulator, opts: GatewayOptions = {}): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const server = http.createServer(async (req, res) => {
    // The browser preview is served from another port of this machine; a page from any
    // other origin must not be able to act as a demo user, so it is refused outright.
    const origin = req.headers.origin;
    const hostHeader = req.headers.host;
    if (hostHeader && !ACCEPTED_HOST.test(hostHeader)) {
      return send(res, 403, {
        errCode: -501008,
        errMsg: `host ${hostHeader} is not an address of this machine (use its IP or localhost)`,
      });
    }
    if (origin && !LOOPBACK_ORIGIN.test(origin)) {
      return send(res, 403, {
        errCode: -501008,
        errMsg: `origin ${origin} may not call the emulator`,
      });
    }
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
    }
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Content-Type, X-WX-OPENID, X-WX-APPID, X-WX-UNIONID',
    );
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      return res.end();
    }
    const header = (n: string) => {
      const v = req.headers[n];
      return (Array.isArray(v) ? v[0] : v) || undefined;
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (req.method === 'GET' && url.pathname === '/health') {
        return send(res, 200, {
          ok: true,
          env: emu.envId,
          strict: emu.db.strict,
          functions: emu.listFunctions(),
        });
      }
      if (parts[0] === 'functions' && parts.length === 2) {
        if (req.method !== 'POST') return send(res, 405, { errCode: -1, errMsg: 'use POST' });
        let event: unknown;
        try {
          const text = await readBody(req);
          event = text ? JSON.parse(text) : {};
        } catch {
          return send(res, 400, {
            errCode: -501007,
            errMsg: 'request body must be a JSON object (the event)',
          });
        }
        if (!event || typeof event !== 'object' || Array.isArray(event)) {
          return send(res, 400, {
            errCode: -501007,
            errMsg: 'request body must be a JSON object (the event)',
          });
        }
        const r = await emu.invoke(parts[1], event as Record<string, unknown>, {
          openid: header('x-wx-openid'),
          appid: header('x-wx-appid'),
          unionid: header('x-wx-unionid'),
          source: 'wx_client',
        });
        log(
          `POST /functions/${parts[1]} ${(event as any).action ?? ''} as ${header('x-wx-openid') ?? '(no openid)'}: ` +
            `${r.error ? 'FAILED' : 'ok'} ${r.durationMs}ms, ${r.dbRequests} db requests`,
        );
        if (r.error) return send(res, 500, r.error);
        res.setHeader('X-Db-Requests', String(r.dbRequests));
        return send(res, 200, r.result ?? null);
      }
      if (parts[0] === 'outbox' && parts.length === 1) {
        if (req.method === 'GET') return send(res, 200, { messages: emu.outbox.list() });
        if (req.method === 'DELETE') {
          emu.outbox.clear();
          return send(res, 200, { ok: true });
        }
      }
      if (opts.previewDir && (req.method === 'GET' || req.method === 'HEAD')) {
        if (url.pathname === '/' || url.pathname === '/preview') {
          res.writeHead(302, { Location: PREVIEW_PREFIX });
          return res.end();
        }
        if (url.pathname.startsWith(PREVIEW_PREFIX)) {
          return await servePreviewFile(opts.previewDir, url.pathname, res, req.method);
        }
      }
      // wx.cloud.uploadFile / getTempFileURL of the browser preview, as the caller in the
      // header; storage itself has no owner rules here, so the caller is only logged.
      if (req.method === 'POST' && url.pathname === '/storage-upload') {
        const cloudPath = url.searchParams.get('cloudPath') ?? '';
        // Read first: answering before the body is consumed can reach the client as a reset.
        const body = await readRawBody(req, MAX_UPLOAD);
        if (emu.storage.hasFile(cloudPath)) {
          // CloudBase's default storage rule lets only the creator overwrite a file; the
          // emulator keeps no owners, so the preview may add files but never replace one.
          return send(res, 409, {
            errCode: -1,
            errMsg: `STORAGE_EXCEED_AUTHORITY: ${cloudPath} exists and may not be overwritten`,
          });
        }
        const r = await emu.storage.uploadFile({ cloudPath, fileContent: body });
        log(
          `POST /storage-upload ${cloudPath} (${body.length} bytes) as ${header('x-wx-openid') ?? '(no openid)'}`,
        );
        if ('code' in r) return send(res, 400, { errCode: -1, errMsg: `${r.code}: ${r.message}` });
        return send(res, 200, { fileID: r.fileID });
      }
      if (req.method === 'POST' && url.pathname === '/storage-temp-url') {
        let fileList: unknown;
        try {
          fileList = JSON.parse(await readBody(req)).fileList;
        } catch {
          fileList = undefined;
        }
        if (!Array.isArray(fileList) || !fileList.every((f) => typeof f === 'string')) {
          return send(res, 400, { errCode: -1, errMsg: 'fileList must be an array of fileIDs' });
        }
        const r = await emu.storage.getTempFileURL({ fileList: fileList as string[] });
        if ('message' in r && !('fileList' in r)) {
          return send(res, 400, { errCode: -1, errMsg: r.message });
        }
        return send(res, 200, {
          fileList: (
            r as { fileList: { fileID: string; tempFileURL: string; code: string }[] }
          ).fileList.map((f) => ({
            fileID: f.fileID,
            tempFileURL: f.tempFileURL,
            status: f.code === 'SUCCESS' ? 0 : -1,
            errMsg: f.code === 'SUCCESS' ? 'ok' : f.code,
          })),
        });
      }
      if (parts[0] === 'storage' && (req.method === 'GET' || req.method === 'HEAD')) {
        return await serveStorageFile(emu.storage.dir, url.pathname, res, req.method);
      }
      if (parts[0] === 'timers') {
        if (req.method === 'GET' && parts.length === 1) {
          return send(res, 200, {
            triggers: emu.triggers().map((t) => ({ function: t.fn, ...t.trigger })),
          });
        }
        if (req.method === 'POST' && parts.length === 3) {
          const r = await emu.fireTimer(parts[1], parts[2]);
          return send(res, r.error ? 500 : 200, r.error ?? { result: r.result ?? null });
        }
      }
      return send(res, 404, { errCode: -1, errMsg: `no route for ${req.method} ${url.pathname}` });
    } catch (e) {
      if (e instanceof FunctionNotFound) {
        return send(res, 404, { errCode: -501000, errMsg: `[ResourceNotFound] ${e.message}` });
      }
      log(`gateway error: ${(e as Error).stack ?? e}`);
      return send(res, 500, { errCode: -501001, errMsg: (e as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3000, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  emu.publicBaseUrl = () => url;
  return {
    server,
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
