/**
 * Contract of the `activity` cloud function (issue #6): the branch's regular life (三会一课,
 * 主题党日) with replies, leave (请假), attendance and minutes, and volunteer services
 * (党员志愿服务队) with teams, places taken atomically, a waitlist, QR check-in / check-out,
 * service hours, good deeds (办好事实事), records, certificates and Excel exports.
 *
 * Conventions (as `typings/branch.ts` and `typings/lesson.ts`):
 * - Dates travel as ISO 8601 strings; "days" (`YYYY-MM-DD`) are in China time (UTC+8).
 * - Lists are cursor-paginated: pass back `nextCursor` as `cursor`; `nextCursor === null` means
 *   the end. A page holds at most 20 items.
 * - The caller is always `getWXContext().OPENID`; an openid in `data` is ignored.
 * - Errors: `FORBIDDEN` (docs/permissions.md), `NOT_FOUND`, `INVALID_ARGUMENT` (message names the
 *   field), `CONFLICT` (state does not allow it: past the deadline, cancelled activity…),
 *   `FULL` (the waitlist is full too), `CONTENT_RISKY`, `RATE_LIMITED`.
 * - Organisers (may create, edit, cancel, see sign-ups, show the check-in code, mark attendance,
 *   confirm hours, record good deeds, export): the branch committee (secretary, deputy and the
 *   committee members). Leave requests are decided and minutes posted by the secretary or deputy.
 * - Residents' phones are masked (`138****1234`) in every list and export; the branch's secretary
 *   and deputy reveal one on purpose (`revealPhone`), which is written to the audit log.
 */

// ---------------------------------------------------------------- kinds and audience

/** `meeting` = one of 三会一课; `themeDay` = 主题党日; `volunteer` = 志愿服务. */
export type ActivityKind = 'meeting' | 'themeDay' | 'volunteer';

/**
 * 三会一课: 支部党员大会 (`memberMeeting`), 支委会 (`committeeMeeting`), 党小组会
 * (`groupMeeting`), 党课 (`partyLesson`).
 */
export type MeetingType = 'memberMeeting' | 'committeeMeeting' | 'groupMeeting' | 'partyLesson';

/**
 * Who may take part.
 * - `branch`: the branch's members (for `committeeMeeting` the committee, for `groupMeeting` the
 *   members of `groupId`).
 * - `reported`: the branch's members and members reported to it (双报到).
 * - `public`: anyone, residents included (volunteer activities only); people without a profile
 *   give `realName` and `phone` when signing up.
 * Meetings are always `branch`; a theme day `branch` or `reported`; a volunteer activity any.
 */
export type ActivityAudience = 'branch' | 'reported' | 'public';

/** Derived from the clock and the cancelled flag. */
export type ActivityStatus = 'upcoming' | 'ongoing' | 'ended' | 'cancelled';

export interface ActivityPlace {
  /** 1–60 characters. */
  name: string;
  /** WGS-84 / GCJ-02 as `wx.chooseLocation` returns; both or neither. */
  latitude?: number;
  longitude?: number;
}

// ---------------------------------------------------------------- composing

export interface ActivityInput {
  branchId: string;
  kind: ActivityKind;
  /** For `kind: 'meeting'`: which of 三会一课; defaults to `memberMeeting`. Ignored otherwise. */
  meetingType?: MeetingType;
  /** For `groupMeeting`: the party group (党小组) that meets. */
  groupId?: string;
  /** 2–40 characters; checked by content security. */
  title: string;
  /** ≤ 1000 characters; checked by content security. */
  description?: string;
  place?: ActivityPlace;
  /** ISO 8601; `endAt` after `startAt`, at most 24 hours later. */
  startAt: string;
  endAt: string;
  /** Sign-up deadline (volunteer) / reply deadline (meetings); ≤ `startAt`; default `startAt`. */
  deadline?: string;
  /** Default `branch`. See `ActivityAudience`. */
  audience?: ActivityAudience;
  /** Volunteer only: places, 1–500. Omitted = no limit (no waitlist). */
  capacity?: number;
  /** Volunteer only: only members of this team (志愿服务队) may sign up. */
  teamId?: string;
  /** Contact person shown on the detail page: name 1–20, phone 11 digits. */
  contactName?: string;
  contactPhone?: string;
}

export type CreateActivityRequest = ActivityInput;

export interface ActivityWriteResponse {
  activityId: string;
  /** `held`: content security asked for review; only organisers see it until a secretary releases it. */
  visibility: 'visible' | 'held';
}

/**
 * Every field but `branchId` and `kind` may change. Raising the capacity confirms the first on
 * the waitlist; lowering it below the confirmed count is `CONFLICT`.
 */
export interface UpdateActivityRequest extends Partial<
  Omit<
    ActivityInput,
    'branchId' | 'kind' | 'place' | 'capacity' | 'teamId' | 'contactName' | 'contactPhone'
  >
> {
  activityId: string;
  /** `null` clears the field: no place, no limit (不限), no team, no contact. */
  place?: ActivityPlace | null;
  capacity?: number | null;
  teamId?: string | null;
  contactName?: string | null;
  contactPhone?: string | null;
}

/** Cancels the whole activity; everyone signed up / expected is notified. */
export interface CancelActivityRequest {
  activityId: string;
  /** 2–100 characters, shown to participants. */
  reason: string;
}

export interface CancelActivityResponse {
  activityId: string;
  status: 'cancelled';
  /** Subscribe messages sent / not sent (not subscribed or failed). */
  notified: number;
  skipped: number;
}

// ---------------------------------------------------------------- reading

/** The caller's own state in one activity. */
export interface MyParticipation {
  /** Volunteer: the caller's place. `none` also after cancelling. */
  signup: 'none' | 'confirmed' | 'waitlisted';
  /** 1-based waitlist position, null unless waitlisted. */
  position: number | null;
  /** Meetings / theme days: the caller is in the expected audience. */
  expected: boolean;
  /** Meetings / theme days: the caller's answer. */
  reply: 'attend' | 'leave' | null;
  leave: LeaveView | null;
  /** Recorded attendance (check-in or by hand): null until recorded. */
  attendance: 'present' | 'absent' | 'leave' | null;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  /** Hours confirmed by the organiser (volunteer), else null. */
  hours: number | null;
}

/** What the caller may do now: the detail page shows the matching button. */
export interface ActivityAbilities {
  signUp: boolean;
  cancel: boolean;
  reply: boolean;
  checkIn: boolean;
  checkOut: boolean;
  /** Organiser tools (edit, sign-ups, QR, attendance, hours, export). */
  manage: boolean;
  /** Secretary / deputy: leave decisions and minutes. */
  moderate: boolean;
}

export interface ActivityItem {
  activityId: string;
  branchId: string;
  branchName: string;
  kind: ActivityKind;
  meetingType: MeetingType | null;
  /** 「支部党员大会」「主题党日」「志愿服务」… */
  kindLabel: string;
  title: string;
  placeName: string | null;
  startAt: string;
  endAt: string;
  deadline: string;
  audience: ActivityAudience;
  capacity: number | null;
  confirmedCount: number;
  waitlistCount: number;
  status: ActivityStatus;
  /** Held for review (organisers only see these). */
  held: boolean;
  my: MyParticipation;
}

export interface ListActivitiesRequest {
  /**
   * Omitted: the caller's branch for a member; for anyone else the upcoming `public` activities
   * of every branch.
   */
  branchId?: string;
  kind?: ActivityKind;
  /** `upcoming` (default: not ended, soonest first) or `past` (ended or cancelled, newest first). */
  when?: 'upcoming' | 'past';
  cursor?: string;
}

export interface ListActivitiesResponse {
  items: ActivityItem[];
  nextCursor: string | null;
  /** The caller may create activities in the listed branch. */
  canCreate: boolean;
  /** The branch listed; null for the public activities of every branch. */
  branchId: string | null;
}

export interface GetActivityRequest {
  activityId: string;
}

export interface TeamRef {
  teamId: string;
  name: string;
}

export interface MinutesView {
  text: string;
  postedAt: string;
  authorName: string;
  /** Held for review: only secretaries see the text until released. */
  held: boolean;
}

export interface AttendanceSummary {
  expected: number;
  present: number;
  leave: number;
  absent: number;
  /** Replies not yet given (meetings). */
  unanswered: number;
  /** present / expected, 0–100, one decimal; null before attendance is recorded. */
  rate: number | null;
}

export interface ActivityDetail extends ActivityItem {
  description: string;
  place: ActivityPlace | null;
  contactName: string | null;
  /** Masked unless the caller is an organiser or signed up / expected. */
  contactPhone: string | null;
  team: TeamRef | null;
  group: { groupId: string; name: string } | null;
  cancelReason: string | null;
  /** Meetings / theme days, once posted. */
  minutes: MinutesView | null;
  /** Good deeds recorded on this activity (办好事实事). */
  goodDeeds: number;
  /** Meetings / theme days: for organisers always, for members after the meeting. */
  attendance: AttendanceSummary | null;
  /** Organisers: cancellations after the deadline. */
  lateCancellations: number | null;
  /** Organisers: hours have been confirmed. */
  hoursConfirmed: boolean;
  /**
   * Volunteer, not signed up: the caller has no party membership (a resident), so `signUp` needs
   * `realName` and `phone` — the page shows the form.
   */
  needsContact: boolean;
  can: ActivityAbilities;
}

export type GetActivityResponse = ActivityDetail;

// ---------------------------------------------------------------- sign-up (volunteer)

export interface SignUpRequest {
  activityId: string;
  /** Required for callers without a branch membership (residents): 2–20 characters. */
  realName?: string;
  /** Required with `realName`: 11-digit mainland mobile number. */
  phone?: string;
}

/**
 * Signing up again while signed up changes nothing and answers the current state (so a retry
 * is safe without a requestId).
 */
export interface SignUpResponse {
  activityId: string;
  status: 'confirmed' | 'waitlisted';
  /** 1-based position on the waitlist; null when confirmed. */
  position: number | null;
}

/** The caller's own sign-up (volunteer). */
export interface CancelSignUpRequest {
  activityId: string;
}

export interface CancelSignUpResponse {
  activityId: string;
  status: 'cancelled';
  /** After the deadline: allowed until the start, flagged to the organiser. */
  late: boolean;
  /** Someone on the waitlist took the place (and was notified). */
  promoted: boolean;
}

export type SignupStatus = 'confirmed' | 'waitlisted' | 'cancelled';

export interface ListSignupsRequest {
  activityId: string;
  /** `active` (default): confirmed then waitlisted in queue order; `cancelled`: newest first. */
  status?: 'active' | 'cancelled';
  cursor?: string;
}

export interface SignupItem {
  signupId: string;
  name: string;
  /** Always masked (`138****1234`); `revealPhone` gives it in full to the secretaries. */
  phone: string | null;
  /** `member` of the branch, `reported` (双报到), `resident`. */
  who: 'member' | 'reported' | 'resident';
  status: SignupStatus;
  /** 1-based waitlist position when waitlisted. */
  position: number | null;
  signedUpAt: string;
  cancelledAt: string | null;
  /** Cancelled after the deadline. */
  lateCancel: boolean;
  checkedInAt: string | null;
  checkedOutAt: string | null;
  /** Hours computed from check-in / check-out (the 60 % rule, half hours). */
  computedHours: number;
  /** Hours confirmed by the organiser, null before. */
  confirmedHours: number | null;
  /** Corrections of the confirmed hours, oldest first. */
  corrections: HoursCorrection[];
}

export interface ListSignupsResponse {
  items: SignupItem[];
  nextCursor: string | null;
  /** The caller may reveal a phone (`revealPhone`: secretary, deputy). */
  canRevealPhones: boolean;
  capacity: number | null;
  confirmedCount: number;
  waitlistCount: number;
}

// ---------------------------------------------------------------- meetings and theme days

export interface ReplyRequest {
  activityId: string;
  answer: 'attend' | 'leave';
  /** Required for `leave`: 2–100 characters, checked by content security. */
  reason?: string;
}

export interface LeaveView {
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedAt: string | null;
  note: string | null;
}

export interface ReplyResponse {
  activityId: string;
  reply: 'attend' | 'leave';
  leave: LeaveView | null;
}

/** Expected audience with replies and attendance (organisers). */
export interface AttendanceListRequest {
  activityId: string;
  cursor?: string;
}

export interface AttendanceItem {
  /** The member's openid (as `memberOpenid` elsewhere) or the volunteer's signupId. */
  personId: string;
  name: string;
  reply: 'attend' | 'leave' | null;
  leave: LeaveView | null;
  attendance: 'present' | 'absent' | 'leave' | null;
  checkedInAt: string | null;
  checkedOutAt: string | null;
}

export interface AttendanceListResponse {
  items: AttendanceItem[];
  nextCursor: string | null;
  summary: AttendanceSummary;
  /** The caller may decide leave requests (secretary, deputy). */
  canModerate: boolean;
}

export interface DecideLeaveRequest {
  activityId: string;
  personId: string;
  approve: boolean;
  /** ≤ 100 characters. */
  note?: string;
}

export interface DecideLeaveResponse {
  personId: string;
  leave: LeaveView;
}

/** Attendance by hand (organisers): at most 50 entries a call. */
export interface MarkAttendanceRequest {
  activityId: string;
  entries: { personId: string; attendance: 'present' | 'absent' | 'leave' }[];
}

export interface MarkAttendanceResponse {
  updated: number;
  summary: AttendanceSummary;
}

/** Secretary / deputy, after the meeting started. Replaces earlier minutes (kept in history). */
export interface PostMinutesRequest {
  activityId: string;
  /** 10–5000 characters, checked by content security. */
  text: string;
}

export interface PostMinutesResponse {
  activityId: string;
  minutes: MinutesView;
}

export interface AttendanceStatsRequest {
  branchId: string;
  /** Calendar year (China time); default the current one. */
  year?: number;
}

export interface AttendanceStatsResponse {
  year: number;
  /** Meetings and theme days of the year that have started, newest first (at most 100). */
  meetings: {
    activityId: string;
    title: string;
    kindLabel: string;
    startAt: string;
    summary: AttendanceSummary;
  }[];
  /** Per member: attendance at the meetings recorded for them this year. */
  members: {
    personId: string;
    name: string;
    present: number;
    leave: number;
    absent: number;
    rate: number;
  }[];
}

// ---------------------------------------------------------------- check-in / check-out

/**
 * Organisers: a signed token for the live QR code. It names its activity and expires after
 * `expiresAt` (about 45 s); the page fetches a new one every `refreshSeconds` (30).
 */
export interface CheckInTokenRequest {
  activityId: string;
}

export interface CheckInTokenResponse {
  activityId: string;
  title: string;
  /** People checked in so far (live count on the organiser's screen). */
  checkedIn: number;
  /** The QR code's text. */
  token: string;
  /**
   * The QR code of `token` as a `data:image/png;base64,…` URL (drawn on the server, about 2 KB),
   * for an `<image>`: the client needs no QR library.
   */
  qrDataUrl: string;
  expiresAt: string;
  refreshSeconds: number;
}

/**
 * The scanned token. `activityId` (when scanning from an activity's page) must be the token's
 * activity. Refused: expired (`CONFLICT` with 「签到码已过期」), forged or malformed
 * (`INVALID_ARGUMENT`), another activity's, outside the check-in window (from 30 min before the
 * start to the end), or a caller not confirmed / not expected.
 */
export interface CheckInRequest {
  token: string;
  activityId?: string;
}

export interface CheckInResponse {
  activityId: string;
  title: string;
  checkedInAt: string;
  /** Already checked in: the first time is kept. */
  already: boolean;
}

export interface CheckOutResponse {
  activityId: string;
  title: string;
  checkedOutAt: string;
  /** Minutes attended within the activity's time. */
  attendedMinutes: number;
  /** Hours by the rule (≥ 60 % of the activity attended, half hours), before confirmation. */
  computedHours: number;
}

// ---------------------------------------------------------------- hours

export interface HoursCorrection {
  from: number;
  to: number;
  reason: string;
  byName: string;
  at: string;
}

/**
 * Organisers, after the activity ended. Each entry confirms a sign-up's hours: `hours` omitted =
 * the computed hours; a value different from the computed (or from the already confirmed)
 * hours needs a `reason` (2–100 characters) and is kept as a correction. 0–24, half hours.
 * At most 50 entries a call. Precisely: the baseline is the confirmed hours once confirmed, the
 * computed hours before; `hours` omitted keeps the baseline; a `hours` different from the
 * baseline needs the reason. Confirming the same hours again changes nothing.
 */
export interface ConfirmHoursRequest {
  activityId: string;
  entries: { signupId: string; hours?: number; reason?: string }[];
}

export interface ConfirmHoursResponse {
  confirmed: number;
  corrected: number;
  /**
   * Sign-ups not confirmed by this call, to send again (with the same hours and reasons). One
   * call writes entries with the same change together and holds only as many different changes
   * as its database budget allows (activity/hours.ts); each call confirms at least one group, so
   * calling again with `pending` until it is empty always ends. Empty when all were confirmed.
   */
  pending: string[];
}

// ---------------------------------------------------------------- teams

export interface TeamItem {
  teamId: string;
  name: string;
  description: string;
  memberCount: number;
  joined: boolean;
}

export interface ListTeamsRequest {
  branchId: string;
}

export interface ListTeamsResponse {
  items: TeamItem[];
  canManage: boolean;
}

export interface CreateTeamRequest {
  branchId: string;
  /** 2–20 characters, unique in the branch. */
  name: string;
  /** ≤ 200 characters. */
  description?: string;
}

export interface TeamRequest {
  teamId: string;
}

export interface TeamWriteResponse {
  teamId: string;
  memberCount: number;
  joined: boolean;
}

// ---------------------------------------------------------------- records, good deeds, points

export interface MyActivitiesRequest {
  cursor?: string;
}

export interface MyActivitiesResponse {
  /** Activities the caller signed up for, replied to or attended; newest start first. */
  items: ActivityItem[];
  nextCursor: string | null;
}

export interface RecordItem {
  activityId: string;
  title: string;
  branchName: string;
  startAt: string;
  /** Confirmed hours (null: not yet confirmed). */
  hours: number | null;
}

export interface MyRecordRequest {
  cursor?: string;
}

export interface MyRecordResponse {
  name: string;
  /** Confirmed hours over all time. */
  totalHours: number;
  /** Volunteer activities attended. */
  count: number;
  items: RecordItem[];
  nextCursor: string | null;
}

/** The volunteer service certificate (志愿服务证明) the caller can show. */
export interface CertificateResponse {
  name: string;
  branchName: string | null;
  totalHours: number;
  count: number;
  /** First and last service days (`YYYY-MM-DD`), null without service. */
  since: string | null;
  until: string | null;
  /** Short code that identifies this certificate's figures (hash), for a printed copy. */
  serial: string;
  issuedAt: string;
}

export interface RecordGoodDeedsRequest {
  activityId: string;
  /** 1–100 good deeds done for residents on this activity. */
  count: number;
  /** 2–200 characters, checked by content security. */
  note: string;
}

export interface RecordGoodDeedsResponse {
  activityId: string;
  activityTotal: number;
  branchTotal: number;
}

export interface GoodDeedsRequest {
  branchId: string;
}

export interface GoodDeedsResponse {
  branchTotal: number;
  yearTotal: number;
  recent: { activityId: string; title: string; count: number; note: string; at: string }[];
}

// ---------------------------------------------------------------- export

/** Organisers. Sign-ups and hours of one activity as .xlsx in cloud storage. */
export interface ExportSignupsRequest {
  activityId: string;
}

/** Organisers. Every confirmed hour of the branch's volunteer activities that started in the range. */
export interface ExportHoursRequest {
  branchId: string;
  /** `YYYY-MM-DD`, inclusive; at most 366 days. */
  from: string;
  to: string;
}

export interface ExportResponse {
  fileID: string;
  /** Temporary https download link. */
  url: string;
  fileName: string;
  rows: number;
  /**
   * `exportHours` only: the range held more confirmed entries than one file takes (4 000); the
   * file holds the first ones and says so. Export a shorter range.
   */
  truncated?: boolean;
}

// ---------------------------------------------------------------- residents' phones

/**
 * Secretary / deputy: one resident's phone in full, on purpose (a tap that says it is recorded).
 * Every reveal is written to the audit log (`auditLogs`: who, whose, when). Lists and exports
 * only ever carry masked phones (`138****1234`).
 */
export interface RevealPhoneRequest {
  activityId: string;
  signupId: string;
}

export interface RevealPhoneResponse {
  signupId: string;
  /** Null when the person left no phone (members: their phone is in the branch directory). */
  phone: string | null;
}

// ---------------------------------------------------------------- moderation

/**
 * Secretary / deputy: release what content security held for review — the activity (members
 * see it from then on) or its minutes (`what: 'minutes'`). Refusing is editing or cancelling.
 */
export interface ModerateActivityRequest {
  activityId: string;
  /** Default `activity`. */
  what?: 'activity' | 'minutes';
}

// ---------------------------------------------------------------- the function

/** Action name → { req, res } of the `activity` function. */
export interface ActivityApi {
  /** Write. Organisers. */
  create: { req: CreateActivityRequest; res: ActivityWriteResponse };
  /** Write. Organisers; not after the end or once cancelled. */
  update: { req: UpdateActivityRequest; res: ActivityWriteResponse };
  /** Write. Organisers; notifies everyone signed up or expected. */
  cancelActivity: { req: CancelActivityRequest; res: CancelActivityResponse };
  /** Write. Secretary, deputy: release a held activity or held minutes. */
  moderate: { req: ModerateActivityRequest; res: ActivityWriteResponse };
  /** Read. By audience (see `ListActivitiesRequest`). */
  list: { req: ListActivitiesRequest; res: ListActivitiesResponse };
  /** Read. Anyone the activity's audience admits; organisers always. */
  get: { req: GetActivityRequest; res: GetActivityResponse };
  /** Read. The caller's activities. */
  mine: { req: MyActivitiesRequest | undefined; res: MyActivitiesResponse };
  /** Write. Volunteer activities, before the deadline; idempotent by itself. */
  signUp: { req: SignUpRequest; res: SignUpResponse };
  /** Write. The caller's own sign-up, until the start (late after the deadline). */
  cancel: { req: CancelSignUpRequest; res: CancelSignUpResponse };
  /** Read. Organisers. */
  listSignups: { req: ListSignupsRequest; res: ListSignupsResponse };
  /** Write (writes the audit log). Secretary, deputy. */
  revealPhone: { req: RevealPhoneRequest; res: RevealPhoneResponse };
  /** Write. Expected members of a meeting / theme day, before it starts. */
  reply: { req: ReplyRequest; res: ReplyResponse };
  /** Read. Organisers. */
  attendance: { req: AttendanceListRequest; res: AttendanceListResponse };
  /** Write. Secretary, deputy. */
  decideLeave: { req: DecideLeaveRequest; res: DecideLeaveResponse };
  /** Write. Organisers, from 30 min before the start. */
  markAttendance: { req: MarkAttendanceRequest; res: MarkAttendanceResponse };
  /** Write. Secretary, deputy; meetings and theme days that have started. */
  postMinutes: { req: PostMinutesRequest; res: PostMinutesResponse };
  /** Read. Organisers. */
  attendanceStats: { req: AttendanceStatsRequest; res: AttendanceStatsResponse };
  /** Read. Organisers, from 30 min before the start to the end. */
  checkInToken: { req: CheckInTokenRequest; res: CheckInTokenResponse };
  /** Write. Confirmed volunteers / expected members. */
  checkIn: { req: CheckInRequest; res: CheckInResponse };
  /** Write. After checking in. */
  checkOut: { req: CheckInRequest; res: CheckOutResponse };
  /** Write. Organisers, after the end; awards points once per person and activity. */
  confirmHours: { req: ConfirmHoursRequest; res: ConfirmHoursResponse };
  /** Read. Members of the branch. */
  listTeams: { req: ListTeamsRequest; res: ListTeamsResponse };
  /** Write. Organisers. */
  createTeam: { req: CreateTeamRequest; res: TeamWriteResponse };
  /** Write. Members of the team's branch. */
  joinTeam: { req: TeamRequest; res: TeamWriteResponse };
  /** Write. Members of the team. */
  leaveTeam: { req: TeamRequest; res: TeamWriteResponse };
  /** Read. The caller's volunteer record. */
  myRecord: { req: MyRecordRequest | undefined; res: MyRecordResponse };
  /** Read. The caller's certificate. */
  certificate: { req: Record<string, never> | undefined; res: CertificateResponse };
  /** Write. Organisers, on an activity that has started. */
  recordGoodDeeds: { req: RecordGoodDeedsRequest; res: RecordGoodDeedsResponse };
  /** Read. Members of the branch. */
  goodDeeds: { req: GoodDeedsRequest; res: GoodDeedsResponse };
  /** Write (creates a file). Organisers. */
  exportSignups: { req: ExportSignupsRequest; res: ExportResponse };
  /** Write (creates a file). Organisers. */
  exportHours: { req: ExportHoursRequest; res: ExportResponse };
}
