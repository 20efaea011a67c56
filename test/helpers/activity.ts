/**
 * Shared by the `activity` cloud tests: typed calls to the `activity` function, and activity
 * fixtures (inputs for `create`, stored documents for `emu.seed`). The demo seed (branch 1:
 * secretary `demo-secretary`, member `demo-member`, resident `demo-resident`…) is what the
 * tests run against, as for the lesson tests.
 */
import type { ActionName, ActionReq, ActionRes, Result } from '../../typings/api';
import type { TestEmulator } from './emulator';

export type ActivityAction = ActionName<'activity'>;

export interface ActivityCalled<A extends ActivityAction> {
  result: Result<ActionRes<'activity', A>>;
  dbRequests: number;
}

export function activityCaller(emu: () => TestEmulator) {
  return async function call<A extends ActivityAction>(
    openid: string,
    action: A,
    data?: ActionReq<'activity', A> | Record<string, unknown>,
    requestId?: string,
  ): Promise<ActivityCalled<A>> {
    const event: Record<string, unknown> = { action };
    if (data !== undefined) event.data = data;
    if (requestId !== undefined) event.requestId = requestId;
    const { result, dbRequests, error } = (await emu().call('activity', event, { openid })) as {
      result: unknown;
      dbRequests: number;
      error?: unknown;
    };
    if (error) throw new Error(`invocation failed: ${JSON.stringify(error)}`);
    return { result: result as Result<ActionRes<'activity', A>>, dbRequests };
  };
}

export const B1 = 'org-branch-1';
export const B2 = 'org-branch-2';
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** ISO time `ms` from now. */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString();

/**
 * A valid `create` input: a volunteer activity of branch 1 tomorrow 09:00–11:00 (from now + 1
 * day, 2 hours), public, 5 places, unless `extra` says otherwise.
 */
export function activityInput(extra: Record<string, unknown> = {}) {
  const start = Date.now() + DAY;
  return {
    branchId: B1,
    kind: 'volunteer',
    title: '社区助老志愿服务',
    description: '为辖区独居老人打扫卫生、陪伴聊天。',
    place: { name: '幸福里社区服务中心' },
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + 2 * HOUR).toISOString(),
    audience: 'public',
    capacity: 5,
    ...extra,
  };
}

/** A valid `create` input for a meeting (支部党员大会) of branch 1 in 3 days, 2 hours. */
export function meetingInput(extra: Record<string, unknown> = {}) {
  const start = Date.now() + 3 * DAY;
  return {
    branchId: B1,
    kind: 'meeting',
    meetingType: 'memberMeeting',
    title: '第二季度支部党员大会',
    description: '传达上级精神，讨论发展党员工作。',
    place: { name: '党群服务中心二楼会议室' },
    startAt: new Date(start).toISOString(),
    endAt: new Date(start + 2 * HOUR).toISOString(),
    ...extra,
  };
}

/**
 * A stored activity for `emu.seed` (fields as cloudfunctions/common/model.ts `ActivityDoc`): a
 * public volunteer activity of branch 1, from `startAt` (default in 1 day) for 2 hours, with 5
 * places and an empty queue, unless `extra` says otherwise. `tokenSecret` is `secret-<id>`.
 */
export function activityDoc(id: string, extra: Record<string, unknown> = {}) {
  const startAt = (extra.startAt as Date | undefined) ?? new Date(Date.now() + DAY);
  const endAt = (extra.endAt as Date | undefined) ?? new Date(startAt.getTime() + 2 * HOUR);
  const at = new Date(Date.now() - DAY);
  return {
    _id: id,
    branchId: B1,
    branchName: '幸福里社区第一党支部',
    committeeId: 'org-committee',
    kind: 'volunteer',
    meetingType: null,
    groupId: null,
    groupName: null,
    title: `测试活动 ${id}`,
    description: '说明',
    place: { name: '社区服务中心' },
    startAt,
    endAt,
    deadline: startAt,
    audience: 'public',
    capacity: 5,
    teamId: null,
    teamName: null,
    contactName: null,
    contactPhone: null,
    queue: [],
    expected: [],
    tokenSecret: `secret-${id}`,
    visibility: 'visible',
    cancelled: false,
    cancelReason: null,
    cancelledAt: null,
    minutes: null,
    goodDeeds: 0,
    hoursConfirmed: false,
    nextRemindAt: null,
    year: Number(new Date(startAt.getTime() + 8 * HOUR).toISOString().slice(0, 4)),
    createdBy: 'demo-secretary',
    createdByName: '王建国',
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

/**
 * A stored participant for `emu.seed` (`ParticipantDoc`). `_id` must be
 * `participantId(activityId, openid)` (cloudfunctions/activity/shared.ts) for the function to
 * find it; for a volunteer, put the same id into the activity's `queue`.
 */
export function participantDoc(
  id: string,
  activity: { _id: string; kind?: string; title?: string; startAt?: Date; year?: number },
  openid: string,
  extra: Record<string, unknown> = {},
) {
  const at = new Date(Date.now() - 2 * HOUR);
  const startAt = activity.startAt ?? new Date(Date.now() + DAY);
  return {
    _id: id,
    activityId: activity._id,
    branchId: B1,
    branchName: '幸福里社区第一党支部',
    kind: activity.kind ?? 'volunteer',
    title: activity.title ?? `测试活动 ${activity._id}`,
    startAt,
    year: activity.year ?? Number(new Date(startAt.getTime() + 8 * HOUR).toISOString().slice(0, 4)),
    openid,
    name: `姓名${openid.slice(-4)}`,
    phone: null,
    who: 'member',
    state: 'active',
    signedUpAt: at,
    cancelledAt: null,
    lateCancel: false,
    reply: null,
    leave: null,
    attendance: null,
    checkedInAt: null,
    checkedOutAt: null,
    confirmedHours: null,
    corrections: [],
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}
