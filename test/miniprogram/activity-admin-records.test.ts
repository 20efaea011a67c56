/** Organiser records of activities (issue #6): attendance, hours, minutes, export, stats, good deeds. */
import { callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import { activityDetail, attendee, signup, summary } from './helpers/activity-admin';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const ATTENDANCE = 'packages/activity-admin/attendance/index';
const HOURS = 'packages/activity-admin/hours/index';
const MINUTES = 'packages/activity-admin/minutes/index';
const EXPORT = 'packages/activity-admin/export/index';
const STATS = 'packages/activity-admin/stats/index';
const DEEDS = 'packages/activity-admin/deeds/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const text = (page: LoadedPage, sel: string) =>
  ($(page, sel)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();
const errorState = (page: LoadedPage) => $(page, '#state')?.querySelector('#state-error');

beforeAll(() => {
  for (const r of [ATTENDANCE, HOURS, MINUTES, EXPORT, STATS, DEEDS]) prepare(r);
}, 120_000);
beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});
afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('attendance', () => {
  const LIST = {
    items: [
      attendee({ attendance: 'present', checkedInAt: '2030-05-01T01:01:00.000Z' }),
      attendee({
        personId: 'o2',
        name: '张华',
        reply: 'leave',
        leave: { reason: '出差在外地', status: 'pending', decidedAt: null, note: null },
      }),
      attendee({ personId: 'o3', name: '赵敏', reply: null }),
    ],
    nextCursor: null,
    summary: summary(),
    canModerate: true,
  };

  test('the summary and each person’s reply; the secretary approves a leave request in one tap', async () => {
    const calls = stubBackend({
      'activity.attendance': () => ok(LIST),
      'activity.decideLeave': () =>
        ok({
          personId: 'o2',
          leave: {
            reason: '出差在外地',
            status: 'approved',
            decidedAt: '2030-05-01T00:00:00Z',
            note: null,
          },
        }),
    });
    const page = open(ATTENDANCE, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#person-o3')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.attendance']);
    expect(text(page, '#rate')).toBe('33.3%');
    expect(text(page, '#sum-expected')).toBe('3');
    expect(text(page, '#sum-present')).toBe('1');
    expect(text(page, '#summary')).toContain('1 人还没有回复');
    expect(text(page, '#person-o3')).toContain('未回复');
    expect(text(page, '#leave-o2')).toContain('出差在外地');
    expect(text(page, '#leave-o2')).toContain('待审批');

    tap($(page, '#approve-o2'));
    await waitFor(() => expect(text(page, '#leave-o2')).toContain('已批准'));
    const [call] = callsOf(calls, 'activity.decideLeave');
    expect(call.data).toEqual({ activityId: 'a1', personId: 'o2', approve: true });
    expect(call.requestId).toBeTruthy();
    expect($(page, '#approve-o2')).toBeFalsy();
  });

  test('leave decisions are offered only to those who may moderate; a refusal is said on the row', async () => {
    // The server's answer decides, not the query a page could be opened with.
    stubBackend({ 'activity.attendance': () => ok({ ...LIST, canModerate: false }) });
    const page = open(ATTENDANCE, { activityId: 'a1', canModerate: '1' });
    await waitFor(() => expect($(page, '#leave-o2')).toBeTruthy());
    expect($(page, '#approve-o2')).toBeFalsy();
    expect($(page, '#reject-o2')).toBeFalsy();
    page.detach();

    const calls = stubBackend({
      'activity.attendance': () => ok(LIST),
      'activity.decideLeave': () => err('FORBIDDEN', '请假由支部书记或副书记审批'),
    });
    const sec = open(ATTENDANCE, { activityId: 'a1' });
    await waitFor(() => expect($(sec, '#reject-o2')).toBeTruthy());
    tap($(sec, '#reject-o2'));
    await waitFor(() => expect(text(sec, '#person-o2')).toContain('请假由支部书记或副书记审批'));
    expect(callsOf(calls, 'activity.decideLeave')[0].data.approve).toBe(false);
    expect(text(sec, '#leave-o2')).toContain('待审批');
  });

  test('marks by hand collect until 保存考勤 sends them; the server’s summary replaces the shown one', async () => {
    const calls = stubBackend({
      'activity.attendance': () => ok(LIST),
      'activity.markAttendance': (_d, _c, nth) =>
        nth === 0
          ? err('CONFLICT', '活动开始前 30 分钟才能记录考勤')
          : ok({
              updated: 2,
              summary: summary({ present: 2, absent: 1, unanswered: 0, rate: 66.7 }),
            }),
    });
    const page = open(ATTENDANCE, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#mark-present-o3')).toBeTruthy());
    // Nothing changed yet: nothing to save.
    expect($(page, '#save-attendance')!.instance.data.disabled).toBe(true);
    tap($(page, '#mark-present-o3'));
    await waitFor(() => expect(page.instance.data.changeCount).toBe(1));
    tap($(page, '#mark-absent-o1'));
    await waitFor(() => expect(page.instance.data.changeCount).toBe(2));
    // Changing one person again is still one change.
    tap($(page, '#mark-leave-o3'));
    tap($(page, '#mark-present-o3'));
    await waitFor(() => expect(page.text()).toContain('保存考勤（2 人）'));

    tap($(page, '#save-attendance'));
    await waitFor(() => expect(text(page, '#save-error')).toBe('活动开始前 30 分钟才能记录考勤'));
    tap($(page, '#save-attendance'));
    await waitFor(() => expect(text(page, '#rate')).toBe('66.7%'));
    const [first, second] = callsOf(calls, 'activity.markAttendance');
    expect(second.data).toEqual({
      activityId: 'a1',
      entries: [
        { personId: 'o3', attendance: 'present' },
        { personId: 'o1', attendance: 'absent' },
      ],
    });
    expect(second.requestId).toBe(first.requestId);
    expect(text(page, '#sum-absent')).toBe('1');
    expect(page.instance.data.changeCount).toBe(0);
    expect($(page, '#save-attendance')!.instance.data.disabled).toBe(true);
  });
});

describe('hours', () => {
  const LIST = {
    items: [
      signup({
        checkedInAt: '2030-05-01T01:00:00.000Z',
        checkedOutAt: '2030-05-01T03:00:00.000Z',
        computedHours: 2,
      }),
      signup({ signupId: 's2', name: '张华', computedHours: 0 }),
      signup({
        signupId: 's3',
        name: '赵敏',
        computedHours: 2,
        confirmedHours: 1.5,
        corrections: [
          {
            from: 2,
            to: 1.5,
            reason: '提前半小时离开',
            byName: '王书记',
            at: '2030-05-02T01:00:00Z',
          },
        ],
      }),
      signup({ signupId: 's4', name: '孙丽', status: 'waitlisted', position: 1 }),
    ],
    nextCursor: null,
    capacity: 3,
    confirmedCount: 3,
    waitlistCount: 1,
  };

  test('confirmed people only, prefilled; a changed value needs a reason; the payload confirms the rest as computed', async () => {
    const calls = stubBackend({
      'activity.listSignups': () => ok(LIST),
      'activity.confirmHours': () => ok({ confirmed: 2, corrected: 1, pending: [] }),
    });
    const page = open(HOURS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#hours-s3')).toBeTruthy());
    expect(callsOf(calls, 'activity.listSignups')[0].data).toEqual({ activityId: 'a1' });
    expect($(page, '#hours-s4')).toBeFalsy();
    expect($(page, '#stepper-s1')!.instance.data.value).toBe(2);
    expect($(page, '#stepper-s3')!.instance.data.value).toBe(1.5);
    expect(text(page, '#hours-s1')).toContain('按规则 2 小时');
    expect(text(page, '#corrections-s3')).toContain('2 → 1.5 小时（提前半小时离开）');
    expect($(page, '#reason-s2')).toBeFalsy();

    // 张华 did not check out but was there: 3 hours, which needs a reason.
    emit($(page, '#stepper-s2'), 'change', { value: 3 });
    await waitFor(() => expect($(page, '#reason-s2')).toBeTruthy());
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect($(page, '#reason-s2')!.instance.data.tips).toContain('请写明原因'));
    expect(callsOf(calls, 'activity.confirmHours')).toHaveLength(0);

    emit($(page, '#reason-s2'), 'change', { value: '忘记签退，现场确认全程参加' });
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect(callsOf(calls, 'activity.confirmHours')).toHaveLength(1));
    expect(callsOf(calls, 'activity.confirmHours')[0].data).toEqual({
      activityId: 'a1',
      entries: [
        { signupId: 's1' },
        { signupId: 's2', hours: 3, reason: '忘记签退，现场确认全程参加' },
      ],
    });
    // The list reloads to show what the server kept; the result stays said.
    await waitFor(() => expect(callsOf(calls, 'activity.listSignups')).toHaveLength(2));
    await waitFor(() =>
      expect(text(page, '#hours-result')).toContain('已确认 2 人的时长，其中更正 1 人'),
    );
  });

  test('what the server answers as pending is sent again until nothing is left', async () => {
    const calls = stubBackend({
      'activity.listSignups': () => ok(LIST),
      'activity.confirmHours': (_d, _c, nth) =>
        nth === 0
          ? ok({ confirmed: 1, corrected: 0, pending: ['s2'] })
          : ok({ confirmed: 1, corrected: 1, pending: [] }),
    });
    const page = open(HOURS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#stepper-s2')).toBeTruthy());
    emit($(page, '#stepper-s2'), 'change', { value: 3 });
    await waitFor(() => expect($(page, '#reason-s2')).toBeTruthy());
    emit($(page, '#reason-s2'), 'change', { value: '忘记签退，现场确认全程参加' });
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect(callsOf(calls, 'activity.confirmHours')).toHaveLength(2));
    const [first, second] = callsOf(calls, 'activity.confirmHours');
    expect(first.data.entries).toHaveLength(2);
    expect(second.data.entries).toEqual([
      { signupId: 's2', hours: 3, reason: '忘记签退，现场确认全程参加' },
    ]);
    // A new round is a new write: its own requestId, not a replay of the first.
    expect(second.requestId).not.toBe(first.requestId);
    await waitFor(() =>
      expect(text(page, '#hours-result')).toContain('已确认 2 人的时长，其中更正 1 人'),
    );
  });

  test('a call that confirms nothing and leaves everything pending stops with a message', async () => {
    const calls = stubBackend({
      'activity.listSignups': () => ok(LIST),
      'activity.confirmHours': (d: { entries: { signupId: string }[] }) =>
        ok({ confirmed: 0, corrected: 0, pending: d.entries.map((e) => e.signupId) }),
    });
    const page = open(HOURS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#confirm-hours')).toBeTruthy());
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect(text(page, '#save-error')).toContain('没有全部确认'));
    expect(callsOf(calls, 'activity.confirmHours')).toHaveLength(1);
  });

  test('a value set back to what it was needs no reason; nothing left to confirm is said', async () => {
    const calls = stubBackend({
      'activity.listSignups': () => ok({ ...LIST, items: [LIST.items[2]] }),
    });
    const page = open(HOURS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#stepper-s3')).toBeTruthy());
    emit($(page, '#stepper-s3'), 'change', { value: 2 });
    await waitFor(() => expect($(page, '#reason-s3')).toBeTruthy());
    emit($(page, '#stepper-s3'), 'change', { value: 1.5 });
    await waitFor(() => expect($(page, '#reason-s3')).toBeFalsy());
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect(text(page, '#save-error')).toContain('没有改动'));
    expect(callsOf(calls, 'activity.confirmHours')).toHaveLength(0);
  });

  test('the server refusing (before the end) is said above the button', async () => {
    stubBackend({
      'activity.listSignups': () => ok(LIST),
      'activity.confirmHours': () => err('CONFLICT', '活动结束后才能确认时长'),
    });
    const page = open(HOURS, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#confirm-hours')).toBeTruthy());
    tap($(page, '#confirm-hours'));
    await waitFor(() => expect(text(page, '#save-error')).toBe('活动结束后才能确认时长'));
  });
});

describe('minutes', () => {
  const meeting = (over = {}) =>
    activityDetail({
      kind: 'meeting',
      meetingType: 'memberMeeting',
      kindLabel: '支部党员大会',
      title: '五月支部党员大会',
      ...over,
    });

  test('too short is said; posting sends the text and shows it as the current minutes', async () => {
    const calls = stubBackend({
      'activity.get': () => ok(meeting()),
      'activity.postMinutes': (d) =>
        ok({
          activityId: 'a1',
          minutes: {
            text: d.text,
            postedAt: '2030-05-01T04:00:00Z',
            authorName: '王书记',
            held: false,
          },
        }),
    });
    const page = open(MINUTES, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#minutes-text')).toBeTruthy());
    expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(['activity.get']);
    expect(text(page, '#activity-title')).toBe('五月支部党员大会');
    expect($(page, '#current-minutes')).toBeFalsy();

    emit($(page, '#minutes-text'), 'change', { value: '会议很好' });
    tap($(page, '#post-minutes'));
    await waitFor(() => expect(text(page, '#minutes-error')).toContain('至少 10 个字'));
    expect(callsOf(calls, 'activity.postMinutes')).toHaveLength(0);

    const body = '时间：5月1日上午。出席 18 人，请假 2 人。议题：学习党章，讨论社区志愿服务安排。';
    emit($(page, '#minutes-text'), 'change', { value: body });
    tap($(page, '#post-minutes'));
    await waitFor(() => expect($(page, '#current-minutes')).toBeTruthy());
    expect(callsOf(calls, 'activity.postMinutes')[0].data).toEqual({
      activityId: 'a1',
      text: body,
    });
    expect(callsOf(calls, 'activity.postMinutes')[0].requestId).toBeTruthy();
    expect(text(page, '#minutes-result')).toContain('会议记录已发布');
    expect(text(page, '#current-minutes')).toContain('王书记');
  });

  test('held minutes say they wait for review; current minutes prefill the text', async () => {
    stubBackend({
      'activity.get': () =>
        ok(
          meeting({
            minutes: {
              text: '上次的会议记录全文内容。',
              postedAt: '2030-05-01T04:00:00Z',
              authorName: '王书记',
              held: true,
            },
          }),
        ),
    });
    const page = open(MINUTES, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#current-minutes')).toBeTruthy());
    expect(text(page, '#held-hint')).toContain('人工复核');
    expect($(page, '#minutes-text')!.instance.data.value).toBe('上次的会议记录全文内容。');
    expect(page.text()).toContain('更新会议记录');
  });

  test('the server’s refusal is shown under the text; a volunteer activity has no minutes', async () => {
    stubBackend({
      'activity.get': () => ok(meeting()),
      'activity.postMinutes': () => err('CONFLICT', '会议开始后才能发布会议记录'),
    });
    const page = open(MINUTES, { activityId: 'a1' });
    await waitFor(() => expect($(page, '#minutes-text')).toBeTruthy());
    emit($(page, '#minutes-text'), 'change', { value: '这是一份足够长的会议记录内容。' });
    tap($(page, '#post-minutes'));
    await waitFor(() => expect(text(page, '#minutes-error')).toBe('会议开始后才能发布会议记录'));
    page.detach();

    stubBackend({ 'activity.get': () => ok(activityDetail()) });
    const v = open(MINUTES, { activityId: 'a1' });
    await waitFor(() => expect(errorState(v)).toBeTruthy());
    expect(v.text()).toContain('志愿服务活动没有会议记录');
  });
});

describe('export of a branch’s hours', () => {
  test('this year by default; a range is checked; the file opens after export', async () => {
    const openDocument = stubWx(
      'openDocument',
      jest.fn((o: any) => o.success({})),
    );
    stubWx('downloadFile', (o: any) =>
      o.success({ statusCode: 200, tempFilePath: 'wxfile://h.xlsx' }),
    );
    const calls = stubBackend({
      'activity.exportHours': () =>
        ok({
          fileID: 'cloud://x/h.xlsx',
          url: 'https://example.com/h.xlsx',
          fileName: '服务时长.xlsx',
          rows: 42,
        }),
    });
    const page = open(EXPORT, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    expect(calls).toHaveLength(0);
    const now = new Date();
    const year = now.getFullYear();
    expect(page.instance.data.from).toBe(`${year}-01-01`);

    // The start after the end.
    tap($(page, '#from-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('from'));
    emit($(page, '#date-picker'), 'confirm', { value: `${year + 1}-01-01` });
    await waitFor(() => expect(page.instance.data.from).toBe(`${year + 1}-01-01`));
    tap($(page, '#export-btn'));
    await waitFor(() => expect(text(page, '#export-error')).toContain('开始日期不能晚于结束日期'));
    // More than 366 days.
    tap($(page, '#from-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('from'));
    emit($(page, '#date-picker'), 'confirm', { value: `${year - 2}-01-01` });
    await waitFor(() => expect(page.instance.data.from).toBe(`${year - 2}-01-01`));
    tap($(page, '#export-btn'));
    await waitFor(() => expect(text(page, '#export-error')).toContain('最多导出 366 天'));
    expect(callsOf(calls, 'activity.exportHours')).toHaveLength(0);

    tap($(page, '#from-cell'));
    await waitFor(() => expect(page.instance.data.picker).toBe('from'));
    emit($(page, '#date-picker'), 'confirm', { value: `${year}-01-01` });
    await waitFor(() => expect(page.instance.data.from).toBe(`${year}-01-01`));
    tap($(page, '#export-btn'));
    await waitFor(() => expect(openDocument).toHaveBeenCalled());
    expect(callsOf(calls, 'activity.exportHours')[0].data).toEqual({
      branchId: 'b1',
      from: `${year}-01-01`,
      to: page.instance.data.to,
    });
    expect(page.instance.data.to).toMatch(new RegExp(`^${year}-\\d\\d-\\d\\d$`));
    expect(text(page, '#export-result')).toContain('已导出 42 条记录');
  });

  test('a refusal is said; nothing is shown as exported', async () => {
    stubBackend({ 'activity.exportHours': () => err('FORBIDDEN', '只有支部委员可以导出') });
    const page = open(EXPORT, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#export-btn')).toBeTruthy());
    tap($(page, '#export-btn'));
    await waitFor(() => expect(text(page, '#export-error')).toBe('只有支部委员可以导出'));
    expect($(page, '#export-result')).toBeFalsy();
  });
});

describe('attendance statistics', () => {
  const STATS_RES = (year: number) => ({
    year,
    meetings: [
      {
        activityId: 'm2',
        title: '五月支部党员大会',
        kindLabel: '支部党员大会',
        startAt: `${year}-05-01T01:00:00Z`,
        summary: summary({ expected: 20, present: 18, leave: 2, absent: 0, rate: 90 }),
      },
      {
        activityId: 'm1',
        title: '四月主题党日',
        kindLabel: '主题党日',
        startAt: `${year}-04-10T01:00:00Z`,
        summary: summary({ expected: 20, present: 15, leave: 3, absent: 2, rate: 75 }),
      },
    ],
    members: [
      { personId: 'o1', name: '张三', present: 2, leave: 0, absent: 0, rate: 100 },
      { personId: 'o2', name: '王五', present: 1, leave: 1, absent: 0, rate: 50 },
      { personId: 'o3', name: '李四', present: 0, leave: 0, absent: 2, rate: 0 },
    ],
  });

  test('per meeting with its rate; per member by name, never by rate; the year changes', async () => {
    const year = new Date().getFullYear();
    const calls = stubBackend({ 'activity.attendanceStats': (d) => ok(STATS_RES(d.year)) });
    const page = open(STATS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#member-o3')).toBeTruthy());
    expect(callsOf(calls, 'activity.attendanceStats')[0].data).toEqual({ branchId: 'b1', year });
    expect(text(page, '#meeting-m2')).toContain('90%');
    expect(text(page, '#meeting-m2')).toContain('应到 20 · 实到 18 · 请假 2 · 缺席 0');
    // 李四 (lǐ) · 王五 (wáng) · 张三 (zhāng): alphabetical by pinyin, whatever the rates.
    expect((page.instance.data.members as { name: string }[]).map((m) => m.name)).toEqual([
      '李四',
      '王五',
      '张三',
    ]);
    expect(text(page, '#member-o2')).toContain('出席 1 · 请假 1 · 缺席 0');
    expect(page.text()).not.toMatch(/排名|第 ?\d+ ?名/);
    // Not beyond this year.
    expect($(page, '#year-next')!.instance.data.disabled).toBe(true);

    tap($(page, '#year-prev'));
    await waitFor(() => expect(callsOf(calls, 'activity.attendanceStats')).toHaveLength(2));
    expect(callsOf(calls, 'activity.attendanceStats')[1].data).toEqual({
      branchId: 'b1',
      year: year - 1,
    });
    await waitFor(() => expect(text(page, '#year')).toBe(`${year - 1} 年`));
  });

  test('20 members at a time; 显示更多 shows the next ones without another call', async () => {
    const members = Array.from({ length: 25 }, (_, i) => ({
      personId: `p${String(i).padStart(2, '0')}`,
      name: `党员${String(i).padStart(2, '0')}`,
      present: 1,
      leave: 0,
      absent: 0,
      rate: 100,
    }));
    const calls = stubBackend({
      'activity.attendanceStats': (d) => ok({ ...STATS_RES(d.year), members }),
    });
    const page = open(STATS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#more-members')).toBeTruthy());
    expect(page.instance.data.members).toHaveLength(20);
    tap($(page, '#more-members'));
    await waitFor(() => expect(page.instance.data.members).toHaveLength(25));
    expect($(page, '#more-members')).toBeFalsy();
    expect(calls).toHaveLength(1);
  });

  test('an error is the error state', async () => {
    stubBackend({
      'activity.attendanceStats': () => err('FORBIDDEN', '只有支部委员可以查看出勤统计'),
    });
    const page = open(STATS, { branchId: 'b1' });
    await waitFor(() => expect(errorState(page)).toBeTruthy());
    expect(page.text()).toContain('只有支部委员可以查看出勤统计');
  });
});

describe('good deeds', () => {
  const TALLY = {
    branchTotal: 37,
    yearTotal: 12,
    recent: [
      {
        activityId: 'a0',
        title: '助老服务',
        count: 3,
        note: '为独居老人修理门锁',
        at: '2030-04-01T02:00:00Z',
      },
    ],
  };

  test('the tally; recording checks the note, sends count and note, and says the new totals', async () => {
    const calls = stubBackend({
      'activity.goodDeeds': (_d, _c, nth) =>
        ok(nth === 0 ? TALLY : { ...TALLY, branchTotal: 41, yearTotal: 16 }),
      'activity.recordGoodDeeds': () => ok({ activityId: 'a1', activityTotal: 4, branchTotal: 41 }),
    });
    const page = open(DEEDS, { branchId: 'b1', activityId: 'a1' });
    await waitFor(() => expect($(page, '#tally')).toBeTruthy());
    expect(callsOf(calls, 'activity.goodDeeds')[0].data).toEqual({ branchId: 'b1' });
    expect(text(page, '#branch-total')).toBe('37');
    expect(text(page, '#year-total')).toBe('12');
    expect(page.text()).toContain('为独居老人修理门锁');

    tap($(page, '#record-deeds'));
    await waitFor(() => expect(text(page, '#deeds-error')).toContain('请写明办了哪些好事实事'));
    expect(callsOf(calls, 'activity.recordGoodDeeds')).toHaveLength(0);

    emit($(page, '#deeds-count'), 'change', { value: 4 });
    emit($(page, '#deeds-note'), 'change', { value: '更换楼道灯泡 4 处' });
    tap($(page, '#record-deeds'));
    await waitFor(() => expect($(page, '#deeds-result')).toBeTruthy());
    const [rec] = callsOf(calls, 'activity.recordGoodDeeds');
    expect(rec.data).toEqual({ activityId: 'a1', count: 4, note: '更换楼道灯泡 4 处' });
    expect(rec.requestId).toBeTruthy();
    expect(text(page, '#deeds-result')).toContain('这次活动共 4 件，支部累计 41 件');
    await waitFor(() => expect(text(page, '#year-total')).toBe('16'));
    expect(text(page, '#branch-total')).toBe('41');
  });

  test('without an activity only the tally shows; CONTENT_RISKY says what to change', async () => {
    stubBackend({ 'activity.goodDeeds': () => ok({ ...TALLY, recent: [] }) });
    const page = open(DEEDS, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#tally')).toBeTruthy());
    expect($(page, '#record-form')).toBeFalsy();
    expect($(page, '#no-deeds')).toBeTruthy();
    page.detach();

    stubBackend({
      'activity.goodDeeds': () => ok(TALLY),
      'activity.recordGoodDeeds': () => err('CONTENT_RISKY', '内容可能含有违规信息'),
    });
    const rec = open(DEEDS, { branchId: 'b1', activityId: 'a1' });
    await waitFor(() => expect($(rec, '#deeds-note')).toBeTruthy());
    emit($(rec, '#deeds-note'), 'change', { value: '一些内容' });
    tap($(rec, '#record-deeds'));
    await waitFor(() => expect(text(rec, '#deeds-error')).toContain('请修改可能违规的内容'));
  });
});
