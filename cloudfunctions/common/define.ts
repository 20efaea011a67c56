import cloud = require('wx-server-sdk');
// Namespace import plus a named locale: `import { z }` would pull every zod feature and all
// forty locales into each bundle (760 kB instead of 180 kB), slowing every cold start.
import * as z from 'zod';
import { zhCN } from 'zod/locales';
import type {
  ActionName,
  ActionReq,
  ActionRes,
  ApiError,
  FunctionName,
  Result,
} from '../../typings/api';
import { AppError, MESSAGES, isAppError } from './errors';
import { withIdempotency } from './idempotency';

z.config(zhCN());
/** Markers the kit error map leaves on built-in issues, turned into field-naming text below. */
const MISSING = '\u0000missing';
const WRONG_TYPE = '\u0000type';
// Replaces zod's raw wording ("期望 boolean，实际接收 undefined") for absent and wrongly typed
// fields. Messages a schema sets explicitly take precedence over this map and are kept.
z.config({
  customError: (iss) => {
    if (iss.code === 'invalid_type') return iss.input === undefined ? MISSING : WRONG_TYPE;
    if (iss.code === 'too_small' && iss.origin === 'string' && iss.input === '') return MISSING;
    return undefined;
  },
});

export type Cloud = typeof cloud;
export type Database = ReturnType<Cloud['database']>;

/** What a handler may rely on. The caller's identity comes from WeChat, never from `data`. */
export interface HandlerContext {
  openid: string;
  appid: string;
  db: Database;
  cloud: Cloud;
  /** Idempotency key of a mutating call (ARCHITECTURE §3); absent on reads. */
  requestId: string | undefined;
}

export interface ActionDef<F extends FunctionName, A extends ActionName<F>> {
  /**
   * Declares the budget class (§6): a read may make 3 database requests, a write 5. A write
   * called with a requestId is applied once (common/idempotency.ts), which takes 2 of its 5.
   */
  kind: 'read' | 'write';
  /**
   * `false` keeps a write out of the requestId marker (saves its 2 database requests). Only
   * for writes that are idempotent by themselves: a retry after success must find the state
   * already changed and answer the same success (or a clear error), never apply twice.
   */
  idempotent?: false;
  /** Validates `event.data`; its output is exactly the contract's request type. */
  schema: z.ZodType<ActionReq<F, A>, unknown>;
  handler: (data: ActionReq<F, A>, ctx: HandlerContext) => Promise<ActionRes<F, A>>;
}

export type ActionTable<F extends FunctionName> = { [A in ActionName<F>]: ActionDef<F, A> };

export interface TimerContext {
  db: Database;
  cloud: Cloud;
  triggerName: string;
  /**
   * The trigger's time (the event's `Time`, the minute the cron matched), else now. Timers
   * decide what is due by it, so a late or replayed trigger acts for the minute it stood for.
   */
  at: Date;
}

export interface FunctionDef<F extends FunctionName> {
  name: F;
  actions: ActionTable<F>;
  /**
   * Chinese names of the function's `data` fields (`phone` → 「联系电话」; a dotted path for a
   * nested field, array indexes left out). Given, validation messages never show a field's
   * identifier: a missing field 「请填写联系电话」, a wrongly typed one or one zod's own wording
   * refused 「联系电话格式不正确」, a message the schema sets is shown as it is; a field
   * without a label gets the same sentences without its name; a handler's INVALID_ARGUMENT
   * worded the default way is relabelled alike. Without, the kit's default below
   * (`参数「phone」有误：…`). `details.fields` carries the paths either way.
   */
  fieldLabels?: Readonly<Record<string, string>>;
  /** Timer triggers by the `name` given in the function's config.json. */
  timers?: Record<string, (ctx: TimerContext) => Promise<void>>;
}

export type CloudMain = ((event: unknown, context?: unknown) => Promise<Result<unknown>>) & {
  /** Lets tests and tools enumerate actions and their budget class without calling them. */
  readonly meta: { name: string; actions: Record<string, 'read' | 'write'> };
};

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;
const MAX_ECHOED_ACTION = 40;

let db: Database | undefined;

// Once per cold start: later invocations in the same instance reuse the connection.
function ensureInit(): Database {
  if (!db) {
    // The SDK types `env` as a string, but DYNAMIC_CURRENT_ENV (a symbol) is the documented
    // way to follow whichever environment the function is deployed in.
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });
    db = cloud.database();
  }
  return db;
}

function fail(error: ApiError): Result<never> {
  return { ok: false, error };
}

function invalid(message: string, details?: unknown): AppError {
  return new AppError('INVALID_ARGUMENT', message, details);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A dotted path within `data`; an issue about `data` as a whole (`null`, `"x"`) names `data`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'data' : path.map((part) => String(part)).join('.');
}

const zhLocaleError = zhCN().localeError;

/** The issue's message is zod's own Chinese wording (no schema set one). */
function fromLocale(issue: z.core.$ZodIssue): boolean {
  const text = zhLocaleError(issue as never);
  return (typeof text === 'string' ? text : text?.message) === issue.message;
}

/** The label of a path: the whole path, else its shorter prefixes; array indexes left out. */
function labelOf(
  path: readonly PropertyKey[],
  labels: Readonly<Record<string, string>>,
): string | null {
  const parts = path.map(String).filter((p) => !/^\d+$/.test(p));
  for (let n = parts.length; n > 0; n--) {
    const label = labels[parts.slice(0, n).join('.')];
    if (label) return label;
  }
  return null;
}

/** `validationError` with the function's `fieldLabels`: no identifier ever reaches the user. */
function labelledMessage(
  issue: z.core.$ZodIssue | undefined,
  labels: Readonly<Record<string, string>>,
): string {
  const label = issue ? labelOf(issue.path, labels) : null;
  const reason = issue?.message ?? WRONG_TYPE;
  // An empty required text is a missing field, whatever the schema says (「请填写编号」).
  const empty =
    issue?.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) <= 1;
  if (reason === MISSING) return label ? `请填写${label}` : '请填写完整后再提交';
  if (empty && label) return `请填写${label}`;
  if (reason === WRONG_TYPE || (issue && fromLocale(issue))) {
    return label ? `${label}格式不正确` : '填写的内容格式不正确，请检查后再提交';
  }
  return reason;
}

/**
 * A handler's own INVALID_ARGUMENT worded the kit's default way (`参数「cursor」有误：…`,
 * `请填写「branchId」`, common/util.ts's cursor message among them), said as `labelledMessage`
 * says it: with the function's `fieldLabels`, no identifier reaches the user from a handler
 * either.
 */
function relabel(message: string, labels: Readonly<Record<string, string>>): string {
  const explained = /^参数「[^」]*」有误：([\s\S]+)$/.exec(message);
  if (explained) return explained[1];
  const missing = /^请填写「([^」]*)」$/.exec(message);
  if (missing) {
    const label = labelOf(missing[1].split('.'), labels);
    return label ? `请填写${label}` : '请填写完整后再提交';
  }
  const wrong = /^「([^」]*)」格式不正确$/.exec(message);
  if (wrong) {
    const label = labelOf(wrong[1].split('.'), labels);
    return label ? `${label}格式不正确` : '填写的内容格式不正确，请检查后再提交';
  }
  return message;
}

/** The first issue names the field for the user; all paths go to `details` for forms. */
function validationError(
  issues: readonly z.core.$ZodIssue[],
  labels?: Readonly<Record<string, string>>,
): AppError {
  const fields = [...new Set(issues.map((issue) => fieldName(issue.path)))];
  const first = issues[0];
  if (labels) return invalid(labelledMessage(first, labels), { fields });
  const field = first ? fieldName(first.path) : '';
  const reason = first?.message ?? '格式不正确';
  let message: string;
  if (reason === MISSING) message = field ? `请填写「${field}」` : '请求缺少参数';
  else if (reason === WRONG_TYPE) message = field ? `「${field}」格式不正确` : '请求参数格式不正确';
  else message = field ? `参数「${field}」有误：${reason}` : `请求参数有误：${reason}`;
  return invalid(message, { fields });
}

/**
 * What may be logged about an unexpected error: its type, code and stack frames. The
 * message line is dropped because driver errors quote query values (openids, names).
 */
function loggable(err: unknown): Record<string, unknown> {
  const raw =
    typeof err === 'object' && err !== null
      ? ((err as { errCode?: unknown }).errCode ?? (err as { code?: unknown }).code)
      : undefined;
  const code = typeof raw === 'string' || typeof raw === 'number' ? { code: raw } : {};
  if (!(err instanceof Error)) return { type: typeof err, ...code };
  // Only frame lines: a multi-line message would otherwise continue past the first line.
  const frames = (err.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, 8);
  return { type: err.name, ...code, frames };
}

function logInternal(fn: string, action: string, err: unknown): void {
  console.error(JSON.stringify({ level: 'error', fn, action, error: loggable(err) }));
}

function isTimerEvent(
  event: unknown,
): event is { Type: 'Timer'; TriggerName: string; Time?: unknown } {
  return isRecord(event) && event.Type === 'Timer' && typeof event.TriggerName === 'string';
}

/** The timer event's `Time` (ISO 8601), or now when absent or unreadable. */
function timerTime(event: { Time?: unknown }): Date {
  const t = typeof event.Time === 'string' ? Date.parse(event.Time) : NaN;
  return Number.isFinite(t) ? new Date(t) : new Date();
}

/**
 * Builds the `main(event, context)` CloudBase calls. Every outcome, including bugs, leaves
 * as a `Result`: the client never sees a raw exception (ARCHITECTURE §3).
 */
export function defineFunction<F extends FunctionName>(def: FunctionDef<F>): CloudMain {
  const actions = def.actions as unknown as Record<string, ActionDef<F, ActionName<F>>>;

  const main = async (event: unknown): Promise<Result<unknown>> => {
    let action = '(none)';
    try {
      const database = ensureInit();
      const wx = cloud.getWXContext();
      // The SDK turns all-digit context values into numbers; an openid is always a string.
      const openid = wx.OPENID === undefined || wx.OPENID === null ? '' : String(wx.OPENID);

      // Timers carry no OPENID; a client cannot pose as one because it always has one.
      if (!openid && isTimerEvent(event)) {
        action = `timer:${event.TriggerName}`;
        const timer = def.timers?.[event.TriggerName];
        if (!timer) throw new Error('unknown timer trigger');
        await timer({ db: database, cloud, triggerName: event.TriggerName, at: timerTime(event) });
        return { ok: true, data: null };
      }

      if (!openid) throw new AppError('UNAUTHENTICATED', MESSAGES.unauthenticated);

      if (!isRecord(event) || typeof event.action !== 'string' || event.action === '') {
        throw invalid(MESSAGES.missingAction);
      }
      // hasOwnProperty: 'toString' or '__proto__' must not reach Object.prototype.
      if (!Object.prototype.hasOwnProperty.call(actions, event.action)) {
        throw invalid(`不支持的操作「${event.action.slice(0, MAX_ECHOED_ACTION)}」`);
      }
      action = event.action;
      const spec = actions[action];

      const requestId = event.requestId;
      if (
        requestId !== undefined &&
        (typeof requestId !== 'string' || !REQUEST_ID.test(requestId))
      ) {
        throw invalid(MESSAGES.badRequestId, { fields: ['requestId'] });
      }

      const parsed = spec.schema.safeParse(event.data);
      if (!parsed.success) {
        // Without `data`, name the first required field rather than `data` as a whole.
        const named = event.data === undefined ? spec.schema.safeParse({}) : parsed;
        throw validationError((named.success ? parsed : named).error!.issues, def.fieldLabels);
      }

      const run = () =>
        spec.handler(parsed.data, {
          openid,
          appid: wx.APPID === undefined ? '' : String(wx.APPID),
          db: database,
          cloud,
          requestId,
        });
      const data =
        spec.kind === 'write' && spec.idempotent !== false && requestId
          ? await withIdempotency(database, { fn: def.name, action, openid, requestId }, run)
          : await run();
      return { ok: true, data };
    } catch (err) {
      if (isAppError(err)) {
        const error = err.toApiError();
        if (def.fieldLabels && error.code === 'INVALID_ARGUMENT') {
          error.message = relabel(error.message, def.fieldLabels);
        }
        return fail(error);
      }
      logInternal(def.name, action, err);
      return fail({ code: 'INTERNAL', message: MESSAGES.internal });
    }
  };

  const meta = {
    name: def.name,
    actions: Object.fromEntries(Object.entries(actions).map(([name, a]) => [name, a.kind])),
  };
  return Object.assign(main, { meta });
}
