/**
 * Shared by the check-in, hours, records and export tests of the `activity` function: an
 * activity and its participants stored directly (helpers/activity fixtures), so each test
 * sets the clock-dependent state it needs (ongoing, ended, checked in at…) without waiting,
 * and a budget check for every call.
 */
import { participantId } from '../../cloudfunctions/activity/shared';
import { READ_BUDGET, WRITE_BUDGET, ok } from './branch';
import { HOUR, activityDoc, participantDoc, type ActivityCalled } from './activity';
import type { ActivityAction } from './activity';
import type { TestEmulator } from './emulator';

export { participantId };

export interface Person {
  openid: string;
  /** Fields of the participant document (name, phone, who, checkedInAt…). */
  extra?: Record<string, unknown>;
  /** Not in the queue (a cancelled sign-up). */
  outOfQueue?: boolean;
}

/**
 * Stores a volunteer activity (`activityDoc` + `extra`) from `startAt` to `endAt` with `people`
 * signed up in order (the first `capacity` confirmed). Returns the activity and participant ids.
 */
export async function seedVolunteer(
  emu: TestEmulator,
  id: string,
  opts: {
    startAt: Date;
    endAt: Date;
    people?: Person[];
    extra?: Record<string, unknown>;
  },
) {
  const people = opts.people ?? [];
  const pids = people.map((p) => participantId(id, p.openid));
  const activity = activityDoc(id, {
    startAt: opts.startAt,
    endAt: opts.endAt,
    deadline: opts.startAt,
    queue: pids.filter((_, i) => !people[i].outOfQueue),
    ...opts.extra,
  });
  const participants = people.map((p, i) =>
    participantDoc(
      pids[i],
      {
        _id: id,
        kind: activity.kind,
        title: activity.title,
        startAt: opts.startAt,
      },
      p.openid,
      p.extra,
    ),
  );
  await emu.seed({
    activities: [activity],
    ...(participants.length ? { activityParticipants: participants } : {}),
  });
  return { activity, pids };
}

/** An activity that started `ago` ms ago and lasts `length` ms. */
export function times(ago: number, length = 2 * HOUR) {
  const startAt = new Date(Date.now() - ago);
  return { startAt, endAt: new Date(startAt.getTime() + length) };
}

/** Awaits a call, checks its database requests against its class's budget, unwraps it. */
export async function within<A extends ActivityAction>(
  kind: 'read' | 'write',
  p: Promise<ActivityCalled<A>>,
) {
  const r = await p;
  expect(r.dbRequests).toBeGreaterThan(0);
  expect(r.dbRequests).toBeLessThanOrEqual(kind === 'read' ? READ_BUDGET : WRITE_BUDGET);
  return ok(r.result);
}

/** As `within` for a refused call: the error, also within the budget. */
export async function refused<A extends ActivityAction>(p: Promise<ActivityCalled<A>>) {
  const r = await p;
  expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
  if (r.result.ok) throw new Error(`expected an error, got ${JSON.stringify(r.result.data)}`);
  return r.result.error;
}
