/**
 * Shared by the `liaison` cloud tests: typed calls to the `liaison` function, unwrapping a
 * call's answer with its database requests asserted exactly, and the demo seed's central
 * households, cards and people the tests run against (database/seed/demo.json).
 */
import type { ActionName, ActionReq, ActionRes, ApiError, Result } from '../../typings/api';
import type { TestEmulator } from './emulator';
import { err, ok } from './branch';

export type LiaisonAction = ActionName<'liaison'>;

export interface LiaisonCalled<A extends LiaisonAction> {
  result: Result<ActionRes<'liaison', A>>;
  dbRequests: number;
}

export function liaisonCaller(emu: () => TestEmulator) {
  return async function call<A extends LiaisonAction>(
    openid: string,
    action: A,
    data?: ActionReq<'liaison', A> | Record<string, unknown>,
    requestId?: string,
  ): Promise<LiaisonCalled<A>> {
    const event: Record<string, unknown> = { action };
    if (data !== undefined) event.data = data;
    if (requestId !== undefined) event.requestId = requestId;
    const { result, dbRequests, error } = (await emu().call('liaison', event, { openid })) as {
      result: unknown;
      dbRequests: number;
      error?: unknown;
    };
    if (error) throw new Error(`${action}: invocation failed: ${JSON.stringify(error)}`);
    return { result: result as Result<ActionRes<'liaison', A>>, dbRequests };
  };
}

type Answered<T> = { result: Result<T>; dbRequests: number };

/** Unwraps a successful call that made exactly `requests` database requests. */
export async function exactly<T>(requests: number, p: Promise<Answered<T>>): Promise<T> {
  const r = await p;
  const data = ok(r.result);
  expect(r.dbRequests).toBe(requests);
  return data;
}

/** The error of a refused call (its database requests not asserted). */
export async function refused(p: Promise<Answered<unknown>>): Promise<ApiError> {
  return err((await p).result);
}

/** The call's answer, ok or not, asserting it made exactly `requests` database requests. */
export async function costs<T>(requests: number, p: Promise<Answered<T>>): Promise<Result<T>> {
  const r = await p;
  expect(r.dbRequests).toBe(requests);
  return r.result;
}

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export const B1 = 'org-branch-1';
export const B2 = 'org-branch-2';

/** Central households: `householdId(branch, member)` (cloudfunctions/liaison/shared.ts). */
export const HH_MEMBER = 'hh9c7a90fecf2fd066d101587710b928'; // B1, demo-member (李秀英)
export const HH_ELDER = 'hh266b3cda23cbcbd5660aa9a667e80b'; // B1, demo-elder (何永福)
export const HH_B2 = 'hh1c8207a09c0ff0b56f4e0282e0bbd9'; // B2, demo-member-2

/**
 * The cards of `res-b1-01` (陈桂兰, bound to demo-resident) and `res-b1-02` (赵德顺, unbound),
 * both of `HH_MEMBER`, with the last four digits of their phones: what binds them.
 */
export const CARD_01 = { cardCode: 'XFLQ2C3D', phoneLast4: '1234' };
export const CARD_02 = { cardCode: 'XFLB4E5F', phoneLast4: '5678' };

/** The member of `HH_MEMBER`, the resident bound to `res-b1-01`, and branch 1's secretary. */
export const MEMBER = 'demo-member';
export const RESIDENT = 'demo-resident';
export const SECRETARY = 'demo-secretary';
