/**
 * The local CloudBase emulator as `npm start` runs it (built functions, demo seed, strict,
 * browser preview), in a child process on a free port with a fresh data folder.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildDir, INDEXES_FILE, ROOT, SEED_FILE } from './paths';

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  dataDir: string;
  /** Everything the emulator printed, for a failing test's message. */
  output(): string;
  /**
   * Calls a function through the gateway as `openid` and returns `data` of its `{ ok, data }`
   * answer; throws on anything else.
   */
  call<T = unknown>(fn: string, event: Record<string, unknown>, openid: string): Promise<T>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export async function startEmulator(): Promise<RunningEmulator> {
  const build = buildDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wszb-e2e-data-'));
  const args = [
    path.join(build, 'emulator', 'cli.js'),
    '--functions',
    path.join(build, 'functions'),
    '--data',
    dataDir,
    '--port',
    '0',
    '--strict',
    '--seed',
    SEED_FILE,
    '--indexes',
    INDEXES_FILE,
    '--no-timers',
    '--preview',
    path.join(build, 'preview'),
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (out += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`the emulator printed no gateway line in ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- emulator output ---\n${out}`));
    };
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /^\s*gateway:\s+(http:\/\/\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/+$/, ''));
      }
    });
    child.once('error', (e) => fail(e));
    child.once('exit', (code, signal) =>
      fail(new Error(`the emulator exited before it was ready (${signal ?? `exit ${code}`})`)),
    );
  });
  child.removeAllListeners('exit');

  return {
    url,
    dataDir,
    output: () => out,
    async call<T>(fn: string, event: Record<string, unknown>, openid: string): Promise<T> {
      const res = await fetch(`${url}/functions/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
        body: JSON.stringify(event),
      });
      const text = await res.text();
      const body = res.status === 200 ? (JSON.parse(text) as { ok?: boolean; data?: T }) : null;
      if (!body || body.ok !== true) throw new Error(`${fn} ${String(event.action)}: ${text}`);
      return body.data as T;
    },
    stop: () => stop(child, dataDir),
  };
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
