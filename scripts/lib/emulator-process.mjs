/* global fetch */
/**
 * The local CloudBase emulator as `npm start` runs it (built functions, demo seed, strict
 * indexes, browser preview), in a child process on a free port with a fresh data folder.
 * Shared by `npm run screenshots` and the end-to-end tests (test/e2e/helpers/emulator.ts).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * @param {{ root: string, buildDir: string, seedFile: string, indexesFile: string,
 *   dataPrefix?: string }} opts
 */
export async function startEmulatorProcess(opts) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), opts.dataPrefix ?? 'wszb-emulator-'));
  const args = [
    path.join(opts.buildDir, 'emulator', 'cli.js'),
    '--functions',
    path.join(opts.buildDir, 'functions'),
    '--data',
    dataDir,
    '--port',
    '0',
    '--strict',
    '--seed',
    opts.seedFile,
    '--indexes',
    opts.indexesFile,
    '--no-timers',
    '--preview',
    path.join(opts.buildDir, 'preview'),
  ];
  const child = spawn(process.execPath, args, {
    cwd: opts.root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (out += chunk));

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      fail(new Error(`the emulator printed no gateway line in ${READY_TIMEOUT_MS} ms`));
    }, READY_TIMEOUT_MS);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n--- emulator output ---\n${out}`));
    };
    child.stdout.on('data', (chunk) => {
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
    /** `data` of a function's `{ ok, data }` answer, called as `openid`; throws otherwise. */
    async call(fn, event, openid) {
      const res = await fetch(`${url}/functions/${fn}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-WX-OPENID': openid },
        body: JSON.stringify(event),
      });
      const text = await res.text();
      let body;
      try {
        body = res.status === 200 ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      if (!body || body.ok !== true) {
        throw new Error(`${fn}.${String(event.action)} as ${openid}: ${res.status} ${text}`);
      }
      return body.data;
    },
    stop: () => stop(child, dataDir),
  };
}

async function stop(child, dataDir) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    let timer;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
}
