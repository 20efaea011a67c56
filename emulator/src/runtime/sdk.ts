/**
 * Wires a function folder's own copy of the SDK to the emulator through the SDK's
 * seams, leaving the SDK code itself untouched:
 * - `@cloudbase/database`: `Db.reqClass` is the class every database request goes
 *   through (`new Db.reqClass(config).send(action, params)`). The node-sdk reassigns it
 *   on every `database()` call, so it is pinned with an accessor that ignores writes.
 * - `@cloudbase/node-sdk`'s `CloudBase` prototype: functions, storage and open API.
 * Each function folder may resolve its own copies, so the chain is followed from the
 * function's `wx-server-sdk` and every copy found is patched.
 */
import * as path from 'path';
import * as fs from 'fs';
import Module, { createRequire } from 'module';
import { currentInvocation } from './context';

export interface SdkHooks {
  /** Answers one database request (`{code, message}` on failure). */
  dbSend(action: string, params: any, owner: unknown): Promise<any>;
  /** Installs functions/storage/openapi stand-ins on a node-sdk CloudBase class. */
  patchCloudBase(CloudBaseClass: any): void;
}

const PATCHED = Symbol.for('cloudbase-emulator.patched');
const EMULATOR_REQUIRE = createRequire(__filename);

let defaultOwner: unknown;
let hooksRef: SdkHooks | null = null;

export function setSdkHooks(hooks: SdkHooks, owner: unknown): void {
  hooksRef = hooks;
  defaultOwner = owner;
}

/** Routes a request to the emulator that runs the current invocation. */
function ownerNow(): unknown {
  return currentInvocation()?.owner ?? defaultOwner;
}

export function patchDatabaseModule(dbModule: any, utilsModule: any | null): void {
  const Db = dbModule?.Db;
  if (!Db || Db[PATCHED]) return;
  const processReturn =
    utilsModule && typeof utilsModule.processReturn === 'function'
      ? (res: any) => utilsModule.processReturn(res)
      : (res: any) => {
          const e: any = new Error(res.message);
          e.code = res.code;
          e.requestId = res.requestId;
          throw e;
        };
  class EmulatorDbRequester {
    constructor(readonly config: unknown) {}
    async send(action: string, params: any): Promise<any> {
      if (!hooksRef)
        throw new Error('cloudbase emulator: database used before the emulator started');
      const inv = currentInvocation();
      if (inv) inv.dbRequests++;
      const res = await hooksRef.dbSend(action, params, ownerNow());
      // The node-sdk's own request() does exactly this with the service's answer.
      if (res && res.code) return processReturn(res);
      return res;
    }
  }
  Object.defineProperty(Db, 'reqClass', {
    configurable: true,
    get: () => EmulatorDbRequester,
    set: () => {
      /* pinned: the node-sdk re-assigns its HTTP requester on every database() call */
    },
  });
  Db[PATCHED] = true;
}

function tryResolve(req: NodeRequire, id: string): string | null {
  try {
    return req.resolve(id);
  } catch {
    return null;
  }
}

/** The package root of a resolved file inside node_modules/<pkg>. */
function packageDir(file: string, pkg: string): string {
  const marker = path.join('node_modules', ...pkg.split('/'));
  const i = file.lastIndexOf(marker);
  return i >= 0 ? file.slice(0, i + marker.length) : path.dirname(file);
}

/**
 * Patches every SDK copy reachable from `fromFile` (a function's entry), through the
 * same `require` that the function will use, so jest's module registry and Node's
 * own cache are both honoured.
 */
export function patchSdkChain(fromFile: string): { sdkPath: string } {
  const req = createRequire(fromFile);
  const sdkPath = tryResolve(req, 'wx-server-sdk') ?? EMULATOR_REQUIRE.resolve('wx-server-sdk');
  const roots = [sdkPath];
  const direct = tryResolve(req, '@cloudbase/node-sdk');
  if (direct) roots.push(direct);
  for (const root of roots) {
    const r = createRequire(root);
    const nodeSdk = root.includes(path.join('@cloudbase', 'node-sdk'))
      ? root
      : tryResolve(r, '@cloudbase/node-sdk');
    // An SDK copy left unpatched would talk to the real CloudBase; refuse instead.
    const unsupported = (what: string) =>
      new Error(
        `cloudbase emulator: cannot serve the SDK at ${root} (${what}). ` +
          `Supported: wx-server-sdk with @cloudbase/node-sdk 2.x/3.x; pin the version in package.json.`,
      );
    if (!nodeSdk) throw unsupported('@cloudbase/node-sdk not found beside it');
    const nodeDir = packageDir(nodeSdk, '@cloudbase/node-sdk');
    const nr = createRequire(path.join(nodeDir, 'package.json'));
    const dbPath = tryResolve(nr, '@cloudbase/database');
    const utilsPath = path.join(nodeDir, 'dist', 'utils', 'utils.js');
    const cbPath = path.join(nodeDir, 'dist', 'cloudbase.js');
    if (!dbPath) throw unsupported('@cloudbase/database not found');
    if (!fs.existsSync(cbPath))
      throw unsupported('dist/cloudbase.js not found in @cloudbase/node-sdk');
    const dbModule = nr(dbPath);
    if (!dbModule?.Db) throw unsupported('@cloudbase/database exports no Db class');
    patchDatabaseModule(dbModule, fs.existsSync(utilsPath) ? nr(utilsPath) : null);
    const CloudBase = nr(cbPath).CloudBase;
    if (!CloudBase) throw unsupported('dist/cloudbase.js exports no CloudBase class');
    if (!CloudBase[PATCHED]) {
      hooksRef?.patchCloudBase(CloudBase);
      CloudBase[PATCHED] = true;
    }
  }
  return { sdkPath };
}

let resolverInstalled = false;
const functionRoots = new Set<string>();

/**
 * In the cloud, `wx-server-sdk` is installed into each function folder. A folder run
 * here without its own node_modules gets the emulator's pinned copy instead.
 */
export function registerFunctionRoot(dir: string): void {
  functionRoots.add(path.resolve(dir) + path.sep);
  if (resolverInstalled) return;
  resolverInstalled = true;
  const M = Module as any;
  if (typeof M._resolveFilename !== 'function') return;
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, parent: any, ...rest: unknown[]) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (e) {
      const from: string = parent?.filename ?? '';
      const fallback = ['wx-server-sdk', '@cloudbase/node-sdk'];
      if (fallback.includes(request) && [...functionRoots].some((r) => from.startsWith(r))) {
        return EMULATOR_REQUIRE.resolve(request);
      }
      throw e;
    }
  };
}
