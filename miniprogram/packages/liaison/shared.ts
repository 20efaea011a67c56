/**
 * Words and small helpers shared by the central-household member's pages (subpackage
 * `packages/liaison/`): labels of care tags, request and service categories, request states,
 * and the phone check the resident form applies before the server does.
 */
import type {
  CareTag,
  RequestHistoryEntry,
  RequestStatus,
  ServiceCategory,
} from '../../../typings/api';

import { CARE_TAG_LABELS, RATING_LABELS } from '../../utils/liaison-words';

export { CARE_TAG_LABELS, RATING_LABELS };

export const CARE_TAG_OPTIONS = (Object.keys(CARE_TAG_LABELS) as CareTag[]).map((value) => ({
  value,
  label: CARE_TAG_LABELS[value],
}));

/** The request categories' words, as residents read them (utils/liaison-words.ts). */
export { CATEGORY_LABELS as REQUEST_CATEGORY_LABELS } from '../../utils/liaison-words';

export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  submitted: '待受理',
  accepted: '处理中',
  resolved: '已办结',
  closed: '已完成',
};

export const HISTORY_LABELS: Record<RequestHistoryEntry['action'], string> = {
  submitted: '提交求助',
  accepted: '受理',
  resolved: '办结',
  closed: '居民确认',
  escalated: '超时上报',
  moved: '转交',
  released: '审核通过',
};

export const LEVEL_LABELS = ['', '已上报支部书记', '已上报社区党委'] as const;

export const SERVICE_CATEGORY_LABELS: Record<ServiceCategory, string> = {
  visit: '走访',
  help: '帮办实事',
  policy: '政策宣传',
  mediation: '矛盾调解',
  other: '其他',
};

export const SERVICE_CATEGORY_OPTIONS = (
  Object.keys(SERVICE_CATEGORY_LABELS) as ServiceCategory[]
).map((value) => ({ value, label: SERVICE_CATEGORY_LABELS[value] }));

/** Mainland mobile, or a landline of 7–12 digits with an optional area-code dash (as the server). */
export const PHONE_PATTERN = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$/;

/** Where the member's visit photos go in cloud storage (the server accepts only these). */
export const RECORD_PHOTO_DIR = 'liaison-records';

/** A full number `wx.makePhoneCall` can dial (never a masked one). */
export function dialable(phone: string): boolean {
  return /^[\d-]{7,13}$/.test(phone);
}

/** 「3月5日 14:00」 for a timeline, in the phone's time zone. */
export function clockDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getMonth() + 1}月${d.getDate()}日 ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** WeChat's own confirm dialog; resolves true on 确定. */
export function confirmModal(
  title: string,
  content: string,
  confirmText = '确定',
): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      wx.showModal({
        title,
        content,
        confirmText,
        cancelText: '取消',
        success: (r) => resolve(!!r.confirm),
        fail: () => resolve(false),
      });
    } catch {
      resolve(false);
    }
  });
}
