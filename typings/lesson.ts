/**
 * Contract of the `lesson` cloud function (issue #5, 微党课): secretaries and the propaganda
 * committee post short lessons, members study them, answer a few questions, reflect and ask
 * for topics; points are kept in a ledger.
 *
 * Conventions (as `typings/branch.ts`):
 * - Dates travel as ISO 8601 strings; "days" (`YYYY-MM-DD`) are in China time (UTC+8).
 * - Lists are cursor-paginated: pass back `nextCursor` as `cursor`; `nextCursor === null` means
 *   the end. A page holds at most 20 items.
 * - The caller is always `getWXContext().OPENID`; an openid in `data` is ignored.
 * - Errors: `FORBIDDEN` (docs/permissions.md), `NOT_FOUND`, `INVALID_ARGUMENT` (message names the
 *   field), `CONFLICT`, `CONTENT_RISKY` (text refused by content security), `RATE_LIMITED`.
 * - Composers (may create, edit, publish, remind, hide reflections, adopt topics): the branch's
 *   secretary, deputy secretary and propaganda committee member. Held lessons are released by
 *   the secretary or deputy secretary (`moderate`).
 * - Answers and explanations of a quiz reach a member only in the answer to `submitQuiz`;
 *   `get` and `list` never carry them for a member (only composers get `editable`).
 */
import type { RoleCode } from './api';

// ---------------------------------------------------------------- body (safe node structure)

/** A run of text inside a paragraph or list item; the only formatting is bold. */
export interface LessonInline {
  /** 1–500 characters (plain text: never HTML; `<` is shown as `<`). */
  text: string;
  bold?: boolean;
}

/**
 * One block of a lesson body. The client never sends HTML: the server validates these blocks
 * and turns them into `rich-text` nodes (whitelisted tags p, h3, h4, strong, ul, ol, li, img).
 */
export type LessonBlock =
  /** Paragraph: 1–20 runs. */
  | { type: 'p'; runs: LessonInline[] }
  /** Heading (h3 by default, h4 for a sub-heading): 1–40 characters. */
  | { type: 'h'; level?: 3 | 4; text: string }
  /** Bulleted / numbered list: 1–20 items, each 1–10 runs. */
  | { type: 'ul' | 'ol'; items: LessonInline[][] }
  /**
   * Picture: the `fileID` returned by `wx.cloud.uploadFile` (cloudPath under `lessons/`) in this
   * environment; anything else is `INVALID_ARGUMENT`. `alt` ≤ 40 characters.
   */
  | { type: 'img'; fileID: string; alt?: string };

/** A `rich-text` `nodes` element built by the server (never from client HTML). */
export interface RichTextElement {
  name: 'p' | 'h3' | 'h4' | 'strong' | 'ul' | 'ol' | 'li' | 'img';
  /** `src` (https temp URL of a cloud file) and `alt` on img; `class`/`style` set by the server. */
  attrs?: { class?: string; style?: string; src?: string; alt?: string };
  children?: RichTextNode[];
}

export interface RichTextText {
  type: 'text';
  text: string;
}

export type RichTextNode = RichTextElement | RichTextText;

// ---------------------------------------------------------------- composing

/** Who a lesson is for: the whole branch, or chosen party groups (党小组) of it. */
export type LessonAudienceInput = { kind: 'branch' } | { kind: 'groups'; groupIds: string[] };

export interface LessonAudienceView {
  kind: 'branch' | 'groups';
  /** Empty for the whole branch. */
  groups: { groupId: string; name: string }[];
  /** 「全体党员」 or the group names joined by 「、」. */
  label: string;
}

export type QuizKind = 'single' | 'multiple';

/** A question as its composer writes it (with the answer): only in requests and `editable`. */
export interface QuizQuestionInput {
  /** Keep the id of an existing question when editing (else the server assigns one). */
  questionId?: string;
  /** 1–200 characters. */
  text: string;
  kind: QuizKind;
  /** 2–6 options, each 1–60 characters. */
  options: string[];
  /**
   * Indexes into `options` of the correct option(s): exactly one for `single`, at least one
   * for `multiple` (graded all-or-nothing).
   */
  answer: number[];
  /** Shown after submitting; ≤ 300 characters. */
  explanation?: string;
}

export type LessonMediaKind = 'audio' | 'video';

export interface LessonMediaInput {
  kind: LessonMediaKind;
  /** Cloud file id (cloudPath under `lessons/`) in this environment. */
  fileID: string;
}

/** Everything a composer writes; `create` and `update` take it. */
export interface LessonContentInput {
  /** 1–40 characters. */
  title: string;
  /** ≤ 120 characters, shown in lists (default: the start of the body). */
  summary?: string;
  /** 1–60 blocks, at most 6000 characters of text in all. */
  body: LessonBlock[];
  /** Cloud file id of a cover picture (under `lessons/`), or null. */
  coverFileID?: string | null;
  /** Optional audio or video. */
  media?: LessonMediaInput | null;
  /** Estimated minutes, 1–15 (default: from the length of the text). */
  minutes?: number;
  /** Default: the whole branch. */
  audience?: LessonAudienceInput;
  /** Up to 10 questions; none = no quiz. */
  quiz?: QuizQuestionInput[];
}

/**
 * `draft`: only composers see it; `scheduled`: the timer publishes it at `publishAt`;
 * `held`: content security asked for review, the secretary or deputy releases it
 * (`moderate`); `published`: members study it; `removed`: gone (study records and points kept).
 */
export type LessonStatus = 'draft' | 'scheduled' | 'held' | 'published' | 'removed';

export interface CreateLessonRequest extends LessonContentInput {
  branchId: string;
  /** true: publish now. */
  publish?: boolean;
  /** ISO 8601, at least 5 minutes and at most 60 days ahead: schedule (instead of `publish`). */
  publishAt?: string;
}

export interface LessonWriteResponse {
  lessonId: string;
  /** `held` when content security asked for review (the publish intent is kept for `moderate`). */
  status: LessonStatus;
  /** When scheduled (or held with a schedule): ISO 8601. */
  publishAt: string | null;
  /** ISO 8601 when published. */
  publishedAt: string | null;
}

/**
 * Replaces the content of a lesson (every field of `LessonContentInput` as in `create`;
 * omitted optional fields are cleared / defaulted, like a form saved whole). Study records,
 * reflections and points of a published lesson are kept; a question keeps its results only
 * through its `questionId`. New text goes through content security again: `review` on a
 * published lesson makes it `held` (hidden from members) until the secretary releases it.
 */
export interface UpdateLessonRequest extends LessonContentInput {
  lessonId: string;
}

/**
 * Publishes a draft now, or schedules it (`publishAt`); a scheduled lesson may be published
 * now or moved. `CONFLICT` for a lesson already published or removed.
 */
export interface PublishLessonRequest {
  lessonId: string;
  /** ISO 8601, 5 minutes – 60 days ahead; omitted = now. */
  publishAt?: string;
}

/** A scheduled (or held) lesson back to draft. */
export interface UnscheduleLessonRequest {
  lessonId: string;
}

export interface RemoveLessonRequest {
  lessonId: string;
}

export interface ModerateLessonRequest {
  lessonId: string;
  /** true: publish (or schedule, when its time is still ahead); false: back to draft. */
  approve: boolean;
}

export interface ComposeOptionsRequest {
  branchId: string;
}

export interface PartyGroupOption {
  groupId: string;
  name: string;
}

/** Limits the composer form shows and the server enforces. */
export interface LessonLimits {
  titleMax: number;
  summaryMax: number;
  blocksMax: number;
  textMax: number;
  minutesMax: number;
  questionsMax: number;
  optionsMin: number;
  optionsMax: number;
  optionMax: number;
  questionMax: number;
  explanationMax: number;
  reflectionMax: number;
  topicTitleMax: number;
  topicDetailMax: number;
}

export interface ComposeOptionsResponse {
  branchId: string;
  branchName: string;
  /** The branch's party groups, by name: audience choices. */
  groups: PartyGroupOption[];
  limits: LessonLimits;
}

// ---------------------------------------------------------------- reading

export interface ListLessonsRequest {
  /**
   * The branch whose lessons to list. Optional: without it the server uses the caller's branch,
   * the branch of their active membership (the earliest joined if ever more than one is active,
   * the order of `branch.me`: the 学习 tab, a page without a query, opens with this one call).
   * A caller with no active membership then gets `items: []` and `branchId: null`, not an error.
   */
  branchId?: string;
  cursor?: string;
  /**
   * Default `published`. `draft`, `scheduled`, `held` are for composers (`FORBIDDEN` for
   * others).
   */
  status?: 'published' | 'draft' | 'scheduled' | 'held';
}

export interface LessonItem {
  lessonId: string;
  branchId: string;
  title: string;
  summary: string;
  /** Temporary https URL of the cover, or null. */
  cover: string | null;
  coverFileID: string | null;
  minutes: number;
  mediaKind: LessonMediaKind | null;
  /** Number of questions (0: no quiz). */
  questionCount: number;
  status: LessonStatus;
  /** ISO 8601 */
  publishedAt: string | null;
  /** ISO 8601 (scheduled lessons). */
  publishAt: string | null;
  /** ISO 8601 */
  updatedAt: string;
  authorName: string;
  audience: LessonAudienceView;
  /** The lesson is for the caller (in its audience); composers see every lesson of the branch. */
  forMe: boolean;
  /** The caller has studied it (`complete`). */
  studied: boolean;
  /**
   * The caller's best score on the current quiz, or null when not answered (or answered only
   * before an edit changed the questions or answers).
   */
  bestScore: number | null;
}

export interface ListLessonsResponse {
  /**
   * Published lessons: for a member, the lessons for them (their audience) newest first, with
   * the ones they have not studied first WITHIN each page of 20 (a page is read newest first,
   * then ordered unstudied → studied). Composers see every published lesson of the branch.
   * Other statuses: newest change first.
   */
  items: LessonItem[];
  nextCursor: string | null;
  /** The caller may compose in this branch (shows 「发布微党课」). */
  canCompose: boolean;
  /**
   * The branch listed: the requested one, or without `branchId` the caller's own; null when no
   * `branchId` was sent and the caller has no active membership (residents, newcomers,
   * applicants): `items` is then empty and the page leads to joining (加入党支部).
   */
  branchId: string | null;
  /**
   * The caller's active membership in that branch, as the client remembers it
   * (`utils/branch-context.ts`), or null (no branch, or not a member of the requested one).
   */
  branch: ListLessonsBranch | null;
}

/** The caller's branch as `lesson.list` read it from their memberships (no extra request). */
export interface ListLessonsBranch {
  branchId: string;
  branchName: string;
  committeeId: string;
  role: RoleCode;
}

export interface GetLessonRequest {
  lessonId: string;
}

/** A question as a member sees it: no answer, no explanation. */
export interface QuizQuestionView {
  questionId: string;
  text: string;
  kind: QuizKind;
  options: string[];
}

export interface LessonMediaView {
  kind: LessonMediaKind;
  fileID: string;
  /** Temporary https URL, or null when it could not be made. */
  url: string | null;
}

export interface MyLessonProgress {
  studied: boolean;
  /** ISO 8601 */
  studiedAt: string | null;
  /**
   * Best score over the attempts on the current quiz, or null. An edit of the questions or
   * answers starts a new quiz version: earlier scores no longer count.
   */
  bestScore: number | null;
  /** Attempts over every version of the quiz. */
  attempts: number;
  /** The best score on the current quiz reached the pass mark (60 %). */
  passed: boolean;
}

/** What a composer edits: the lesson as written, answers included. Composers only. */
export interface LessonEditable extends LessonContentInput {
  audience: LessonAudienceInput;
  quiz: QuizQuestionInput[];
  /** The branch's party groups (audience choices). */
  groups: PartyGroupOption[];
  /** Content security asked for review on the last save. */
  needsReview: boolean;
}

export interface LessonDetail extends LessonItem {
  /** The body as `rich-text` nodes (images as https temp URLs). */
  nodes: RichTextNode[];
  media: LessonMediaView | null;
  /** Without answers or explanations, for everyone. */
  questions: QuizQuestionView[];
  my: MyLessonProgress;
  /** The caller may compose (edit, publish, stats, remind, hide reflections). */
  canManage: boolean;
  /** The caller may release a held lesson (secretary, deputy secretary). */
  canModerate: boolean;
  /** Visible reflections under the lesson. */
  reflectionCount: number;
  /** Composers only; absent for everyone else. */
  editable?: LessonEditable;
}

export type GetLessonResponse = LessonDetail;

// ---------------------------------------------------------------- studying

/** `volunteerHours`: confirmed service hours of a volunteer activity (the `activity` function). */
export type PointsReason = 'lessonStudied' | 'quizPassed' | 'volunteerHours' | 'liaisonService';

/** What one event earned. */
export interface PointsAward {
  reason: PointsReason;
  /** Points counted after the daily cap (0 when the cap was already reached). */
  points: number;
  /** Points the event is worth before the cap. */
  nominal: number;
  /** The cap cut this award (partly or wholly). */
  capped: boolean;
  /** Points counted today (UTC+8) including this one. */
  today: number;
  dailyCap: number;
}

/**
 * Marks the lesson studied: the member reached its end and confirmed (never by a timer).
 * Only a published lesson, only a member in its audience (`FORBIDDEN` otherwise). Repeating it
 * answers success with `firstTime: false` and `points: null`.
 */
export interface CompleteLessonRequest {
  lessonId: string;
}

export interface CompleteLessonResponse {
  lessonId: string;
  /** ISO 8601 of the (first) completion. */
  studiedAt: string;
  firstTime: boolean;
  /** Points for studying, once per lesson; null when already awarded. */
  points: PointsAward | null;
}

export interface QuizAnswer {
  questionId: string;
  /** Chosen option indexes (one for single choice). Unanswered questions count as wrong. */
  choices: number[];
}

export interface SubmitQuizRequest {
  lessonId: string;
  /** At most one entry per question. */
  answers: QuizAnswer[];
}

/** Per question, after submitting: what was right. */
export interface QuizQuestionResult {
  questionId: string;
  correct: boolean;
  chosen: number[];
  /** The correct option indexes. */
  answer: number[];
  explanation: string | null;
}

export interface SubmitQuizResponse {
  lessonId: string;
  /** Questions answered correctly (multiple choice: all-or-nothing). */
  score: number;
  total: number;
  /** score ≥ 60 % of total. */
  passed: boolean;
  /** Best score over the attempts on the current quiz version, this one included. */
  bestScore: number;
  attempts: number;
  results: QuizQuestionResult[];
  /**
   * Points for the first pass, once per lesson (passing the quiz again after an edit: null);
   * null otherwise.
   */
  points: PointsAward | null;
}

// ---------------------------------------------------------------- for the secretary

export interface LessonStatsRequest {
  lessonId: string;
  /** `nextCursor` of the previous page of `notStudied`. */
  cursor?: string;
}

export interface NotStudiedPerson {
  membershipId: string;
  name: string;
  partyGroupName: string | null;
}

export interface LessonQuizStats {
  questionCount: number;
  /**
   * Audience members who answered the current quiz at least once (answers given before an
   * edit of the questions or answers do not count).
   */
  takers: number;
  /** Mean of their best scores (one decimal), or null without takers. */
  average: number | null;
  /** Takers whose best score passed. */
  passed: number;
}

export interface LessonStatsResponse {
  lessonId: string;
  title: string;
  status: LessonStatus;
  /** Current active members in the lesson's audience who have studied it. */
  studied: number;
  /** Current active members in the lesson's audience. */
  audience: number;
  /** Audience members who have not studied it, by name, 20 a page. */
  notStudied: NotStudiedPerson[];
  nextCursor: string | null;
  quiz: LessonQuizStats | null;
  /** `YYYY-MM-DD` (UTC+8) of the last reminder, or null. */
  remindedOn: string | null;
  /** A reminder may be sent now (published, someone has not studied, not reminded today). */
  canRemind: boolean;
}

export interface LessonOverviewRequest {
  branchId: string;
}

export interface LessonOverviewItem {
  lessonId: string;
  title: string;
  /** ISO 8601 */
  publishedAt: string;
  studied: number;
  audience: number;
  questionCount: number;
  /** Mean best score of the audience members who answered (one decimal), or null. */
  quizAverage: number | null;
  quizTakers: number;
}

export interface LessonOverviewResponse {
  branchId: string;
  /** The last 10 published lessons, newest first. */
  items: LessonOverviewItem[];
  /** Active members of the branch. */
  members: number;
}

/**
 * A subscribe message (template `LESSON_TEMPLATE_ID`) to each audience member who has not
 * studied the lesson — every one of them in the one call (no per-call cap: the day is used
 * once); at most once a day (UTC+8) per lesson, else `RATE_LIMITED` (message says from when it
 * may be sent again).
 */
export interface RemindLessonRequest {
  lessonId: string;
}

export interface RemindLessonResponse {
  lessonId: string;
  sent: number;
  /** Not subscribed, or the message failed. `sent + skipped` = everyone who had not studied. */
  skipped: number;
}

// ---------------------------------------------------------------- reflections (学习心得)

export type ReflectionStatus = 'visible' | 'held' | 'hidden';

export interface ListReflectionsRequest {
  lessonId: string;
  cursor?: string;
  /** Default `visible`; `held` and `hidden` are for composers. */
  status?: ReflectionStatus;
}

export interface ReflectionItem {
  reflectionId: string;
  lessonId: string;
  authorName: string;
  text: string;
  status: ReflectionStatus;
  /** ISO 8601 */
  createdAt: string;
  mine: boolean;
}

export interface ListReflectionsResponse {
  /** Newest first, at most 20. */
  items: ReflectionItem[];
  nextCursor: string | null;
  /**
   * The caller's own reflection on the lesson whatever its status (a held one is seen only by
   * its author and composers), or null.
   */
  mine: ReflectionItem | null;
  /** The caller may hide / show reflections. */
  canModerate: boolean;
}

/** One reflection per member and lesson (`CONFLICT` on a second). Members who may read the lesson. */
export interface PostReflectionRequest {
  lessonId: string;
  /** 1–300 characters. */
  text: string;
}

export interface PostReflectionResponse {
  reflectionId: string;
  /** `held`: content security asked for review; only the author and composers see it. */
  status: 'visible' | 'held';
}

export interface HideReflectionRequest {
  reflectionId: string;
  /** Default true; false shows a hidden or held reflection. */
  hidden?: boolean;
}

export interface HideReflectionResponse {
  reflectionId: string;
  status: ReflectionStatus;
}

// ---------------------------------------------------------------- topic requests (点题授课)

export type TopicStatus = 'open' | 'held' | 'adopted';

export interface ListTopicsRequest {
  branchId: string;
  cursor?: string;
  /** Default `open`; `held` is for composers. */
  status?: TopicStatus;
}

export interface TopicItem {
  topicId: string;
  title: string;
  detail: string;
  proposerName: string;
  /** Members who asked for it (the proposer included). */
  supportCount: number;
  /** The caller has proposed or supported it. */
  supported: boolean;
  mine: boolean;
  status: TopicStatus;
  /** The lesson that answers it (adopted topics), or null. */
  lessonId: string | null;
  lessonTitle: string | null;
  /** ISO 8601 */
  createdAt: string;
}

export interface ListTopicsResponse {
  /** Newest first, at most 20. */
  items: TopicItem[];
  nextCursor: string | null;
  /** The caller may adopt topics. */
  canAdopt: boolean;
}

export interface ProposeTopicRequest {
  branchId: string;
  /** 2–40 characters. */
  title: string;
  /** ≤ 200 characters. */
  detail?: string;
}

export interface ProposeTopicResponse {
  topicId: string;
  /**
   * `held`: content security asked for review; only the proposer and composers see it (a
   * composer may still adopt it, which makes it visible).
   */
  status: 'open' | 'held';
}

/** Once per member and topic: a second time is `CONFLICT` (a retry with the same requestId answers the first success). */
export interface SupportTopicRequest {
  topicId: string;
}

export interface SupportTopicResponse {
  topicId: string;
  supportCount: number;
}

/** Marks a topic adopted, linking the lesson that answers it (a lesson of the same branch). */
export interface AdoptTopicRequest {
  topicId: string;
  /** A lesson of the topic's branch (any status but removed); omitted = adopted, lesson to follow. */
  lessonId?: string;
}

export interface AdoptTopicResponse {
  topicId: string;
  status: 'adopted';
  lessonId: string | null;
}

// ---------------------------------------------------------------- points

export interface PointsEntryView {
  entryId: string;
  reason: PointsReason;
  /** The lesson. */
  refId: string;
  /** The lesson's title when the entry was made. */
  title: string;
  /** Points counted (after the daily cap). */
  points: number;
  nominal: number;
  /** ISO 8601 */
  at: string;
  /** `YYYY-MM-DD` UTC+8 */
  day: string;
}

export interface MyPointsResponse {
  /** All points counted so far. */
  balance: number;
  /** Points counted today (UTC+8). */
  today: number;
  dailyCap: number;
  /**
   * What each event is worth and the pass mark, for the page to explain. `volunteerHours` is
   * per confirmed hour of volunteer service (issue #6), at most `volunteerMax` per activity.
   */
  rules: {
    lessonStudied: number;
    quizPassed: number;
    passPercent: number;
    volunteerHours: number;
    volunteerMax: number;
    /** Per central household served per day (issue #7, `liaison.logService`). */
    liaisonService: number;
  };
  /** Entries of the last 7 days, newest first (at most 50). No ranking exists. */
  recent: PointsEntryView[];
}

// ---------------------------------------------------------------- the function

/** Action name → { req, res } of the `lesson` function. */
export interface LessonApi {
  /** Read. Composers: the branch's groups and the form limits. */
  composeOptions: { req: ComposeOptionsRequest; res: ComposeOptionsResponse };
  /** Write. Composers. Draft, publish now (`publish`) or schedule (`publishAt`). */
  create: { req: CreateLessonRequest; res: LessonWriteResponse };
  /** Write. Composers; any status but removed. */
  update: { req: UpdateLessonRequest; res: LessonWriteResponse };
  /** Write. Composers: a draft or scheduled lesson now or at `publishAt`. */
  publish: { req: PublishLessonRequest; res: LessonWriteResponse };
  /** Write. Composers: a scheduled or held lesson back to draft. */
  unschedule: { req: UnscheduleLessonRequest; res: LessonWriteResponse };
  /** Write. Composers: any lesson (study records and points are kept). */
  remove: { req: RemoveLessonRequest; res: LessonWriteResponse };
  /** Write. Secretary, deputy secretary: release (or send back to draft) a held lesson. */
  moderate: { req: ModerateLessonRequest; res: LessonWriteResponse };
  /** Read. Members of the branch (composers: other statuses too). */
  list: { req: ListLessonsRequest; res: ListLessonsResponse };
  /** Read. Members of the branch (a published lesson for them); composers any lesson. */
  get: { req: GetLessonRequest; res: GetLessonResponse };
  /** Write. A member in the lesson's audience, published lessons only. */
  complete: { req: CompleteLessonRequest; res: CompleteLessonResponse };
  /** Write. As `complete`; retries allowed, the best score is kept. */
  submitQuiz: { req: SubmitQuizRequest; res: SubmitQuizResponse };
  /** Read. Composers. */
  stats: { req: LessonStatsRequest; res: LessonStatsResponse };
  /** Read. Composers. */
  overview: { req: LessonOverviewRequest; res: LessonOverviewResponse };
  /** Write. Composers; once a day per lesson. */
  remind: { req: RemindLessonRequest; res: RemindLessonResponse };
  /** Read. Members of the branch. */
  listReflections: { req: ListReflectionsRequest; res: ListReflectionsResponse };
  /** Write. Members who may read the lesson. */
  postReflection: { req: PostReflectionRequest; res: PostReflectionResponse };
  /** Write. Composers. */
  hideReflection: { req: HideReflectionRequest; res: HideReflectionResponse };
  /** Read. Members of the branch. */
  listTopics: { req: ListTopicsRequest; res: ListTopicsResponse };
  /** Write. Members of the branch. */
  proposeTopic: { req: ProposeTopicRequest; res: ProposeTopicResponse };
  /** Write. Members of the branch; once each. */
  supportTopic: { req: SupportTopicRequest; res: SupportTopicResponse };
  /** Write. Composers. */
  adoptTopic: { req: AdoptTopicRequest; res: AdoptTopicResponse };
  /** Read. Any caller: their own points. */
  myPoints: { req: Record<string, never> | undefined; res: MyPointsResponse };
}
