/**
 * Excel exports for organisers (导出): one activity's sign-ups with attendance and hours, and a
 * branch's confirmed volunteer hours over a date range. The workbook is built with exceljs,
 * stored in cloud storage under `exports/<branchId>/` and answered with a temporary download
 * link. exceljs is large (≈2.4 MB bundled): it is loaded inside the handlers, so no other
 * action of the function pays for it at a cold start.
 *
 * Residents' phones are MASKED in every file, whoever exports (`138****1234`): a file is
 * copied and forwarded out of reach of the audit log, so the whole number is revealed only one
 * at a time, on purpose and logged (`revealPhone`). Correction reasons content security held
 * for review read 「（原因审核中）」 except for the secretaries. Files are stored under
 * `exports/<branchId>/` with a random suffix (the path cannot be guessed). Both exports are
 * writes (they create a file) that are safe to repeat (a retry makes another file with the same
 * rows), so they skip the requestId marker and spend their budget on reading.
 */
import { randomBytes } from 'crypto';
import * as z from 'zod';
import type { Workbook, Worksheet } from 'exceljs';
import type { ExportResponse } from '../../typings/api';
import {
  AppError,
  COLLECTIONS,
  can,
  fetchAll,
  type ActionDef,
  type Cloud,
  type Database,
} from '../common';
import type { ActivityDoc, ParticipantDoc } from '../common/model';
import { toTime } from '../common/db';
import { chinaDay, chinaMinute, dayStart, loadActor, maskPhone } from '../common/util';
import { activityFor, attendanceOf, forbidden, idSchema, kindLabel, queueState } from './shared';
import { computeHours, correctionReason, type StoredCorrection } from './hours';

export const EXPORT_MSG = {
  notOrganiser: '只有支部委员可以导出',
  badRange: '结束日期不能早于开始日期',
  rangeTooLong: '导出范围最长 366 天',
  uploadFailed: '导出文件保存失败，请稍后再试',
} as const;

/** Rows one read of `exportHours` fetches (the server SDK's largest page). */
export const HOURS_PAGE = 1000;
/** Random bytes in an export's file name (hex): a path nobody can guess. */
const NAME_RANDOM_BYTES = 12;
/**
 * Pages `exportHours` reads: the budget (5) less the memberships read. So one file holds at most
 * 4 000 confirmed hours entries (a branch of 100 volunteers serving weekly for a year is 5 200
 * sign-ups, of which those with hours are far fewer); beyond, the file says it was cut and the
 * answer carries `truncated`.
 */
export const HOURS_PAGES = 4;
const MAX_RANGE_DAYS = 366;
const DAY_MS = 86400_000;

const WHO_TEXT: Record<ParticipantDoc['who'], string> = {
  member: '党员',
  reported: '双报到党员',
  resident: '居民',
};
const ATTENDANCE_TEXT = { present: '出席', absent: '缺席', leave: '请假' } as const;

async function newWorkbook(): Promise<Workbook> {
  // Loaded here, not at the top: see the module comment.
  const { Workbook: WorkbookClass } = await import('exceljs');
  const wb = new WorkbookClass();
  wb.creator = '网上支部';
  wb.created = new Date();
  return wb;
}

function sheetWith(wb: Workbook, name: string, columns: { header: string; width: number }[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width }));
  ws.getRow(1).font = { bold: true };
  return ws;
}

function addRows(ws: Worksheet, rows: (string | number | null)[][]) {
  for (const r of rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
}

function timeText(value: unknown): string | null {
  return value ? chinaMinute(value) : null;
}

function correctionsText(corrections: StoredCorrection[] | undefined, secretary: boolean): string {
  return (corrections ?? [])
    .map(
      (c) =>
        `${chinaMinute(c.at)} ${c.byName || '组织者'}：${c.from}→${c.to}（${correctionReason(c, secretary)}）`,
    )
    .join('；');
}

/**
 * `exports/<branchId>/<name>-<timestamp>-<random>.xlsx`, then a temporary link (no database
 * request).
 */
async function store(
  cloud: Cloud,
  wb: Workbook,
  branchId: string,
  name: string,
  fileName: string,
  rows: number,
): Promise<ExportResponse> {
  const content = Buffer.from(await wb.xlsx.writeBuffer());
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15);
  const random = randomBytes(NAME_RANDOM_BYTES).toString('hex');
  const cloudPath = `exports/${branchId}/${name}-${stamp}-${random}.xlsx`;
  const up = (await cloud.uploadFile({ cloudPath, fileContent: content })) as { fileID?: string };
  if (!up?.fileID) throw new AppError('INTERNAL', EXPORT_MSG.uploadFailed);
  const temp = (await cloud.getTempFileURL({ fileList: [up.fileID] })) as {
    fileList?: { tempFileURL?: string }[];
  };
  const url = temp?.fileList?.[0]?.tempFileURL;
  if (!url) throw new AppError('INTERNAL', EXPORT_MSG.uploadFailed);
  return { fileID: up.fileID, url, fileName, rows };
}

/** File names may not hold path or reserved characters. */
function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40);
}

// ---------------------------------------------------------------- exportSignups

const SIGNUP_COLUMNS = [
  { header: '序号', width: 6 },
  { header: '姓名', width: 12 },
  { header: '身份', width: 12 },
  { header: '手机号', width: 14 },
  { header: '状态', width: 10 },
  { header: '候补序号', width: 9 },
  { header: '报名时间', width: 17 },
  { header: '取消时间', width: 17 },
  { header: '签到', width: 17 },
  { header: '签退', width: 17 },
  { header: '计算时长(小时)', width: 14 },
  { header: '核定时长(小时)', width: 14 },
  { header: '更正记录', width: 40 },
];

/** The rows of a volunteer activity: the queue (confirmed, then waitlisted), then cancelled. */
function volunteerRows(doc: ActivityDoc, participants: ParticipantDoc[], secretary: boolean) {
  const byId = new Map(participants.map((p) => [p._id, p]));
  const queued = (doc.queue ?? []).map((id) => byId.get(id)).filter((p) => !!p);
  const cancelled = participants
    .filter((p) => !(doc.queue ?? []).includes(p._id) && p.signedUpAt)
    .sort((a, b) => toTime(a.cancelledAt) - toTime(b.cancelledAt));
  return [...queued, ...cancelled].map((p, i) => {
    const q = queueState(doc, p._id);
    const status =
      q.status === 'confirmed' ? '已确认' : q.status === 'waitlisted' ? '候补' : '已取消';
    return [
      i + 1,
      p.name,
      WHO_TEXT[p.who] ?? '',
      maskPhone(p.phone),
      status,
      q.position,
      timeText(p.signedUpAt),
      timeText(p.cancelledAt),
      timeText(p.checkedInAt),
      timeText(p.checkedOutAt),
      q.status === 'confirmed' ? computeHours(doc, p).hours : null,
      p.confirmedHours,
      correctionsText(p.corrections, secretary),
    ];
  });
}

/**
 * The rows of a meeting or theme day: the expected audience with reply and attendance, then
 * anyone else who checked in (reported members of a theme day).
 */
function meetingRows(doc: ActivityDoc, participants: ParticipantDoc[]) {
  const byOpenid = new Map(participants.map((p) => [p.openid, p]));
  const expected = new Set((doc.expected ?? []).map((e) => e.openid));
  const people = [
    ...(doc.expected ?? []).map((e) => ({ name: e.name, p: byOpenid.get(e.openid) ?? null })),
    ...participants.filter((p) => !expected.has(p.openid)).map((p) => ({ name: p.name, p })),
  ];
  return people.map(({ name, p }, i) => {
    const a = attendanceOf(p);
    const reply = p?.reply === 'leave' ? '请假' : p?.reply === 'attend' ? '参加' : '未答复';
    return [
      i + 1,
      name,
      p ? (WHO_TEXT[p.who] ?? '') : '党员',
      null,
      a ? ATTENDANCE_TEXT[a] : reply,
      null,
      null,
      null,
      timeText(p?.checkedInAt),
      timeText(p?.checkedOutAt),
      null,
      null,
      p?.leave ? `请假：${p.leave.reason}` : '',
    ];
  });
}

/**
 * One activity's sign-ups (volunteer) or audience (meetings) as .xlsx. Requests: the activity
 * with the caller's memberships and every participant (`activityFor`, 1): the queue is bounded
 * (capacity + 200 waitlisted, or 500), meetings by the branch.
 */
export const exportSignups: ActionDef<'activity', 'exportSignups'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({ activityId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const a = await activityFor(db, openid, data.activityId, { all: true });
    if (!a.organiser) throw forbidden(EXPORT_MSG.notOrganiser);
    const doc = a.doc;
    const rows =
      doc.kind === 'volunteer'
        ? volunteerRows(doc, a.participants, a.secretary)
        : meetingRows(doc, a.participants);
    const wb = await newWorkbook();
    const label = kindLabel(doc.kind, doc.meetingType);
    const ws = sheetWith(
      wb,
      doc.kind === 'volunteer' ? '报名与时长' : '参会与出勤',
      SIGNUP_COLUMNS,
    );
    addRows(ws, rows);
    ws.addRow([]);
    ws.addRow([`${label}：${doc.title}`]);
    ws.addRow([`时间：${chinaMinute(doc.startAt)} — ${chinaMinute(doc.endAt)}`]);
    return store(
      cloud,
      wb,
      doc.branchId,
      `signups-${doc._id}`,
      `${safeName(doc.title)}-${doc.kind === 'volunteer' ? '报名与时长' : '参会与出勤'}.xlsx`,
      rows.length,
    );
  },
};

// ---------------------------------------------------------------- exportHours

const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

const hoursSchema = z
  .object({ branchId: idSchema, from: daySchema, to: daySchema })
  .refine((d) => d.from <= d.to, { message: EXPORT_MSG.badRange, path: ['to'] })
  .refine(
    (d) => (dayStart(d.to).getTime() - dayStart(d.from).getTime()) / DAY_MS < MAX_RANGE_DAYS,
    { message: EXPORT_MSG.rangeTooLong, path: ['to'] },
  );

/**
 * The branch's confirmed volunteer hours (hours > 0) of activities that started in the range,
 * ordered by (start, id) and read by keyset, `HOURS_PAGE` at a time, at most `HOURS_PAGES`
 * requests (2–5), never with `skip`: each page continues from the last row read (`startAt ≥
 * its start`, the rows of that same instant already read dropped by id). When a whole page is
 * one instant (over 1 000 sign-ups starting together), the next request finishes that instant
 * by id (`startAt = t, _id > last`). Served by `activityParticipants.branchId_kind_startAt__id`.
 */
async function hoursRows(db: Database, branchId: string, from: string, to: string) {
  const _ = db.command;
  const coll = db.collection(COLLECTIONS.activityParticipants);
  const base = { branchId, kind: 'volunteer', confirmedHours: _.gt(0) };
  const upper = new Date(dayStart(to).getTime() + DAY_MS);
  const rows: ParticipantDoc[] = [];
  let last: { t: number; id: string } | null = null;
  // `from`: rows from the last row's instant on (those of it already read are dropped);
  // `tie`: the rest of that instant by id; `past`: rows after that instant.
  let mode: 'from' | 'tie' | 'past' = 'from';
  for (let page = 0; page < HOURS_PAGES; page++) {
    const at = last;
    const query: ReturnType<typeof coll.where> =
      mode === 'tie' && at
        ? coll.where({ ...base, startAt: new Date(at.t), _id: _.gt(at.id) }).orderBy('_id', 'asc')
        : coll
            .where({
              ...base,
              startAt: (at
                ? mode === 'past'
                  ? _.gt(new Date(at.t))
                  : _.gte(new Date(at.t))
                : _.gte(dayStart(from))
              ).and(_.lt(upper)),
            })
            .orderBy('startAt', 'asc')
            .orderBy('_id', 'asc');
    const got = await fetchAll<ParticipantDoc>(query.limit(HOURS_PAGE));
    rows.push(...(at ? got.filter((r) => toTime(r.startAt) > at.t || r._id > at.id) : got));
    const end = got[got.length - 1];
    if (end) last = { t: toTime(end.startAt), id: end._id };
    const full = got.length === HOURS_PAGE;
    if (mode === 'tie') {
      // The instant is finished when its page was not full: go on after it.
      if (!full) mode = 'past';
      continue;
    }
    if (!full) return { rows, truncated: false };
    // A full page of one instant: the next page could not get past it by start time.
    mode = toTime(got[0].startAt) === last?.t ? 'tie' : 'from';
  }
  return { rows, truncated: true };
}

const HOURS_COLUMNS = [
  { header: '日期', width: 12 },
  { header: '活动', width: 28 },
  { header: '姓名', width: 12 },
  { header: '身份', width: 12 },
  { header: '手机号', width: 14 },
  { header: '签到', width: 17 },
  { header: '签退', width: 17 },
  { header: '核定时长(小时)', width: 14 },
  { header: '更正记录', width: 40 },
];

/**
 * The branch's confirmed hours over `from`–`to` (China days, inclusive, ≤ 366 days) as .xlsx,
 * with a per-person summary sheet. Requests: memberships (1), keyset pages of 1 000 (≤ 4): ≤ 5.
 */
export const exportHours: ActionDef<'activity', 'exportHours'> = {
  kind: 'write',
  idempotent: false,
  schema: hoursSchema,
  async handler(data, { openid, db, cloud }) {
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'organiseActivity', { branchId: data.branchId })) {
      throw forbidden(EXPORT_MSG.notOrganiser);
    }
    const secretary = can(actor, 'moderateActivity', { branchId: data.branchId });
    const { rows, truncated } = await hoursRows(db, data.branchId, data.from, data.to);
    const wb = await newWorkbook();
    const ws = sheetWith(wb, '服务时长', HOURS_COLUMNS);
    addRows(
      ws,
      rows.map((p) => [
        chinaDay(p.startAt),
        p.title,
        p.name,
        WHO_TEXT[p.who] ?? '',
        maskPhone(p.phone),
        timeText(p.checkedInAt),
        timeText(p.checkedOutAt),
        p.confirmedHours,
        correctionsText(p.corrections, secretary),
      ]),
    );
    const total = rows.reduce((n, p) => n + (p.confirmedHours ?? 0), 0);
    ws.addRow([]);
    ws.addRow(['合计', '', '', '', '', '', '', total]);
    if (truncated) ws.addRow([`仅导出前 ${rows.length} 条，请缩短日期范围后分次导出`]);

    // Per person: who served how often and how long (members by openid, residents too).
    const people = new Map<string, { name: string; who: string; count: number; hours: number }>();
    for (const p of rows) {
      const e = people.get(p.openid) ?? {
        name: p.name,
        who: WHO_TEXT[p.who] ?? '',
        count: 0,
        hours: 0,
      };
      e.count++;
      e.hours += p.confirmedHours ?? 0;
      people.set(p.openid, e);
    }
    const sum = sheetWith(wb, '按人汇总', [
      { header: '姓名', width: 12 },
      { header: '身份', width: 12 },
      { header: '次数', width: 8 },
      { header: '核定时长(小时)', width: 14 },
    ]);
    addRows(
      sum,
      [...people.values()]
        .sort((x, y) => y.hours - x.hours || x.name.localeCompare(y.name, 'zh'))
        .map((e) => [e.name, e.who, e.count, e.hours]),
    );
    const res = await store(
      cloud,
      wb,
      data.branchId,
      `hours-${data.from}-${data.to}`,
      `志愿服务时长-${data.from}至${data.to}.xlsx`,
      rows.length,
    );
    return { ...res, truncated };
  },
};
