/** Answers of the `liaison` function as the central household's member sees them (issue #7). */
import type {
  HouseholdItem,
  ListResidentsResponse,
  LiaisonSettings,
  RequestDetail,
  RequestItem,
  ResidentItem,
  ServiceRecordItem,
} from '../../../typings/api';

export const HH = 'hh9c7a90fecf2fd066d101587710b928';

export const settings: LiaisonSettings = {
  maxResidents: 10,
  minResidents: 5,
  acceptHours: 24,
  resolveHours: 72,
};

export function household(over: Partial<HouseholdItem> = {}): HouseholdItem {
  return {
    householdId: HH,
    branchId: 'org-branch-1',
    memberOpenid: 'demo-member',
    memberName: '李明',
    memberPhoto: null,
    address: '幸福里 3栋2单元301室',
    grid: '幸福里第一网格',
    promise: '有事您说话，随叫随到',
    showPhone: true,
    residentCount: 6,
    boundCount: 1,
    needsMore: false,
    openRequests: 1,
    ...over,
  };
}

export function resident(n: number, over: Partial<ResidentItem> = {}): ResidentItem {
  return {
    residentId: `res-b1-0${n}`,
    householdId: HH,
    headName: ['陈桂兰', '赵德顺', '王秀英', '刘建国', '孙小梅', '周大海'][n - 1] ?? `住户${n}`,
    address: `3栋1单元${n}01室`,
    phone: '137****1234',
    people: 2,
    cardCode: 'XFLQ2C3D',
    boundCount: n === 1 ? 1 : 0,
    openRequests: n === 1 ? 1 : 0,
    ...over,
  };
}

export function residents(
  over: Partial<ListResidentsResponse> = {},
  items: ResidentItem[] = [
    resident(1, { careTags: ['livingAlone', 'elderly'], notes: '子女在外地' }),
    resident(2, { careTags: [], notes: null, phone: '139****5678' }),
  ],
): ListResidentsResponse {
  return {
    items,
    nextCursor: null,
    household: household({ residentCount: items.length }),
    can: { reveal: true, manage: true, seeCare: true, logService: true },
    settings,
    ...over,
  };
}

export function requestItem(over: Partial<RequestItem> = {}): RequestItem {
  const now = Date.now();
  return {
    requestId: 'req-demo-open',
    householdId: HH,
    category: 'repair',
    text: '厨房水管漏水，麻烦帮忙看看',
    urgent: false,
    status: 'submitted',
    level: 0,
    overdue: false,
    dueAt: new Date(now + 22 * 3_600_000).toISOString(),
    createdAt: new Date(now - 2 * 3_600_000).toISOString(),
    updatedAt: new Date(now - 2 * 3_600_000).toISOString(),
    rating: null,
    resident: { residentId: 'res-b1-01', headName: '陈桂兰', address: '3栋1单元101室' },
    memberName: '李明',
    grid: '幸福里第一网格',
    held: false,
    ...over,
  };
}

export function requestDetail(over: Partial<RequestDetail> = {}): RequestDetail {
  const base = requestItem();
  return {
    ...base,
    photos: ['cloud://env.b/liaison-requests/p1.jpg'],
    resolutionNote: null,
    ratingComment: null,
    history: [{ at: base.createdAt, action: 'submitted', by: '居民', note: null }],
    can: { accept: true, resolve: false, rate: false },
    ...over,
  };
}

export function record(n: number, over: Partial<ServiceRecordItem> = {}): ServiceRecordItem {
  return {
    recordId: `rec-demo-${n}`,
    householdId: HH,
    date: '2025-03-0' + n,
    category: n === 1 ? 'visit' : 'help',
    note: n === 1 ? '上门看望陈阿姨，身体还好' : '帮赵大爷联系物业修好了楼道灯',
    photos: [],
    residentName: n === 1 ? '陈桂兰' : '赵德顺',
    held: false,
    createdAt: '2025-03-0' + n + 'T08:00:00.000Z',
    ...over,
  };
}
