/** Answers of the `activity` function as the contract (typings/activity.ts) shapes them. */
import type {
  ActivityAbilities,
  ActivityDetail,
  ActivityItem,
  MyParticipation,
} from '../../../typings/api';
import { BRANCH_CONTEXT_KEY } from '../../../miniprogram/utils/branch-context';

export const MEMBER_BRANCH = {
  [BRANCH_CONTEXT_KEY]: {
    branchId: 'b1',
    branchName: '幸福里社区第一党支部',
    committeeId: 'c1',
    role: 'member',
  },
};

/** Local time `days` from today at `hh:mm`, as ISO (the pages read times in local time). */
export function at(days: number, hh: number, mm = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  d.setHours(hh, mm, 0, 0);
  return d.toISOString();
}

export const noPart = (extra: Partial<MyParticipation> = {}): MyParticipation => ({
  signup: 'none',
  position: null,
  expected: false,
  reply: null,
  leave: null,
  attendance: null,
  checkedInAt: null,
  checkedOutAt: null,
  hours: null,
  ...extra,
});

export const abilities = (extra: Partial<ActivityAbilities> = {}): ActivityAbilities => ({
  signUp: false,
  cancel: false,
  reply: false,
  checkIn: false,
  checkOut: false,
  manage: false,
  moderate: false,
  ...extra,
});

export const activityItem = (id: string, extra: Partial<ActivityItem> = {}): ActivityItem => ({
  activityId: id,
  branchId: 'b1',
  branchName: '幸福里社区第一党支部',
  kind: 'volunteer',
  meetingType: null,
  kindLabel: '志愿服务',
  title: `志愿活动${id}`,
  placeName: '幸福里社区广场',
  startAt: at(1, 14),
  endAt: at(1, 16),
  deadline: at(1, 12),
  audience: 'public',
  capacity: 5,
  confirmedCount: 4,
  waitlistCount: 0,
  status: 'upcoming',
  held: false,
  my: noPart(),
  ...extra,
});

export const activityDetail = (extra: Partial<ActivityDetail> = {}, id = 'a1'): ActivityDetail => ({
  ...activityItem(id, { title: '清理楼道小广告' }),
  description: '带上手套和抹布，社区提供清洁工具。',
  place: { name: '幸福里社区广场', latitude: 31.23, longitude: 121.47 },
  contactName: '王建国',
  contactPhone: '13800001234',
  team: null,
  group: null,
  cancelReason: null,
  minutes: null,
  goodDeeds: 0,
  attendance: null,
  lateCancellations: null,
  hoursConfirmed: false,
  needsContact: false,
  can: abilities({ signUp: true }),
  ...extra,
});

/** A 支部党员大会 the caller is expected at, before its reply deadline. */
export const meetingDetail = (extra: Partial<ActivityDetail> = {}): ActivityDetail =>
  activityDetail({
    kind: 'meeting',
    meetingType: 'memberMeeting',
    kindLabel: '支部党员大会',
    title: '三月支部党员大会',
    audience: 'branch',
    capacity: null,
    confirmedCount: 0,
    my: noPart({ expected: true }),
    can: abilities({ reply: true }),
    ...extra,
  });
