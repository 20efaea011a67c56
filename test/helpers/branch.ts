/** Shared by the `branch` cloud tests: the demo seed in a fresh strict emulator, typed calls. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ActionName, ActionRes, ApiError, Result } from '../../typings/api';
import { createTestEmulator, type TestEmulator } from './emulator';
import { seedDate, seedYear } from '../../emulator/src/emulator';

export type Docs = Record<string, Record<string, unknown>[]>;
export type BranchAction = ActionName<'branch'>;

export const READ_BUDGET = 3;
export const WRITE_BUDGET = 5;

/**
 * EJSON `{"$date": …}` as the seed file stores it, and the seed's relative `{"$seedDate": …}` /
 * `{"$seedYear": …}` (docs/emulator.md), turned into Dates (years) for `emu.seed`.
 */
export function reviveDates(value: unknown, now: Date = new Date()): unknown {
  if (Array.isArray(value)) return value.map((v) => reviveDates(v, now));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$date') return new Date(obj.$date as string);
    if (keys.length === 1 && keys[0] === '$seedDate') return seedDate(obj.$seedDate, now);
    if (keys.length === 1 && keys[0] === '$seedYear') return seedYear(obj.$seedYear, now);
    return Object.fromEntries(keys.map((k) => [k, reviveDates(obj[k], now)]));
  }
  return value;
}

export function demoCollections(): Docs {
  const file = path.join(__dirname, '..', '..', 'database', 'seed', 'demo.json');
  return (reviveDates(JSON.parse(readFileSync(file, 'utf8'))) as { collections: Docs }).collections;
}

export async function demoEmulator(): Promise<TestEmulator> {
  const emu = await createTestEmulator();
  await emu.seed(demoCollections());
  return emu;
}

let seq = 0;
/** A fresh requestId, so budgets are measured with idempotency included. */
export const rid = () => `req-${Date.now().toString(36)}-${(seq++).toString(36).padStart(4, '0')}`;

export interface Called<A extends BranchAction> {
  result: Result<ActionRes<'branch', A>>;
  dbRequests: number;
}

export function branchCaller(emu: () => TestEmulator) {
  return async function call<A extends BranchAction>(
    openid: string,
    action: A,
    data?: unknown,
    requestId?: string,
  ): Promise<Called<A>> {
    const event: Record<string, unknown> = { action };
    if (data !== undefined) event.data = data;
    if (requestId !== undefined) event.requestId = requestId;
    const { result, dbRequests, error } = (await emu().call('branch', event, { openid })) as {
      result: unknown;
      dbRequests: number;
      error?: unknown;
    };
    if (error) throw new Error(`invocation failed: ${JSON.stringify(error)}`);
    return { result: result as Result<ActionRes<'branch', A>>, dbRequests };
  };
}

export function ok<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.data;
}

export function err<T>(result: Result<T>): ApiError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.error;
}
