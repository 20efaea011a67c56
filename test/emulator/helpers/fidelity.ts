import * as path from 'path';
import { createTestEmulator, type TestEmulator } from '../../helpers/emulator';
import type { IndexSpec } from '../../../emulator/src/db/indexes';

export const FUNCTIONS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'functions');

export interface Outcome {
  ok?: any;
  thrown?: { errCode: number; errMsg: string };
}

/** A fresh strict emulator whose only collections are the ones declared here. */
export function fidelityEmulator(
  indexes: Record<string, IndexSpec[]>,
  strict = true,
): Promise<TestEmulator> {
  return createTestEmulator({ functionsDir: FUNCTIONS_DIR, indexes, strict });
}

/** Runs the fixture and returns what the SDK gave it, or what the SDK threw. */
export async function run(
  emu: TestEmulator,
  event: Record<string, unknown>,
  openid = 'o-test',
): Promise<Outcome> {
  const r = await emu.call('fidelity', event, { openid });
  if (r.error) throw new Error(`fixture crashed: ${r.error.errMsg}`);
  return r.result as Outcome;
}

/** Like `run` but the SDK call must succeed. */
export async function ok(
  emu: TestEmulator,
  event: Record<string, unknown>,
  openid?: string,
): Promise<any> {
  const o = await run(emu, event, openid);
  if (o.thrown)
    throw new Error(`${String(event.op)} failed: ${o.thrown.errCode} ${o.thrown.errMsg}`);
  return o.ok;
}

/** Like `run` but the SDK call must fail; returns its errCode and errMsg. */
export async function fails(
  emu: TestEmulator,
  event: Record<string, unknown>,
): Promise<{ errCode: number; errMsg: string }> {
  const o = await run(emu, event);
  if (!o.thrown)
    throw new Error(`${String(event.op)} unexpectedly succeeded: ${JSON.stringify(o.ok)}`);
  return o.thrown;
}

export const cmd = (name: string, ...args: unknown[]) => ({ $cmd: [name, ...args] });
export const date = (d: Date | string) => ({ $date: typeof d === 'string' ? d : d.toISOString() });
