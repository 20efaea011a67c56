/** Answers of the `activity` function as the organiser pages receive them (typings/activity.ts). */
import type {
  ActivityDetail,
  AttendanceItem,
  AttendanceSummary,
  SignupItem,
} from '../../../typings/api';

export function activityDetail(over: Partial<ActivityDetail> = {}): ActivityDetail {
  return {
    activityId: 'a1',
    branchId: 'b1',
    branchName: '幸福里社区第一党支部',
    kind: 'volunteer',
    meetingType: null,
    kindLabel: '志愿服务',
    title: '清理楼道小广告',
    placeName: '幸福里小区 3 号楼',
    startAt: '2030-05-01T01:00:00.000Z',
    endAt: '2030-05-01T03:00:00.000Z',
    deadline: '2030-04-30T12:00:00.000Z',
    audience: 'public',
    capacity: 5,
    confirmedCount: 4,
    waitlistCount: 0,
    status: 'upcoming',
    held: false,
    my: {
      signup: 'none',
      position: null,
      expected: false,
      reply: null,
      leave: null,
      attendance: null,
      checkedInAt: null,
      checkedOutAt: null,
      hours: null,
    },
    description: '带好手套',
    place: { name: '幸福里小区 3 号楼', latitude: 31.2, longitude: 121.4 },
    contactName: '王书记',
    contactPhone: '13800001234',
    team: null,
    group: null,
    cancelReason: null,
    minutes: null,
    goodDeeds: 0,
    attendance: null,
    lateCancellations: 0,
    hoursConfirmed: false,
    needsContact: false,
    can: {
      signUp: false,
      cancel: false,
      reply: false,
      checkIn: false,
      checkOut: false,
      manage: true,
      moderate: true,
    },
    ...over,
  };
}

export function signup(over: Partial<SignupItem> = {}): SignupItem {
  return {
    signupId: 's1',
    name: '李明',
    phone: '138****1234',
    who: 'member',
    status: 'confirmed',
    position: null,
    signedUpAt: '2030-04-20T02:00:00.000Z',
    cancelledAt: null,
    lateCancel: false,
    checkedInAt: null,
    checkedOutAt: null,
    computedHours: 0,
    confirmedHours: null,
    corrections: [],
    ...over,
  };
}

export function summary(over: Partial<AttendanceSummary> = {}): AttendanceSummary {
  return { expected: 3, present: 1, leave: 1, absent: 0, unanswered: 1, rate: 33.3, ...over };
}

export function attendee(over: Partial<AttendanceItem> = {}): AttendanceItem {
  return {
    personId: 'o1',
    name: '李明',
    reply: 'attend',
    leave: null,
    attendance: null,
    checkedInAt: null,
    checkedOutAt: null,
    ...over,
  };
}
