#!/usr/bin/env node
/**
 * `npm start`: build everything, then run the local CloudBase emulator on the built
 * functions with the demo data, serving the browser preview at /preview/. Extra arguments go to the emulator, after the defaults,
 * so `npm start -- --reset --port 9100` resets the store and moves the gateway.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'build', 'emulator', 'cli.js');

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) {
  console.error('start: build failed; not starting the emulator');
  process.exit(built.status ?? 1);
}
if (!existsSync(cli)) {
  console.error(
    `start: ${path.relative(root, cli)} was not built (is emulator/src/cli.ts missing?)`,
  );
  process.exit(1);
}

const defaults = [
  '--functions',
  'build/functions',
  '--data',
  '.cloudbase-local',
  '--strict',
  '--seed',
  'database/seed/demo.json',
  '--indexes',
  'database/indexes.json',
  '--preview',
  'build/preview',
];

const child = spawn(process.execPath, [cli, ...defaults, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

// `kill <pid>` reaches only this process, so pass it on: the emulator must get the chance
// to flush its store. (Ctrl+C reaches both; the emulator should treat a repeat as one.)
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const signal of SIGNALS) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (err) => {
  console.error(`start: could not run the emulator: ${err.message}`);
  process.exit(1);
});

child.on('exit', (code, signal) => {
  // Mirror the child's end, so a supervisor sees a crash as a crash.
  if (signal) {
    for (const s of SIGNALS) process.removeAllListeners(s);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 0);
  }
});
