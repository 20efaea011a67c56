/**
 * 发起活动 / 编辑活动 (branch committee). `?branchId=` creates (optionally `&kind=`),
 * `?activityId=` edits. Creating opens on the form with no call; editing makes one call
 * (`activity.get`) and fills the form. The volunteer team list (`activity.listTeams`) and the
 * party groups of a 党小组会 (`branch.tree`) load only when the organiser opens that choice,
 * so the screen stays at one call on open.
 *
 * Fields follow the kind: 三会一课 has its meeting type (and the group for 党小组会) and
 * always the branch's own audience; 主题党日 may include reporting members (双报到); 志愿服务
 * may be open to residents, has places (empty = 不限) and a team. The checks mirror the
 * contract's limits and are said under each field; the server's INVALID_ARGUMENT goes under
 * the field its `details.fields` names. Creating redirects to the new activity's page;
 * saving an edit says so and goes back. 取消活动 asks for a reason on the page, then
 * `activity.cancelActivity` and says how many were notified.
 */
import type {
  ActivityAudience,
  ActivityDetail,
  ActivityKind,
  ActivityPlace,
  ActivityWriteResponse,
  MeetingType,
  Result,
  TreeNode,
} from '../../../../typings/api';
import { call } from '../../../services/call';
import { isElderlyMode } from '../../../utils/elderly';
import { Intents } from '../../../utils/intents';
import { ROUTES, decodeQuery, replace } from '../../../utils/nav';
import { pageState, toast } from '../../../utils/page';
import { isPrivacyRefusal, isUserCancel } from '../../../utils/privacy';
import {
  AUDIENCE_LABEL,
  KIND_OPTIONS,
  MEETING_OPTIONS,
  audiencesFor,
  parsePicker,
  pickerText,
} from '../shared';

type Status = 'loading' | 'error' | 'ready';
type PickerField = '' | 'start' | 'end' | 'deadline';
type FieldKey =
  | 'title'
  | 'description'
  | 'place'
  | 'startAt'
  | 'endAt'
  | 'deadline'
  | 'capacity'
  | 'group'
  | 'contactName'
  | 'contactPhone'
  | 'audience';
type Errors = Partial<Record<FieldKey, string>>;

const DAY_MS = 86_400_000;
const PHONE = /^1\d{10}$/;

const audienceOptions = (kind: ActivityKind) =>
  audiencesFor(kind).map((value) => ({ label: AUDIENCE_LABEL[value], value }));

/** The contract's field paths → the form's fields. */
const FIELD_OF: Record<string, FieldKey> = {
  title: 'title',
  description: 'description',
  place: 'place',
  startAt: 'startAt',
  endAt: 'endAt',
  deadline: 'deadline',
  capacity: 'capacity',
  groupId: 'group',
  contactName: 'contactName',
  contactPhone: 'contactPhone',
  audience: 'audience',
};

/** Tomorrow 09:00–11:00: a sensible start the organiser adjusts. */
function defaultTimes(): { startAt: string; endAt: string } {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return { startAt: pickerText(d), endAt: pickerText(new Date(d.getTime() + 2 * 3_600_000)) };
}

/** The branch node of `branchId` in the organisation tree. */
function findNode(node: TreeNode, id: string): TreeNode | null {
  if (node.id === id) return node;
  for (const c of node.children) {
    const hit = findNode(c, id);
    if (hit) return hit;
  }
  return null;
}

interface PageState {
  intents: Intents;
  busy: boolean;
}
const st = pageState<PageState>(() => ({ intents: new Intents(), busy: false }));

Component({
  data: {
    status: 'loading' as Status,
    errorMessage: '',
    elderly: false,
    branchId: '',
    activityId: '',
    editing: false,
    /** Editing an activity that ended or was cancelled: shown, not editable. */
    locked: '',
    kind: 'themeDay' as ActivityKind,
    kindLabel: '',
    kindOptions: KIND_OPTIONS,
    meetingType: 'memberMeeting' as MeetingType,
    meetingOptions: MEETING_OPTIONS,
    groupId: '',
    groupName: '',
    groupsLoading: false,
    groupsOpen: false,
    groupOptions: [] as { label: string; value: string }[],
    groupsError: '',
    title: '',
    description: '',
    placeName: '',
    latitude: null as number | null,
    longitude: null as number | null,
    locationError: '',
    startAt: '',
    endAt: '',
    deadline: '',
    picker: '' as PickerField,
    pickerValue: '',
    pickerTitle: '',
    pickerStart: 0,
    pickerEnd: 0,
    audience: 'branch' as ActivityAudience,
    audienceOptions: audienceOptions('themeDay'),
    audienceText: AUDIENCE_LABEL.branch,
    capacity: '',
    teamId: '',
    teamName: '',
    teamsOpen: false,
    teamsLoading: false,
    teamsError: '',
    teamOptions: [] as { label: string; value: string }[],
    contactName: '',
    contactPhone: '',
    errors: {} as Errors,
    formError: '',
    formNote: '',
    submitting: false,
    cancelOpen: false,
    cancelReason: '',
    cancelError: '',
    cancelling: false,
    cancelledText: '',
  },

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      const o = decodeQuery(query);
      const kind = KIND_OPTIONS.some((k) => k.value === o.kind) ? (o.kind as ActivityKind) : null;
      this.setData({
        elderly: isElderlyMode(),
        branchId: o.branchId ?? '',
        activityId: o.activityId ?? '',
        editing: !!o.activityId,
        pickerStart: Date.now() - DAY_MS,
        pickerEnd: Date.now() + 366 * DAY_MS,
      });
      if (o.activityId) {
        void this.load();
        return;
      }
      this.setData({ status: 'ready', ...defaultTimes(), ...this.kindPatch(kind ?? 'themeDay') });
    },

    async load() {
      const s = st(this);
      if (s.busy) return;
      s.busy = true;
      this.setData({ status: 'loading', errorMessage: '' });
      const res = await call('activity', 'get', { activityId: this.data.activityId });
      s.busy = false;
      if (!res.ok) {
        this.setData({ status: 'error', errorMessage: res.error.message });
        return;
      }
      if (!res.data.can.manage) {
        this.setData({ status: 'error', errorMessage: '只有支部委员可以编辑活动' });
        return;
      }
      try {
        wx.setNavigationBarTitle({ title: '编辑活动' });
      } catch {
        // The title stays.
      }
      this.fill(res.data);
    },

    onRetry() {
      void this.load();
    },

    fill(a: ActivityDetail) {
      const locked =
        a.status === 'cancelled'
          ? '活动已取消，不能再修改'
          : a.status === 'ended'
            ? '活动已结束，不能再修改'
            : '';
      const start = new Date(a.startAt);
      const deadline = new Date(a.deadline);
      this.setData({
        status: 'ready',
        branchId: a.branchId,
        locked,
        ...this.kindPatch(a.kind, a.audience),
        kindLabel: a.kindLabel,
        meetingType: a.meetingType ?? 'memberMeeting',
        groupId: a.group?.groupId ?? '',
        groupName: a.group?.name ?? '',
        title: a.title,
        description: a.description ?? '',
        placeName: a.place?.name ?? '',
        latitude: a.place?.latitude ?? null,
        longitude: a.place?.longitude ?? null,
        startAt: pickerText(start),
        endAt: pickerText(new Date(a.endAt)),
        // A deadline equal to the start is the default: the field stays empty.
        deadline: deadline.getTime() === start.getTime() ? '' : pickerText(deadline),
        capacity: a.capacity === null ? '' : String(a.capacity),
        teamId: a.team?.teamId ?? '',
        teamName: a.team?.name ?? '',
        contactName: a.contactName ?? '',
        contactPhone: a.contactPhone && PHONE.test(a.contactPhone) ? a.contactPhone : '',
      });
    },

    /** Fields that follow the kind: the audiences it allows, keeping the choice when allowed. */
    kindPatch(kind: ActivityKind, audience?: ActivityAudience) {
      const allowed = audiencesFor(kind);
      const keep = audience ?? this.data.audience;
      const value = allowed.includes(keep) ? keep : allowed[0];
      return {
        kind,
        audience: value,
        audienceOptions: audienceOptions(kind),
        audienceText: AUDIENCE_LABEL[value],
      };
    },

    /** Any change of what would be sent: a new save intent, old messages cleared. */
    changed(patch: Record<string, unknown>) {
      st(this).intents.done('save');
      this.setData({ ...patch, formError: '', formNote: '' });
    },

    // ------------------------------------------------------------ kind

    onKind(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      if (this.data.editing) return;
      const v = e.detail.value;
      const kind: ActivityKind = v === 'meeting' || v === 'volunteer' ? v : 'themeDay';
      this.changed({ ...this.kindPatch(kind), errors: {} });
    },
    onMeetingType(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = MEETING_OPTIONS.find((m) => m.value === e.detail.value)?.value ?? 'memberMeeting';
      this.changed({ meetingType: v, 'errors.group': '' });
    },

    /** 党小组会: the branch's groups, loaded on this tap from the organisation tree. */
    async onOpenGroups() {
      if (this.data.groupsLoading) return;
      this.setData({ groupsOpen: true, groupsLoading: true, groupsError: '' });
      const res = await call('branch', 'tree');
      if (!res.ok) {
        this.setData({ groupsLoading: false, groupsError: res.error.message });
        return;
      }
      const node = findNode(res.data.root, this.data.branchId);
      const groups = (node?.children ?? []).filter((c) => c.type === 'group');
      this.setData({
        groupsLoading: false,
        groupOptions: groups.map((g) => ({ label: g.name, value: g.id })),
        groupsError: groups.length ? '' : '本支部还没有党小组，请先在「党小组」里建立',
      });
    },
    onGroup(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const g = this.data.groupOptions.find((o) => o.value === e.detail.value);
      if (!g) return;
      this.changed({ groupId: g.value, groupName: g.label, groupsOpen: false, 'errors.group': '' });
    },

    // ------------------------------------------------------------ text fields

    onTitle(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ title: String(e.detail.value ?? ''), 'errors.title': '' });
    },
    onDescription(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ description: String(e.detail.value ?? ''), 'errors.description': '' });
    },
    onPlaceName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      // A typed name no longer matches the chosen point.
      this.changed({
        placeName: String(e.detail.value ?? ''),
        latitude: null,
        longitude: null,
        'errors.place': '',
      });
    },
    onCapacity(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ capacity: String(e.detail.value ?? '').trim(), 'errors.capacity': '' });
    },
    onContactName(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({ contactName: String(e.detail.value ?? ''), 'errors.contactName': '' });
    },
    onContactPhone(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.changed({
        contactPhone: String(e.detail.value ?? '').trim(),
        'errors.contactPhone': '',
      });
    },
    onAudience(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = e.detail.value as ActivityAudience;
      if (!audiencesFor(this.data.kind).includes(v)) return;
      this.changed({ audience: v, audienceText: AUDIENCE_LABEL[v], 'errors.audience': '' });
    },

    /** wx.chooseLocation is a privacy API: the page carries `<privacy-consent />`. */
    onChooseLocation() {
      this.setData({ locationError: '' });
      try {
        wx.chooseLocation({
          success: (r) => {
            const name = (r.name || r.address || '').slice(0, 60);
            this.changed({
              placeName: name,
              latitude: r.latitude,
              longitude: r.longitude,
              'errors.place': '',
            });
          },
          fail: (err) => {
            if (isUserCancel(err)) return;
            this.setData({
              locationError: isPrivacyRefusal(err)
                ? '您没有同意隐私保护指引，没能打开地图。再点「选择位置」，在说明里点「同意并继续」即可。'
                : '没能打开地图，请直接填写地点名称',
            });
          },
        });
      } catch {
        this.setData({ locationError: '没能打开地图，请直接填写地点名称' });
      }
    },

    // ------------------------------------------------------------ times

    onOpenPicker(e: WechatMiniprogram.BaseEvent) {
      const field = String(e.currentTarget?.dataset?.field ?? '') as PickerField;
      const TITLE: Record<string, string> = {
        start: '开始时间',
        end: '结束时间',
        deadline: '报名截止时间',
      };
      if (!TITLE[field]) return;
      const current =
        field === 'start'
          ? this.data.startAt
          : field === 'end'
            ? this.data.endAt
            : this.data.deadline || this.data.startAt;
      this.setData({ picker: field, pickerValue: current, pickerTitle: TITLE[field] });
    },
    onPickerCancel() {
      this.setData({ picker: '' });
    },
    onPickerConfirm(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '').slice(0, 16);
      const at = parsePicker(v);
      const field = this.data.picker;
      if (!at || !field) {
        this.setData({ picker: '' });
        return;
      }
      const patch: Record<string, unknown> = { picker: '' };
      if (field === 'start') {
        // Moving the start moves the end with it (same length), as a calendar does.
        const oldStart = parsePicker(this.data.startAt);
        const oldEnd = parsePicker(this.data.endAt);
        const length =
          oldStart && oldEnd && oldEnd > oldStart ? oldEnd.getTime() - oldStart.getTime() : 0;
        patch.startAt = v;
        if (length) patch.endAt = pickerText(new Date(at.getTime() + length));
        patch['errors.startAt'] = '';
        patch['errors.endAt'] = '';
      } else if (field === 'end') {
        patch.endAt = v;
        patch['errors.endAt'] = '';
      } else {
        patch.deadline = v;
        patch['errors.deadline'] = '';
      }
      this.changed(patch);
    },
    onClearDeadline() {
      this.changed({ deadline: '', 'errors.deadline': '' });
    },

    // ------------------------------------------------------------ team (volunteer)

    async onOpenTeams() {
      if (this.data.teamsLoading) return;
      this.setData({ teamsOpen: true, teamsLoading: true, teamsError: '' });
      const res = await call('activity', 'listTeams', { branchId: this.data.branchId });
      if (!res.ok) {
        this.setData({ teamsLoading: false, teamsError: res.error.message });
        return;
      }
      this.setData({
        teamsLoading: false,
        teamOptions: [
          { label: '不限服务队', value: '' },
          ...res.data.items.map((t) => ({
            label: `${t.name}（${t.memberCount} 人）`,
            value: t.teamId,
          })),
        ],
      });
    },
    onTeam(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const v = String(e.detail.value ?? '');
      const t = this.data.teamOptions.find((o) => o.value === v);
      if (!t) return;
      this.changed({
        teamId: v,
        teamName: v ? t.label.replace(/（\d+ 人）$/, '') : '',
        teamsOpen: false,
      });
    },

    // ------------------------------------------------------------ checking and saving

    validate(): boolean {
      const d = this.data;
      const errors: Errors = {};
      const title = d.title.trim();
      if (title.length < 2) errors.title = '请填写标题，至少 2 个字';
      else if (title.length > 40) errors.title = '标题最多 40 个字';
      if (d.description.trim().length > 1000) errors.description = '活动说明最多 1000 个字';
      if (d.placeName.trim().length > 60) errors.place = '地点最多 60 个字';
      const start = parsePicker(d.startAt);
      const end = parsePicker(d.endAt);
      if (!start) errors.startAt = '请选择开始时间';
      if (!end) errors.endAt = '请选择结束时间';
      else if (start && end <= start) errors.endAt = '结束时间要晚于开始时间';
      else if (start && end.getTime() - start.getTime() > DAY_MS)
        errors.endAt = '一次活动最长 24 小时';
      if (d.deadline) {
        const dl = parsePicker(d.deadline);
        if (!dl) errors.deadline = '请选择截止时间';
        else if (start && dl > start) errors.deadline = '截止时间不能晚于开始时间';
      }
      if (d.kind === 'meeting' && d.meetingType === 'groupMeeting' && !d.groupId)
        errors.group = '请选择开会的党小组';
      if (d.kind === 'volunteer' && d.capacity !== '') {
        const n = Number(d.capacity);
        if (!/^\d+$/.test(d.capacity) || n < 1 || n > 500)
          errors.capacity = '名额应为 1–500 的整数，不限名额请留空';
      }
      const cn = d.contactName.trim();
      if (cn.length > 20) errors.contactName = '联系人最多 20 个字';
      if (d.contactPhone && !PHONE.test(d.contactPhone))
        errors.contactPhone = '请填写 11 位手机号码';
      if (d.contactPhone && !cn) errors.contactName = '请填写联系人姓名';
      const bad = Object.keys(errors).length > 0;
      this.setData({ errors, formError: bad ? '请按红字提示修改后再提交' : '' });
      return !bad;
    },

    /** The form as the contract's fields (those the branch and kind do not fix). */
    fields() {
      const d = this.data;
      const description = d.description.trim();
      const placeName = d.placeName.trim();
      const place: ActivityPlace | undefined = placeName
        ? d.latitude !== null && d.longitude !== null
          ? { name: placeName, latitude: d.latitude, longitude: d.longitude }
          : { name: placeName }
        : undefined;
      const iso = (v: string) => parsePicker(v)!.toISOString();
      const contactName = d.contactName.trim();
      // An edit sends null for an emptied optional field, so clearing it (不限名额, no team,
      // no place or contact) sticks; a new activity simply leaves it out.
      const clear = <K extends string>(key: K) =>
        d.editing ? ({ [key]: null } as Record<K, null>) : {};
      return {
        ...(d.kind === 'meeting' ? { meetingType: d.meetingType } : {}),
        ...(d.kind === 'meeting' && d.meetingType === 'groupMeeting' && d.groupId
          ? { groupId: d.groupId }
          : {}),
        title: d.title.trim(),
        // An edit sends the description even when emptied, so clearing it sticks.
        ...(description || d.editing ? { description } : {}),
        ...(place ? { place } : clear('place')),
        startAt: iso(d.startAt),
        endAt: iso(d.endAt),
        ...(d.deadline ? { deadline: iso(d.deadline) } : {}),
        audience: d.audience,
        ...(d.kind === 'volunteer'
          ? {
              ...(d.capacity !== '' ? { capacity: Number(d.capacity) } : clear('capacity')),
              ...(d.teamId ? { teamId: d.teamId } : clear('teamId')),
            }
          : {}),
        ...(contactName ? { contactName } : clear('contactName')),
        ...(d.contactPhone ? { contactPhone: d.contactPhone } : clear('contactPhone')),
      };
    },

    async onSave() {
      if (this.data.submitting || this.data.locked) return;
      if (!this.validate()) return;
      const s = st(this);
      this.setData({ submitting: true, formError: '', formNote: '' });
      let res: Result<ActivityWriteResponse>;
      if (this.data.editing) {
        res = await call(
          'activity',
          'update',
          { activityId: this.data.activityId, ...this.fields() },
          { requestId: s.intents.id('save') },
        );
      } else {
        res = await call(
          'activity',
          'create',
          { branchId: this.data.branchId, kind: this.data.kind, ...this.fields() },
          { requestId: s.intents.id('save') },
        );
      }
      this.setData({ submitting: false });
      if (!res.ok) {
        this.showError(res.error.code, res.error.message, res.error.details);
        return;
      }
      s.intents.done('save');
      const held = res.data.visibility === 'held';
      if (!this.data.editing) {
        toast(held ? '已提交，等待审核' : '活动已发布', held ? 'none' : 'success');
        replace(ROUTES.activityDetail, { activityId: res.data.activityId });
        return;
      }
      toast(held ? '已保存，等待审核' : '已保存', held ? 'none' : 'success');
      this.setData({
        formNote: held
          ? '修改已保存。内容安全检查需要人工复核，书记或副书记通过后党员才能看到。'
          : '修改已保存，报名的人看到的是新的内容。',
      });
    },

    showError(code: string, message: string, details: unknown) {
      if (code === 'CONTENT_RISKY') {
        this.setData({ formError: `${message}。请修改标题或活动说明中可能违规的内容后再提交。` });
        return;
      }
      const fields = ((details as { fields?: unknown[] } | undefined)?.fields ?? []).map(String);
      const patch: Record<string, unknown> = {};
      fields.forEach((f, n) => {
        const key = FIELD_OF[f.split('.')[0]];
        if (key && !patch[`errors.${key}`])
          patch[`errors.${key}`] = n === 0 ? message : '请检查此项';
      });
      patch.formError = Object.keys(patch).length ? '请按红字提示修改后再提交' : message;
      this.setData(patch);
    },

    // ------------------------------------------------------------ cancelling the activity

    onCancelStart() {
      this.setData({ cancelOpen: true, cancelError: '' });
    },
    onCancelBack() {
      this.setData({ cancelOpen: false, cancelError: '' });
    },
    onCancelReason(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      st(this).intents.done('cancel');
      this.setData({ cancelReason: String(e.detail.value ?? ''), cancelError: '' });
    },
    async onCancelConfirm() {
      if (this.data.cancelling) return;
      const reason = this.data.cancelReason.trim();
      if (reason.length < 2 || reason.length > 100) {
        this.setData({ cancelError: '请写明取消的原因（2–100 个字），报名的人会看到' });
        return;
      }
      this.setData({ cancelling: true, cancelError: '' });
      const res = await call(
        'activity',
        'cancelActivity',
        { activityId: this.data.activityId, reason },
        { requestId: st(this).intents.id('cancel') },
      );
      this.setData({ cancelling: false });
      if (!res.ok) {
        this.setData({ cancelError: res.error.message });
        return;
      }
      st(this).intents.done('cancel');
      toast('活动已取消', 'success');
      const { notified, skipped } = res.data;
      this.setData({
        cancelOpen: false,
        locked: '活动已取消，不能再修改',
        cancelledText:
          `活动已取消，已通知 ${notified} 人` +
          (skipped ? `，${skipped} 人没有开启活动通知，请电话或当面告知` : '') +
          '。',
      });
    },

    onBack() {
      try {
        wx.navigateBack();
      } catch {
        // Opened directly: stay.
      }
    },
  },
});
