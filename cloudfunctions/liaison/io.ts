/**
 * Excel import and export of resident households (联系户), and what the file actions share
 * (cards.ts too): the export scope (one central household, or a branch / one grid of it) and
 * storing a file in cloud storage with a temporary link.
 *
 * - `importTemplate`: the .xlsx to fill in (columns 户主姓名 | 地址 | 联系电话 | 家庭人数 | 关爱标签 |
 *   备注, one example row the import skips, a 说明 sheet).
 * - `importResidents`: the file must be one the import page uploaded under `liaison-imports/`,
 *   and it is deleted from storage as soon as it is read (parsed or not: it holds full phone
 *   numbers). EVERY row is validated with the schemas `addResident` uses (shared.ts),
 *   duplicates within the file and against the household's residents (same phone) included;
 *   any error and nothing is imported (`errors` row by row, plain Chinese). Otherwise the room
 *   is reserved with ONE conditional update of the household's `residentCount`
 *   (`residentCount ≤ max − n`, `+n`; FULL when there is none) and all rows are inserted with
 *   ONE `add` of an array. The emulator applies an array insert all-or-nothing (its engine
 *   checks every unique key of the batch before it commits one journal entry), and CloudBase
 *   sends it as one `insertDocument` request; should the insert fail, the reservation is given
 *   back, so a failed import leaves the household as it was.
 * - `exportResidents`: the lists as .xlsx; phones always masked (a file travels out of reach
 *   of the audit log: a whole number is revealed one at a time with `revealPhone`); no card
 *   codes (with the last four digits they would bind); care tags and notes only where the
 *   caller passes `viewResidentCare`; at most 1 000 rows (one read), else `truncated`.
 *
 * exceljs is large: it is loaded inside the handlers, so other actions do not pay for it at a
 * cold start. Files are stored under `liaison-exports/<branchId>/` with a random suffix.
 */
import { randomBytes } from 'crypto';
import * as z from 'zod';
import type { Workbook, Worksheet } from 'exceljs';
import type { CareTag, LiaisonExportResponse } from '../../typings/api';
import { AppError, COLLECTIONS, can, fetchAll, isAppError, type ActionDef } from '../common';
import type { Cloud, Database } from '../common';
import type { LiaisonHouseholdDoc, LiaisonResidentDoc, MembershipDoc } from '../common/model';
import { loadActor, maskPhone, newId, secCheck, updatedCount } from '../common/util';
import { MSG_RES } from './residents';
import {
  CARE_TAGS,
  CARE_TAG_LABELS,
  MSG,
  addressSchema,
  forbidden,
  formatAddress,
  householdFor,
  idSchema,
  newCardCode,
  residentPhoneSchema,
} from './shared';

export const IO_MSG = {
  uploadFailed: '文件保存失败，请稍后再试',
  downloadFailed: '没有读到上传的文件，请重新上传',
  notXlsx: '文件无法读取，请使用下载的模板（.xlsx 格式）填写后上传',
  empty: '文件中没有联系户，请在模板中填写后再上传',
  nothing: '该范围内没有联系户',
  notesRisky: '备注中含有不适宜的内容，请修改后重新导入',
  careOnly: '只有支部书记、副书记和联系该户的党员可以填写关爱标签和备注，请清空这一格',
} as const;

/** Random bytes in a stored file's name (hex): a path nobody can guess. */
const NAME_RANDOM_BYTES = 12;
/**
 * Rows `exportResidents` writes at most (the rest: `truncated`): what one `.get()` returns at
 * most on CloudBase (and the emulator), so the export stays one read.
 */
export const EXPORT_ROWS = 1000;
/** Documents one `.get()` returns at most (CloudBase's cap; the emulator's too). */
const READ_CAP = 1000;
/** Rows `importResidents` reads at most: more is a file for something else. */
const IMPORT_READ_ROWS = 200;
/** Central households of a branch read at once (one request, the SDK's largest page). */
const HOUSEHOLDS_PAGE = 1000;

// ---------------------------------------------------------------- scope

export const gridSchema = z.string().trim().min(1, '请填写网格').max(30, '网格最多 30 个字');

/** `{ householdId }` or `{ branchId, grid? }` (ExportCardsRequest / ExportResidentsRequest). */
export const scopeSchema = z.union(
  [
    z.object({ householdId: idSchema }),
    z.object({ branchId: idSchema, grid: gridSchema.optional() }),
  ],
  { error: '请选择要导出的中心户，或支部（可选网格）' },
);

export type Scope = z.infer<typeof scopeSchema>;

export interface ScopeHousehold {
  doc: LiaisonHouseholdDoc;
  /** The member's membership (live name, photo, role, phone), when it still exists. */
  member: MembershipDoc | null;
}

export interface ScopeRows {
  branchId: string;
  /** For file names: the member's name, the grid or the branch. */
  label: string;
  households: Map<string, ScopeHousehold>;
  /** Active, not erased, ordered by (grid, member, head's name); at most `limit`. */
  residents: LiaisonResidentDoc[];
  /**
   * The scope may hold more than was read: more than `limit`, or a read that came back full at
   * the cap of one `.get()` (`READ_CAP`: the next row could not be asked for in the same read).
   */
  truncated: boolean;
  /** Care tags and notes may go into the file (policy `viewResidentCare`). */
  seeCare: boolean;
}

const usable = (r: LiaisonResidentDoc) => r.active && !r.erased;

/**
 * The resident households of a scope: the secretaries only (`manageResidents`; also for one
 * household: the linked member does not print or export the lists). Reads are started
 * together (nothing is answered before the permission check). Requests: one household:
 * `householdFor` (1) + its residents (1) = 2; a branch: memberships (1) + the branch's central
 * households with their members' memberships (1, `$lookup` by `_id`) + residents (1) = 3.
 */
export async function loadScope(
  db: Database,
  openid: string,
  scope: Scope,
  limit: number,
): Promise<ScopeRows> {
  const residents = db.collection(COLLECTIONS.liaisonResidents);
  // One more than `limit` tells a full scope from a larger one, within the cap of one read.
  const read = Math.min(limit + 1, READ_CAP);
  const isTruncated = (n: number) => n > limit || n >= READ_CAP;
  if ('householdId' in scope) {
    const [h, rows] = await Promise.all([
      householdFor(db, openid, scope.householdId),
      fetchAll<LiaisonResidentDoc>(
        residents
          .where({ householdId: scope.householdId, active: true })
          .orderBy('sortKey', 'asc')
          .limit(read),
      ),
    ]);
    if (!can(h.actor, 'manageResidents', h.resource)) throw forbidden(MSG_RES.notResidentManager);
    if (!h.doc.active) throw new AppError('NOT_FOUND', MSG.steppedDown);
    const list = rows.filter(usable);
    return {
      branchId: h.doc.branchId,
      label: h.member?.realName || h.doc.memberName,
      households: new Map([[h.doc._id, { doc: h.doc, member: h.member }]]),
      residents: list.slice(0, limit),
      truncated: isTruncated(rows.length),
      seeCare: can(h.actor, 'viewResidentCare', h.resource),
    };
  }
  const { branchId, grid } = scope;
  const [{ actor }, householdRows, rows] = await Promise.all([
    loadActor(db, openid),
    db
      .collection(COLLECTIONS.liaisonHouseholds)
      .aggregate()
      .match({ branchId, active: true })
      .limit(HOUSEHOLDS_PAGE)
      .lookup({
        from: COLLECTIONS.memberships,
        localField: 'membershipId',
        foreignField: '_id',
        as: 'hm',
      })
      .end() as Promise<unknown>,
    fetchAll<LiaisonResidentDoc>(
      residents
        .where({ branchId, active: true, ...(grid ? { grid } : {}) })
        .orderBy('grid', 'asc')
        .limit(read),
    ),
  ]);
  if (!can(actor, 'manageResidents', { branchId })) throw forbidden(MSG_RES.notResidentManager);
  const households = new Map<string, ScopeHousehold>();
  const list = (householdRows as { list?: (LiaisonHouseholdDoc & { hm?: MembershipDoc[] })[] })
    .list;
  for (const { hm = [], ...doc } of list ?? []) {
    households.set(doc._id, { doc: doc as LiaisonHouseholdDoc, member: hm[0] ?? null });
  }
  const kept = rows.slice(0, limit).filter((r) => usable(r) && households.has(r.householdId));
  kept.sort(
    (a, b) =>
      households
        .get(a.householdId)!
        .doc.sortKey.localeCompare(households.get(b.householdId)!.doc.sortKey) ||
      a.sortKey.localeCompare(b.sortKey),
  );
  const anyHousehold = households.values().next().value as ScopeHousehold | undefined;
  return {
    branchId,
    label: grid ?? anyHousehold?.doc.branchName ?? branchId,
    households,
    residents: kept,
    truncated: isTruncated(rows.length),
    seeCare: can(actor, 'viewResidentCare', { branchId }),
  };
}

// ---------------------------------------------------------------- storage

/** File names may not hold path or reserved characters. */
export function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 40);
}

/**
 * `liaison-exports/<branchId>/<name>-<timestamp>-<random>.<ext>`, then a temporary link: cloud
 * storage calls, no database request.
 */
export async function storeFile(
  cloud: Cloud,
  content: Buffer,
  opts: { branchId: string; name: string; ext: 'pdf' | 'xlsx'; fileName: string; rows: number },
): Promise<LiaisonExportResponse> {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15);
  const random = randomBytes(NAME_RANDOM_BYTES).toString('hex');
  const cloudPath = `liaison-exports/${opts.branchId}/${opts.name}-${stamp}-${random}.${opts.ext}`;
  const up = (await cloud.uploadFile({ cloudPath, fileContent: content })) as { fileID?: string };
  if (!up?.fileID) throw new AppError('INTERNAL', IO_MSG.uploadFailed);
  const temp = (await cloud.getTempFileURL({ fileList: [up.fileID] })) as {
    fileList?: { tempFileURL?: string }[];
  };
  const url = temp?.fileList?.[0]?.tempFileURL;
  if (!url) throw new AppError('INTERNAL', IO_MSG.uploadFailed);
  return { fileID: up.fileID, url, fileName: opts.fileName, rows: opts.rows };
}

// ---------------------------------------------------------------- workbooks

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

async function xlsxBuffer(wb: Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- importTemplate

export const IMPORT_COLUMNS = [
  { header: '户主姓名', width: 12, required: true },
  { header: '地址', width: 30, required: true },
  { header: '联系电话', width: 16, required: true },
  { header: '家庭人数', width: 10, required: false },
  { header: '关爱标签', width: 18, required: false },
  { header: '备注', width: 30, required: false },
] as const;

type ImportColumn = (typeof IMPORT_COLUMNS)[number]['header'];

/** The template's example row; a row equal to it (name and phone) is skipped by the import. */
export const EXAMPLE_ROW = {
  headName: '张桂英',
  address: '幸福里小区3栋2单元501室',
  phone: '13800000000',
  people: 2,
  careTags: '独居、高龄',
  notes: '示例行，导入时自动跳过，可删除',
};

const CARE_WORDS = CARE_TAGS.map((t) => CARE_TAG_LABELS[t]).join('、');

const EXPLANATIONS: [string, string][] = [
  ['户主姓名', '必填，1–20 个字。'],
  ['地址', '必填，2–60 个字，如「幸福里小区3栋2单元501室」或「东村三组12号」。'],
  ['联系电话', '必填，11 位手机号或固定电话（可带区号，如 0571-88886666）。同一中心户内不能重复。'],
  ['家庭人数', '选填，1–20 的整数；不填按 1 人。'],
  [
    '关爱标签',
    `选填，可填 ${CARE_WORDS}，多个用「、」或「,」隔开。只有联系该户的党员和支部书记、副书记能看到。`,
  ],
  ['备注', '选填，最多 200 个字。只有联系该户的党员和支部书记、副书记能看到。'],
];

/** The secretaries (`manageResidents`). Requests: memberships (1). */
export const importTemplate: ActionDef<'liaison', 'importTemplate'> = {
  kind: 'write',
  // Makes a new file each time and changes nothing else: safe to repeat.
  idempotent: false,
  schema: z.object({ branchId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const { actor } = await loadActor(db, openid);
    if (!can(actor, 'manageResidents', { branchId: data.branchId })) {
      throw forbidden(MSG_RES.notResidentManager);
    }
    const wb = await newWorkbook();
    const ws = sheetWith(
      wb,
      '联系户',
      IMPORT_COLUMNS.map((c) => ({ header: c.header, width: c.width })),
    );
    const e = EXAMPLE_ROW;
    ws.addRow([e.headName, e.address, e.phone, e.people, e.careTags, e.notes]);
    // Phones stay text (a number column would drop a landline's leading 0).
    ws.getColumn(3).numFmt = '@';
    const help = sheetWith(wb, '说明', [
      { header: '列', width: 12 },
      { header: '填写说明', width: 80 },
    ]);
    for (const row of EXPLANATIONS) help.addRow(row);
    help.addRow([]);
    help.addRow(['', '每行一户，从第 2 行开始填写；示例行（张桂英）导入时自动跳过。']);
    help.addRow([
      '',
      '导入时会逐行检查，有任何一行不符合要求就不会导入，并列出出错的行和原因；改正后重新上传即可。',
    ]);
    help.addRow(['', '一个中心户联系的住户不能超过上限（默认 10 户）。']);
    return storeFile(cloud, await xlsxBuffer(wb), {
      branchId: data.branchId,
      name: 'template',
      ext: 'xlsx',
      fileName: '联系户导入模板.xlsx',
      rows: 1,
    });
  },
};

// ---------------------------------------------------------------- importResidents

/** A cell's value as text: numbers without exponent, rich text joined, formulas' results. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as {
      richText?: { text?: string }[];
      text?: unknown;
      result?: unknown;
      error?: unknown;
    };
    if (Array.isArray(v.richText))
      return v.richText
        .map((t) => t.text ?? '')
        .join('')
        .trim();
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
  }
  return '';
}

const LABEL_TO_TAG = new Map<string, CareTag>(CARE_TAGS.map((t) => [CARE_TAG_LABELS[t], t]));

const nameSchema = z.string().trim().min(1, '请填写户主姓名').max(20, '户主姓名最多 20 个字');
const notesSchema = z.string().trim().max(200, '备注最多 200 个字');

interface ParsedRow {
  row: number;
  headName: string;
  address: string;
  phone: string;
  people: number;
  careTags: CareTag[];
  notes: string | null;
}

/** First message of a failed zod parse. */
function firstMessage(res: { success: false; error: z.ZodError }): string {
  return res.error.issues[0]?.message ?? '格式不正确';
}

/**
 * Reads the first sheet. Header row 1 (columns found by name, any order); empty rows skipped;
 * each row validated as `addResident` validates its input. Returns the rows and the errors.
 */
async function parseImport(
  buffer: Buffer,
  max: number,
  existingPhones: Set<string>,
  seeCare: boolean,
): Promise<{ rows: ParsedRow[]; errors: { row: number; column?: string; message: string }[] }> {
  const wb = await newWorkbook();
  try {
    await wb.xlsx.load(buffer as never);
  } catch {
    throw new AppError('INVALID_ARGUMENT', IO_MSG.notXlsx);
  }
  const ws: Worksheet | undefined = wb.worksheets[0];
  if (!ws) throw new AppError('INVALID_ARGUMENT', IO_MSG.notXlsx);
  const errors: { row: number; column?: ImportColumn; message: string }[] = [];
  const at = new Map<ImportColumn, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const text = cellText(cell.value).replace(/\s+/g, '') as ImportColumn;
    if (IMPORT_COLUMNS.some((c) => c.header === text) && !at.has(text)) at.set(text, col);
  });
  for (const c of IMPORT_COLUMNS) {
    if (c.required && !at.has(c.header)) {
      errors.push({ row: 1, column: c.header, message: `缺少「${c.header}」列，请使用下载的模板` });
    }
  }
  if (errors.length) return { rows: [], errors };

  const rows: ParsedRow[] = [];
  const seenPhones = new Map<string, number>();
  let dataRows = 0;
  const last = Math.min(ws.rowCount, IMPORT_READ_ROWS + 1);
  for (let r = 2; r <= last; r++) {
    const row = ws.getRow(r);
    const cell = (c: ImportColumn) => {
      const col = at.get(c);
      return col ? cellText(row.getCell(col).value) : '';
    };
    const values = IMPORT_COLUMNS.map((c) => cell(c.header));
    if (values.every((v) => v === '')) continue;
    if (cell('户主姓名') === EXAMPLE_ROW.headName && cell('联系电话') === EXAMPLE_ROW.phone) {
      continue;
    }
    dataRows++;
    if (dataRows === max + 1) {
      errors.push({
        row: r,
        message: `一个中心户最多联系 ${max} 户，文件从这一行起超出了上限，请分给其他中心户`,
      });
    }
    const rowErrors: { column: ImportColumn; message: string }[] = [];
    const name = nameSchema.safeParse(cell('户主姓名'));
    if (!name.success) rowErrors.push({ column: '户主姓名', message: firstMessage(name) });
    const address = addressSchema.safeParse(cell('地址'));
    if (!address.success) rowErrors.push({ column: '地址', message: firstMessage(address) });
    const phone = residentPhoneSchema.safeParse(cell('联系电话'));
    if (!phone.success) {
      rowErrors.push({
        column: '联系电话',
        message: cell('联系电话') ? firstMessage(phone) : '请填写联系电话',
      });
    } else {
      const first = seenPhones.get(phone.data);
      if (existingPhones.has(phone.data)) {
        rowErrors.push({ column: '联系电话', message: '该电话已在本户的联系户中' });
      } else if (first !== undefined) {
        rowErrors.push({ column: '联系电话', message: `与第 ${first} 行的电话重复` });
      } else seenPhones.set(phone.data, r);
    }
    const peopleText = cell('家庭人数');
    const people = peopleText === '' ? 1 : Number(peopleText);
    if (!Number.isInteger(people) || people < 1 || people > 20) {
      rowErrors.push({ column: '家庭人数', message: '家庭人数应为 1–20 的整数' });
    }
    const tags: CareTag[] = [];
    for (const word of cell('关爱标签')
      .split(/[、,，;；/\s]+/)
      .filter(Boolean)) {
      const tag = LABEL_TO_TAG.get(word);
      if (!tag) {
        rowErrors.push({
          column: '关爱标签',
          message: `「${word}」不是关爱标签，可填：${CARE_WORDS}`,
        });
      } else if (!tags.includes(tag)) tags.push(tag);
    }
    const notes = notesSchema.safeParse(cell('备注'));
    if (!notes.success) rowErrors.push({ column: '备注', message: firstMessage(notes) });
    // As `addResident`: care tags and notes are written only by those who may read them.
    if (!seeCare) {
      if (cell('关爱标签')) rowErrors.push({ column: '关爱标签', message: IO_MSG.careOnly });
      if (cell('备注')) rowErrors.push({ column: '备注', message: IO_MSG.careOnly });
    }
    if (rowErrors.length) {
      errors.push(...rowErrors.map((e) => ({ row: r, ...e })));
      continue;
    }
    rows.push({
      row: r,
      headName: name.data!,
      address: formatAddress(address.data!).address,
      phone: phone.data!,
      people,
      careTags: tags,
      notes: notes.data ? notes.data : null,
    });
  }
  if (ws.rowCount > IMPORT_READ_ROWS + 1) {
    errors.push({
      row: IMPORT_READ_ROWS + 2,
      message: `文件超过 ${IMPORT_READ_ROWS} 行，请只填写本中心户联系的住户`,
    });
  }
  if (!errors.length && dataRows === 0) throw new AppError('INVALID_ARGUMENT', IO_MSG.empty);
  return { rows, errors };
}

/** The documents of imported rows, as `addResident` stores a resident household. */
function residentDocs(rows: ParsedRow[], h: LiaisonHouseholdDoc, openid: string) {
  const now = new Date();
  return rows.map((r): LiaisonResidentDoc => {
    // As `addResident` names a resident household without a requestId.
    const id = `res${newId().slice(0, 29)}`;
    return {
      _id: id,
      householdId: h._id,
      branchId: h.branchId,
      committeeId: h.committeeId,
      grid: h.grid,
      headName: r.headName,
      address: r.address,
      addressParts: null,
      phone: r.phone,
      people: r.people,
      careTags: r.careTags,
      notes: r.notes,
      cardCode: newCardCode(),
      boundOpenids: [],
      bindFails: 0,
      lockedUntil: null,
      openRequests: 0,
      active: true,
      erased: false,
      sortKey: `${r.headName}\u0000${id}`,
      createdAt: now,
      createdBy: openid,
      updatedAt: now,
    };
  });
}

/** Where the import page uploads (miniprogram/packages/liaison-admin/import). */
export const IMPORT_DIR = 'liaison-imports';

/**
 * An uploaded import file: `cloud://<env>.<bucket>/liaison-imports/…`. Only files there are
 * read, and deleted after reading: the action can never be pointed at another file to delete.
 */
const importFileSchema = z
  .string()
  .regex(new RegExp(`^cloud://[^/\\s]+/${IMPORT_DIR}/[^\\s]{1,300}$`), '文件地址不正确，请重新上传')
  .refine((id) => !id.includes('..'), '文件地址不正确，请重新上传');

/**
 * Deletes an uploaded import file (no database request). A failure is logged, not answered:
 * the import's outcome stands; a file left behind is for the storage lifecycle rule on
 * `liaison-imports/` that docs/privacy.md recommends.
 */
async function deleteUpload(cloud: Cloud, fileID: string): Promise<void> {
  try {
    const res = (await cloud.deleteFile({ fileList: [fileID] })) as {
      fileList?: { status?: number; errMsg?: string }[];
    };
    const f = res?.fileList?.[0];
    if (f && f.status !== 0) throw new Error(`${f.status} ${f.errMsg ?? ''}`);
  } catch (err) {
    // No file id, no identity: only that it happened.
    console.error(
      JSON.stringify({
        level: 'warn',
        fn: 'liaison',
        importFile: 'not deleted',
        error: String(err),
      }),
    );
  }
}

/**
 * The secretaries (`manageResidents`). The uploaded file is deleted from storage as soon as it
 * has been read, whatever the outcome (row errors, an unreadable file, a stepped-down
 * household): it holds full phone numbers. Requests: the household with the caller, settings
 * and member (`householdFor`, 1) and its residents (1), read together; then the reservation (1)
 * and the insert (1): 4; a failed insert gives the reservation back (1): 5. Storage calls are
 * not database requests. Not wrapped in the requestId marker (`idempotent: false`): a retry of
 * an import that succeeded finds the file gone (「没有读到上传的文件，请重新上传」), and the same
 * file uploaded again imports nothing (every phone is already in the household: row errors
 * «已在本户的联系户中»).
 */
export const importResidents: ActionDef<'liaison', 'importResidents'> = {
  kind: 'write',
  idempotent: false,
  schema: z.object({
    householdId: idSchema,
    fileID: importFileSchema,
  }),
  async handler(data, { openid, db, cloud }) {
    const [h, existing] = await Promise.all([
      householdFor(db, openid, data.householdId),
      fetchAll<LiaisonResidentDoc>(
        db
          .collection(COLLECTIONS.liaisonResidents)
          .where({ householdId: data.householdId, active: true })
          .limit(HOUSEHOLDS_PAGE),
      ),
    ]);
    if (!can(h.actor, 'manageResidents', h.resource)) {
      throw forbidden(MSG_RES.notResidentManager);
    }
    const max = h.settings.maxResidents;
    const phones = new Set(existing.filter(usable).map((r) => r.phone));
    const seeCare = can(h.actor, 'viewResidentCare', h.resource);
    let parsed: Awaited<ReturnType<typeof parseImport>>;
    try {
      if (!h.doc.active) throw new AppError('NOT_FOUND', MSG.steppedDown);
      let file: Buffer;
      try {
        const res = (await cloud.downloadFile({ fileID: data.fileID })) as {
          fileContent?: Buffer;
        };
        if (!res?.fileContent) throw new Error('no content');
        file = res.fileContent;
      } catch {
        throw new AppError('INVALID_ARGUMENT', IO_MSG.downloadFailed);
      }
      parsed = await parseImport(file, max, phones, seeCare);
    } finally {
      await deleteUpload(cloud, data.fileID);
    }
    const { rows, errors } = parsed;
    const answer = (imported: number, count: number) => ({
      imported,
      errors: errors.sort((a, b) => a.row - b.row),
      residentCount: count,
      max,
    });
    if (errors.length) return answer(0, h.doc.residentCount);

    const notes = rows.map((r) => r.notes).filter((n): n is string => !!n);
    if (notes.length) {
      // One check over all notes, as `addResident` checks one: `risky` is refused (nothing
      // imported), `review` is kept (notes are seen by the member and secretaries only).
      try {
        await secCheck(cloud, openid, notes.join('\n'), 1);
      } catch (err) {
        if (isAppError(err) && err.code === 'CONTENT_RISKY') {
          throw new AppError('CONTENT_RISKY', IO_MSG.notesRisky);
        }
        throw err;
      }
    }

    const n = rows.length;
    const _ = db.command;
    const households = db.collection(COLLECTIONS.liaisonHouseholds);
    const reserved = await households
      .where({ _id: h.doc._id, active: true, residentCount: _.lte(max - n) })
      .update({ data: { residentCount: _.inc(n), updatedAt: new Date() } });
    if (updatedCount(reserved) !== 1) {
      throw new AppError(
        'FULL',
        `每个中心户最多联系 ${max} 户，该户已有 ${h.doc.residentCount} 户，不能再导入 ${n} 户`,
      );
    }
    try {
      await db
        .collection(COLLECTIONS.liaisonResidents)
        .add({ data: residentDocs(rows, h.doc, openid) as never });
    } catch (err) {
      // Give the room back: nothing of the file was added.
      await households
        .where({ _id: h.doc._id })
        .update({ data: { residentCount: _.inc(-n), updatedAt: new Date() } });
      throw err;
    }
    return answer(n, h.doc.residentCount + n);
  },
};

// ---------------------------------------------------------------- exportResidents

const EXPORT_COLUMNS = [
  { header: '中心户党员', width: 12 },
  { header: '网格', width: 16 },
  { header: '户主姓名', width: 12 },
  { header: '地址', width: 30 },
  { header: '联系电话', width: 14 },
  { header: '家庭人数', width: 9 },
  // No 连心卡号: a card code next to the masked phone's last four digits is everything
  // `bindResident` asks for, and a file travels beyond the audit log.
  { header: '已绑定微信数', width: 12 },
];
const CARE_COLUMNS = [
  { header: '关爱标签', width: 18 },
  { header: '备注', width: 30 },
];

/**
 * The secretaries (`manageResidents`). At most `EXPORT_ROWS` (1 000) rows, read in one
 * `.get()`; a scope with more answers `truncated` (the file says so in its last row: export by
 * grid or household). Requests: one household 2, a branch 3 (`loadScope`). A write (it
 * creates a file) that is safe to repeat: no requestId marker.
 */
export const exportResidents: ActionDef<'liaison', 'exportResidents'> = {
  kind: 'write',
  idempotent: false,
  schema: scopeSchema,
  async handler(data, { openid, db, cloud }) {
    const s = await loadScope(db, openid, data, EXPORT_ROWS);
    const wb = await newWorkbook();
    const ws = sheetWith(wb, '联系户', [...EXPORT_COLUMNS, ...(s.seeCare ? CARE_COLUMNS : [])]);
    for (const r of s.residents) {
      const h = s.households.get(r.householdId);
      const row: (string | number)[] = [
        h?.member?.realName || h?.doc.memberName || '',
        r.grid,
        r.headName,
        r.address,
        maskPhone(r.phone) ?? '',
        r.people,
        r.boundOpenids?.length ?? 0,
      ];
      if (s.seeCare) {
        row.push(
          (r.careTags as CareTag[]).map((t) => CARE_TAG_LABELS[t] ?? t).join('、'),
          r.notes ?? '',
        );
      }
      ws.addRow(row);
    }
    if (s.truncated) {
      ws.addRow([]);
      ws.addRow([`仅导出前 ${s.residents.length} 户，请按网格或中心户分次导出`]);
    }
    const res = await storeFile(cloud, await xlsxBuffer(wb), {
      branchId: s.branchId,
      name: 'residents',
      ext: 'xlsx',
      fileName: `联系户-${safeName(s.label)}.xlsx`,
      rows: s.residents.length,
    });
    return s.truncated ? { ...res, truncated: true } : res;
  },
};
