/**
 * e2e globalSetup: build everything once (`node scripts/build.mjs`: functions, emulator,
 * browser preview) and snapshot the output for this run (see paths.ts).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, SNAPSHOT_ENV } from './paths';

const PARTS = ['emulator', 'functions', 'preview'];

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (built.status !== 0) {
    throw new Error(
      `e2e: \`node scripts/build.mjs\` failed (exit ${built.status ?? built.signal}):\n` +
        `${built.stdout ?? ''}${built.stderr ?? ''}`,
    );
  }
  for (const part of PARTS) {
    const dir = path.join(ROOT, 'build', part);
    if (!fs.existsSync(dir)) throw new Error(`e2e: the build did not produce build/${part}/`);
  }
  if (!fs.existsSync(path.join(ROOT, 'build', 'preview', 'index.html'))) {
    throw new Error('e2e: the build did not produce build/preview/index.html');
  }
  const snapshot = path.join(ROOT, 'test', '.tmp', `e2e-build-${process.pid}`);
  fs.rmSync(snapshot, { recursive: true, force: true });
  for (const part of PARTS) {
    fs.cpSync(path.join(ROOT, 'build', part), path.join(snapshot, part), { recursive: true });
  }
  // Workers are started after globalSetup and inherit this.
  process.env[SNAPSHOT_ENV] = snapshot;
  process.stdout.write(`\ne2e: built and snapshotted in ${Date.now() - started} ms\n`);
}
