/**
 * Test helper: a fresh in-memory emulator per test, strict by default, that runs
 * functions in-process through the real SDK and reports database requests per call.
 */
import * as path from 'path';
import * as fs from 'fs';
import { Emulator, loadIndexFile, type InvokeResult } from './emulator';
import type { Caller } from './runtime/context';
import type { IndexDeclarations } from './db/engine';

const ROOT = path.resolve(__dirname, '..', '..');

export interface TestEmulatorOptions {
  /** Defaults to the project's `cloudfunctions/` (TypeScript sources run through ts-jest). */
  functionsDir?: string;
  /** Defaults to `database/indexes.json`. */
  indexes?: IndexDeclarations;
  strict?: boolean;
  dataDir?: string;
}

export interface TestEmulator {
  emulator: Emulator;
  db: Emulator['db'];
  seed(data: Record<string, Record<string, unknown>[]>): Promise<void>;
  /** Invokes `fn` as `caller`; resolves with the function's result and its database request count. */
  call(fn: string, event: Record<string, unknown>, caller?: Caller): Promise<InvokeResult>;
  close(): Promise<void>;
}

export async function createTestEmulator(opts: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const indexFile = path.join(ROOT, 'database', 'indexes.json');
  const indexes = opts.indexes ?? (fs.existsSync(indexFile) ? loadIndexFile(indexFile) : {});
  const emulator = new Emulator({
    functionsDir: opts.functionsDir ?? path.join(ROOT, 'cloudfunctions'),
    strict: opts.strict ?? true,
    indexes,
    dataDir: opts.dataDir,
  });
  return {
    emulator,
    db: emulator.db,
    async seed(data) {
      emulator.seed(data);
    },
    call: (fn, event, caller = {}) => emulator.invoke(fn, event, caller),
    async close() {
      emulator.close();
    },
  };
}
