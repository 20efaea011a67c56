/** Where the e2e tests find the build, the demo data and the browser. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * globalSetup builds once, then copies build/{emulator,functions,preview} here, so a build
 * running while the tests do (test/cloud/build.test.ts rebuilds build/functions) cannot pull
 * files from under a running emulator. Inside the repository so that node_modules resolves.
 */
export const SNAPSHOT_ENV = 'E2E_BUILD_DIR';

export function buildDir(): string {
  const dir = process.env[SNAPSHOT_ENV];
  if (dir && fs.existsSync(path.join(dir, 'emulator', 'cli.js'))) return dir;
  // Run without the project's globalSetup (a single file through another config): use build/.
  return path.join(ROOT, 'build');
}

export const SEED_FILE = path.join(ROOT, 'database', 'seed', 'demo.json');
export const INDEXES_FILE = path.join(ROOT, 'database', 'indexes.json');

export const ENSURE_CHROMIUM = 'bash scripts/ensure-chromium.sh';

/** CHROMIUM_PATH, else Debian's /usr/bin/chromium, else `chromium` on the PATH. */
export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(
      `CHROMIUM_PATH=${fromEnv} is not an executable file. Unset it and run \`${ENSURE_CHROMIUM}\`.`,
    );
  }
  if (isExecutable('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found && isExecutable(found)) return found;
  } catch {
    // not on the PATH
  }
  throw new Error(
    `Chromium is not installed: the browser tests (test/e2e) need it. Run \`${ENSURE_CHROMIUM}\` ` +
      `(installs Debian's chromium package), or set CHROMIUM_PATH.`,
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
