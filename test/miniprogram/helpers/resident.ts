/** Fixtures of the resident pages (issue #7), shaped as typings/liaison.ts says. */
import type {
  BranchMeResponse,
  LiaisonCard,
  LiaisonMember,
  RequestDetail,
  RequestItem,
} from '../../../typings/api';

export const member = (extra: Partial<LiaisonMember> = {}): LiaisonMember => ({
  name: '李秀英',
  photo: 'cloud://env.b/avatars/lxy.png',
  roleLabel: '党员',
  branchName: '幸福社区第一党支部',
  phone: '13800001111',
  address: '幸福里 3 栋 2 单元 101',
  promise: '有事您说话，随叫随到',
  ...extra,
});

export const card = (extra: Partial<LiaisonCard> = {}): LiaisonCard => ({
  residentId: 'res-b1-01',
  householdId: 'hh1',
  member: member(),
  headName: '陈桂兰',
  openRequests: 1,
  recentRequests: [],
  ...extra,
});

export const meWith = (liaison: LiaisonCard | null): BranchMeResponse => ({
  memberships: [],
  liaison,
  serverTime: '2025-01-01T08:00:00.000Z',
});

export const requestItem = (extra: Partial<RequestItem> = {}): RequestItem => ({
  requestId: 'req1',
  householdId: 'hh1',
  category: 'repair',
  text: '厨房水管漏水，麻烦帮忙看看',
  urgent: false,
  status: 'submitted',
  level: 0,
  overdue: false,
  dueAt: '2025-01-02T08:00:00.000Z',
  createdAt: '2025-01-01T06:00:00.000Z',
  updatedAt: '2025-01-01T06:00:00.000Z',
  rating: null,
  memberName: '李秀英',
  grid: '幸福里第一网格',
  held: false,
  ...extra,
});

export const requestDetail = (extra: Partial<RequestDetail> = {}): RequestDetail => ({
  ...requestItem(),
  status: 'resolved',
  dueAt: null,
  photos: [],
  resolutionNote: '已更换水管接头',
  ratingComment: null,
  history: [
    { at: '2025-01-01T06:00:00.000Z', action: 'submitted', by: '居民', note: null },
    { at: '2025-01-01T07:00:00.000Z', action: 'accepted', by: '李秀英（中心户）', note: null },
    {
      at: '2025-01-01T09:00:00.000Z',
      action: 'resolved',
      by: '李秀英（中心户）',
      note: '已更换水管接头',
    },
  ],
  can: { accept: false, resolve: false, rate: true },
  ...extra,
});
