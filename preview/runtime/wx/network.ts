/**
 * wx.request, wx.uploadFile and wx.downloadFile on fetch. Like WeChat's, they return a task
 * (abort, progress and header listeners) rather than a Promise, so only callbacks report.
 */
import { deliver, hasCallbacks, settle, WxFailure, type Options, type Result } from './callback';
import { fileNameOf, readTempFile, registerTempFile, rememberFile } from './files';

type Listener = (r: Result) => void;

/** What a fetch-backed API runs: it gets an abort signal and reports headers when known. */
export type Perform = (
  signal: AbortSignal,
  headersReceived: (r: Result) => void,
) => Promise<Result>;

/**
 * Run `perform` under a timeout and hand back WeChat's task object. Used by the cloud
 * upload/download too, which return the same kind of task when given callbacks.
 */
export function startTask(
  api: string,
  o: Options,
  perform: Perform,
): { task: Record<string, any>; settled: Promise<{ ok: boolean; res: Result }> } {
  const controller = new AbortController();
  let why: 'timeout' | 'abort' | '' = '';
  const headerListeners = new Set<Listener>();
  const progressListeners = new Set<Listener>();
  const timeout = Number(o.timeout ?? 60000);
  const timer = setTimeout(() => {
    why = 'timeout';
    controller.abort();
  }, timeout);
  const settled = settle(api, async () => {
    try {
      const r = await perform(controller.signal, (h) => headerListeners.forEach((fn) => fn(h)));
      // fetch reports no upload progress; one final event keeps progress bars from hanging.
      progressListeners.forEach((fn) =>
        fn({ progress: 100, totalBytesSent: 0, totalBytesExpectedToSend: 0 }),
      );
      return r;
    } catch (e) {
      if (why) throw new WxFailure(why);
      if (e instanceof WxFailure) throw e;
      throw new WxFailure(e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
    }
  });
  const task = {
    abort: () => {
      if (!why) why = 'abort';
      controller.abort();
    },
    onHeadersReceived: (fn: Listener) => headerListeners.add(fn),
    offHeadersReceived: (fn?: Listener) =>
      fn ? headerListeners.delete(fn) : headerListeners.clear(),
    onProgressUpdate: (fn: Listener) => progressListeners.add(fn),
    offProgressUpdate: (fn?: Listener) =>
      fn ? progressListeners.delete(fn) : progressListeners.clear(),
    // Streaming chunks are not modelled: the response arrives in one piece.
    onChunkReceived: () => undefined,
    offChunkReceived: () => undefined,
  };
  return { task, settled };
}

/** Callbacks get the outcome; the task is returned either way (no Promise form). */
function taskApi(api: string, perform: (o: Options) => Perform): (o?: Options) => unknown {
  return (options?: Options) => {
    const o = options ?? {};
    const { task, settled } = startTask(api, o, perform(o));
    if (hasCallbacks(o)) void settled.then((s) => deliver(o, s));
    return task;
  };
}

export function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}

function queryString(data: unknown): string {
  if (data === undefined || data === null) return '';
  if (typeof data === 'string') return data;
  return Object.entries(data as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => {
      const text = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      return `${encodeURIComponent(k)}=${encodeURIComponent(text)}`;
    })
    .join('&');
}

function withQuery(url: string, qs: string): string {
  if (!qs) return url;
  const [base, hash] = url.split('#', 2);
  const joined = `${base}${base.includes('?') ? '&' : '?'}${qs}`;
  return hash === undefined ? joined : `${joined}#${hash}`;
}

function lowerHeaders(header: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((header ?? {}) as Record<string, unknown>)) {
    out[k.toLowerCase()] = String(v);
  }
  return out;
}

function requireUrl(o: Options): string {
  if (typeof o.url !== 'string' || !o.url) {
    throw new WxFailure('parameter error: parameter.url should be String instead of Undefined');
  }
  return o.url;
}

const request =
  (o: Options): Perform =>
  async (signal, headersReceived) => {
    const method = String(o.method ?? 'GET').toUpperCase();
    const headers = { 'content-type': 'application/json', ...lowerHeaders(o.header) };
    let url = requireUrl(o);
    let body: BodyInit | undefined;
    if (method === 'GET' || method === 'HEAD') {
      url = withQuery(url, queryString(o.data));
    } else if (o.data !== undefined) {
      if (typeof o.data === 'string' || o.data instanceof ArrayBuffer) body = o.data;
      else if (headers['content-type'].includes('x-www-form-urlencoded'))
        body = queryString(o.data);
      else body = JSON.stringify(o.data);
    }
    const res = await fetch(url, { method, headers, body, signal });
    const header = headersOf(res);
    headersReceived({ header, statusCode: res.status });
    let data: unknown;
    if (o.responseType === 'arraybuffer') {
      data = await res.arrayBuffer();
    } else {
      const text = await res.text();
      data = text;
      // dataType 'json' (the default) parses when it can and hands back the text otherwise.
      if ((o.dataType ?? 'json') === 'json') {
        try {
          data = JSON.parse(text);
        } catch {
          data = text;
        }
      }
    }
    return { data, statusCode: res.status, header, cookies: [] };
  };

const uploadFile =
  (o: Options): Perform =>
  async (signal, headersReceived) => {
    const url = requireUrl(o);
    const path = String(o.filePath ?? '');
    const blob = await readTempFile(path);
    const form = new FormData();
    for (const [k, v] of Object.entries((o.formData ?? {}) as Record<string, unknown>)) {
      form.append(k, String(v));
    }
    form.append(String(o.name ?? 'file'), blob, fileNameOf(path, blob));
    const res = await fetch(url, {
      method: 'POST',
      headers: lowerHeaders(o.header),
      body: form,
      signal,
    });
    headersReceived({ header: headersOf(res), statusCode: res.status });
    return { data: await res.text(), statusCode: res.status, header: headersOf(res) };
  };

const downloadFile =
  (o: Options): Perform =>
  async (signal, headersReceived) => {
    const url = requireUrl(o);
    const res = await fetch(url, { headers: lowerHeaders(o.header), signal });
    headersReceived({ header: headersOf(res), statusCode: res.status });
    const blob = await res.blob();
    const name = new URL(url, location.href).pathname.split('/').pop() ?? '';
    const tempFilePath = registerTempFile(blob, name);
    if (typeof o.filePath === 'string' && o.filePath) {
      // A user-data path cannot be written in a browser; it is only remembered for uploads.
      rememberFile(o.filePath, blob);
      return { filePath: o.filePath, statusCode: res.status };
    }
    return { tempFilePath, statusCode: res.status };
  };

export function networkApis(): Record<string, any> {
  return {
    request: taskApi('request', request),
    uploadFile: taskApi('uploadFile', uploadFile),
    downloadFile: taskApi('downloadFile', downloadFile),
  };
}
