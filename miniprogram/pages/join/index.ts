/**
 * 加入党支部. Opened from an invitation's 小程序码 (`scene` = `c=<code>`), from a link with
 * `code`, or from home with nothing (the code is typed). One call on open
 * (`branch.myApplications`): a pending application shows its state instead of the form, a
 * rejected one shows the reason above the form. Applying is `branch.applyToJoin`; its
 * INVALID_ARGUMENT lands under the field it names. The code is checked as the server does
 * (4–16 letters or digits); 入党日期 is required unless the applicant is an activist (the
 * server refuses a full or probationary application without it). A CONFLICT with
 * `details.reason: 'memberElsewhere'` (already a full member of another branch) explains that
 * the move is a transfer (组织关系转接) arranged by the current branch's secretary.
 */
import type { ApiError, ApplicationView, PartyStatus } from '../../../typings/api';
import { call, newRequestId } from '../../services/call';
import { isElderlyMode } from '../../utils/elderly';
import { formatDate, today } from '../../utils/format';
import { go, ROUTES } from '../../utils/nav';
import { fieldErrors, PARTY_STATUS_LABELS, toast } from '../../utils/page';

type Status = 'loading' | 'error' | 'ready';
/** form: apply; pending: waiting for review; member: already in a branch. */
type View = 'form' | 'pending' | 'member';

const FIELDS = ['code', 'realName', 'partyStatus', 'joinedPartyAt', 'phone'] as const;
type Field = (typeof FIELDS)[number];
type Errors = Partial<Record<Field, string>>;

/** The invitation code in a 小程序码 scene (`c=AB12CD34`, URL-encoded by WeChat). */
export function codeFromScene(scene: string | undefined): string {
  if (!scene) return '';
  let s = scene;
  try {
    s = decodeURIComponent(scene);
  } catch {
    // Keep it raw.
  }
  const m = /(?:^|&)c=([^&]+)/.exec(s);
  return (m ? m[1] : s).trim().toUpperCase();
}

/** The server's rule for an invitation code (cloudfunctions/branch `applyToJoin` schema). */
export const CODE_PATTERN = /^[A-Za-z0-9]{4,16}$/;
export const CODE_MAX_LENGTH = 16;

/** Checks made before calling, in the same words the page uses for the server's. */
function validate(f: {
  code: string;
  realName: string;
  partyStatus: string;
  joinedPartyAt: string;
  phone: string;
}): Errors {
  const e: Errors = {};
  const code = f.code.trim();
  if (!code) e.code = '请输入邀请码';
  else if (!CODE_PATTERN.test(code)) e.code = '邀请码应为 4–16 位字母或数字';
  const name = f.realName.trim();
  if (name.length < 2 || name.length > 20) e.realName = '请填写 2–20 个字的真实姓名';
  if (!f.partyStatus) e.partyStatus = '请选择政治面貌';
  if (f.partyStatus && f.partyStatus !== 'activist' && !f.joinedPartyAt)
    e.joinedPartyAt = '请选择入党日期';
  if (f.phone && !/^1\d{10}$/.test(f.phone)) e.phone = '请填写 11 位手机号';
  return e;
}

interface PageState {
  requestId: string | null;
  busy: boolean;
}
const state = new WeakMap<object, PageState>();
function st(page: object): PageState {
  let s = state.get(page);
  if (!s) state.set(page, (s = { requestId: null, busy: false }));
  return s;
}

const STATUS_OPTIONS = (Object.keys(PARTY_STATUS_LABELS) as PartyStatus[]).map((value) => ({
  value,
  label: PARTY_STATUS_LABELS[value],
}));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    view: 'form' as View,
    /** Branch of a pending application or of the membership. */
    branchName: '',
    appliedText: '',
    /** Rejected last time: why, and by which branch. */
    rejectedReason: '',
    rejectedBranch: '',
    code: '',
    realName: '',
    partyStatus: '' as PartyStatus | '',
    joinedPartyAt: '',
    phone: '',
    today: today(),
    statusOptions: STATUS_OPTIONS,
    errors: {} as Errors,
    formError: '',
    /** CONFLICT memberElsewhere: the applicant already has a branch (组织关系). */
    memberElsewhere: '',
    codeMaxLength: CODE_MAX_LENGTH,
    submitting: false,
  },

  methods: {
    onLoad(options: Record<string, string | undefined>) {
      const code = codeFromScene(options.scene) || (options.code ?? '').trim().toUpperCase();
      this.setData({ elderly: isElderlyMode(), code });
      void this.load();
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('branch', 'myApplications');
      s.busy = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      this.showApplications(res.data.items);
    },

    showApplications(items: ApplicationView[]) {
      const pending = items.find((a) => a.status === 'pending');
      const active = items.find((a) => a.status === 'active');
      if (pending) {
        this.setData({
          status: 'ready',
          view: 'pending',
          branchName: pending.branchName,
          appliedText: `提交于 ${formatDate(pending.appliedAt)}`,
        });
        return;
      }
      const latest = items[0];
      const rejected = latest && latest.status === 'rejected' ? latest : null;
      this.setData({
        status: 'ready',
        view: active && !this.data.code ? 'member' : 'form',
        branchName: active ? active.branchName : '',
        rejectedReason: rejected ? rejected.reason || '未说明原因' : '',
        rejectedBranch: rejected ? rejected.branchName : '',
        // A rejected applicant applies again with what they gave before.
        realName: this.data.realName || (rejected ? rejected.realName : ''),
        partyStatus: this.data.partyStatus || (rejected ? rejected.partyStatus : ''),
        joinedPartyAt: this.data.joinedPartyAt || (rejected?.joinedPartyAt ?? '').slice(0, 10),
      });
    },

    onRetry() {
      void this.load();
    },

    /** Any edit is a new intent: the next submit gets a fresh requestId. */
    edited(field: Field, value: string) {
      st(this).requestId = null;
      this.setData({
        [field]: value,
        [`errors.${field}`]: '',
        formError: '',
        memberElsewhere: '',
      });
    },

    onCode(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited('code', String(e.detail.value ?? '').toUpperCase());
    },
    onRealName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited('realName', String(e.detail.value ?? ''));
    },
    onPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited('phone', String(e.detail.value ?? '').trim());
    },
    onPartyStatus(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited('partyStatus', String(e.detail.value ?? ''));
      if (e.detail.value === 'activist') this.setData({ joinedPartyAt: '' });
    },
    onJoinedPartyAt(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.edited('joinedPartyAt', String(e.detail.value ?? ''));
    },

    async onSubmit() {
      const s = st(this);
      if (this.data.submitting) return;
      const d = this.data;
      const errors = validate(d);
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '请按提示修改后再提交' });
        return;
      }
      // Kept across retries of this same submission (network failure, tap again).
      if (!s.requestId) s.requestId = newRequestId();
      this.setData({ submitting: true, errors: {}, formError: '', memberElsewhere: '' });
      const partyStatus = d.partyStatus as PartyStatus;
      const res = await call(
        'branch',
        'applyToJoin',
        {
          code: d.code.trim(),
          realName: d.realName.trim(),
          partyStatus,
          ...(partyStatus !== 'activist' && d.joinedPartyAt
            ? { joinedPartyAt: d.joinedPartyAt }
            : {}),
          ...(d.phone ? { phone: d.phone } : {}),
        },
        { requestId: s.requestId },
      );
      this.setData({ submitting: false });
      if (res.ok) {
        s.requestId = null;
        toast('申请已提交', 'success');
        this.setData({
          view: 'pending',
          branchName: res.data.branchName,
          appliedText: '刚刚提交',
          rejectedReason: '',
        });
        return;
      }
      this.showError(res.error);
    },

    showError(error: ApiError) {
      const reason = (error.details as { reason?: unknown } | undefined)?.reason;
      if (error.code === 'CONFLICT' && reason === 'memberElsewhere') {
        this.setData({ errors: {}, formError: '', memberElsewhere: error.message });
        return;
      }
      const errors = fieldErrors(error, FIELDS);
      this.setData({
        errors,
        // A field error is shown at the field; anything else above the button.
        formError: Object.keys(errors).length ? '请按提示修改后再提交' : error.message,
      });
    },

    onGoHome() {
      go(ROUTES.home);
    },
  },
});
