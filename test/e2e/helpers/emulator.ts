/**
 * The local CloudBase emulator as `npm start` runs it (built functions, demo seed, strict,
 * browser preview), in a child process on a free port with a fresh data folder — the same
 * process helper `npm run screenshots` uses (scripts/lib/emulator-process.mjs).
 */
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

/** An ES module (run by Node as is for the screenshots), loaded through the jest transform. */
const { startEmulatorProcess } = require('../../../scripts/lib/emulator-process.mjs') as {
  startEmulatorProcess(opts: {
    root: string;
    buildDir: string;
    seedFile: string;
    indexesFile: string;
    dataPrefix?: string;
  }): Promise<RunningEmulator>;
};

export function startEmulator(): Promise<RunningEmulator> {
  return startEmulatorProcess({
    root: ROOT,
    buildDir: buildDir(),
    seedFile: SEED_FILE,
    indexesFile: INDEXES_FILE,
    dataPrefix: 'wszb-e2e-data-',
  });
}
