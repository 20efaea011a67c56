/**
 * Stored document shapes (docs/data-model.md). Server-only: the client sees API types from
 * typings/, never these, so a field can be renamed here without breaking old clients.
 */
import type { RoleCode } from '../../typings/api';

export const COLLECTIONS = {
  users: 'users',
  organizations: 'organizations',
  memberships: 'memberships',
  /** Invitation codes of a branch (`_id` = the code). */
  invites: 'invites',
  /** Party groups (党小组) of a branch. */
  partyGroups: 'partyGroups',
  /** Notices (通知公告) of a branch, with who they went to and who read them. */
  notices: 'notices',
  /** 双报到: in-service members reporting to a community branch (not memberships). */
  reports: 'reports',
  /** Answers of finished writes by request id, so a retried write is not applied twice. */
  requestLog: 'requestLog',
  /** Micro party lessons (微党课) of a branch. */
  lessons: 'lessons',
  /** Study records: one per (lessonId, openid), with the member's best quiz score. */
  lessonProgress: 'lessonProgress',
  /** Reflections (学习心得) under lessons: one per (lessonId, openid). */
  lessonReflections: 'lessonReflections',
  /** Topic requests (点题授课) of a branch. */
  lessonTopics: 'lessonTopics',
  /** The points ledger: one entry per (openid, reason, refId). */
  points: 'points',
  /** Branch activities: 三会一课, 主题党日, volunteer services (issue #6). */
  activities: 'activities',
  /** One per (activity, person): sign-up, reply, leave, attendance, hours. */
  activityParticipants: 'activityParticipants',
  /** Volunteer teams (志愿服务队) of a branch. */
  volunteerTeams: 'volunteerTeams',
  /** Good deeds done for residents (办好事实事), recorded on activities. */
  goodDeeds: 'goodDeeds',
  /** Minutes (会议记录) history: every posted version, newest in the activity. */
  activityMinutes: 'activityMinutes',
  /** Audit log of on-purpose reveals of personal data (a resident's phone): who, whose, when. */
  auditLogs: 'auditLogs',
  /** Central households (党员中心户), issue #7: one per (branch, member). */
  liaisonHouseholds: 'liaisonHouseholds',
  /** Resident households linked to a central household, with their liaison card code. */
  liaisonResidents: 'liaisonResidents',
  /** A resident's WeChat bound to their household: `_id` = the resident's openid. */
  liaisonBindings: 'liaisonBindings',
  /** Residents' requests (民情) with their history and escalation. */
  liaisonRequests: 'liaisonRequests',
  /** Service records (办实事 / 走访) of central-household members. */
  liaisonRecords: 'liaisonRecords',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** One per WeChat user who has completed a profile; `_id` is the openid. */
export interface UserDoc {
  _id: string;
  nickname: string;
  createdAt: Date;
}

export type OrganizationType = 'committee' | 'generalBranch' | 'branch';

/** Party committee (党委), general branch (总支) or branch (支部); `parentId` builds the tree. */
export interface OrganizationDoc {
  _id: string;
  name: string;
  type: OrganizationType;
  parentId: string | null;
  /** The root committee of the tree (its own id for a committee); absent on old documents. */
  committeeId?: string;
  /** Grid area (网格) a branch is laid over. */
  gridArea?: string | null;
  /** On a committee: its central-household settings (`liaison.updateSettings`); defaults apply when absent. */
  liaisonSettings?: LiaisonSettingsDoc;
  /**
   * A branch has (had) a secretary: set by `appointSecretary` with a conditional update, so
   * two concurrent appointments make one secretary. It stays true: a secretary can leave
   * only after handing over. Branches of the seed carry `true`.
   */
  hasSecretary?: boolean;
  createdAt?: Date;
  createdBy?: string;
}

/** `pending` → `active` / `rejected`; `pending`/`active` → `ended` (by the reporter). */
export type ReportStatus = 'pending' | 'active' | 'rejected' | 'ended';

/**
 * 双报到: a party member of one branch reporting to a community branch. One document per
 * (openid, branchId) — unique index — re-opened when reporting again after `rejected`/`ended`.
 * `_id` is derived from both (see branch/shared.ts `reportId`).
 */
export interface ReportDoc {
  _id: string;
  openid: string;
  /** The community branch reported to. */
  branchId: string;
  branchName: string;
  committeeId: string;
  /** The reporter's own branch (组织关系) when reporting. */
  fromBranchId: string;
  fromBranchName: string;
  realName: string;
  phone: string | null;
  status: ReportStatus;
  reportedAt: Date;
  /** ISO time + `#` + `_id`: the queue's order and cursor. */
  queueKey: string;
  reviewedAt: Date | null;
  reviewedBy: string | null;
  reason: string | null;
  reasonHeld: boolean;
  endedAt: Date | null;
}

/**
 * `pending` waits for the secretary's approval (an application is a pending membership);
 * `rejected` keeps the reason for the applicant; `left` is kept for the branch's history.
 */
export type MembershipStatus = 'active' | 'pending' | 'rejected' | 'left';

/**
 * A person's role in one organisation; unique per (openid, orgId). Fields after `joinedAt`
 * were added by the `branch` function and are absent on documents written before it.
 */
export interface MembershipDoc {
  _id: string;
  openid: string;
  orgId: string;
  role: RoleCode;
  status: MembershipStatus;
  joinedAt: Date;
  /**
   * Unique: the openid while this is the person's active organisational membership (组织关系),
   * the document's own `_id` otherwise. So the database keeps one full membership per person.
   */
  fullKey?: string;
  committeeId?: string;
  branchName?: string;
  realName?: string;
  phone?: string | null;
  partyStatus?: 'full' | 'probationary' | 'activist';
  joinedPartyAt?: Date | null;
  partyGroupId?: string | null;
  partyGroupName?: string | null;
  /** Identity-card photo: a `cloud://…/avatars/…` file id (`updateProfile`). */
  photo?: string | null;
  /** `realName` + NUL + `_id`: the directory's order and cursor. */
  sortKey?: string;
  /** ISO time + `#` + `_id`: the application queue's order and cursor. */
  queueKey?: string;
  appliedAt?: Date;
  reviewedAt?: Date | null;
  reviewedBy?: string | null;
  reason?: string | null;
  /** The reason was held by content security: the applicant sees a neutral text. */
  reasonHeld?: boolean;
  /** A transfer (组织关系转接) waiting for the receiving branch. */
  transferTo?: string | null;
  transferFromName?: string | null;
  transferAt?: Date | null;
  /** Why the receiving branch declined the last transfer (`declineTransfer`), for the sender. */
  transferDeclinedReason?: string | null;
  transferDeclinedAt?: Date | null;
}

export interface InviteDoc {
  /** The code itself. */
  _id: string;
  branchId: string;
  branchName: string;
  committeeId: string;
  createdBy: string;
  /** Real name of the creator in the branch (absent on invitations made before it was kept). */
  createdByName?: string | null;
  createdAt: Date;
  expiresAt: Date;
  revoked: boolean;
  qrFileID: string | null;
}

export interface PartyGroupDoc {
  _id: string;
  branchId: string;
  committeeId: string;
  name: string;
  createdAt: Date;
}

export interface NoticeDoc {
  _id: string;
  branchId: string;
  committeeId: string;
  title: string;
  body: string;
  pinned: boolean;
  status: 'published' | 'held' | 'removed';
  authorOpenid: string;
  authorName: string;
  createdAt: Date;
  /**
   * Legacy: the active members when it was posted. No longer written or read: the audience
   * is the branch's current active members (docs/data-model.md).
   */
  audience?: { openid: string; name: string }[];
  /** Openids that have read it (for `readBy: openid` / `$ne` queries). */
  readBy: string[];
  reads: { openid: string; at: Date }[];
  /** `YYYY-MM-DD` (UTC+8) of the last reminder. */
  remindedOn: string | null;
}

// ---------------------------------------------------------------- lessons (issue #5)

/** Stored body blocks: the same safe structure the composer sends (typings/lesson.ts). */
export type LessonBlockDoc =
  | { type: 'p'; runs: { text: string; bold?: boolean }[] }
  | { type: 'h'; level: 3 | 4; text: string }
  | { type: 'ul' | 'ol'; items: { text: string; bold?: boolean }[][] }
  | { type: 'img'; fileID: string; alt: string };

export interface QuizQuestionDoc {
  questionId: string;
  text: string;
  kind: 'single' | 'multiple';
  options: string[];
  /** Correct option indexes, ascending. Never sent to a member before they submit. */
  answer: number[];
  explanation: string;
}

export type LessonDocStatus = 'draft' | 'scheduled' | 'held' | 'published' | 'removed';

export interface LessonDoc {
  _id: string;
  branchId: string;
  committeeId: string;
  title: string;
  summary: string;
  body: LessonBlockDoc[];
  coverFileID: string | null;
  media: { kind: 'audio' | 'video'; fileID: string } | null;
  minutes: number;
  audience: { kind: 'branch' } | { kind: 'groups'; groupIds: string[]; groupNames: string[] };
  /**
   * `['all']` for the whole branch, else the party group ids: a member's lessons are
   * `audienceKeys: _.in(['all', theirGroupId])`, one indexed query.
   */
  audienceKeys: string[];
  quiz: QuizQuestionDoc[];
  /**
   * The quiz's version: `update` adds 1 when a question, an option or an answer changes (not
   * for the title, the body or an explanation). A member's best score counts only on the
   * version it was made on (`LessonProgressDoc.quizBest`). Absent on lessons saved before
   * versions existed: 0.
   */
  quizVersion?: number;
  status: LessonDocStatus;
  /** Content security asked for review on the last save (text unchanged since). */
  needsReview: boolean;
  /**
   * What the composer asked for when the lesson was held: publish now (`null`) or at a time.
   * `moderate { approve: true }` applies it.
   */
  heldIntent?: { publishAt: Date | null } | null;
  /** When a scheduled lesson is published by the timer. */
  publishAt: Date | null;
  publishedAt: Date | null;
  /** Sort key of every list: publishedAt, else publishAt, else updatedAt. */
  listAt: Date;
  authorOpenid: string;
  authorName: string;
  createdAt: Date;
  updatedAt: Date;
  /** `YYYY-MM-DD` (UTC+8) of the last reminder. */
  remindedOn: string | null;
}

/** `_id` = derived from (lessonId, openid), see lesson/shared.ts `progressId`. */
export interface LessonProgressDoc {
  _id: string;
  lessonId: string;
  openid: string;
  branchId: string;
  /** Set by `complete`; null when the member answered the quiz but has not confirmed yet. */
  studiedAt: Date | null;
  /**
   * The member's best score with the quiz version it was made on: `{ v<quizVersion>: score }`.
   * `submitQuiz` raises the key of the version it graded with `$max` (concurrent attempts
   * cannot lower it) and removes the other keys it read, so the first attempt on an edited
   * quiz replaces the old best. Only the key of the lesson's current `quizVersion` counts: a
   * best score of another version is not passed and not in the average. Empty (or absent)
   * before the first attempt.
   */
  quizBest?: Record<string, number>;
  /** Attempts over every version of the quiz. */
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface LessonReflectionDoc {
  _id: string;
  lessonId: string;
  branchId: string;
  openid: string;
  authorName: string;
  text: string;
  status: 'visible' | 'held' | 'hidden';
  createdAt: Date;
}

export interface LessonTopicDoc {
  _id: string;
  branchId: string;
  openid: string;
  proposerName: string;
  title: string;
  detail: string;
  status: 'open' | 'held' | 'adopted';
  /** Openids who asked for it, the proposer first (for `supporters: _.neq(openid)` updates). */
  supporters: string[];
  supportCount: number;
  lessonId: string | null;
  lessonTitle: string | null;
  createdAt: Date;
  adoptedAt: Date | null;
}

export type PointsReasonDoc = 'lessonStudied' | 'quizPassed' | 'volunteerHours' | 'liaisonService';

/**
 * One ledger entry per (openid, reason, refId): `_id` derived from the three (and a unique
 * index on them), so a retried or concurrent award inserts once. `points` is what the event
 * is worth; the daily cap is applied when the ledger is read (common/points.ts).
 */
export interface PointsDoc {
  _id: string;
  openid: string;
  reason: PointsReasonDoc;
  refId: string;
  branchId: string;
  /** The lesson title when earned, for the member's list. */
  title: string;
  points: number;
  /** `YYYY-MM-DD` UTC+8. */
  day: string;
  /** ISO time + `#` + `_id`: the order within a day that decides what the cap lets count. */
  orderKey: string;
  createdAt: Date;
}

// ---------------------------------------------------------------- activities (issue #6)

export type ActivityKindDoc = 'meeting' | 'themeDay' | 'volunteer';
export type MeetingTypeDoc = 'memberMeeting' | 'committeeMeeting' | 'groupMeeting' | 'partyLesson';

/**
 * A branch activity. Server-only fields (`queue`, `expected`, `tokenSecret`) never reach a
 * client: responses are built field by field (activity/shared.ts).
 */
export interface ActivityDoc {
  _id: string;
  branchId: string;
  branchName: string;
  committeeId: string;
  kind: ActivityKindDoc;
  meetingType: MeetingTypeDoc | null;
  groupId: string | null;
  groupName: string | null;
  title: string;
  description: string;
  place: { name: string; latitude?: number; longitude?: number } | null;
  startAt: Date;
  endAt: Date;
  deadline: Date;
  audience: 'branch' | 'reported' | 'public';
  /** Volunteer: places; null = no limit. */
  capacity: number | null;
  teamId: string | null;
  teamName: string | null;
  contactName: string | null;
  contactPhone: string | null;
  /**
   * Volunteer: the active sign-ups (participant `_id`s) in arrival order — THE truth of who is
   * confirmed: the first `capacity` entries are confirmed, the rest waitlisted in order. Taken
   * with `_.addToSet` (one atomic update: never two entries of one person, order = the
   * database's serialisation order), left with `_.pull` (the next one moves up by itself).
   * Bounded by MAX_QUEUE (capacity + waitlist).
   */
  queue: string[];
  /**
   * Meetings / theme days: the expected audience when the activity was created (or its audience
   * last edited): members' openids and names, in directory order. Attendance rates count it.
   */
  expected: { openid: string; name: string }[];
  /** HMAC key of the check-in tokens of this activity (random, never sent). */
  tokenSecret: string;
  /** `held`: content security asked for review; organisers see it, members do not. */
  visibility: 'visible' | 'held';
  cancelled: boolean;
  cancelReason: string | null;
  cancelledAt: Date | null;
  /** Latest minutes (history in `activityMinutes`). */
  minutes: {
    text: string;
    postedAt: Date;
    authorOpenid: string;
    authorName: string;
    held: boolean;
  } | null;
  /** Good deeds recorded on this activity (sum of its `goodDeeds` entries). */
  goodDeeds: number;
  /** Volunteer: the organiser has confirmed hours at least once. */
  hoursConfirmed: boolean;
  /**
   * Next reminder due (24 h, then 2 h before the start), null when none is left; the `remind`
   * timer claims it with a conditional update so a reminder is sent once.
   */
  nextRemindAt: Date | null;
  /** `YYYY` China time of `startAt` (attendance statistics by year). */
  year: number;
  createdBy: string;
  createdByName: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface HoursCorrectionDoc {
  from: number;
  to: number;
  reason: string;
  /** Content security asked for review: the reason is shown to the secretaries only. */
  reasonHeld?: boolean;
  by: string;
  byName: string;
  at: Date;
}

/**
 * One per (activity, person): `_id` derived from both (activity/shared.ts `participantId`).
 * Volunteers: the sign-up (`state`), check-in/out and hours. Meetings: the reply, leave and
 * attendance. Denormalised activity fields (`kind`, `title`, `startAt`, `branchName`) serve the
 * caller's own lists (`mine`, `myRecord`) without a second read.
 */
export interface ParticipantDoc {
  _id: string;
  activityId: string;
  branchId: string;
  branchName: string;
  kind: ActivityKindDoc;
  title: string;
  startAt: Date;
  year: number;
  openid: string;
  name: string;
  /** Residents' phone (public activities); members' phones are not copied here. */
  phone: string | null;
  who: 'member' | 'reported' | 'resident';
  /** Volunteer: `active` while in the activity's queue (the queue decides), `cancelled` after. */
  state: 'active' | 'cancelled' | null;
  signedUpAt: Date | null;
  cancelledAt: Date | null;
  lateCancel: boolean;
  reply: 'attend' | 'leave' | null;
  leave: {
    reason: string;
    status: 'pending' | 'approved' | 'rejected';
    decidedAt: Date | null;
    decidedBy: string | null;
    note: string | null;
  } | null;
  attendance: 'present' | 'absent' | 'leave' | null;
  checkedInAt: Date | null;
  checkedOutAt: Date | null;
  confirmedHours: number | null;
  corrections: HoursCorrectionDoc[];
  createdAt: Date;
  updatedAt: Date;
}

export interface VolunteerTeamDoc {
  _id: string;
  branchId: string;
  name: string;
  description: string;
  /** Member openids (a team is tens of people). */
  members: string[];
  memberCount: number;
  createdBy: string;
  createdAt: Date;
}

export interface GoodDeedDoc {
  _id: string;
  branchId: string;
  /** The activity recorded on; '' for an entry of a service record (`source: 'liaison'`). */
  activityId: string;
  /** Absent (activity) or 'liaison': a central household's service record (liaison/records.ts). */
  source?: 'activity' | 'liaison';
  /** With `source: 'liaison'`: the `liaisonRecords._id` it counts. */
  recordId?: string;
  title: string;
  count: number;
  note: string;
  /** Content security asked for review: members see a neutral text instead of the note. */
  noteHeld?: boolean;
  year: number;
  by: string;
  at: Date;
}

export interface ActivityMinutesDoc {
  _id: string;
  activityId: string;
  branchId: string;
  text: string;
  held: boolean;
  authorOpenid: string;
  authorName: string;
  postedAt: Date;
}

/**
 * One per on-purpose reveal of personal data (ARCHITECTURE §4): who revealed whose phone, when,
 * in which activity. Never the phone or the name itself.
 */
export interface AuditLogDoc {
  _id: string;
  at: Date;
  actorOpenid: string;
  /**
   * `revealPhone`: a volunteer sign-up's phone (activity); `revealResidentPhone`: a linked
   * resident household's phone (liaison). (Erasures are recorded on the emptied resident
   * document itself: `erasedAt`, `erasedBy`.)
   */
  action: 'revealPhone' | 'revealResidentPhone';
  /** The sign-up (participant `_id`) or the resident household (`liaisonResidents._id`). */
  subjectId: string;
  /** The activity of a sign-up; null for liaison entries. */
  activityId: string | null;
  branchId: string;
}

// ---------------------------------------------------------------- liaison (issue #7)

/** Committee settings of central households, on the committee's organisation document. */
export interface LiaisonSettingsDoc {
  maxResidents: number;
  minResidents: number;
  acceptHours: number;
  resolveHours: number;
}

/**
 * A central household (党员中心户). `_id` derived from (branchId, memberOpenid), so designating
 * twice is one document. `active: false` after stepping down (kept for history and records).
 */
export interface LiaisonHouseholdDoc {
  _id: string;
  branchId: string;
  branchName: string;
  committeeId: string;
  memberOpenid: string;
  /** The member's membership `_id`, so name / photo / phone / role are read live by $lookup. */
  membershipId: string;
  /** Snapshot of the member's name for lists and sorting (refreshed on update). */
  memberName: string;
  address: string;
  grid: string;
  /** A file id under `liaison-households/` (liaison/shared.ts `PHOTO_DIRS`). */
  photo: string | null;
  promise: string;
  promiseHeld: boolean;
  /**
   * The member's consent to show their phone to linked residents: set when the household is
   * created, then changed by the member alone (`updateHousehold`; designating again keeps it).
   */
  showPhone: boolean;
  active: boolean;
  /**
   * Linked resident households now: the cap is a conditional update on this counter
   * (`residentCount: _.lte(max - n)`), never count-then-insert.
   */
  residentCount: number;
  /** Bound residents (households with ≥ 1 binding), for coverage without a scan. */
  boundCount: number;
  openRequests: number;
  /** Open requests already counted in `openRequests` (as on `LiaisonResidentDoc`). */
  countedRequests?: string[];
  /** `grid` + NUL + `memberName` + NUL + `_id`: the list's order and cursor. */
  sortKey: string;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  steppedDownAt?: Date | null;
  /**
   * Set when the member stepped down: the household their residents went to and how many, so
   * a retried `stepDown` answers the same.
   */
  movedTo?: string | null;
  movedResidents?: number;
  /**
   * Households whose residents were handed to this one (`stepDown`): the counter increment
   * is conditional on the source not being listed, so a retried hand-over counts once.
   */
  mergedFrom?: string[];
}

/** A structured address as given (for editing); `address` holds its display text. */
export type AddressPartsDoc =
  { building: string; unit?: string; room: string } | { group: string; houseNumber: string } | null;

/**
 * A resident household linked to a central household. `cardCode` is unique (liaison card).
 * Erased households keep `_id`, links and counts but lose every personal field (`erased`); their
 * `cardCode` becomes `~` + `_id` (unique, and never a code a resident can type).
 */
export interface LiaisonResidentDoc {
  _id: string;
  householdId: string;
  branchId: string;
  committeeId: string;
  grid: string;
  headName: string;
  address: string;
  addressParts: AddressPartsDoc;
  phone: string;
  people: number;
  careTags: string[];
  notes: string | null;
  cardCode: string;
  /** openids bound (family members); also one `liaisonBindings` document each. */
  boundOpenids: string[];
  /**
   * Counted in the central household's `boundCount`. Flipped only by conditional updates (the
   * first binding: `boundOpenids` empty and not `bound`; the last unbinding: `boundOpenids`
   * empty and not `false`), so concurrent binds and unbinds move the counter once. Missing on
   * older documents: counted when `boundOpenids` is not empty.
   */
  bound?: boolean;
  /**
   * Open requests already counted in `openRequests` (`submitRequest` raises the counter on the
   * condition that the id is not listed, so a retry never counts twice); pulled on resolve.
   */
  countedRequests?: string[];
  /** Wrong last-4 tries since the last success / lock; lock for an hour at 5. */
  bindFails: number;
  lockedUntil: Date | null;
  openRequests: number;
  active: boolean;
  erased: boolean;
  /** Set by the erasure: when, by whom (`resident` themselves or a `manager`, named). */
  erasedAt?: Date | null;
  erasedBy?: 'resident' | 'manager' | null;
  erasedByOpenid?: string | null;
  /** Erased, and its service records still carry notes / photos: the `escalate` timer clears them. */
  recordsToSweep?: boolean;
  /** `headName` + NUL + `_id`: list order and cursor. */
  sortKey: string;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
}

/** `_id` = the resident's openid: one household per WeChat. */
export interface LiaisonBindingDoc {
  _id: string;
  residentId: string;
  /**
   * The central household when bound. `stepDown` moves residents, not bindings: the resident's
   * `householdId` is the truth (common/liaison-card.ts `loadCard` joins through it).
   */
  householdId: string;
  branchId: string;
  boundAt: Date;
}

export interface LiaisonHistoryDoc {
  at: Date;
  action: 'submitted' | 'accepted' | 'resolved' | 'closed' | 'escalated' | 'moved' | 'released';
  /** Display text without personal data: 「居民」「李秀英（中心户）」「支部书记」「社区党委」. */
  by: string;
  byOpenid: string | null;
  note: string | null;
  /** Content security asked for review of `note`: shown to its author and secretaries only. */
  held?: boolean;
}

export interface LiaisonRequestDoc {
  _id: string;
  householdId: string;
  residentId: string;
  branchId: string;
  committeeId: string;
  grid: string;
  memberOpenid: string;
  memberName: string;
  /** Who submitted (a bound openid); null after erasure. */
  submittedBy: string | null;
  category: string;
  /** Null after erasure (statistics stay). */
  text: string | null;
  /** File ids under `liaison-requests/`; only those are deleted on erasure. */
  photos: string[];
  urgent: boolean;
  held: boolean;
  status: 'submitted' | 'accepted' | 'resolved' | 'closed';
  level: 0 | 1 | 2;
  /** Deadline of the current stage (accept / resolve); null once resolved. The timer's index. */
  dueAt: Date | null;
  acceptedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  resolutionNote: string | null;
  /** Content security asked for review of the note: the resident sees a neutral text. */
  resolutionNoteHeld?: boolean;
  rating: 'satisfied' | 'basically' | 'unsatisfied' | null;
  ratingComment: string | null;
  /** Content security asked for review of the comment: shown to secretaries only. */
  ratingCommentHeld?: boolean;
  history: LiaisonHistoryDoc[];
  anonymised: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface LiaisonRecordDoc {
  _id: string;
  householdId: string;
  residentId: string | null;
  branchId: string;
  grid: string;
  memberOpenid: string;
  /** `YYYY-MM-DD` UTC+8. */
  date: string;
  category: string;
  note: string | null;
  /** File ids under `liaison-records/`; only those are deleted by the erasure's sweep. */
  photos: string[];
  held: boolean;
  createdAt: Date;
}
