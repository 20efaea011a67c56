/**
 * Vocabulary shared by the `liaison` actions: messages, settings, input schemas (address,
 * phone, file ids), ids and card codes, and the one place that decides which resident fields a
 * caller may receive (`residentView`). Personal data leaves this function only through here.
 */
import { createHash, randomInt } from 'crypto';
import * as z from 'zod';
import type { AddressInput, CareTag, LiaisonSettings, ResidentItem } from '../../typings/api';
import type { RoleCode } from '../../typings/api';
import type {
  AddressPartsDoc,
  LiaisonResidentDoc,
  LiaisonSettingsDoc,
  OrganizationDoc,
} from '../common/model';
import { maskPhone } from '../common/util';

export const MSG = {
  forbidden: '您没有权限进行此操作',
  householdNotFound: '未找到该中心户',
  residentNotFound: '未找到该联系户',
  requestNotFound: '未找到该求助',
  notManager: '只有支部书记、副书记和群众工作委员可以管理中心户',
  notLinked: '只有联系该户的党员和支部书记可以查看',
  notBound: '请先绑定连心卡',
  full: (max: number) => `每个中心户最多联系 ${max} 户，已达上限`,
  cardNotFound: '没有找到这张连心卡，请核对卡号',
  wrongDigits: (left: number) => `手机号后四位不对，还可以再试 ${left} 次`,
  locked: '输错次数太多，这张连心卡已锁定，请一小时后再试',
  boundElsewhere: '您的微信已绑定其他住户，请先在“我的信息”里解除绑定',
  notPartyMember: '只有本支部的正式党员或预备党员可以设为中心户',
  steppedDown: '该中心户已卸任',
} as const;

// ---------------------------------------------------------------- settings

export const DEFAULT_SETTINGS: LiaisonSettings = {
  maxResidents: 10,
  minResidents: 5,
  acceptHours: 24,
  resolveHours: 72,
};

/** The committee's settings with defaults for what it has not set. */
export function settingsOf(committee: Pick<OrganizationDoc, 'liaisonSettings'> | null | undefined) {
  const s: Partial<LiaisonSettingsDoc> = committee?.liaisonSettings ?? {};
  return { ...DEFAULT_SETTINGS, ...s } as LiaisonSettings;
}

// ---------------------------------------------------------------- input schemas

export const idSchema = z.string().trim().min(1, '请填写编号').max(64, '编号过长');
export const cursorSchema = z.string().min(1).max(400);

const part = (label: string) =>
  z.string().trim().min(1, `请填写${label}`).max(20, `${label}最多 20 个字`);

export const addressSchema = z.union([
  z.string().trim().min(2, '请填写地址（至少 2 个字）').max(60, '地址最多 60 个字'),
  z.object({ building: part('楼栋'), unit: part('单元').optional(), room: part('房号') }),
  z.object({ group: part('村民小组'), houseNumber: part('门牌号') }),
]);

/** Mainland mobile, or a landline of 7–12 digits with an optional area-code dash. */
export const residentPhoneSchema = z
  .string()
  .trim()
  .regex(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$/, '请填写正确的手机号或固定电话');

export const CARE_TAGS = [
  'livingAlone',
  'elderly',
  'disability',
  'illness',
  'hardship',
  'leftBehind',
] as const satisfies readonly CareTag[];

export const CARE_TAG_LABELS: Record<CareTag, string> = {
  livingAlone: '独居',
  elderly: '高龄',
  disability: '残疾',
  illness: '大病重病',
  hardship: '生活困难',
  leftBehind: '留守',
};

/** A `cloud://` file id the page uploaded (photos). */
export const fileIdSchema = z
  .string()
  .regex(/^cloud:\/\/[^\s]{3,300}$/, '图片地址不正确，请重新上传');

/** Display text and stored parts of an address. */
export function formatAddress(a: AddressInput): { address: string; addressParts: AddressPartsDoc } {
  if (typeof a === 'string') return { address: a.trim(), addressParts: null };
  if ('group' in a) return { address: `${a.group}${a.houseNumber}号`, addressParts: a };
  const unit = a.unit ? `${a.unit}单元` : '';
  return { address: `${a.building}栋${unit}${a.room}室`, addressParts: a };
}

// ---------------------------------------------------------------- ids and card codes

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** One central household per (branch, member): designating twice finds the same document. */
export function householdId(branchId: string, memberOpenid: string): string {
  return `hh${hash(`${branchId}\n${memberOpenid}`).slice(0, 30)}`;
}

/** Look-alike-free alphabet (no 0/O, 1/I/L), as invitation codes. */
const CARD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A fresh 8-character card code; the unique index on `cardCode` decides collisions. */
export function newCardCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CARD_ALPHABET[randomInt(CARD_ALPHABET.length)];
  return s;
}

/** What a resident typed or scanned: spaces and dashes dropped, upper case. */
export function normaliseCardCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export const cardCodeSchema = z
  .string()
  .transform(normaliseCardCode)
  .pipe(z.string().regex(/^[A-Z2-9]{8}$/, '连心卡号是 8 位字母和数字，请核对'));

// ---------------------------------------------------------------- what a caller may see

export const ROLE_LABELS: Record<RoleCode, string> = {
  secretary: '支部书记',
  deputySecretary: '支部副书记',
  organizationCommittee: '组织委员',
  propagandaCommittee: '宣传委员',
  disciplineCommittee: '纪检委员',
  massWorkCommittee: '群众工作委员',
  member: '党员',
  probationary: '预备党员',
  activist: '入党积极分子',
};

/**
 * A resident household as a list shows it. The phone is always masked here; care tags and
 * notes only when `seeCare` (the linked member, secretary, deputy: policy `viewResidentCare`).
 * Callers who may not see residents at all never reach this (they get FORBIDDEN first).
 */
export function residentView(r: LiaisonResidentDoc, seeCare: boolean): ResidentItem {
  return {
    residentId: r._id,
    householdId: r.householdId,
    headName: r.headName,
    address: r.address,
    phone: maskPhone(r.phone) ?? '',
    people: r.people,
    cardCode: r.cardCode,
    boundCount: r.boundOpenids.length,
    openRequests: r.openRequests,
    ...(seeCare ? { careTags: r.careTags as CareTag[], notes: r.notes } : {}),
  };
}
