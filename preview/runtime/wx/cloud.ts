/**
 * wx.cloud against the local emulator's gateway, always as the caller the identity switcher
 * chose (X-WX-OPENID). Endpoints: POST /functions/<name>, POST /storage-upload?cloudPath=,
 * POST /storage-temp-url. The gateway answers failures with the cloud's {errCode, errMsg}.
 */
import type { PreviewHost } from '../host';
import { asyncApi, deliver, hasCallbacks, WxFailure, type Options, type Result } from './callback';
import { readTempFile, registerTempFile } from './files';
import { startTask, type Perform } from './network';

/** WeChat's own words when a cloud API runs before wx.cloud.init. */
const NOT_INITIALISED = '请先调用 wx.cloud.init() 完成初始化后再调用其他云 API。';

async function readJson(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    throw new WxFailure(`invalid response from the emulator gateway (HTTP ${res.status})`, {
      errCode: -1,
    });
  }
}

/** A non-2xx or `{errCode}` answer, kept as the cloud's code and message. */
function gatewayFailure(status: number, body: any): WxFailure {
  const errCode = typeof body?.errCode === 'number' ? body.errCode : -1;
  const message = typeof body?.errMsg === 'string' ? body.errMsg : `HTTP ${status}`;
  return new WxFailure(message, { errCode });
}

/** fetch's own failure (gateway down): a network error, as a phone would report it. */
async function send(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    if (init.signal?.aborted) throw e;
    throw new WxFailure(`network error: ${e instanceof Error ? e.message : String(e)}`, {
      errCode: -1,
    });
  }
}

/** POST JSON to the gateway as the chosen caller; a non-2xx answer is the cloud's failure. */
async function postGateway(host: PreviewHost, path: string, body: unknown): Promise<any> {
  const res = await send(`${host.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'X-WX-OPENID': host.openid(), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const payload = await readJson(res);
  if (!res.ok) throw gatewayFailure(res.status, payload);
  return payload;
}

/**
 * `cloud://` fileIDs turned into URLs the browser can load (previewImage accepts fileIDs, as
 * WeChat does); other URLs, and any the gateway cannot resolve, pass through unchanged.
 */
export async function toHttpUrls(host: PreviewHost, urls: string[]): Promise<string[]> {
  const ids = urls.filter((u) => u.startsWith('cloud://'));
  if (ids.length === 0) return urls;
  try {
    const payload = await postGateway(host, '/storage-temp-url', { fileList: ids });
    const found = new Map<string, string>();
    for (const f of Array.isArray(payload?.fileList) ? payload.fileList : []) {
      if (f?.status === 0 && typeof f.tempFileURL === 'string') found.set(f.fileID, f.tempFileURL);
    }
    return urls.map((u) => found.get(u) ?? u);
  } catch (e) {
    console.warn('[preview] could not resolve cloud fileIDs for preview', e);
    return urls;
  }
}

export function cloudApis(host: PreviewHost): Record<string, any> {
  let initialised = false;
  const requireInit = () => {
    if (!initialised) throw new WxFailure(NOT_INITIALISED, { errCode: -1 });
  };
  const caller = (): Record<string, string> => ({ 'X-WX-OPENID': host.openid() });
  const postJson = (path: string, body: unknown) => postGateway(host, path, body);

  const tempUrls = async (list: unknown[]): Promise<Result[]> => {
    const fileList = list.map((f) =>
      typeof f === 'string' ? f : String((f as { fileID?: unknown })?.fileID ?? ''),
    );
    const payload = await postJson('/storage-temp-url', { fileList });
    if (typeof payload?.errCode === 'number' && payload.errCode !== 0) {
      throw gatewayFailure(200, payload);
    }
    return Array.isArray(payload?.fileList) ? payload.fileList : [];
  };

  /** Upload/download give a task with callbacks and a Promise without, as wx.cloud does. */
  const taskOrPromise = (api: string, perform: (o: Options) => Perform) => (options?: Options) => {
    const o = options ?? {};
    const { task, settled } = startTask(api, { timeout: 120000, ...o }, perform(o));
    if (hasCallbacks(o)) {
      void settled.then((s) => deliver(o, s));
      return task;
    }
    return settled.then((s) => (s.ok ? s.res : Promise.reject(s.res)));
  };

  const upload =
    (o: Options): Perform =>
    async (signal) => {
      requireInit();
      if (typeof o.cloudPath !== 'string' || !o.cloudPath) {
        throw new WxFailure('parameter error: cloudPath should be a non-empty string', {
          errCode: -1,
        });
      }
      const blob = await readTempFile(String(o.filePath ?? ''));
      const url = `${host.gatewayUrl}/storage-upload?cloudPath=${encodeURIComponent(o.cloudPath)}`;
      const res = await send(url, {
        method: 'POST',
        headers: { ...caller(), 'Content-Type': blob.type || 'application/octet-stream' },
        body: blob,
        signal,
      });
      const payload = await readJson(res);
      if (!res.ok || typeof payload?.fileID !== 'string') throw gatewayFailure(res.status, payload);
      return { fileID: payload.fileID, statusCode: res.status };
    };

  const download =
    (o: Options): Perform =>
    async (signal) => {
      requireInit();
      const fileID = String(o.fileID ?? '');
      const [entry] = await tempUrls([fileID]);
      if (!entry || entry.status !== 0 || typeof entry.tempFileURL !== 'string') {
        throw new WxFailure(String(entry?.errMsg ?? `file ${fileID} not found`), {
          errCode: typeof entry?.status === 'number' ? entry.status : -1,
        });
      }
      const res = await send(entry.tempFileURL, { signal });
      if (!res.ok) throw new WxFailure(`download failed: HTTP ${res.status}`, { errCode: -1 });
      const blob = await res.blob();
      return { tempFilePath: registerTempFile(blob, fileID), statusCode: res.status };
    };

  return {
    init: (options?: Options) => {
      // One local environment serves every env id; `env` is accepted and not checked.
      void options;
      initialised = true;
    },
    callFunction: asyncApi('cloud.callFunction', async (o: Options) => {
      requireInit();
      if (typeof o.name !== 'string' || !o.name) {
        throw new WxFailure('parameter error: name should be a non-empty string', { errCode: -1 });
      }
      const result = await postJson(`/functions/${encodeURIComponent(o.name)}`, o.data ?? {});
      return { result, requestID: '' };
    }),
    uploadFile: taskOrPromise('cloud.uploadFile', upload),
    downloadFile: taskOrPromise('cloud.downloadFile', download),
    getTempFileURL: asyncApi('cloud.getTempFileURL', async (o: Options) => {
      requireInit();
      return { fileList: await tempUrls(Array.isArray(o.fileList) ? o.fileList : []) };
    }),
  };
}
