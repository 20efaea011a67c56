/**
 * Excel exports through the emulator: the file is a real .xlsx in cloud storage under
 * `exports/<branchId>/`, read back here with exceljs, whose rows match the stored sign-ups
 * and hours; residents' phones are masked for everyone (no 11-digit number anywhere in a
 * workbook), held correction reasons read 「（原因审核中）」 except for the secretaries; file names
 * carry a random suffix; organisers only; the date range is checked; the budget holds, also
 * when the hours span several keyset pages (and over 1 000 rows share one start time).
 */
import { readFileSync } from 'node:fs';
import { Workbook, type Worksheet } from 'exceljs';
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator } from '../helpers/branch';
import { DAY, HOUR, activityCaller } from '../helpers/activity';
import { participantDoc } from '../helpers/activity';
import { participantId, refused, seedVolunteer, within } from '../helpers/volunteer';
import { chinaDay } from '../../cloudfunctions/common/util';

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const ORGANISER = 'demo-organizer';
/** Hours are exported from branch 2, which has no volunteer records in the demo seed. */
const B2 = 'org-branch-2';
const ORGANISER_2 = 'demo-organizer-2';
const B2_EXTRA = { branchId: B2, branchName: '幸福里社区第二党支部' };
const PHONE = '13812345678';

async function workbookOf(fileID: string): Promise<Workbook> {
  const file = emu.emulator.storage.localPathOf(fileID);
  expect(file).not.toBeNull();
  const wb = new Workbook();
  await wb.xlsx.load(readFileSync(file!) as never);
  return wb;
}

/** Every cell text of every sheet: no whole phone (11 digits in a row) may be among them. */
function expectNoPhone(wb: Workbook) {
  const texts: string[] = [];
  wb.eachSheet((ws) => texts.push(...rowsOf(ws).flat()));
  expect(texts.length).toBeGreaterThan(0);
  expect(texts.filter((t) => /\d{11}/.test(t))).toEqual([]);
}

/** Rows as arrays of cell texts (exceljs rows are 1-based with a leading hole). */
function rowsOf(ws: Worksheet): string[][] {
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const values = (row.values as unknown[])
      .slice(1)
      .map((v) => (v === undefined || v === null ? '' : String(v)));
    out.push(values);
  });
  return out;
}

/**
 * An activity that ended an hour ago: A (member, 2 h confirmed, corrected from 1.5), R
 * (resident with a phone, confirmed 2), W waitlisted, X cancelled.
 */
async function endedWithSignups() {
  const start = Date.now() - 3 * HOUR;
  const at = (m: number) => new Date(start + m * 60_000);
  return seedVolunteer(emu, 'v1', {
    startAt: new Date(start),
    endAt: new Date(start + 2 * HOUR),
    extra: { capacity: 2, title: '助老服务' },
    people: [
      {
        openid: 'demo-member',
        extra: {
          name: '李秀英',
          checkedInAt: at(10),
          checkedOutAt: at(100),
          confirmedHours: 2,
          corrections: [
            { from: 1.5, to: 2, reason: '提前到场', by: ORGANISER, byName: '张丽', at: at(200) },
            {
              from: 2,
              to: 2,
              reason: '核实测试待审词',
              reasonHeld: true,
              by: ORGANISER,
              byName: '张丽',
              at: at(210),
            },
          ],
        },
      },
      {
        openid: 'resident-1',
        extra: {
          name: '赵大妈',
          who: 'resident',
          phone: PHONE,
          checkedInAt: at(0),
          checkedOutAt: at(120),
          confirmedHours: 2,
        },
      },
      { openid: 'demo-elder', extra: { name: '何永福' } },
      {
        openid: 'demo-member-b1-01',
        outOfQueue: true,
        extra: { name: '田秀兰', state: 'cancelled', cancelledAt: at(-600) },
      },
    ],
  });
}

describe('exportSignups', () => {
  test('a real xlsx in storage whose rows are the sign-ups; phones masked for the secretary too', async () => {
    await endedWithSignups();
    const r = await within('write', call('demo-secretary', 'exportSignups', { activityId: 'v1' }));
    expect(r.rows).toBe(4);
    expect(r.fileID).toMatch(/\/exports\/org-branch-1\/signups-v1-\d{8}T\d{6}-[0-9a-f]{24}\.xlsx$/);
    expect(r.url).toMatch(/^https?:\/\//);
    expect(r.fileName).toBe('助老服务-报名与时长.xlsx');

    const wb = await workbookOf(r.fileID);
    const ws = wb.getWorksheet('报名与时长')!;
    const rows = rowsOf(ws);
    expect(rows[0]).toEqual([
      '序号',
      '姓名',
      '身份',
      '手机号',
      '状态',
      '候补序号',
      '报名时间',
      '取消时间',
      '签到',
      '签退',
      '计算时长(小时)',
      '核定时长(小时)',
      '更正记录',
    ]);
    const body = rows.slice(1, 5);
    expect(body.map((x) => [x[1], x[2], x[3], x[4], x[5], x[10], x[11]])).toEqual([
      ['李秀英', '党员', '', '已确认', '', '1.5', '2'],
      ['赵大妈', '居民', '138****5678', '已确认', '', '2', '2'],
      ['何永福', '党员', '', '候补', '1', '', ''],
      ['田秀兰', '党员', '', '已取消', '', '', ''],
    ]);
    expect(body[0][12]).toContain('1.5→2（提前到场）');
    // The secretary reads a held reason.
    expect(body[0][12]).toContain('2→2（核实测试待审词）');
    expect(body[0][8]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expectNoPhone(wb);
    // Another export of the same rows: another, unguessable file.
    const again = await within(
      'write',
      call('demo-secretary', 'exportSignups', { activityId: 'v1' }),
    );
    expect(again.fileID).not.toBe(r.fileID);
  });

  test('every organiser gets phones masked, held reasons hidden but for secretaries; members may not export', async () => {
    await endedWithSignups();
    for (const who of [ORGANISER, 'demo-propaganda', 'demo-deputy']) {
      const r = await within('write', call(who, 'exportSignups', { activityId: 'v1' }));
      const wb = await workbookOf(r.fileID);
      const rows = rowsOf(wb.getWorksheet(1)!);
      expect(rows[2][3]).toBe('138****5678');
      expectNoPhone(wb);
      const secretary = who === 'demo-deputy';
      expect(rows[1][12]).toContain(secretary ? '（核实测试待审词）' : '2→2（（原因审核中））');
      if (!secretary) expect(rows[1][12]).not.toContain('待审词');
    }
    for (const who of ['demo-member', 'demo-resident', 'demo-secretary-2']) {
      expect((await refused(call(who, 'exportSignups', { activityId: 'v1' }))).code).toBe(
        'FORBIDDEN',
      );
    }
  });

  test('a meeting: the expected audience with replies and attendance', async () => {
    await seedVolunteer(emu, 'm1', {
      startAt: new Date(Date.now() - 3 * HOUR),
      endAt: new Date(Date.now() - HOUR),
      extra: {
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        title: '支部党员大会',
        expected: [
          { openid: 'demo-member', name: '李秀英' },
          { openid: 'demo-elder', name: '何永福' },
          { openid: 'demo-member-b1-01', name: '田秀兰' },
        ],
      },
      people: [
        {
          openid: 'demo-member',
          extra: { kind: 'meeting', reply: 'attend', attendance: 'present' },
        },
        {
          openid: 'demo-elder',
          extra: {
            kind: 'meeting',
            reply: 'leave',
            leave: {
              reason: '出差',
              status: 'approved',
              decidedAt: null,
              decidedBy: null,
              note: null,
            },
          },
        },
      ],
    });
    const r = await within('write', call('demo-secretary', 'exportSignups', { activityId: 'm1' }));
    expect(r.rows).toBe(3);
    expect(r.fileName).toBe('支部党员大会-参会与出勤.xlsx');
    const rows = rowsOf((await workbookOf(r.fileID)).getWorksheet('参会与出勤')!);
    expect(rows.slice(1, 4).map((x) => [x[1], x[4], x[12]])).toEqual([
      ['李秀英', '出席', ''],
      ['何永福', '请假', '请假：出差'],
      ['田秀兰', '未答复', ''],
    ]);
  });
});

describe('exportHours', () => {
  /** Stored records of branch 1's volunteer activities (`days` ago, hours), for `exportHours`. */
  function record(id: string, openid: string, daysAgo: number, hours: number | null, extra = {}) {
    const startAt = new Date(Date.now() - daysAgo * DAY);
    return participantDoc(
      participantId(id, openid),
      { _id: id, startAt, title: `活动${id}` },
      openid,
      { ...B2_EXTRA, confirmedHours: hours, ...extra },
    );
  }

  test('confirmed hours of the range, a total and a per-person sheet; phones masked', async () => {
    await emu.seed({
      activityParticipants: [
        record('a', 'demo-member', 10, 2, { name: '李秀英' }),
        record('b', 'demo-member', 5, 1.5, { name: '李秀英' }),
        record('b', 'resident-1', 5, 3, { name: '赵大妈', who: 'resident', phone: PHONE }),
        record('c', 'demo-elder', 5, 0, { name: '何永福' }), // no hours: left out
        record('d', 'demo-elder', 4, null, { name: '何永福' }), // not confirmed: left out
        record('e', 'demo-member', 60, 4, { name: '李秀英' }), // before the range
        record('f', 'demo-member', 5, 2, { branchId: 'org-branch-1', name: '李秀英' }), // another branch
      ],
    });
    const from = chinaDay(Date.now() - 30 * DAY);
    const to = chinaDay(Date.now());
    const r = await within('write', call(ORGANISER_2, 'exportHours', { branchId: B2, from, to }));
    expect(r.rows).toBe(3);
    expect(r.truncated).toBe(false);
    expect(r.fileID).toMatch(
      new RegExp(`/exports/org-branch-2/hours-${from}-${to}-\\d{8}T\\d{6}-[0-9a-f]{24}\\.xlsx$`),
    );
    const wb = await workbookOf(r.fileID);
    const rows = rowsOf(wb.getWorksheet('服务时长')!);
    expect(rows[0]).toEqual([
      '日期',
      '活动',
      '姓名',
      '身份',
      '手机号',
      '签到',
      '签退',
      '核定时长(小时)',
      '更正记录',
    ]);
    expect(rows.slice(1, 4).map((x) => [x[1], x[2], x[4], x[7]])).toEqual([
      ['活动a', '李秀英', '', '2'],
      ['活动b', '李秀英', '', '1.5'],
      ['活动b', '赵大妈', '138****5678', '3'],
    ]);
    expect(rows[4]).toEqual(['合计', '', '', '', '', '', '', '6.5']);
    const people = rowsOf(wb.getWorksheet('按人汇总')!);
    expect(people.slice(1)).toEqual([
      ['李秀英', '党员', '2', '3.5'],
      ['赵大妈', '居民', '1', '3'],
    ]);
    expectNoPhone(wb);
    // The secretary too gets it masked (revealed one at a time by `revealPhone` only).
    const sec = await within(
      'write',
      call('demo-secretary-2', 'exportHours', { branchId: B2, from, to }),
    );
    const secWb = await workbookOf(sec.fileID);
    expect(rowsOf(secWb.getWorksheet(1)!)[3][4]).toBe('138****5678');
    expectNoPhone(secWb);
  });

  test('the range: from ≤ to, at most 366 days; organisers of the branch only', async () => {
    const bad = [
      { branchId: B2, from: '2025-03-02', to: '2025-03-01' },
      { branchId: B2, from: '2024-01-01', to: '2025-01-01' }, // 367 days
      { branchId: B2, from: '2025/01/01', to: '2025-02-01' },
    ];
    for (const data of bad) {
      expect((await refused(call(ORGANISER_2, 'exportHours', data))).code).toBe('INVALID_ARGUMENT');
    }
    await within(
      'write',
      call(ORGANISER_2, 'exportHours', { branchId: B2, from: '2024-01-02', to: '2025-01-01' }),
    );
    for (const who of ['demo-member-2', 'demo-secretary', 'demo-resident']) {
      expect(
        (
          await refused(
            call(who, 'exportHours', { branchId: B2, from: '2025-01-01', to: '2025-02-01' }),
          )
        ).code,
      ).toBe('FORBIDDEN');
    }
  });

  test('more rows than one page: read in pages of 1 000 within the budget', async () => {
    const docs = Array.from({ length: 1005 }, (_, i) =>
      record(`x${i}`, `vol-${i % 50}`, 1 + (i % 20), 1, { name: `志愿者${i % 50}` }),
    );
    await emu.seed({ activityParticipants: docs });
    const r = await within(
      'write',
      call(ORGANISER_2, 'exportHours', {
        branchId: B2,
        from: chinaDay(Date.now() - 30 * DAY),
        to: chinaDay(Date.now()),
      }),
    );
    expect(r.rows).toBe(1005);
    expect(r.truncated).toBe(false);
    const rows = rowsOf((await workbookOf(r.fileID)).getWorksheet('服务时长')!);
    expect(rows.find((x) => x[0] === '合计')?.[7]).toBe('1005');
  }, 30_000);

  test('keyset pages: over 1 000 rows of one start time, every row once, within the budget', async () => {
    // Two activities starting at the same instant (700 + 600 sign-ups), and 300 other rows.
    const same = new Date(Date.now() - 3 * DAY);
    const docs = [
      ...Array.from({ length: 1300 }, (_, i) =>
        participantDoc(
          participantId(i < 700 ? 'p1' : 'p2', `vol-${i}`),
          { _id: i < 700 ? 'p1' : 'p2', startAt: same, title: '同时开始' },
          `vol-${i}`,
          { ...B2_EXTRA, confirmedHours: 1, name: `志愿者${i}` },
        ),
      ),
      ...Array.from({ length: 300 }, (_, i) =>
        record(`y${i}`, `late-${i}`, 1 + (i % 2), 2, { name: `后来${i}` }),
      ),
    ];
    await emu.seed({ activityParticipants: docs });
    const r = await within(
      'write',
      call(ORGANISER_2, 'exportHours', {
        branchId: B2,
        from: chinaDay(Date.now() - 30 * DAY),
        to: chinaDay(Date.now()),
      }),
    );
    expect(r.rows).toBe(1600);
    expect(r.truncated).toBe(false);
    const rows = rowsOf((await workbookOf(r.fileID)).getWorksheet('服务时长')!);
    const names = rows.slice(1, 1601).map((x) => x[2]);
    expect(new Set(names).size).toBe(1600);
    // Oldest first: the 1 300 of the shared start, then the later ones.
    expect(names.slice(0, 1300).every((n) => n.startsWith('志愿者'))).toBe(true);
    expect(rows.find((x) => x[0] === '合计')?.[7]).toBe(String(1300 + 600));
  }, 30_000);
});
