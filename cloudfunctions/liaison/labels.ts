/**
 * Chinese names of the `liaison` actions' `data` fields, for validation messages
 * (common/define.ts `fieldLabels`): the people who read them — elderly residents binding a
 * card, members and secretaries filling forms — never see an identifier such as `phone`.
 * test/cloud/liaison.core.test.ts checks that every field of every action's schema has one.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  // central households
  branchId: '支部',
  memberOpenid: '党员',
  householdId: '中心户',
  toHouseholdId: '接手的中心户',
  address: '地址',
  'address.building': '楼栋',
  'address.unit': '单元',
  'address.room': '房号',
  'address.group': '村民小组',
  'address.houseNumber': '门牌号',
  grid: '网格',
  photo: '照片',
  promise: '服务承诺',
  showPhone: '是否公开电话',
  // resident households
  residentId: '联系户',
  headName: '户主姓名',
  phone: '联系电话',
  people: '家庭人数',
  careTags: '关爱标签',
  notes: '备注',
  fileID: '上传的文件',
  // binding and the resident's data
  cardCode: '连心卡号',
  phoneLast4: '手机号后四位',
  confirm: '删除确认',
  // requests and service records
  requestId: '求助',
  category: '类别',
  text: '求助内容',
  photos: '照片',
  urgent: '是否紧急',
  status: '状态',
  note: '说明',
  rating: '评价',
  comment: '评价内容',
  scope: '查看范围',
  date: '日期',
  // settings
  committeeId: '社区党委',
  maxResidents: '最多联系户数',
  minResidents: '最少联系户数',
  acceptHours: '受理时限',
  resolveHours: '办结时限',
  cursor: '分页',
};
