/**
 * Local stand-ins for the `cloud.openapi.*` calls the project makes. They answer through the
 * same protobuf envelope as CloudBase so that wx-server-sdk's own decoding, error mapping and
 * case conversion run unmodified. See docs/emulator-openapi.md.
 */
import { randomBytes, randomUUID } from 'crypto';
import { existsSync, promises as fsp } from 'fs';
import * as path from 'path';
import {
  API_TYPE,
  decodeCommApiData,
  encodeCommOpenApiResp,
  pairsToParams,
  type OpenApiResponse,
} from './pb';
import { qrPng, type Rgba } from './png';

/** Who is calling, as the function runtime knows it (cloud.getWXContext()). */
export interface CallerContext {
  openid?: string;
  appid?: string;
  unionid?: string;
  envId?: string;
}

export interface SubscribeMessageRecord {
  id: string;
  touser: string;
  templateId: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  lang: string;
  /** ISO 8601, so records sort and compare as strings in any store. */
  sentAt: string;
  appid: string;
}

export interface OpenApiDeps {
  outbox: { append(record: SubscribeMessageRecord): Promise<void> };
  /** Defaults to emulator/wordlist/security-words.txt. Re-read when its mtime changes. */
  wordlistPath?: string;
  now?: () => Date;
  /**
   * Optional model of wx.requestSubscribeMessage: when given and it answers false, send
   * fails with 43101 as WeChat does for a user who has not (or no longer) subscribed.
   */
  subscriptions?: { consume(openid: string, templateId: string): Promise<boolean> };
  /**
   * Optional list of the mini-program's page paths ('pages/index/index'); when given,
   * wxacode.getUnlimited with check_path (the default) refuses unknown pages with 41030.
   */
  pages?: () => readonly string[];
}

export interface OpenApiCallOptions {
  apiName: string;
  requestData: Buffer;
  cgiName?: string;
}

export interface OpenApiService {
  /** The CloudBase seam: protobuf CommApiData in, protobuf CommOpenApiResp out. */
  callCompatibleWxOpenApi(opts: OpenApiCallOptions, ctx?: CallerContext): Promise<Buffer>;
  /** The same APIs without the envelope, for the gateway or tests. */
  call(
    apiName: string,
    params: Record<string, unknown>,
    ctx?: CallerContext,
  ): Promise<OpenApiResponse>;
}

export type Verdict = 'risky' | 'review';

export interface WordEntry {
  word: string;
  verdict: Verdict;
  label: number;
}

export const SUPPORTED_OPENAPIS = [
  'security.msgSecCheck',
  'subscribeMessage.send',
  'wxacode.getUnlimited',
] as const;

export function defaultWordlistPath(): string {
  // Source tree (ts-jest, tsx) and the esbuild bundle sit at different depths; the word
  // list is data kept in the repo, so look for it from both and from the working directory.
  const candidates = [
    path.resolve(__dirname, '../../wordlist/security-words.txt'),
    path.resolve(__dirname, '../wordlist/security-words.txt'),
    // build/emulator/cli.js → <repo>/emulator/wordlist, whatever the working directory
    path.resolve(__dirname, '../../emulator/wordlist/security-words.txt'),
    path.resolve(process.cwd(), 'emulator/wordlist/security-words.txt'),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}

const normalize = (s: string): string => s.normalize('NFKC').toLowerCase();

export function parseWordlist(text: string, source = 'word list'): WordEntry[] {
  const entries: WordEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [word, verdict, label, ...rest] = line.split(/\s+/);
    if (
      rest.length ||
      (verdict !== 'risky' && verdict !== 'review') ||
      !/^\d+$/.test(label ?? '')
    ) {
      // A typo here would silently let test content through, so refuse to start instead.
      throw new Error(
        `${source}:${i + 1}: expected "<word> <risky|review> <label>", got "${line}"`,
      );
    }
    entries.push({ word: normalize(word), verdict, label: Number(label) });
  });
  return entries;
}

interface WxJson {
  errcode: number;
  errmsg: string;
  [k: string]: unknown;
}

function traceId(now: Date): string {
  const t = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `${t}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`;
}

function json(body: WxJson): OpenApiResponse {
  return {
    respData: Buffer.from(JSON.stringify(body)),
    contentType: 'application/json; charset=UTF-8',
  };
}

/** WeChat appends a request id to every error message; keep the shape so logs look alike. */
function wxError(errcode: number, msg: string, now: Date): OpenApiResponse {
  return json({ errcode, errmsg: `${msg} rid: ${traceId(now)}` });
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

// Subscribe-message keyword limits (WeChat "订阅消息参数值内容限制"). Sending a value over the
// limit fails only in production with 47003, so the emulator enforces the same lengths.
const KEYWORD_LIMITS: [prefix: string, max: number][] = [
  ['character_string', 32],
  ['phone_number', 17],
  ['car_number', 8],
  ['thing', 20],
  ['number', 32],
  ['letter', 32],
  ['symbol', 5],
  ['phrase', 5],
  ['name', 10],
  ['amount', 32],
];

const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;
/** A page path as app.json lists it: no leading slash, no query. */
const PAGE_RE = /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const DEFAULT_PAGE = 'pages/index/index';

/**
 * What the emulator's stand-in for a 小程序码 holds: a plain QR code (any scanner and jsqr can
 * read it) whose text names the page and the scene, the way WeChat opens the code:
 * `wxacode:<page>?scene=<encodeURIComponent(scene)>`. The preview's wx.scanCode answers it as
 * WeChat answers a mini-program code (`scanType: 'WX_CODE'`, `path`).
 */
export function wxacodeText(page: string, scene: string): string {
  return `wxacode:${page}?scene=${encodeURIComponent(scene)}`;
}

export function createOpenApi(deps: OpenApiDeps): OpenApiService {
  const now = deps.now ?? (() => new Date());
  const wordlistPath = deps.wordlistPath ?? defaultWordlistPath();
  let cache: { mtimeMs: number; words: WordEntry[] } | undefined;

  async function words(): Promise<WordEntry[]> {
    const st = await fsp.stat(wordlistPath);
    if (!cache || cache.mtimeMs !== st.mtimeMs) {
      const text = await fsp.readFile(wordlistPath, 'utf8');
      cache = { mtimeMs: st.mtimeMs, words: parseWordlist(text, wordlistPath) };
    }
    return cache.words;
  }

  async function msgSecCheck(p: Record<string, unknown>, t: Date): Promise<OpenApiResponse> {
    const content = str(p.content);
    if (content === undefined) return wxError(40097, 'invalid args, content is required', t);
    const version = Number(p.version ?? 1);
    // Every text field the v2 API checks, so a risky nickname is caught like real WeChat does.
    const fields = [content, str(p.title), str(p.nickname), str(p.signature)].filter(
      (s): s is string => s !== undefined,
    );
    const haystack = normalize(fields.join('\n'));
    const hits = (await words()).filter((w) => haystack.includes(w.word));
    const risky = hits.filter((h) => h.verdict === 'risky');
    const review = hits.filter((h) => h.verdict === 'review');

    if (version !== 2) {
      // v1 (deprecated) only knows "risky": errcode 87014, otherwise ok.
      if (content.length > 2500) return wxError(40097, 'invalid args, content too long', t);
      return risky.length ? wxError(87014, 'risky content', t) : json({ errcode: 0, errmsg: 'ok' });
    }
    const openid = str(p.openid);
    if (!openid) return wxError(40003, 'invalid openid', t);
    const scene = Number(p.scene);
    if (![1, 2, 3, 4].includes(scene)) return wxError(40097, 'invalid args, scene must be 1-4', t);
    if (content.length > 2500)
      return wxError(40097, 'invalid args, content exceeds 2500 characters', t);

    const top = risky[0] ?? review[0];
    const suggest = top ? top.verdict : 'pass';
    const label = top ? top.label : 100;
    const detail: Record<string, unknown>[] = [
      { strategy: 'content_model', errcode: 0, suggest, label, prob: top ? 90 : 0 },
    ];
    if (hits.length) {
      for (const h of [...risky, ...review]) {
        detail.push({
          strategy: 'keyword',
          errcode: 0,
          suggest: h.verdict,
          label: h.label,
          level: h.verdict === 'risky' ? 90 : 60,
          keyword: h.word,
        });
      }
    } else {
      detail.push({ strategy: 'keyword', errcode: 0 });
    }
    return json({
      errcode: 0,
      errmsg: 'ok',
      result: { suggest, label },
      detail,
      trace_id: traceId(t),
    });
  }

  async function subscribeSend(
    p: Record<string, unknown>,
    ctx: CallerContext,
    appid: string,
    t: Date,
  ): Promise<OpenApiResponse> {
    const touser = str(p.touser);
    if (!touser) return wxError(40003, 'invalid openid', t);
    const templateId = str(p.template_id);
    if (!templateId) return wxError(40037, 'invalid template_id', t);
    const state = str(p.miniprogram_state) ?? 'formal';
    if (state !== 'developer' && state !== 'trial' && state !== 'formal') {
      return wxError(47003, 'argument invalid! miniprogram_state', t);
    }
    const lang = str(p.lang) ?? 'zh_CN';
    if (!['zh_CN', 'en_US', 'zh_HK', 'zh_TW'].includes(lang)) {
      return wxError(47003, 'argument invalid! lang', t);
    }
    const page = p.page === undefined ? undefined : str(p.page);
    if (p.page !== undefined && page === undefined)
      return wxError(47003, 'argument invalid! page', t);
    const raw = p.data;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !Object.keys(raw).length) {
      return wxError(47003, 'argument invalid! data is empty', t);
    }
    const data: Record<string, { value: string }> = {};
    for (const [key, entry] of Object.entries(raw as Record<string, unknown>)) {
      const value =
        entry && typeof entry === 'object' ? str((entry as { value?: unknown }).value) : undefined;
      if (value === undefined || value === '') {
        return wxError(47003, `argument invalid! data.${key}.value is empty`, t);
      }
      const limit = KEYWORD_LIMITS.find(([prefix]) => key.startsWith(prefix));
      if (limit && [...value].length > limit[1]) {
        return wxError(
          47003,
          `argument invalid! data.${key}.value exceeds ${limit[1]} characters`,
          t,
        );
      }
      data[key] = { value };
    }
    if (deps.subscriptions && !(await deps.subscriptions.consume(touser, templateId))) {
      return wxError(43101, 'user refuse to accept the msg', t);
    }
    const record: SubscribeMessageRecord = {
      id: randomUUID(),
      touser,
      templateId,
      data,
      miniprogramState: state,
      lang,
      sentAt: t.toISOString(),
      appid: appid || ctx.appid || '',
    };
    if (page !== undefined) record.page = page;
    await deps.outbox.append(record);
    return json({ errcode: 0, errmsg: 'ok' });
  }

  async function getUnlimited(p: Record<string, unknown>, t: Date): Promise<OpenApiResponse> {
    const scene = str(p.scene);
    if (!scene || !SCENE_RE.test(scene)) {
      return wxError(40169, 'invalid length for scene, or the data is not json string', t);
    }
    const known = deps.pages?.();
    // Without `page` WeChat opens the app's home page (the first page of app.json).
    let page = known?.[0] ?? DEFAULT_PAGE;
    if (p.page !== undefined) {
      const given = str(p.page);
      if (given === undefined || !PAGE_RE.test(given)) return wxError(41030, 'invalid page', t);
      const checkPath = p.check_path !== false;
      if (checkPath && known && !known.includes(given)) return wxError(41030, 'invalid page', t);
      page = given;
    }
    const env = str(p.env_version) ?? 'release';
    if (!['release', 'trial', 'develop'].includes(env)) {
      return wxError(40097, 'invalid args, env_version', t);
    }
    if (p.width !== undefined && !Number.isFinite(Number(p.width))) {
      return wxError(40097, 'invalid args, width', t);
    }
    // WeChat clamps the width into 280–1280 rather than refusing it.
    const width = Math.min(1280, Math.max(280, Number(p.width ?? 430) || 430));
    const lc = p.line_color as { r?: unknown; g?: unknown; b?: unknown } | undefined;
    const channel = (v: unknown) => Math.min(255, Math.max(0, Math.round(Number(v) || 0)));
    const dark: Rgba =
      p.auto_color !== true && lc
        ? [channel(lc.r), channel(lc.g), channel(lc.b), 255]
        : [0, 0, 0, 255];
    const light: Rgba = p.is_hyaline === true ? [255, 255, 255, 0] : [255, 255, 255, 255];
    const png = qrPng(wxacodeText(page, scene), width, dark, light);
    return { respData: png, contentType: 'image/png' };
  }

  async function call(
    apiName: string,
    params: Record<string, unknown>,
    ctx: CallerContext = {},
    appid = '',
  ): Promise<OpenApiResponse> {
    const t = now();
    switch (apiName) {
      case 'security.msgSecCheck':
        return msgSecCheck(params, t);
      case 'subscribeMessage.send':
        return subscribeSend(params, ctx, appid, t);
      case 'wxacode.getUnlimited':
        return getUnlimited(params, t);
      default:
        return json({ errcode: -1, errmsg: `emulator does not support openapi.${apiName}` });
    }
  }

  return {
    call: (apiName, params, ctx) => call(apiName, params, ctx),
    async callCompatibleWxOpenApi(opts, ctx = {}) {
      const req = decodeCommApiData(opts.requestData);
      if (req.apiType !== API_TYPE.OPEN_API) {
        return encodeCommOpenApiResp(
          json({
            errcode: -1,
            errmsg: `emulator supports only OPEN_API calls, got type ${req.apiType}`,
          }),
        );
      }
      const resp = await call(opts.apiName, pairsToParams(req.pairs), ctx, req.appid);
      return encodeCommOpenApiResp(resp);
    },
  };
}
