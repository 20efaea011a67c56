/**
 * One local CloudBase environment: a functions folder, a database, storage, an
 * outbox and timer triggers. Functions run in this process through their own,
 * unmodified `wx-server-sdk`; several emulators may share a process (tests).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { randomUUID } from 'crypto';
import { createRequire } from 'module';
import { Database, type IndexDeclarations } from './db/engine';
import { handleDbRequest } from './db/protocol';
import { decode } from './db/ejson';
import {
  invocationStore,
  installEnvIsolation,
  currentInvocation,
  type Caller,
  type Invocation,
} from './runtime/context';
import { patchSdkChain, registerFunctionRoot, setSdkHooks } from './runtime/sdk';
import { Outbox } from './runtime/outbox';
import { CloudBaseCron, type TimerTrigger } from './runtime/cron';
import {
  createOpenApi,
  type OpenApiService,
  type SubscribeMessageRecord,
} from './services/openapi';
import { createLocalStorage, type LocalStorage } from './services/storage';
import { installServices, type EmulatorServices } from './services/install';
import type { IndexSpec } from './db/indexes';

export interface EmulatorOptions {
  /** Folder holding one sub-folder per cloud function. */
  functionsDir: string;
  /** Durable data folder; in memory (and a temporary storage folder) when omitted. */
  dataDir?: string;
  strict?: boolean;
  indexes?: IndexDeclarations;
  envId?: string;
  appid?: string;
  /** Base URL the gateway is reachable at, for storage temp URLs. */
  publicBaseUrl?: () => string;
  /** Where the emulator tells the developer about differences from the cloud. */
  log?: (line: string) => void;
}

export interface InvokeResult {
  /** The function's return value after the JSON round trip the platform applies. */
  result?: unknown;
  /** Set when the function threw (-504002) or ran out of time (-504003), as in the cloud. */
  error?: { errCode: number; errMsg: string };
  dbRequests: number;
  durationMs: number;
  requestId: string;
}

interface LoadedFunction {
  name: string;
  dir: string;
  entry: string;
  main: (event: unknown, context: unknown) => unknown;
  timeoutMs: number;
  triggers: TimerTrigger[];
}

/** CloudBase's default execution timeout; set `timeout` in cloudbaserc.json or config.json. */
const DEFAULT_TIMEOUT_S = 3;

export function loadIndexFile(file: string): IndexDeclarations {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out: IndexDeclarations = {};
  for (const [name, spec] of Object.entries<any>(json.collections ?? {})) {
    out[name] = (spec.indexes ?? []) as IndexSpec[];
  }
  return out;
}

export class Emulator {
  readonly db: Database;
  readonly outbox: Outbox<SubscribeMessageRecord>;
  readonly storage: LocalStorage;
  readonly openapi: OpenApiService;
  readonly envId: string;
  readonly appid: string;
  readonly functionsDir: string;
  private readonly functions = new Map<string, LoadedFunction>();
  private timers: NodeJS.Timeout[] = [];
  private tmpDir: string | null = null;
  private releaseLock: (() => void) | null = null;
  publicBaseUrl: () => string;

  constructor(opts: EmulatorOptions) {
    installEnvIsolation();
    this.functionsDir = path.resolve(opts.functionsDir);
    this.envId = opts.envId ?? 'local';
    this.appid = opts.appid ?? 'wx0000000000000000';
    this.publicBaseUrl = opts.publicBaseUrl ?? (() => 'http://127.0.0.1:3000');
    const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : undefined;
    if (dataDir) this.releaseLock = lockDataDir(dataDir);
    this.db = new Database({
      dir: dataDir ? path.join(dataDir, 'db') : undefined,
      strict: opts.strict,
      indexes: opts.indexes,
      onAutoCreate: (c) =>
        opts.log?.(
          `note: collection "${c}" did not exist and was created by its first write. ` +
            `CloudBase refuses such a write (errCode -502005): create "${c}" in the console ` +
            `(or declare it with --indexes) before deploying. --strict refuses it here too.`,
        ),
    });
    this.outbox = new Outbox(dataDir);
    let storageDir: string;
    if (dataDir) storageDir = path.join(dataDir, 'storage');
    else storageDir = this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudbase-emu-'));
    this.storage = createLocalStorage({
      dir: storageDir,
      envId: this.envId,
      publicBaseUrl: () => this.publicBaseUrl(),
    });
    this.openapi = createOpenApi({
      outbox: this.outbox,
      now: () => this.db.now(),
    });
    setSdkHooks(
      {
        dbSend: async (action, params, owner) => {
          // Yield like a network round trip so overlapping invocations interleave.
          await new Promise((r) => setImmediate(r));
          return handleDbRequest((owner as Emulator).db, action, params);
        },
        patchCloudBase: (CloudBase) => patchCloudBase(CloudBase),
      },
      this,
    );
    registerFunctionRoot(this.functionsDir);
  }

  /** Names of the function folders (those with an entry file). */
  listFunctions(): string[] {
    if (!fs.existsSync(this.functionsDir)) return [];
    return fs
      .readdirSync(this.functionsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'common' && d.name !== 'node_modules')
      .filter((d) => entryOf(path.join(this.functionsDir, d.name)) !== null)
      .map((d) => d.name)
      .sort();
  }

  /** Loads a function like a cold start: resolves its own SDK and runs its module once. */
  load(name: string): LoadedFunction {
    const cached = this.functions.get(name);
    if (cached) return cached;
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new FunctionNotFound(name);
    const dir = path.join(this.functionsDir, name);
    const entry = entryOf(dir);
    if (!entry) throw new FunctionNotFound(name);
    patchSdkChain(entry);
    const mod = createRequire(entry)(entry);
    const main = mod?.main ?? mod?.default?.main;
    if (typeof main !== 'function')
      throw new Error(`function ${name}: ${path.basename(entry)} does not export main`);
    const config = readConfig(dir);
    const fn: LoadedFunction = {
      name,
      dir,
      entry,
      main,
      timeoutMs:
        (Number(config.timeout) || rcTimeout(this.functionsDir, name) || DEFAULT_TIMEOUT_S) * 1000,
      triggers: (config.triggers ?? []).filter((t: any) => t && t.type === 'timer'),
    };
    this.functions.set(name, fn);
    return fn;
  }

  /** Runs `main(event, context)` as `caller`; never throws for a function's own failure. */
  async invoke(
    name: string,
    event: Record<string, unknown>,
    caller: Caller = {},
  ): Promise<InvokeResult> {
    let fn: LoadedFunction;
    try {
      fn = this.load(name);
    } catch (e) {
      if (e instanceof FunctionNotFound) throw e;
      // A module that throws while loading fails every call, as a broken deploy does.
      return {
        error: { errCode: -504002, errMsg: `functions execute fail | ${errorText(e)}` },
        dbRequests: 0,
        durationMs: 0,
        requestId: randomUUID(),
      };
    }
    const inv: Invocation = {
      functionName: name,
      requestId: randomUUID(),
      caller: { ...caller, appid: caller.appid || this.appid },
      envId: this.envId,
      dbRequests: 0,
      owner: this,
    };
    const started = Date.now();
    const context = {
      callbackWaitsForEmptyEventLoop: false,
      memory_limit_in_mb: 256,
      time_limit_in_ms: fn.timeoutMs,
      request_id: inv.requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.envId,
      environ: '',
    };
    // The platform adds the caller to the event of client calls.
    const fullEvent =
      caller.openid && (caller.source ?? 'wx_client').startsWith('wx_')
        ? { ...event, userInfo: { appId: inv.caller.appid, openId: caller.openid } }
        : { ...event };
    return invocationStore.run(inv, async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        const value = await Promise.race([
          Promise.resolve().then(() => fn.main(fullEvent, context)),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new TimedOut(fn.timeoutMs / 1000)), fn.timeoutMs);
          }),
        ]);
        const result = value === undefined ? undefined : JSON.parse(JSON.stringify(value));
        return {
          result,
          dbRequests: inv.dbRequests,
          durationMs: Date.now() - started,
          requestId: inv.requestId,
        };
      } catch (e) {
        return {
          error:
            e instanceof TimedOut
              ? { errCode: -504003, errMsg: e.message }
              : { errCode: -504002, errMsg: `functions execute fail | ${errorText(e)}` },
          dbRequests: inv.dbRequests,
          durationMs: Date.now() - started,
          requestId: inv.requestId,
        };
      } finally {
        if (timer) clearTimeout(timer);
      }
    });
  }

  /** Timer triggers declared in each function's config.json. */
  triggers(): { fn: string; trigger: TimerTrigger }[] {
    const out: { fn: string; trigger: TimerTrigger }[] = [];
    for (const name of this.listFunctions()) {
      const config = readConfig(path.join(this.functionsDir, name));
      for (const t of config.triggers ?? [])
        if (t?.type === 'timer') out.push({ fn: name, trigger: t });
    }
    return out;
  }

  /** Fires a timer trigger now, with the event CloudBase sends. */
  fireTimer(fn: string, triggerName: string, at: Date = new Date()): Promise<InvokeResult> {
    const t = this.triggers().find((x) => x.fn === fn && x.trigger.name === triggerName);
    if (!t) throw new FunctionNotFound(`${fn}/${triggerName}`);
    return this.invoke(
      fn,
      {
        Type: 'Timer',
        TriggerName: triggerName,
        Time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        Message: '',
      },
      { source: 'timer' },
    );
  }

  /** Schedules every timer trigger; `onFire` reports each run. */
  startTimers(onFire?: (fn: string, trigger: string, r: InvokeResult) => void): void {
    for (const { fn, trigger } of this.triggers()) {
      const cron = new CloudBaseCron(trigger.config);
      const arm = (from: Date) => {
        const next = cron.next(from);
        if (!next) return;
        // setTimeout caps at ~24.8 days; re-arm in steps for anything further out.
        const delay = Math.min(next.getTime() - Date.now(), 2 ** 31 - 1);
        const handle = setTimeout(
          async () => {
            if (Date.now() < next.getTime() - 5) return arm(new Date(Date.now() - 1));
            const r = await this.fireTimer(fn, trigger.name, next);
            onFire?.(fn, trigger.name, r);
            arm(next);
          },
          Math.max(0, delay),
        );
        this.timers.push(handle);
      };
      arm(new Date());
    }
  }

  /** Inserts demo documents that are not there yet, so seeding twice changes nothing. */
  seed(data: Record<string, Record<string, unknown>[]>): { inserted: number; skipped: number } {
    let inserted = 0;
    let skipped = 0;
    for (const [coll, docs] of Object.entries(data)) {
      if (!this.db.hasCollection(coll)) this.db.createCollection(coll);
      for (const doc of docs) {
        if (doc._id !== undefined && this.db.get(coll, String(doc._id))) {
          skipped++;
          continue;
        }
        this.db.insert(coll, [doc]);
        inserted++;
      }
    }
    return { inserted, skipped };
  }

  /**
   * Puts the files of a seed folder into storage at their relative paths (the demo's audio,
   * pictures), skipping any already there, so seeding twice changes nothing here either.
   */
  async seedFiles(dir: string): Promise<{ added: number; skipped: number }> {
    let added = 0;
    let skipped = 0;
    const walk = (d: string): string[] =>
      fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
        const abs = path.join(d, e.name);
        return e.isDirectory() ? walk(abs) : [abs];
      });
    if (!fs.existsSync(dir)) return { added, skipped };
    for (const file of walk(dir)) {
      const cloudPath = path.relative(dir, file).split(path.sep).join('/');
      if (this.storage.hasFile(cloudPath)) {
        skipped++;
        continue;
      }
      const r = await this.storage.uploadFile({ cloudPath, fileContent: fs.readFileSync(file) });
      if ('code' in r) throw new Error(`seed file ${cloudPath}: ${r.code} ${r.message}`);
      added++;
    }
    return { added, skipped };
  }

  /**
   * Reads a seed file: `{"collections": {name: [EJSON documents]}}`. Dates relative to the
   * seeding (`{"$seedDate": …}`, see `resolveSeedDates`) become real dates at `now`.
   */
  static readSeedFile(
    file: string,
    now: Date = new Date(),
  ): Record<string, Record<string, unknown>[]> {
    const json = decode(fs.readFileSync(file, 'utf8'));
    return resolveSeedDates(json.collections ?? {}, now) as Record<
      string,
      Record<string, unknown>[]
    >;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.db.close();
    this.releaseLock?.();
    this.releaseLock = null;
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

const CHINA_OFFSET_MS = 8 * 3600_000;
const SEED_DATE_KEYS = new Set(['days', 'hours', 'minutes', 'at']);

/**
 * A date relative to the seeding, so demo data stays "upcoming" however long after it was
 * written it is loaded:
 *
 * - `{"$seedDate": {"days": 7, "at": "09:00"}}`: 09:00 China time (UTC+8), 7 days after the
 *   seeding day (`days` may be negative or 0);
 * - `{"$seedDate": {"days": -1, "hours": 2, "minutes": -30}}` (no `at`): the seeding instant
 *   moved by that much.
 *
 * Anything else in the object, or a malformed value, is an error naming the spec.
 */
export function seedDate(spec: unknown, now: Date): Date {
  const bad = () => new Error(`invalid $seedDate ${JSON.stringify(spec)}`);
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw bad();
  const s = spec as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!SEED_DATE_KEYS.has(k)) throw bad();
  const num = (k: string) => {
    const v = s[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw bad();
    return v;
  };
  const days = num('days');
  const hours = num('hours');
  const minutes = num('minutes');
  const shift = ((days * 24 + hours) * 60 + minutes) * 60_000;
  if (s.at === undefined) return new Date(now.getTime() + shift);
  const m = typeof s.at === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(s.at) : null;
  if (!m) throw bad();
  // Midnight China time of the seeding day, then the day offset and the clock time.
  const local = now.getTime() + CHINA_OFFSET_MS;
  const midnight = local - (((local % 86_400_000) + 86_400_000) % 86_400_000) - CHINA_OFFSET_MS;
  return new Date(midnight + shift + (Number(m[1]) * 60 + Number(m[2])) * 60_000);
}

/**
 * `{"$seedYear": spec}`: the China-time calendar year (a number) of `{"$seedDate": spec}`, for
 * fields that store the year of a relative date (an activity's `year`).
 */
export function seedYear(spec: unknown, now: Date): number {
  return new Date(seedDate(spec, now).getTime() + CHINA_OFFSET_MS).getUTCFullYear();
}

/** Replaces every `{"$seedDate": …}` and `{"$seedYear": …}` in `value` (documents, arrays, nested fields). */
export function resolveSeedDates(value: unknown, now: Date): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveSeedDates(v, now));
  if (
    value &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !(value instanceof RegExp)
  ) {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$seedDate') return seedDate(obj.$seedDate, now);
    if (keys.length === 1 && keys[0] === '$seedYear') return seedYear(obj.$seedYear, now);
    return Object.fromEntries(keys.map((k) => [k, resolveSeedDates(obj[k], now)]));
  }
  return value;
}

export class FunctionNotFound extends Error {
  constructor(readonly functionName: string) {
    super(`function not found: ${functionName}`);
    this.name = 'FunctionNotFound';
  }
}

class TimedOut extends Error {
  constructor(seconds: number) {
    super(`Invoking task timed out after ${seconds} seconds`);
  }
}

/** The `timeout` a deploy gives the function in cloudbaserc.json (functionRoot = this folder). */
function rcTimeout(functionsDir: string, name: string): number | undefined {
  let dir = functionsDir;
  for (let i = 0; i < 4; i++) {
    const rc = path.join(dir, 'cloudbaserc.json');
    if (fs.existsSync(rc)) {
      try {
        const json = JSON.parse(fs.readFileSync(rc, 'utf8'));
        const fn = (json.functions ?? []).find((f: any) => f?.name === name);
        if (fn && Number(fn.timeout) > 0) return Number(fn.timeout);
      } catch {
        /* an unreadable rc file leaves the default */
      }
      return undefined;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function entryOf(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const pkgFile = path.join(dir, 'package.json');
  const candidates: string[] = [];
  if (fs.existsSync(pkgFile)) {
    try {
      const main = JSON.parse(fs.readFileSync(pkgFile, 'utf8')).main;
      if (main) candidates.push(path.join(dir, main));
    } catch {
      /* fall through to index.* */
    }
  }
  candidates.push(path.join(dir, 'index.js'), path.join(dir, 'index.ts'));
  return candidates.find((f) => fs.existsSync(f) && fs.statSync(f).isFile()) ?? null;
}

/**
 * Two emulators appending to one journal would interleave and one compaction would
 * truncate the other's acknowledged writes; a live owner's pid file refuses the second.
 */
function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'emulator.pid');
  const me = `${process.pid} ${processStart(process.pid) ?? ''}`.trim();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, me, { flag: 'wx' });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const [pidText, start] = fs.readFileSync(file, 'utf8').trim().split(/\s+/);
      const pid = Number(pidText);
      if (pid && ownerAlive(pid, start)) {
        throw new Error(
          `data folder ${dir} is in use by another emulator (pid ${pid}); stop it or use --data`,
          { cause: e },
        );
      }
      fs.rmSync(file, { force: true }); // left behind by a process that died
    }
  }
  throw new Error(`could not lock data folder ${dir}`);
}

/** Start time of a process in clock ticks since boot (Linux), to tell a reused pid apart. */
function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; starttime is field 22 overall.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z' || rest[0] === 'X') return null; // killed, not yet reaped
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function ownerAlive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!fs.existsSync('/proc/self/stat')) return true; // no /proc: trust the pid
  const now = processStart(pid);
  return now !== null && (!start || now === start);
}

function readConfig(dir: string): any {
  const f = path.join(dir, 'config.json');
  if (!fs.existsSync(f)) return {};
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch {
    return {};
  }
}

function owner(): Emulator {
  const o = currentInvocation()?.owner;
  if (!(o instanceof Emulator))
    throw new Error('cloudbase emulator: cloud API called outside an invocation');
  return o;
}

/**
 * Functions, storage and the open API of a node-sdk copy route to the emulator of the
 * invocation in progress.
 */
function patchCloudBase(CloudBase: any): void {
  const routed: EmulatorServices = {
    openapi: {
      callCompatibleWxOpenApi: (o, ctx) => owner().openapi.callCompatibleWxOpenApi(o, ctx),
      call: (a, p, ctx) => owner().openapi.call(a, p, ctx),
    },
    storage: new Proxy({} as LocalStorage, {
      get: (_t, key) => {
        const s = owner().storage as any;
        const v = s[key];
        return typeof v === 'function' ? v.bind(s) : v;
      },
    }),
    currentContext: () => {
      const inv = currentInvocation();
      return {
        openid: inv?.caller.openid,
        appid: inv?.caller.appid,
        unionid: inv?.caller.unionid,
        envId: inv?.envId,
      };
    },
  };
  installServices(CloudBase, routed);
  // cloud.callFunction: the callee runs locally with the caller's identity.
  CloudBase.prototype.callFunction = async function ({ name, data }: { name: string; data?: any }) {
    const inv = currentInvocation();
    const emu = owner();
    try {
      const r = await emu.invoke(name, data ?? {}, inv?.caller ?? {});
      if (r.error)
        return { requestId: r.requestId, code: 'FUNCTIONS_EXECUTE_FAIL', message: r.error.errMsg };
      return { requestId: r.requestId, result: r.result };
    } catch (e) {
      if (e instanceof FunctionNotFound) {
        return {
          requestId: randomUUID(),
          code: 'FUNCTIONS_REQUEST_FAIL',
          message: `[ResourceNotFound.FunctionName] function ${name} not found`,
        };
      }
      throw e;
    }
  };
}
