/**
 * Serves the browser preview (build/preview, made by scripts/preview/build.mjs) from the
 * gateway itself, so the pages call the emulator from the same origin and nothing else
 * needs to listen. Read-only: GET and HEAD of files inside the preview folder.
 */
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { sendFile } from './services/storage';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export const PREVIEW_PREFIX = '/preview/';

export async function servePreviewFile(
  dir: string,
  pathname: string,
  res: ServerResponse,
  method: string,
): Promise<void> {
  const fail = (status: number, msg: string) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(msg);
  };
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(PREVIEW_PREFIX.length)) || 'index.html';
  } catch {
    return fail(400, 'bad path');
  }
  const root = path.resolve(dir);
  const full = path.resolve(root, rel);
  if (path.relative(root, full).startsWith('..') || rel.includes('\0')) {
    return fail(400, 'bad path');
  }
  return sendFile(res, full, {
    method,
    contentType: TYPES[path.extname(full)] ?? 'application/octet-stream',
    // A rebuild must show at the next reload.
    cacheControl: 'no-cache',
    notFound: 'not found (run npm run build to make the preview)',
  });
}
