/**
 * Contract of the `liaison` cloud function (issue #7): party member central households
 * (党员中心户) linked to resident households, liaison cards (连心卡), residents binding their
 * WeChat to their household, residents' requests (民情) with escalation, service records
 * (办实事 / 走访), a dashboard, Excel import / export and printable card sheets.
 *
 * Conventions (as `typings/activity.ts`):
 * - Dates travel as ISO 8601 strings; "days" (`YYYY-MM-DD`) are in China time (UTC+8).
 * - Lists are cursor-paginated: pass back `nextCursor` as `cursor`; `null` means the end; at
 *   most 20 items a page.
 * - The caller is always `getWXContext().OPENID`; an openid in `data` is ignored (the
 *   `memberOpenid` of `designateHousehold` names whom to designate, never who calls).
 * - Errors: `FORBIDDEN` (docs/permissions.md), `NOT_FOUND`, `INVALID_ARGUMENT` (message names
 *   the field), `CONFLICT`, `FULL` (the household has the committee's maximum of linked
 *   households), `CONTENT_RISKY`, `RATE_LIMITED` (a liaison card locked after 5 wrong tries).
 *
 * Who sees residents' personal data (name of the head of household, address, phone, care tags,
 * notes): the linked member (the central household's own member) and the branch's secretary and
 * deputy. The mass-work committee member (群众工作委员) manages central households with them
 * (designate, step down, dashboard figures) but never receives residents' data. Phones are masked
 * (`138****1234`) in every list and export; `revealPhone` shows one in full and writes the audit
 * log (who, whose, when). Nobody else ever receives a resident's phone, address or tags. A
 * bound resident sees what is stored about their own household (`myData`) and may erase it.
 */

import type { RoleCode } from './api';

// ---------------------------------------------------------------- shared shapes

/**
 * A resident household's address: either a free text (2–60 characters) or its parts. Parts are
 * `building` (楼栋) + `unit` (单元, optional) + `room` (房号) in a town, or `group` (村民小组) +
 * `houseNumber` (门牌号) in a village; each part 1–20 characters.
 */
export type AddressInput =
  | string
  | { building: string; unit?: string; room: string }
  | { group: string; houseNumber: string };

/** Care tags (关爱标签), visible only to the linked member and the branch secretaries. */
export type CareTag =
  | 'livingAlone' // 独居
  | 'elderly' // 高龄
  | 'disability' // 残疾
  | 'illness' // 大病重病
  | 'hardship' // 生活困难
  | 'leftBehind'; // 留守

/** 维修 · 助老 · 邻里纠纷 · 政策咨询 · 其他 */
export type RequestCategory = 'repair' | 'elderly' | 'dispute' | 'policy' | 'other';

/**
 * `submitted` → `accepted` (by the member, or whoever it has escalated to) → `resolved` (with a
 * note) → `closed` (the resident confirmed and rated it).
 */
export type RequestStatus = 'submitted' | 'accepted' | 'resolved' | 'closed';

/** 满意 · 基本满意 · 不满意 */
export type RequestRating = 'satisfied' | 'basically' | 'unsatisfied';

/**
 * Who handles a request now: 0 the central household's member, 1 the branch secretary (after
 * the first deadline passed), 2 the party committee (after the second). "Village reports,
 * township handles, county closes."
 */
export type EscalationLevel = 0 | 1 | 2;

/** 走访 · 帮办实事 · 政策宣传 · 矛盾调解 · 其他 */
export type ServiceCategory = 'visit' | 'help' | 'policy' | 'mediation' | 'other';

/** The committee's settings (`updateSettings`); defaults in brackets. */
export interface LiaisonSettings {
  /**
   * Linked households a central household may have at most, 1–20 [10]: a household's residents
   * always fit in one page of 20 (the visit page's resident picker, card sheets).
   */
  maxResidents: number;
  /** Fewer than this shows as "needs more" on the dashboard, 1–maxResidents [5]. */
  minResidents: number;
  /** Hours a request may wait to be accepted before it escalates, 1–168 [24]. */
  acceptHours: number;
  /** Hours an accepted request may take to be resolved before it escalates, 1–720 [72]. */
  resolveHours: number;
}

// ---------------------------------------------------------------- central households

export interface DesignateHouseholdRequest {
  branchId: string;
  /** An active party member (not an activist) of `branchId`. */
  memberOpenid: string;
  /** The central household's address (shown to linked residents). */
  address: AddressInput;
  /** 网格 (1–30 characters); default the branch's grid area. */
  grid?: string;
  /**
   * A door-plate / household photo the page uploaded under `liaison-households/`
   * (`cloud://<env>.<bucket>/liaison-households/…`); any other file id is INVALID_ARGUMENT.
   */
  photo?: string | null;
  /** 服务承诺, ≤ 200 characters; checked by content security. */
  promise?: string;
  /**
   * The member agrees that linked residents see their phone (with a call button). Default
   * false: residents then see the name only and send requests instead. Recorded only when the
   * household is created: designating again never changes it (the member's own consent, which
   * only they change with `updateHousehold`).
   */
  showPhone?: boolean;
}

/**
 * Designating a member who already is a central household of the branch answers that household
 * (`created: false`) and updates the fields given, except `showPhone`: designation is
 * idempotent.
 */
export interface DesignateHouseholdResponse {
  householdId: string;
  created: boolean;
}

export interface UpdateHouseholdRequest {
  householdId: string;
  address?: AddressInput;
  grid?: string;
  /** Under `liaison-households/`, as in `DesignateHouseholdRequest`. */
  photo?: string | null;
  promise?: string;
  /** Only the member themselves may change their consent. */
  showPhone?: boolean;
}

/** The member steps down; their linked residents (and open requests) go to another household. */
export interface StepDownRequest {
  householdId: string;
  /** Required when residents are linked; same branch, room for them under the maximum. */
  toHouseholdId?: string;
}

export interface StepDownResponse {
  householdId: string;
  movedResidents: number;
}

export interface HouseholdItem {
  householdId: string;
  branchId: string;
  memberOpenid: string;
  memberName: string;
  memberPhoto: string | null;
  address: string;
  grid: string;
  promise: string;
  showPhone: boolean;
  residentCount: number;
  /** Residents whose WeChat is bound (at least one family member). */
  boundCount: number;
  /** `residentCount < minResidents`. */
  needsMore: boolean;
  openRequests: number;
}

/**
 * The branch's active central households: for its managers, and for a member who is an active
 * central household of the branch themselves (stepping down, they choose whom to hand their
 * residents to). Household data only, never residents; a promise held for review is empty for
 * a member.
 */
export interface ListHouseholdsRequest {
  branchId: string;
  /** Only this grid. */
  grid?: string;
  cursor?: string;
}

export interface ListHouseholdsResponse {
  items: HouseholdItem[];
  nextCursor: string | null;
  /** Grids of the branch's households, for the filter. */
  grids: string[];
  settings: LiaisonSettings;
  /**
   * The caller may open a household's resident list (secretary, deputy). The mass-work member
   * manages central households but never sees residents' names, addresses or phones; a member
   * listing for their step-down neither.
   */
  canSeeResidents: boolean;
}

/** The 联户 tab: the caller's own central household(s) and the branches they manage. */
export interface MyHouseholdsResponse {
  households: HouseholdItem[];
  /** Open requests (submitted / accepted) of the caller's households, oldest first, ≤ 20. */
  requests: RequestItem[];
  /**
   * Branches where the caller manages central households (secretary, deputy, mass work);
   * `canSeeResidents` as in `ListHouseholdsResponse`.
   */
  manages: { branchId: string; branchName: string; canSeeResidents: boolean }[];
  /** Committees where the caller handles requests escalated to the committee (its secretaries). */
  committees: { committeeId: string; name: string }[];
  /**
   * The caller's branch (their 组织关系, else their first active branch membership), so the tab
   * bar shows members' tabs when the app opens on 联户; null for people without a branch.
   */
  branch: { branchId: string; branchName: string; committeeId: string; role: RoleCode } | null;
  /**
   * The committee's settings of the caller's households (for 「联系户 n / 10」 and 「还需联系
   * x 户」); absent when the caller has none.
   */
  settings?: LiaisonSettings;
}

// ---------------------------------------------------------------- linked resident households

export interface AddResidentRequest {
  householdId: string;
  /** 户主姓名, 1–20 characters. */
  headName: string;
  address: AddressInput;
  /** 11-digit mainland mobile (1[3-9]…) or a landline of 7–12 digits with an optional `-`. */
  phone: string;
  /** 家庭人数, 1–20 [1]. */
  people?: number;
  careTags?: CareTag[];
  /** ≤ 200 characters; checked by content security. */
  notes?: string;
}

export interface AddResidentResponse {
  residentId: string;
  /** 8 characters A–Z 2–9 without look-alikes; printed on the liaison card. */
  cardCode: string;
  /** Linked households now, out of `max`. */
  residentCount: number;
  max: number;
}

/** Linked member (their own household's residents), secretaries; `null` clears. */
export interface UpdateResidentRequest {
  residentId: string;
  headName?: string;
  address?: AddressInput;
  phone?: string;
  people?: number;
  careTags?: CareTag[];
  notes?: string | null;
}

/** Managers: the resident household leaves the list (moved away); erased like `eraseMyData`. */
export interface RemoveResidentRequest {
  residentId: string;
}

export interface ResidentItem {
  residentId: string;
  householdId: string;
  headName: string;
  address: string;
  /** Always masked: `138****1234`. */
  phone: string;
  people: number;
  cardCode: string;
  /** WeChat users bound to this household. */
  boundCount: number;
  openRequests: number;
  /** Only for the linked member and the branch secretary / deputy; absent otherwise. */
  careTags?: CareTag[];
  notes?: string | null;
}

export interface ListResidentsRequest {
  householdId: string;
  cursor?: string;
}

export interface ListResidentsResponse {
  items: ResidentItem[];
  nextCursor: string | null;
  /** On the first page (no cursor): the household the list belongs to. */
  household?: HouseholdItem;
  /** What the caller may do here. */
  can?: { reveal: boolean; manage: boolean; seeCare: boolean; logService: boolean };
  settings?: LiaisonSettings;
}

/** Linked member, secretary, deputy. Written to the audit log before answering. */
export interface LiaisonRevealPhoneRequest {
  residentId: string;
}

export interface LiaisonRevealPhoneResponse {
  residentId: string;
  phone: string;
}

// ---------------------------------------------------------------- liaison cards

/** The card's QR picture for the household page (`wxacode.getUnlimited`, scene = card code). */
export interface CardImageRequest {
  residentId: string;
}

export interface CardImageResponse {
  residentId: string;
  cardCode: string;
  /** `data:image/png;base64,…` */
  image: string;
}

/** Managers: a printable PDF sheet of cards (A4, 2 × 4 cards a page). One of the two scopes. */
export type ExportCardsRequest = { householdId: string } | { branchId: string; grid?: string };

export interface LiaisonExportResponse {
  fileID: string;
  /** Temporary https download link. */
  url: string;
  fileName: string;
  /** Cards / rows in the file. */
  rows: number;
  /**
   * The scope held more than one file takes (400 cards; 1 000 rows, what one database read
   * returns — also set when exactly 1 000 were read): narrow it to a grid or a household.
   */
  truncated?: boolean;
}

// ---------------------------------------------------------------- import / export

/** Managers: the Excel template (columns and an example row) to fill in. */
export interface ImportTemplateRequest {
  branchId: string;
}

/**
 * Managers: resident households of ONE central household from an uploaded .xlsx (the template's
 * columns). Every row is validated first; if any row is wrong nothing is imported and `errors`
 * says which rows and why. Otherwise all rows are added at once, within the maximum.
 */
export interface ImportResidentsRequest {
  householdId: string;
  /** `cloud://` file id of the uploaded .xlsx. */
  fileID: string;
}

export interface ImportRowError {
  /** Spreadsheet row number (the header is row 1). */
  row: number;
  /** Column header, e.g. 「户主姓名」; absent for a whole-row problem. */
  column?: string;
  message: string;
}

export interface ImportResidentsResponse {
  /** 0 whenever `errors` is not empty. */
  imported: number;
  errors: ImportRowError[];
  residentCount: number;
  max: number;
}

/** Managers: the lists as .xlsx (phones masked; care tags for secretaries only). */
export type ExportResidentsRequest = { householdId: string } | { branchId: string; grid?: string };

// ---------------------------------------------------------------- residents

export interface BindResidentRequest {
  /** From the card (scanned or typed); case and spaces are ignored. */
  cardCode: string;
  /** Last four digits of the phone on record. */
  phoneLast4: string;
}

/**
 * Wrong digits: `INVALID_ARGUMENT` saying how many tries are left; the fifth wrong try locks the
 * card for an hour (`RATE_LIMITED`, also for right digits until the hour is over). Binding a
 * WeChat already bound to this household answers the same; bound to another household:
 * `CONFLICT` (erase or unbind first). Several family members may bind one household.
 */
export interface BindResidentResponse {
  residentId: string;
  householdId: string;
  member: LiaisonMember;
}

/** The central household's member as a bound resident sees them. */
export interface LiaisonMember {
  name: string;
  photo: string | null;
  /** 「党员」「支部书记」…: the member's role in their branch, in Chinese. */
  roleLabel: string;
  branchName: string;
  /** Full phone when the member agreed (`showPhone`), else null. */
  phone: string | null;
  /** The central household's address. */
  address: string;
  promise: string;
}

/** The resident home card, also sent by `branch.me` to callers without a branch. */
export interface LiaisonCard {
  residentId: string;
  householdId: string;
  member: LiaisonMember;
  /** The caller's household (their own data). */
  headName: string;
  openRequests: number;
  /** The household's newest requests (≤ 3), for the resident home. */
  recentRequests: RequestItem[];
}

export type MyLiaisonResponse =
  | { bound: false }
  | ({ bound: true; member: LiaisonMember; requests: RequestItem[] } & LiaisonCard);

/** Everything stored about the caller's bound household. */
export interface MyDataResponse {
  residentId: string;
  headName: string;
  address: string;
  /** Their own phone, in full. */
  phone: string;
  people: number;
  careTags: CareTag[];
  notes: string | null;
  cardCode: string;
  /** WeChat users bound to the household (the caller's own binding time first). */
  bindings: { you: boolean; boundAt: string }[];
  requestCount: number;
  serviceRecordCount: number;
  centralHousehold: { memberName: string; branchName: string };
}

/**
 * The caller's household is unbound (every family member) and its personal fields removed:
 * name, address, phone, tags, notes, request texts and photos. Request statistics (category,
 * times, rating) stay, anonymised. The card code stops working.
 */
export interface EraseMyDataRequest {
  /** Must be true: a deliberate confirmation. */
  confirm: true;
}

export interface EraseMyDataResponse {
  erased: true;
}

/** Unbinds the caller's WeChat only (the household and other family members stay). */
export interface UnbindResponse {
  unbound: true;
}

// ---------------------------------------------------------------- requests (民情)

export interface SubmitRequestRequest {
  category: RequestCategory;
  /** 2–500 characters; checked by content security. */
  text: string;
  /**
   * ≤ 3 photos the page uploaded under `liaison-requests/`
   * (`cloud://<env>.<bucket>/liaison-requests/…`); any other file id is INVALID_ARGUMENT.
   */
  photos?: string[];
  urgent?: boolean;
}

export interface SubmitRequestResponse {
  requestId: string;
  status: RequestStatus;
  /** Held for review by content security: the member sees it after a secretary releases it. */
  held: boolean;
}

export interface RequestHistoryEntry {
  at: string;
  /** `submitted`, `accepted`, `resolved`, `closed`, `escalated`, `moved`, `released`. */
  action: 'submitted' | 'accepted' | 'resolved' | 'closed' | 'escalated' | 'moved' | 'released';
  /** 「居民」「李秀英（中心户）」「支部书记」「社区党委」: who, without personal data. */
  by: string;
  note: string | null;
}

export interface RequestItem {
  requestId: string;
  householdId: string;
  category: RequestCategory;
  text: string;
  urgent: boolean;
  status: RequestStatus;
  level: EscalationLevel;
  /** The current deadline (accept or resolve) passed. */
  overdue: boolean;
  /** Deadline of the current stage; null once resolved. */
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
  rating: RequestRating | null;
  /**
   * The resident household: head's name and address for the linked member and the branch
   * secretaries only; absent for anyone else (the committee sees the household's member and
   * grid only).
   */
  resident?: { residentId: string; headName: string; address: string };
  memberName: string;
  grid: string;
  held: boolean;
}

export interface RequestDetail extends RequestItem {
  photos: string[];
  resolutionNote: string | null;
  ratingComment: string | null;
  history: RequestHistoryEntry[];
  can: { accept: boolean; resolve: boolean; rate: boolean };
}

/**
 * `mine`: the caller's household's requests (residents). `household`: requests to the caller's
 * central household(s). `branch`: requests of a branch's households (secretary, deputy; with
 * `branchId`). `committee`: requests escalated to the committee (its secretaries; with
 * `committeeId`). Default: `household` for a central-household member, else `mine`.
 */
export interface ListRequestsRequest {
  scope?: 'mine' | 'household' | 'branch' | 'committee';
  branchId?: string;
  committeeId?: string;
  /** `open` = submitted or accepted; default all, newest first. */
  status?: 'open' | 'overdue' | RequestStatus;
  cursor?: string;
}

export interface ListRequestsResponse {
  items: RequestItem[];
  nextCursor: string | null;
}

export interface GetRequestRequest {
  requestId: string;
}

/** Accept or resolve: the linked member, or whoever it has escalated to. */
export interface UpdateRequestRequest {
  requestId: string;
  status: 'accepted' | 'resolved';
  /** Required to resolve (what was done), ≤ 500 characters; checked by content security. */
  note?: string;
}

export interface RateRequestRequest {
  requestId: string;
  rating: RequestRating;
  /** ≤ 200 characters; checked by content security. */
  comment?: string;
}

export interface RequestWriteResponse {
  request: RequestDetail;
}

// ---------------------------------------------------------------- service records (办实事)

export interface LogServiceRequest {
  householdId: string;
  /** The resident household served; omitted for work for several households. */
  residentId?: string;
  /** `YYYY-MM-DD`, within the last 30 days, not in the future; default today. */
  date?: string;
  category: ServiceCategory;
  /** 2–500 characters; checked by content security. */
  note: string;
  /** ≤ 6 photos the page uploaded under `liaison-records/`; any other file id is INVALID_ARGUMENT. */
  photos?: string[];
}

export interface LogServiceResponse {
  recordId: string;
  /** Points awarded (1 per household served per day; the daily cap applies). */
  points: number;
}

export interface ServiceRecordItem {
  recordId: string;
  householdId: string;
  date: string;
  category: ServiceCategory;
  note: string;
  photos: string[];
  /** Head's name: linked member and secretaries only. */
  residentName?: string;
  held: boolean;
  createdAt: string;
}

export interface ListServiceRecordsRequest {
  householdId: string;
  cursor?: string;
}

export interface ListServiceRecordsResponse {
  items: ServiceRecordItem[];
  nextCursor: string | null;
}

// ---------------------------------------------------------------- dashboard and settings

export interface DashboardFigures {
  households: number;
  residents: number;
  /** Residents with at least one bound WeChat. */
  boundResidents: number;
  /** boundResidents / residents, 0–1 (0 when no residents). */
  coverage: number;
  /** Central households below `minResidents`. */
  needsMore: number;
  openRequests: number;
  overdueRequests: number;
  /** Hours, one decimal; null when nothing was accepted / resolved yet. */
  avgAcceptHours: number | null;
  avgResolveHours: number | null;
  ratings: { satisfied: number; basically: number; unsatisfied: number };
  /** (satisfied + basically) / rated, 0–1; null when nothing was rated. */
  satisfaction: number | null;
  serviceRecords: number;
}

export interface DashboardRequest {
  branchId: string;
}

export interface DashboardResponse {
  branchName: string;
  totals: DashboardFigures;
  byGrid: (DashboardFigures & { grid: string })[];
  /** Households below the norm (≤ 20), fewest first. */
  needsMore: { householdId: string; memberName: string; grid: string; residentCount: number }[];
  settings: LiaisonSettings;
  /** The caller may change the settings (committee secretaries). */
  canEditSettings: boolean;
  /**
   * The caller may open residents' lists and the branch's requests (secretary, deputy), as in
   * `ListHouseholdsResponse`; the mass-work member and committee secretaries see figures only.
   */
  canSeeResidents: boolean;
  /** The party committee whose settings apply (the `committeeId` of `updateSettings`). */
  committeeId: string;
}

/** Committee secretary / deputy. */
export interface UpdateSettingsRequest extends Partial<LiaisonSettings> {
  committeeId: string;
}

export interface UpdateSettingsResponse {
  settings: LiaisonSettings;
}

// ---------------------------------------------------------------- the function

/** Action name → { req, res } of the `liaison` function. */
export interface LiaisonApi {
  /** Write. Secretary, deputy, mass work of the branch. Idempotent per member. */
  designateHousehold: { req: DesignateHouseholdRequest; res: DesignateHouseholdResponse };
  /** Write. Managers; the member themselves (not the grid). */
  updateHousehold: { req: UpdateHouseholdRequest; res: { household: HouseholdItem } };
  /** Write. The member themselves or managers. Notifies the receiving member and residents. */
  stepDown: { req: StepDownRequest; res: StepDownResponse };
  /** Read. Managers; a member who is an active central household of the branch (no residents). */
  listHouseholds: { req: ListHouseholdsRequest; res: ListHouseholdsResponse };
  /** Read. Anyone (empty for people without a household or a branch to manage). */
  myHouseholds: { req: Record<string, never> | undefined; res: MyHouseholdsResponse };
  /** Write. Managers and the linked member; `FULL` at the maximum. */
  addResident: { req: AddResidentRequest; res: AddResidentResponse };
  /** Write. Managers and the linked member. */
  updateResident: { req: UpdateResidentRequest; res: { resident: ResidentItem } };
  /** Write. Managers. */
  removeResident: { req: RemoveResidentRequest; res: { removed: true } };
  /** Read. Managers and the linked member; phones masked. */
  listResidents: { req: ListResidentsRequest; res: ListResidentsResponse };
  /** Write (audit log). Linked member, secretary, deputy. */
  revealPhone: { req: LiaisonRevealPhoneRequest; res: LiaisonRevealPhoneResponse };
  /** Read. Managers and the linked member. */
  cardImage: { req: CardImageRequest; res: CardImageResponse };
  /** Write (creates a file). Managers. */
  exportCards: { req: ExportCardsRequest; res: LiaisonExportResponse };
  /** Write (creates a file). Managers. */
  importTemplate: { req: ImportTemplateRequest; res: LiaisonExportResponse };
  /** Write. Managers. */
  importResidents: { req: ImportResidentsRequest; res: ImportResidentsResponse };
  /** Write (creates a file). Managers. */
  exportResidents: { req: ExportResidentsRequest; res: LiaisonExportResponse };
  /** Write. Anyone holding the card. */
  bindResident: { req: BindResidentRequest; res: BindResidentResponse };
  /** Write. The caller's own binding. */
  unbind: { req: Record<string, never> | undefined; res: UnbindResponse };
  /** Read. Anyone: `{ bound: false }` until bound. */
  myLiaison: { req: Record<string, never> | undefined; res: MyLiaisonResponse };
  /** Read. Bound residents. */
  myData: { req: Record<string, never> | undefined; res: MyDataResponse };
  /** Write. Bound residents. */
  eraseMyData: { req: EraseMyDataRequest; res: EraseMyDataResponse };
  /** Write. Bound residents. Notifies the member (held for review: the branch secretaries). */
  submitRequest: { req: SubmitRequestRequest; res: SubmitRequestResponse };
  /** Read. What the caller may see (see `ListRequestsRequest`). */
  listRequests: { req: ListRequestsRequest | undefined; res: ListRequestsResponse };
  /** Read. The resident's household, the linked member, branch secretaries, escalated: committee. */
  getRequest: { req: GetRequestRequest; res: { request: RequestDetail } };
  /** Write. Linked member; at level ≥ 1 the branch secretaries; at 2 the committee. */
  updateRequest: { req: UpdateRequestRequest; res: RequestWriteResponse };
  /** Write. A resident bound to the request's household, once it is resolved. */
  rateRequest: { req: RateRequestRequest; res: RequestWriteResponse };
  /** Write. The linked member. Good deeds + points. */
  logService: { req: LogServiceRequest; res: LogServiceResponse };
  /** Read. The linked member, secretary and deputy (not the mass-work member). */
  listServiceRecords: { req: ListServiceRecordsRequest; res: ListServiceRecordsResponse };
  /** Read. Managers. */
  dashboard: { req: DashboardRequest; res: DashboardResponse };
  /** Write. Committee secretary / deputy. */
  updateSettings: { req: UpdateSettingsRequest; res: UpdateSettingsResponse };
}
