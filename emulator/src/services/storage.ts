/**
 * Cloud storage on the local disk, answering with the shapes @cloudbase/node-sdk returns
 * (before its error handling), so install.ts can hand them to the SDK's own code paths.
 * Layout: `<dir>/<cloudPath>`; see docs/emulator-openapi.md.
 */
import { randomUUID } from 'crypto';
import { createReadStream, createWriteStream, existsSync, promises as fsp } from 'fs';
import type { ServerResponse } from 'http';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';

export interface LocalStorageOptions {
  dir: string;
  envId: string;
  /** e.g. () => 'http://127.0.0.1:8787'; read per call because the port is known late. */
  publicBaseUrl: () => string;
  /**
   * The bucket part of fileIDs. CloudBase names it `<hex of first 2 env chars>-<envId>-<appid>`;
   * the default follows that with a fixed fake Tencent Cloud appid.
   */
  bucket?: string;
}

/** Top-level failure, shaped like node-sdk's ERROR entries ({ code, message }). */
export interface StorageFailure {
  code: string;
  message: string;
  requestId: string;
}

export interface TempUrlEntry {
  fileID: string;
  tempFileURL: string;
  code: string;
  maxAge?: number;
  message?: string;
}

export interface DeleteEntry {
  fileID: string;
  code: string;
  message?: string;
}

export type FileContent = Buffer | Readable;

export interface LocalStorage {
  readonly envId: string;
  readonly dir: string;
  uploadFile(p: {
    cloudPath: string;
    fileContent: FileContent;
  }): Promise<{ fileID: string; requestId: string } | StorageFailure>;
  /** Failure is the getTempFileURL entry, as node-sdk's downloadFile passes it on. */
  downloadFile(p: {
    fileID: string;
  }): Promise<{ fileContent: Buffer; message: string } | TempUrlEntry>;
  getTempFileURL(p: {
    fileList: (string | { fileID: string; maxAge: number })[];
  }): Promise<{ fileList: TempUrlEntry[]; requestId: string } | StorageFailure>;
  deleteFile(p: {
    fileList: string[];
  }): Promise<{ fileList: DeleteEntry[]; requestId: string } | StorageFailure>;
  fileIdOf(cloudPath: string): string;
  /** Absolute path on disk of a fileID in this env, or null when it is not one. */
  localPathOf(fileID: string): string | null;
  /** Whether a file is stored at `cloudPath` (false for a path that is not valid). */
  hasFile(cloudPath: string): boolean;
}

export const STORAGE_CODES = {
  SUCCESS: 'SUCCESS',
  INVALID_PARAM: 'INVALID_PARAM',
  STORAGE_REQUEST_FAIL: 'STORAGE_REQUEST_FAIL',
  STORAGE_FILE_NONEXIST: 'STORAGE_FILE_NONEXIST',
  STORAGE_EXCEED_AUTHORITY: 'STORAGE_EXCEED_AUTHORITY',
} as const;

const DEFAULT_MAX_AGE = 86400;
/** Where uploads are staged before the atomic rename; not reachable as a cloudPath. */
const STAGING = '.uploading';

export function isStorageFailure(r: unknown): r is StorageFailure {
  return (
    !!r &&
    typeof r === 'object' &&
    typeof (r as StorageFailure).code === 'string' &&
    !('fileList' in r)
  );
}

/**
 * Null when the cloudPath is acceptable, otherwise why not. Stricter than COS on purpose:
 * anything that could resolve outside `dir` on some OS is refused.
 */
export function cloudPathProblem(cloudPath: unknown): string | null {
  if (typeof cloudPath !== 'string' || cloudPath === '')
    return 'cloudPath must be a non-empty string';
  if (Buffer.byteLength(cloudPath) > 850) return 'cloudPath is longer than 850 bytes';
  if (cloudPath.startsWith('/')) return 'cloudPath must not start with /';
  if (/[\\\0]/.test(cloudPath) || /^[a-zA-Z]:/.test(cloudPath)) {
    return 'cloudPath must not contain backslashes, NUL or a drive letter';
  }
  const segments = cloudPath.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return 'cloudPath must not contain empty, "." or ".." segments';
  }
  if (segments[0] === STAGING) return `cloudPath must not start with ${STAGING}/`;
  return null;
}

function resolveInside(dir: string, cloudPath: string): string | null {
  if (cloudPathProblem(cloudPath)) return null;
  const root = path.resolve(dir);
  const full = path.resolve(root, ...cloudPath.split('/'));
  const rel = path.relative(root, full);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms cannot open a directory, which is fine.
  try {
    const h = await fsp.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    /* best effort */
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

export function createLocalStorage(opts: LocalStorageOptions): LocalStorage {
  const dir = path.resolve(opts.dir);
  const envId = opts.envId;
  const bucket =
    opts.bucket ?? `${Buffer.from(envId.slice(0, 2)).toString('hex')}-${envId}-1250000000`;
  const prefix = `cloud://${envId}.${bucket}/`;
  const requestId = () => randomUUID();

  const fileIdOf = (cloudPath: string) => `${prefix}${cloudPath}`;

  /** cloudPath of a fileID of this env, or the entry code explaining why not. */
  function parseFileID(fileID: unknown): { cloudPath: string } | { code: string; message: string } {
    if (typeof fileID !== 'string' || !fileID.startsWith('cloud://')) {
      return {
        code: STORAGE_CODES.INVALID_PARAM,
        message: 'fileID must look like cloud://<env>.<bucket>/<path>',
      };
    }
    const slash = fileID.indexOf('/', 'cloud://'.length);
    const host = slash < 0 ? '' : fileID.slice('cloud://'.length, slash);
    if (!host.startsWith(`${envId}.`)) {
      // A production fileID in local data should fail loudly, not read some local file.
      return {
        code: STORAGE_CODES.STORAGE_EXCEED_AUTHORITY,
        message: `fileID is not in env ${envId}`,
      };
    }
    const cloudPath = fileID.slice(slash + 1);
    const problem = cloudPathProblem(cloudPath);
    if (problem) return { code: STORAGE_CODES.INVALID_PARAM, message: problem };
    return { cloudPath };
  }

  function localPathOf(fileID: string): string | null {
    const parsed = parseFileID(fileID);
    return 'cloudPath' in parsed ? resolveInside(dir, parsed.cloudPath) : null;
  }

  function tempUrl(cloudPath: string): string {
    const base = opts.publicBaseUrl().replace(/\/+$/, '');
    return `${base}/storage/${cloudPath.split('/').map(encodeURIComponent).join('/')}`;
  }

  async function entryFor(fileID: unknown, maxAge: number): Promise<TempUrlEntry> {
    const id = typeof fileID === 'string' ? fileID : String(fileID);
    const parsed = parseFileID(fileID);
    if (!('cloudPath' in parsed))
      return { fileID: id, tempFileURL: '', code: parsed.code, message: parsed.message };
    const full = resolveInside(dir, parsed.cloudPath);
    if (!full || !(await isFile(full))) {
      return {
        fileID: id,
        tempFileURL: '',
        code: STORAGE_CODES.STORAGE_FILE_NONEXIST,
        message: 'storage file not exist',
      };
    }
    return {
      fileID: id,
      tempFileURL: tempUrl(parsed.cloudPath),
      code: STORAGE_CODES.SUCCESS,
      maxAge,
    };
  }

  function hasFile(cloudPath: string): boolean {
    if (cloudPathProblem(cloudPath)) return false;
    const full = resolveInside(dir, cloudPath);
    return !!full && existsSync(full);
  }

  return {
    envId,
    dir,
    fileIdOf,
    localPathOf,
    hasFile,

    async uploadFile({ cloudPath, fileContent }) {
      const problem = cloudPathProblem(cloudPath);
      const target = problem ? null : resolveInside(dir, cloudPath);
      if (!target) {
        return {
          code: STORAGE_CODES.INVALID_PARAM,
          message: problem ?? 'invalid cloudPath',
          requestId: requestId(),
        };
      }
      if (!Buffer.isBuffer(fileContent) && !(fileContent instanceof Readable)) {
        return {
          code: STORAGE_CODES.INVALID_PARAM,
          message: 'fileContent should be a Buffer or a readable stream',
          requestId: requestId(),
        };
      }
      const staging = path.join(dir, STAGING);
      await fsp.mkdir(staging, { recursive: true });
      const tmp = path.join(staging, `${randomUUID()}.part`);
      try {
        if (Buffer.isBuffer(fileContent)) {
          await fsp.writeFile(tmp, fileContent, { flag: 'wx' });
        } else {
          await pipeline(fileContent, createWriteStream(tmp, { flags: 'wx' }));
        }
        // Data must be on disk before the rename makes it visible under its cloudPath.
        const h = await fsp.open(tmp, 'r+');
        try {
          await h.sync();
        } finally {
          await h.close();
        }
        await fsp.mkdir(path.dirname(target), { recursive: true });
        await fsp.rename(tmp, target);
        await fsyncDir(path.dirname(target));
      } catch (e) {
        await fsp.rm(tmp, { force: true });
        return {
          code: STORAGE_CODES.STORAGE_REQUEST_FAIL,
          message: `upload failed: ${(e as Error).message}`,
          requestId: requestId(),
        };
      }
      return { fileID: fileIdOf(cloudPath), requestId: requestId() };
    },

    async downloadFile({ fileID }) {
      const entry = await entryFor(fileID, 600);
      if (entry.code !== STORAGE_CODES.SUCCESS) return entry;
      const full = localPathOf(fileID) as string;
      try {
        return { fileContent: await fsp.readFile(full), message: '文件下载完成' };
      } catch {
        // Deleted between the existence check and the read.
        return {
          ...entry,
          tempFileURL: '',
          code: STORAGE_CODES.STORAGE_FILE_NONEXIST,
          message: 'storage file not exist',
        };
      }
    },

    async getTempFileURL({ fileList }) {
      if (!Array.isArray(fileList)) {
        return {
          code: STORAGE_CODES.INVALID_PARAM,
          message: 'fileList必须是非空的数组',
          requestId: requestId(),
        };
      }
      const out: TempUrlEntry[] = [];
      for (const f of fileList) {
        if (typeof f === 'string') {
          out.push(await entryFor(f, DEFAULT_MAX_AGE));
        } else if (f && typeof f === 'object' && 'fileID' in f && 'maxAge' in f) {
          out.push(await entryFor(f.fileID, Number(f.maxAge) || DEFAULT_MAX_AGE));
        } else {
          return {
            code: STORAGE_CODES.INVALID_PARAM,
            message: 'fileList 的元素如果是对象，必须是包含 fileID 和 maxAge 的对象',
            requestId: requestId(),
          };
        }
      }
      return { fileList: out, requestId: requestId() };
    },

    async deleteFile({ fileList }) {
      if (!Array.isArray(fileList)) {
        return {
          code: STORAGE_CODES.INVALID_PARAM,
          message: 'fileList必须是非空的数组',
          requestId: requestId(),
        };
      }
      if (fileList.some((f) => !f || typeof f !== 'string')) {
        return {
          code: STORAGE_CODES.INVALID_PARAM,
          message: 'fileList的元素必须是非空的字符串',
          requestId: requestId(),
        };
      }
      const out: DeleteEntry[] = [];
      for (const fileID of fileList) {
        const parsed = parseFileID(fileID);
        if (!('cloudPath' in parsed)) {
          out.push({ fileID, code: parsed.code, message: parsed.message });
          continue;
        }
        const full = resolveInside(dir, parsed.cloudPath);
        if (!full || !(await isFile(full))) {
          out.push({
            fileID,
            code: STORAGE_CODES.STORAGE_FILE_NONEXIST,
            message: 'storage file not exist',
          });
          continue;
        }
        await fsp.rm(full, { force: true });
        await fsyncDir(path.dirname(full));
        await pruneEmptyDirs(dir, path.dirname(full));
        out.push({ fileID, code: STORAGE_CODES.SUCCESS });
      }
      return { fileList: out, requestId: requestId() };
    },
  };
}

/** COS has no directories; drop the ones a delete left empty so the tree mirrors the keys. */
async function pruneEmptyDirs(root: string, from: string): Promise<void> {
  let cur = from;
  while (cur !== root && cur.startsWith(root + path.sep)) {
    try {
      await fsp.rmdir(cur);
    } catch {
      return;
    }
    cur = path.dirname(cur);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.zip': 'application/zip',
};

/**
 * Content type for a stored file. HTML and unknown types are served as octet-stream: uploads
 * are user content and the preview shares this origin, so nothing uploaded may run as a page.
 */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Answer an HTTP GET (or HEAD) for `/storage/<cloudPath>` (URL-encoded, query ignored) from
 * `dir`. Responds 400 for a path that escapes `dir`, 404 for a missing file, 405 otherwise.
 */
export async function serveStorageFile(
  dir: string,
  urlPath: string,
  res: ServerResponse,
  method = 'GET',
): Promise<void> {
  const send = (status: number, msg: string) => {
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(msg),
    });
    res.end(msg);
  };
  if (method !== 'GET' && method !== 'HEAD') return send(405, 'method not allowed');
  const pathname = urlPath.split(/[?#]/)[0];
  const rest = pathname.replace(/^\/storage\//, '');
  if (rest === pathname) return send(404, 'not found');
  let cloudPath: string;
  try {
    cloudPath = rest
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    return send(400, 'bad path');
  }
  const full = resolveInside(dir, cloudPath);
  if (!full) return send(400, 'bad path');
  return sendFile(res, full, {
    method,
    contentType: contentTypeOf(full),
    cacheControl: 'private, max-age=0',
  });
}

/**
 * Answer with the file at `full` (a path already checked to lie inside its folder): 404 when
 * it is not a file, the body unless HEAD. Shared by storage and the browser preview.
 */
export async function sendFile(
  res: ServerResponse,
  full: string,
  opts: { method: string; contentType: string; cacheControl: string; notFound?: string },
): Promise<void> {
  let size: number;
  try {
    const st = await fsp.stat(full);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    const msg = opts.notFound ?? 'not found';
    res.writeHead(404, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(msg),
    });
    res.end(msg);
    return;
  }
  res.writeHead(200, {
    'Content-Type': opts.contentType,
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': opts.cacheControl,
  });
  if (opts.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(full), res);
  } catch {
    // The client went away or the file vanished mid-read; nothing useful left to send.
    res.destroy();
  }
}
