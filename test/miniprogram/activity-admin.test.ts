/** Organiser tools of activities (issue #6): create / edit / cancel, sign-ups with export, live QR. */
import { callsOf, emit, err, offline, ok, stubBackend } from './helpers/backend';
import { activityDetail, signup } from './helpers/activity-admin';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const EDIT = 'packages/activity-admin/edit/index';
const SIGNUPS = 'packages/activity-admin/signups/index';
const QR = 'packages/activity-admin/qr/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
/** The error state of the page's state-view. */
const errorState = (page: LoadedPage) => $(page, '#state')?.querySelector('#state-error');
/** The code the QR image shows (its src is bound to this). */
const qr = (page: LoadedPage) => page.instance.data.qrDataUrl as string;
const text = (page: LoadedPage, sel: string) =>
  ($(page, sel)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The ISO instant of a local picker time, as the page sends it. */
const iso = (y: number, m: number, d: number, h: number, min = 0) =>
  new Date(y, m - 1, d, h, min).toISOString();

beforeAll(() => {
  prepare(EDIT);
  prepare(SIGNUPS);
  prepare(QR);
}, 90_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
  jest.useRealTimers();
});

describe('edit: creating', () => {
  async function openNew(handlers: Parameters<typeof stubBackend>[0] = {}) {
    const calls = stubBackend(handlers);
    const page = open(EDIT, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#title')).toBeTruthy());
    return { calls, page };
  }

  test('opens on the form without a call; empty or wrong fields are said and nothing is sent', async () => {
    const { calls, page } = await openNew();
    expect(calls).toHaveLength(0);
    // Tomorrow 09:00–11:00 to start from.
    expect(page.instance.data.startAt).toMatch(/ 09:00$/);
    expect(page.instance.data.endAt).toMatch(/ 11:00$/);

    tap($(page, '#save-btn'));
    await waitFor(() => expect($(page, '#title')!.instance.data.tips).toContain('请填写标题'));
    expect(text(page, '#form-error')).toContain('请按红字提示修改');

    emit($(page, '#title'), 'change', { value: '清理楼道' });
    emit($(page, '#contact-phone'), 'change', { value: '1380000' });
    // The end before the start.
    tap($(page, '#end-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('end'));
    const start = page.instance.data.startAt as string;
    emit($(page, '#time-picker'), 'confirm', { value: `${start.slice(0, 10)} 08:00` });
    await waitFor(() => expect(page.instance.data.picker).toBe(''));
    tap($(page, '#save-btn'));
    await waitFor(() => expect(text(page, '#endAt-error')).toContain('结束时间要晚于开始时间'));
    expect($(page, '#contact-phone')!.instance.data.tips).toBe('请填写 11 位手机号码');
    expect($(page, '#contact-name')!.instance.data.tips).toBe('请填写联系人姓名');
    expect(callsOf(calls, 'activity.create')).toHaveLength(0);
  });

  test('fields follow the kind: meetings have their type and the branch only, volunteers places and a team', async () => {
    const { page } = await openNew();
    // 主题党日: branch or with reporting members; no places.
    expect($(page, '#audience')!.instance.data.options.map((o: any) => o.value)).toEqual([
      'branch',
      'reported',
    ]);
    expect($(page, '#capacity')).toBeFalsy();
    expect($(page, '#meeting-type')).toBeFalsy();

    emit($(page, '#kind'), 'change', { value: 'volunteer' });
    await waitFor(() => expect($(page, '#capacity')).toBeTruthy());
    expect($(page, '#team-cell')).toBeTruthy();
    expect($(page, '#audience')!.instance.data.options.map((o: any) => o.label)).toEqual([
      '本支部党员',
      '含双报到党员',
      '向居民开放',
    ]);
    emit($(page, '#audience'), 'change', { value: 'public' });
    emit($(page, '#capacity'), 'change', { value: '0' });
    emit($(page, '#title'), 'change', { value: '清理楼道' });
    tap($(page, '#save-btn'));
    await waitFor(() =>
      expect($(page, '#capacity')!.instance.data.tips).toContain('名额应为 1–500 的整数'),
    );

    // 三会一课: the meeting type, a fixed audience, no places; public falls back to branch.
    emit($(page, '#kind'), 'change', { value: 'meeting' });
    await waitFor(() => expect($(page, '#meeting-type')).toBeTruthy());
    expect($(page, '#capacity')).toBeFalsy();
    expect($(page, '#audience')).toBeFalsy();
    expect(text(page, '#audience-fixed')).toContain('本支部党员');
    expect(page.instance.data.audience).toBe('branch');
  });

  test('a volunteer activity goes out with every field; then the new activity opens', async () => {
    const redirect = stubWx('redirectTo', jest.fn());
    stubWx('chooseLocation', (o: any) =>
      o.success({
        name: '幸福里小区 3 号楼',
        address: '幸福路 1 号',
        latitude: 31.2,
        longitude: 121.4,
      }),
    );
    const { calls, page } = await openNew({
      'activity.listTeams': () =>
        ok({
          items: [
            { teamId: 't1', name: '红心志愿队', description: '', memberCount: 8, joined: true },
          ],
          canManage: true,
        }),
      'activity.create': (_d, _c, nth) =>
        nth === 0 ? offline : ok({ activityId: 'a9', visibility: 'visible' }),
    });
    emit($(page, '#kind'), 'change', { value: 'volunteer' });
    await waitFor(() => expect($(page, '#capacity')).toBeTruthy());
    emit($(page, '#title'), 'change', { value: ' 清理楼道小广告 ' });
    emit($(page, '#description'), 'change', { value: '带好手套' });
    tap($(page, '#choose-location'));
    await waitFor(() => expect(page.instance.data.placeName).toBe('幸福里小区 3 号楼'));
    expect($(page, '#place-pinned')).toBeTruthy();

    tap($(page, '#start-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('start'));
    emit($(page, '#time-picker'), 'confirm', { value: '2030-05-01 09:00' });
    // The end moves with the start, keeping the two hours.
    await waitFor(() => expect(page.instance.data.endAt).toBe('2030-05-01 11:00'));
    tap($(page, '#deadline-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('deadline'));
    emit($(page, '#time-picker'), 'confirm', { value: '2030-04-30 20:00' });
    await waitFor(() => expect(page.instance.data.deadline).toBe('2030-04-30 20:00'));

    emit($(page, '#audience'), 'change', { value: 'public' });
    emit($(page, '#capacity'), 'change', { value: '5' });
    tap($(page, '#team-cell'));
    await waitFor(() => expect($(page, '#team')).toBeTruthy());
    expect(callsOf(calls, 'activity.listTeams')[0].data).toEqual({ branchId: 'b1' });
    emit($(page, '#team'), 'change', { value: 't1' });
    await waitFor(() => expect(page.instance.data.teamName).toBe('红心志愿队'));
    emit($(page, '#contact-name'), 'change', { value: '王书记' });
    emit($(page, '#contact-phone'), 'change', { value: '13800001234' });

    tap($(page, '#save-btn'));
    await waitFor(() => expect(text(page, '#form-error')).toContain('网络不可用'));
    expect(redirect).not.toHaveBeenCalled();
    tap($(page, '#save-btn'));
    await waitFor(() => expect(redirect).toHaveBeenCalled());
    const [first, second] = callsOf(calls, 'activity.create');
    expect(first.data).toEqual({
      branchId: 'b1',
      kind: 'volunteer',
      title: '清理楼道小广告',
      description: '带好手套',
      place: { name: '幸福里小区 3 号楼', latitude: 31.2, longitude: 121.4 },
      startAt: iso(2030, 5, 1, 9),
      endAt: iso(2030, 5, 1, 11),
      deadline: iso(2030, 4, 30, 20),
      audience: 'public',
      capacity: 5,
      teamId: 't1',
      contactName: '王书记',
      contactPhone: '13800001234',
    });
    // The retry is the same intent: the same requestId.
    expect(first.requestId).toBeTruthy();
    expect(second.requestId).toBe(first.requestId);
    expect(redirect).toHaveBeenCalledWith({ url: '/pages/activities/detail?activityId=a9' });
  });

  test('a 党小组会 needs its group, chosen from the branch’s groups; meetings send their type', async () => {
    stubWx('redirectTo', jest.fn());
    const { calls, page } = await openNew({
      'branch.tree': () =>
        ok({
          root: {
            id: 'c1',
            name: '党委',
            type: 'committee',
            gridArea: null,
            memberCount: null,
            children: [
              {
                id: 'b1',
                name: '第一党支部',
                type: 'branch',
                gridArea: null,
                memberCount: 20,
                children: [
                  {
                    id: 'g1',
                    name: '第一党小组',
                    type: 'group',
                    gridArea: null,
                    memberCount: 8,
                    children: [],
                  },
                ],
              },
            ],
          },
        }),
      'activity.create': () => ok({ activityId: 'a5', visibility: 'held' }),
    });
    emit($(page, '#kind'), 'change', { value: 'meeting' });
    await waitFor(() => expect($(page, '#meeting-type')).toBeTruthy());
    emit($(page, '#meeting-type'), 'change', { value: 'groupMeeting' });
    emit($(page, '#title'), 'change', { value: '五月党小组会' });
    await waitFor(() => expect($(page, '#group-cell')).toBeTruthy());
    tap($(page, '#save-btn'));
    await waitFor(() => expect(text(page, '#group-error')).toContain('请选择开会的党小组'));
    expect(callsOf(calls, 'activity.create')).toHaveLength(0);

    tap($(page, '#group-cell'));
    await waitFor(() => expect($(page, '#group')).toBeTruthy());
    emit($(page, '#group'), 'change', { value: 'g1' });
    await waitFor(() => expect(page.instance.data.groupName).toBe('第一党小组'));
    tap($(page, '#save-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.create')).toHaveLength(1));
    const data = callsOf(calls, 'activity.create')[0].data;
    expect(data).toMatchObject({
      kind: 'meeting',
      meetingType: 'groupMeeting',
      groupId: 'g1',
      audience: 'branch',
    });
    expect(data.capacity).toBeUndefined();
  });

  test('the server’s INVALID_ARGUMENT goes under the field it names; CONTENT_RISKY says what to change', async () => {
    const { page } = await openNew({
      'activity.create': (_d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '标题太短', { fields: ['title'] })
          : err('CONTENT_RISKY', '内容可能含有违规信息'),
    });
    emit($(page, '#title'), 'change', { value: '主题党日' });
    tap($(page, '#save-btn'));
    await waitFor(() => expect($(page, '#title')!.instance.data.tips).toBe('标题太短'));
    emit($(page, '#title'), 'change', { value: '主题党日活动' });
    tap($(page, '#save-btn'));
    await waitFor(() => expect(text(page, '#form-error')).toContain('内容可能含有违规信息'));
    expect(text(page, '#form-error')).toContain('请修改');
  });
});

describe('edit: an existing activity', () => {
  test('one call on open fills the form; saving sends update without branch and kind', async () => {
    const calls = stubBackend({
      'activity.get': () => ok(activityDetail({ team: { teamId: 't1', name: '红心志愿队' } })),
      'activity.update': () => ok({ activityId: 'a1', visibility: 'visible' }),
    });
    const page = open(EDIT, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#title')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.get']);
    expect($(page, '#title')!.instance.data.value).toBe('清理楼道小广告');
    expect($(page, '#kind')).toBeFalsy();
    expect(text(page, '#kind-fixed')).toContain('志愿服务');
    expect($(page, '#capacity')!.instance.data.value).toBe('5');
    expect(page.instance.data.teamName).toBe('红心志愿队');
    expect(page.text()).toContain('保存修改');

    emit($(page, '#capacity'), 'change', { value: '8' });
    tap($(page, '#save-btn'));
    await waitFor(() => expect(text(page, '#form-note')).toContain('修改已保存'));
    const data = callsOf(calls, 'activity.update')[0].data;
    expect(data).toEqual({
      activityId: 'a1',
      title: '清理楼道小广告',
      description: '带好手套',
      place: { name: '幸福里小区 3 号楼', latitude: 31.2, longitude: 121.4 },
      startAt: '2030-05-01T01:00:00.000Z',
      endAt: '2030-05-01T03:00:00.000Z',
      deadline: '2030-04-30T12:00:00.000Z',
      audience: 'public',
      capacity: 8,
      teamId: 't1',
      contactName: '王书记',
      contactPhone: '13800001234',
    });
  });

  test('emptied optional fields are sent as null so the server clears them (不限名额, no contact)', async () => {
    const calls = stubBackend({
      'activity.get': () => ok(activityDetail()),
      'activity.update': () => ok({ activityId: 'a1', visibility: 'visible' }),
    });
    const page = open(EDIT, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#capacity')).toBeTruthy());
    emit($(page, '#capacity'), 'change', { value: '' });
    emit($(page, '#contact-name'), 'change', { value: '' });
    emit($(page, '#contact-phone'), 'change', { value: '' });
    tap($(page, '#save-btn'));
    await waitFor(() => expect(callsOf(calls, 'activity.update')).toHaveLength(1));
    expect(callsOf(calls, 'activity.update')[0].data).toMatchObject({
      capacity: null,
      contactName: null,
      contactPhone: null,
    });
  });

  test('取消活动 needs a reason, then cancels and says who was told', async () => {
    const calls = stubBackend({
      'activity.get': () => ok(activityDetail()),
      'activity.cancelActivity': () =>
        ok({ activityId: 'a1', status: 'cancelled', notified: 12, skipped: 3 }),
    });
    const page = open(EDIT, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#cancel-activity')).toBeTruthy());
    tap($(page, '#cancel-activity'));
    await waitFor(() => expect($(page, '#cancel-reason')).toBeTruthy());
    tap($(page, '#cancel-confirm'));
    await waitFor(() => expect(text(page, '#cancel-error')).toContain('请写明取消的原因'));
    expect(callsOf(calls, 'activity.cancelActivity')).toHaveLength(0);

    emit($(page, '#cancel-reason'), 'change', { value: '天气原因改期' });
    tap($(page, '#cancel-confirm'));
    await waitFor(() => expect($(page, '#cancelled-result')).toBeTruthy());
    expect(callsOf(calls, 'activity.cancelActivity')[0].data).toEqual({
      activityId: 'a1',
      reason: '天气原因改期',
    });
    expect(text(page, '#cancelled-result')).toContain('已通知 12 人');
    expect(text(page, '#cancelled-result')).toContain('3 人没有开启活动通知');
    // The form is gone: nothing more can be saved.
    expect($(page, '#save-btn')).toBeFalsy();
  });

  test('an ended activity is shown as such; a member who may not manage gets the error state', async () => {
    stubBackend({ 'activity.get': () => ok(activityDetail({ status: 'ended' })) });
    const page = open(EDIT, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#locked')).toBeTruthy());
    expect(text(page, '#locked')).toContain('活动已结束');
    expect($(page, '#save-btn')).toBeFalsy();
    page.detach();

    stubBackend({
      'activity.get': () => ok(activityDetail({ can: { ...activityDetail().can, manage: false } })),
    });
    const other = open(EDIT, { activityId: 'a1' });
    await waitFor(() => expect(errorState(other)).toBeTruthy());
    expect(other.text()).toContain('只有支部委员可以编辑活动');
  });
});

describe('signups', () => {
  const ACTIVE = {
    items: [
      signup({ checkedInAt: '2030-05-01T01:02:00.000Z' }),
      signup({ signupId: 's2', name: '张华', who: 'resident', phone: '139****8888' }),
      signup({ signupId: 's3', name: '赵敏', status: 'waitlisted', position: 1, who: 'reported' }),
    ],
    nextCursor: null,
    capacity: 2,
    confirmedCount: 2,
    waitlistCount: 1,
    canRevealPhones: false,
  };

  test('counts on top, rows with who, masked phone, place and check-in', async () => {
    const calls = stubBackend({ 'activity.listSignups': () => ok(ACTIVE) });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#signup-s3')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.listSignups']);
    expect(calls[0].data).toEqual({ activityId: 'a1' });
    expect(text(page, '#counts')).toBe('已确认 2 / 名额 2，候补 1');
    expect(text(page, '#signup-s1')).toContain('已确认');
    expect(text(page, '#signup-s1')).toMatch(/签到 \d\d:02/);
    expect(text(page, '#signup-s2')).toContain('居民');
    expect(text(page, '#signup-s2')).toContain('139****8888');
    expect(text(page, '#signup-s3')).toContain('候补第 1 位');
    expect(text(page, '#signup-s3')).toContain('双报到');
  });

  test('organisers see masked phones only; a secretary reveals one on purpose, then may call it', async () => {
    stubBackend({ 'activity.listSignups': () => ok(ACTIVE) });
    const organiser = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(organiser, '#signup-s2')).toBeTruthy());
    expect($(organiser, '#reveal-s2')).toBeFalsy();
    organiser.detach();

    const call = stubWx('makePhoneCall', jest.fn());
    const calls = stubBackend({
      'activity.listSignups': () => ok({ ...ACTIVE, canRevealPhones: true }),
      'activity.revealPhone': () => ok({ signupId: 's2', phone: '13912348888' }),
    });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#reveal-s2')).toBeTruthy());
    expect(text(page, '#phone-s2')).toContain('会被记录');
    expect($(page, '#call-s2')).toBeFalsy();
    tap($(page, '#reveal-s2'));
    await waitFor(() => expect(text(page, '#phone-s2')).toContain('13912348888'));
    expect(callsOf(calls, 'activity.revealPhone')[0].data).toEqual({
      activityId: 'a1',
      signupId: 's2',
    });
    expect($(page, '#reveal-s2')).toBeFalsy();
    tap($(page, '#call-s2'));
    await waitFor(() =>
      expect(call).toHaveBeenCalledWith(expect.objectContaining({ phoneNumber: '13912348888' })),
    );
  });

  test('已取消 lists cancellations, flagging those after the deadline', async () => {
    const calls = stubBackend({
      'activity.listSignups': (d) =>
        d.status === 'cancelled'
          ? ok({
              ...ACTIVE,
              items: [
                signup({
                  signupId: 's4',
                  status: 'cancelled',
                  cancelledAt: '2030-04-30T14:00:00.000Z',
                  lateCancel: true,
                }),
                signup({
                  signupId: 's5',
                  status: 'cancelled',
                  cancelledAt: '2030-04-25T14:00:00.000Z',
                }),
              ],
            })
          : ok(ACTIVE),
    });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#signup-s1')).toBeTruthy());
    emit($(page, '#tabs'), 'change', { value: 'cancelled' });
    await waitFor(() => expect($(page, '#signup-s4')).toBeTruthy());
    expect(callsOf(calls, 'activity.listSignups')[1].data).toEqual({
      activityId: 'a1',
      status: 'cancelled',
    });
    expect($(page, '#late-s4')).toBeTruthy();
    expect(text(page, '#signup-s4')).toContain('截止后取消');
    expect(text(page, '#signup-s5')).not.toContain('截止后取消');
    expect($(page, '#late-s5')).toBeFalsy();
    expect($(page, '#signup-s1')).toBeFalsy();
  });

  test('导出名单 exports, downloads and opens the file; when opening fails the link can be copied', async () => {
    const download = stubWx(
      'downloadFile',
      jest.fn((o: any) => o.success({ statusCode: 200, tempFilePath: 'wxfile://tmp/a.xlsx' })),
    );
    const openDocument = stubWx(
      'openDocument',
      jest.fn((o: any) => o.success({})),
    );
    const clip = stubWx(
      'setClipboardData',
      jest.fn((o: any) => o.success({})),
    );
    const calls = stubBackend({
      'activity.listSignups': () => ok(ACTIVE),
      'activity.exportSignups': () =>
        ok({
          fileID: 'cloud://x/exports/a1.xlsx',
          url: 'https://example.com/a1.xlsx',
          fileName: '清理楼道小广告-报名名单.xlsx',
          rows: 3,
        }),
    });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    tap($(page, '#export-btn'));
    await waitFor(() => expect(openDocument).toHaveBeenCalled());
    expect(callsOf(calls, 'activity.exportSignups')[0].data).toEqual({ activityId: 'a1' });
    expect(callsOf(calls, 'activity.exportSignups')[0].requestId).toBeTruthy();
    expect(download.mock.calls[0][0].url).toBe('https://example.com/a1.xlsx');
    expect(openDocument.mock.calls[0][0]).toMatchObject({
      filePath: 'wxfile://tmp/a.xlsx',
      fileType: 'xlsx',
    });
    expect(text(page, '#export-result')).toContain('已导出 3 人');

    // Opening again fails (e.g. no viewer): the page says to copy the link instead.
    download.mockImplementation((o: any) => o.fail({ errMsg: 'downloadFile:fail' }));
    tap($(page, '#open-file'));
    await waitFor(() => expect(text(page, '#file-message')).toContain('复制下载链接'));
    tap($(page, '#copy-link'));
    await waitFor(() => expect(clip).toHaveBeenCalled());
    expect(clip.mock.calls[0][0].data).toBe('https://example.com/a1.xlsx');
    await waitFor(() => expect(text(page, '#file-message')).toContain('下载链接已复制'));
  });

  test('an export refused by the server says why; the QR and hours buttons open their pages', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({
      'activity.listSignups': () => ok(ACTIVE),
      'activity.exportSignups': () => err('FORBIDDEN', '只有支部委员可以导出名单'),
    });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    tap($(page, '#export-btn'));
    await waitFor(() => expect(text(page, '#export-error')).toBe('只有支部委员可以导出名单'));
    expect($(page, '#export-result')).toBeFalsy();
    tap($(page, '#to-qr'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/activity-admin/qr/index?activityId=a1',
      }),
    );
    tap($(page, '#to-hours'));
    await waitFor(() =>
      expect(navigate).toHaveBeenCalledWith({
        url: '/packages/activity-admin/hours/index?activityId=a1',
      }),
    );
  });

  test('an error on open is the error state with the server’s words', async () => {
    stubBackend({ 'activity.listSignups': () => err('FORBIDDEN', '只有支部委员可以查看报名') });
    const page = open(SIGNUPS, { activityId: 'a1' });
    await waitFor(() => expect(errorState(page)).toBeTruthy());
    expect(page.text()).toContain('只有支部委员可以查看报名');
  });
});

describe('live QR', () => {
  const token = (n: number) =>
    ok({
      activityId: 'a1',
      title: '清理楼道小广告',
      checkedIn: n * 2,
      token: `ck1.a1.${n}.sig`,
      qrDataUrl: `data:image/png;base64,QR${n}`,
      expiresAt: '2030-05-01T01:00:45.000Z',
      refreshSeconds: 30,
    });

  /** Only the page's ticker (setInterval) runs on fake time; answers still arrive. */
  function fakeTicker() {
    jest.useFakeTimers({
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
        'Date',
        'hrtime',
        'performance',
      ],
    });
  }

  test('shows the code big, keeps the screen on and fetches a new one every 30 seconds', async () => {
    fakeTicker();
    const keep = stubWx('setKeepScreenOn', jest.fn());
    const calls = stubBackend({ 'activity.checkInToken': (_d, _c, nth) => token(nth) });
    const page = open(QR, { activityId: 'a1', title: '清理楼道小广告' });
    await waitFor(() => expect($(page, '#checkin-qr')).toBeTruthy());
    expect(qr(page)).toBe('data:image/png;base64,QR0');
    expect(callsOf(calls, 'activity.checkInToken')[0].data).toEqual({ activityId: 'a1' });
    expect(keep).toHaveBeenCalledWith({ keepScreenOn: true });
    expect(text(page, '#qr-title')).toBe('清理楼道小广告');
    expect(text(page, '#countdown')).toBe('30 秒后刷新');
    expect(text(page, '#checked-in')).toBe('已签到 0 人');

    jest.advanceTimersByTime(5000);
    await waitFor(() => expect(text(page, '#countdown')).toBe('25 秒后刷新'));
    jest.advanceTimersByTime(24_000);
    expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(1);
    jest.advanceTimersByTime(1000);
    await waitFor(() => expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(2));
    await waitFor(() => expect(qr(page)).toBe('data:image/png;base64,QR1'));
    expect(text(page, '#countdown')).toBe('30 秒后刷新');
    // The live count follows each new code.
    expect(text(page, '#checked-in')).toBe('已签到 2 人');
  });

  test('leaving the page stops the refresh and lets the screen sleep', async () => {
    fakeTicker();
    const keep = stubWx('setKeepScreenOn', jest.fn());
    const calls = stubBackend({ 'activity.checkInToken': (_d, _c, nth) => token(nth) });
    const page = open(QR, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#checkin-qr')).toBeTruthy());

    page.instance.onHide();
    jest.advanceTimersByTime(90_000);
    expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(1);
    expect(keep).toHaveBeenLastCalledWith({ keepScreenOn: false });

    // Back on screen: a fresh code at once, and the refresh runs again.
    page.instance.onShow();
    await waitFor(() => expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(2));
    await waitFor(() => expect(text(page, '#countdown')).toBe('30 秒后刷新'));
    jest.advanceTimersByTime(30_000);
    await waitFor(() => expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(3));

    page.instance.onUnload();
    jest.advanceTimersByTime(120_000);
    expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(3);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('outside the check-in window the server’s message is the error state, and nothing refreshes', async () => {
    fakeTicker();
    stubWx('setKeepScreenOn', jest.fn());
    const calls = stubBackend({
      'activity.checkInToken': (_d, _c, nth) =>
        nth === 0 ? err('CONFLICT', '活动开始前 30 分钟才能出示签到码') : token(nth),
    });
    const page = open(QR, { activityId: 'a1' });
    await waitFor(() => expect(errorState(page)).toBeTruthy());
    expect(page.text()).toContain('活动开始前 30 分钟才能出示签到码');
    expect($(page, '#checkin-qr')).toBeFalsy();
    jest.advanceTimersByTime(60_000);
    expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(1);

    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#checkin-qr')).toBeTruthy());
  });

  test('a refresh lost to the network keeps the code on screen and tries again', async () => {
    fakeTicker();
    stubWx('setKeepScreenOn', jest.fn());
    const calls = stubBackend({
      'activity.checkInToken': (_d, _c, nth) => (nth === 1 ? offline : token(nth)),
    });
    const page = open(QR, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#checkin-qr')).toBeTruthy());
    jest.advanceTimersByTime(30_000);
    await waitFor(() => expect($(page, '#qr-warning')).toBeTruthy());
    expect(text(page, '#qr-warning')).toContain('网络不可用');
    expect(qr(page)).toBe('data:image/png;base64,QR0');
    jest.advanceTimersByTime(5000);
    await waitFor(() => expect(qr(page)).toBe('data:image/png;base64,QR2'));
    expect(callsOf(calls, 'activity.checkInToken')).toHaveLength(3);
    expect($(page, '#qr-warning')).toBeFalsy();
  });
});
