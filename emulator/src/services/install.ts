/**
 * Points @cloudbase/node-sdk's network-facing methods at the local services. wx-server-sdk
 * stays untouched: it still encodes openapi calls, decodes the replies and maps error codes,
 * so cloud functions see exactly the results and errors they would see in production.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { CallerContext, OpenApiCallOptions, OpenApiService } from './openapi';
import type { FileContent, LocalStorage } from './storage';
import { isStorageFailure } from './storage';

export type { CallerContext } from './openapi';

export interface EmulatorServices {
  openapi: OpenApiService;
  storage: LocalStorage;
  /** The caller of the invocation in progress; read on every openapi call. */
  currentContext(): CallerContext;
}

interface NodeSdkUtils {
  processReturn(result: unknown): unknown;
  E(err: { code: string; message: string; requestId?: string }): Error;
}

export const PATCHED_METHODS = [
  'callCompatibleWxOpenApi',
  'uploadFile',
  'downloadFile',
  'getTempFileURL',
  'deleteFile',
] as const;

type MethodName = (typeof PATCHED_METHODS)[number];

interface PatchState {
  services: EmulatorServices;
  utils: NodeSdkUtils;
  originals: Partial<Record<MethodName, unknown>>;
}

const STATE = Symbol.for('wangshang-zhibu.emulator.services');

class FallbackTcbError extends Error {
  code: string;
  requestId: string;
  constructor(err: { code: string; message: string; requestId?: string }) {
    super(err.message);
    this.code = err.code;
    this.requestId = err.requestId ?? '';
  }
}

/**
 * node-sdk decides per process whether an error code is thrown or returned (setThrowOnCode),
 * so use *its* processReturn and TcbError: the copy sitting next to the given class.
 */
function findNodeSdkUtils(CloudBaseClass: unknown): NodeSdkUtils {
  const cache = (require.cache ?? {}) as Record<string, NodeJS.Module | undefined>;
  for (const m of Object.values(cache)) {
    if (m && (m.exports as { CloudBase?: unknown } | undefined)?.CloudBase === CloudBaseClass) {
      try {
        return require(path.join(path.dirname(m.filename), 'utils', 'utils.js')) as NodeSdkUtils;
      } catch {
        break;
      }
    }
  }
  try {
    // Jest keeps its own registry (require.cache is empty there); the project has one copy.
    return require('@cloudbase/node-sdk/dist/utils/utils') as NodeSdkUtils;
  } catch {
    return {
      processReturn(result) {
        throw new FallbackTcbError(result as { code: string; message: string });
      },
      E: (err) => new FallbackTcbError(err),
    };
  }
}

function contextFor(state: PatchState, instance: unknown): CallerContext {
  const ctx = { ...state.services.currentContext() };
  const env = (instance as { config?: { env?: unknown } } | undefined)?.config?.env;
  if (!ctx.envId && typeof env === 'string') ctx.envId = env;
  return ctx;
}

/**
 * Replace the five storage/openapi methods on `CloudBaseClass.prototype` (the class from
 * `@cloudbase/node-sdk/dist/cloudbase`, the copy wx-server-sdk loads). Calling it again only
 * swaps in the new services, so a fresh store per test needs no un-patching.
 */
export function installServices(
  CloudBaseClass: { prototype: object },
  services: EmulatorServices,
): void {
  const proto = CloudBaseClass.prototype as Record<string | symbol, unknown>;
  const existing = proto[STATE] as PatchState | undefined;
  if (existing) {
    existing.services = services;
    return;
  }
  const state: PatchState = { services, utils: findNodeSdkUtils(CloudBaseClass), originals: {} };
  for (const name of PATCHED_METHODS) state.originals[name] = proto[name];
  Object.defineProperty(proto, STATE, { value: state, configurable: true, enumerable: false });

  const patched: Record<MethodName, (this: unknown, ...args: any[]) => Promise<unknown>> = {
    async callCompatibleWxOpenApi(opts: OpenApiCallOptions) {
      return state.services.openapi.callCompatibleWxOpenApi(opts, contextFor(state, this));
    },

    async uploadFile(
      { cloudPath, fileContent }: { cloudPath: string; fileContent: FileContent },
      opts?: { onResponseReceived?: (resp: { statusCode: number }) => void },
    ) {
      // node-sdk accepts only these two and throws regardless of setThrowOnCode.
      if (!(fileContent instanceof fs.ReadStream) && !Buffer.isBuffer(fileContent)) {
        throw state.utils.E({
          code: 'INVALID_PARAM',
          message: '[node-sdk] fileContent should be instance of fs.ReadStream or Buffer',
        });
      }
      const res = await state.services.storage.uploadFile({ cloudPath, fileContent });
      if (isStorageFailure(res)) return state.utils.processReturn({ ...res });
      opts?.onResponseReceived?.({ statusCode: 200 });
      return res;
    },

    async downloadFile({ fileID }: { fileID: string }) {
      const res = await state.services.storage.downloadFile({ fileID });
      return 'fileContent' in res ? res : state.utils.processReturn({ ...res });
    },

    async getTempFileURL({
      fileList,
    }: {
      fileList: (string | { fileID: string; maxAge: number })[];
    }) {
      const res = await state.services.storage.getTempFileURL({ fileList });
      return isStorageFailure(res) ? state.utils.processReturn({ ...res }) : res;
    },

    async deleteFile({ fileList }: { fileList: string[] }) {
      const res = await state.services.storage.deleteFile({ fileList });
      return isStorageFailure(res) ? state.utils.processReturn({ ...res }) : res;
    },
  };
  for (const name of PATCHED_METHODS) {
    Object.defineProperty(proto, name, {
      value: patched[name],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/** Put the original node-sdk methods back (for tests that need the real network path). */
export function uninstallServices(CloudBaseClass: { prototype: object }): void {
  const proto = CloudBaseClass.prototype as Record<string | symbol, unknown>;
  const state = proto[STATE] as PatchState | undefined;
  if (!state) return;
  for (const name of PATCHED_METHODS) {
    Object.defineProperty(proto, name, {
      value: state.originals[name],
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  delete proto[STATE];
}
