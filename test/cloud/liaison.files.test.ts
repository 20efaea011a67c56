/**
 * The `liaison` function's files through the emulator: the card's code picture (a PNG the
 * emulator's `wxacode.getUnlimited` drew, read back with jsqr), the printable PDF sheet of
 * cards (read back here: pages, text through the embedded font's ToUnicode map, every image
 * decoded with jsqr), the Excel template, the import with its row-by-row report and its
 * all-or-nothing cap, and the Excel export (phones masked, care tags for secretaries only).
 * Database requests are asserted exactly against the budgets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { Workbook, type Worksheet } from 'exceljs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { TestEmulator } from '../helpers/emulator';
import { demoCollections, demoEmulator, err, ok } from '../helpers/branch';
import { B1, CARD_01, CARD_02, HH_ELDER, HH_MEMBER, liaisonCaller } from '../helpers/liaison';
import { encodeCommOpenApiResp } from '../../emulator/src/services/pb';

// A PDF with the CJK font subset takes about a second here; machines under load take longer.
jest.setTimeout(30_000);

let emu: TestEmulator;
const call = liaisonCaller(() => emu);

// ---------------------------------------------------------------- fixtures (the demo seed)

const GRID_1 = '幸福里第一网格';
const BIND_PAGE = 'packages/resident/bind/index';
const CARE_WORDS = ['独居', '高龄', '残疾', '大病重病', '生活困难', '留守'];

interface SeedResident {
  _id: string;
  householdId: string;
  branchId: string;
  headName: string;
  address: string;
  phone: string;
  cardCode: string;
  careTags: string[];
  notes: string | null;
  people: number;
}

const SEED = demoCollections().liaisonResidents as unknown as SeedResident[];
const MEMBER_RESIDENTS = SEED.filter((r) => r.householdId === HH_MEMBER);
const ELDER_RESIDENTS = SEED.filter((r) => r.householdId === HH_ELDER);
const B1_RESIDENTS = [...MEMBER_RESIDENTS, ...ELDER_RESIDENTS];
const NOTES = SEED.map((r) => r.notes).filter((n): n is string => !!n);

/** Keeps the first `keep` residents of a household (the others moved away: erased). */
function keepResidents(id: string, keep: number) {
  const opts = { multi: true, upsert: false, replace: false };
  const ids = SEED.filter((r) => r.householdId === id)
    .slice(keep)
    .map((r) => r._id);
  emu.db.update(
    'liaisonResidents',
    { _id: { $in: ids } },
    { $set: { active: false, erased: true } },
    opts,
  );
  emu.db.update('liaisonHouseholds', { _id: id }, { $set: { residentCount: keep } }, opts);
}

const GRID_3 = '幸福里第三网格';

/** The residents of a household now in another grid (as after the grid was split). */
function moveToGrid(id: string, grid: string) {
  const opts = { multi: true, upsert: false, replace: false };
  emu.db.update('liaisonResidents', { householdId: id }, { $set: { grid } }, opts);
}

beforeEach(async () => {
  emu = await demoEmulator();
  expect(MEMBER_RESIDENTS).toHaveLength(6);
  expect(ELDER_RESIDENTS).toHaveLength(3);
});
afterEach(() => emu.close());

// ---------------------------------------------------------------- reading files back

function storedFile(fileID: string): Buffer {
  const file = emu.emulator.storage.localPathOf(fileID);
  expect(file).not.toBeNull();
  return readFileSync(file!);
}

/** The file is (still) in the emulator's storage. */
function inStorage(fileID: string): boolean {
  const file = emu.emulator.storage.localPathOf(fileID);
  return !!file && existsSync(file);
}

function decodePng(png: Buffer): string | undefined {
  const img = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(img.data), img.width, img.height)?.data;
}

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** The PDF's objects (pdfkit writes direct `/Length`s), streams inflated when Flate-encoded. */
function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    if (s < 0) {
      out.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, s);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    const dataStart = start + s + 'stream'.length + (text[start + s + 6] === '\r' ? 2 : 1);
    let data = pdf.subarray(dataStart, dataStart + length);
    if (/\/Filter \/FlateDecode/.test(dict)) data = inflateSync(data);
    out.set(Number(m[1]), { dict, stream: data });
    re.lastIndex = end;
  }
  return out;
}

/** Glyph code → text, from every ToUnicode CMap (pdfkit: bfrange with arrays). */
function toUnicode(objects: Map<number, PdfObject>): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const o of objects.values()) {
    const cmap = o.stream?.toString('latin1') ?? '';
    if (!cmap.includes('beginbfrange') && !cmap.includes('beginbfchar')) continue;
    for (const [, from, , list] of cmap.matchAll(
      /<([0-9a-f]+)>\s*<([0-9a-f]+)>\s*\[([^\]]*)\]/gi,
    )) {
      [...list.matchAll(/<([0-9a-f]+)>/gi)].forEach((h, i) =>
        map.set(parseInt(from, 16) + i, utf16(h[1])),
      );
    }
    for (const [, from, to] of cmap.matchAll(/<([0-9a-f]{4})>\s*<([0-9a-f]{4,})>(?!\s*[[<])/gi)) {
      if (!map.has(parseInt(from, 16))) map.set(parseInt(from, 16), utf16(to));
    }
  }
  return map;
}

/** Text shown on each page (`Tj` / `TJ` hex strings through ToUnicode), one line per show. */
function pdfPages(pdf: Buffer) {
  const objects = pdfObjects(pdf);
  const glyphs = toUnicode(objects);
  const pages = [...objects.values()].filter((o) => /\/Type \/Page\b/.test(o.dict));
  return pages.map((p) => {
    const contents = Number(/\/Contents (\d+) 0 R/.exec(p.dict)?.[1]);
    const ops = objects.get(contents)?.stream?.toString('latin1') ?? '';
    const lines: string[] = [];
    for (const [, arr] of ops.matchAll(
      /\[((?:<[0-9a-f]*>|[-\d.\s])*)\]\s*TJ|(<[0-9a-f]*>)\s*Tj/gi,
    )) {
      const hexes = [...(arr ?? '').matchAll(/<([0-9a-f]*)>/gi)].map((h) => h[1]).join('');
      let line = '';
      for (let i = 0; i + 4 <= hexes.length; i += 4) {
        line += glyphs.get(parseInt(hexes.slice(i, i + 4), 16)) ?? '\uFFFD';
      }
      lines.push(line);
    }
    const images = [...ops.matchAll(/\/(\S+) Do/g)].map((d) => d[1]);
    return { text: lines.join('\n'), images };
  });
}

/** PNG predictor rows (`/Predictor 15`) back to raw pixels. */
function unpredict(data: Buffer, width: number, bpp: number): Buffer {
  const stride = width * bpp;
  const rows = data.length / (stride + 1);
  const out = Buffer.alloc(rows * stride);
  for (let y = 0; y < rows; y++) {
    const type = data[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const raw = data[y * (stride + 1) + 1 + x];
      const a = x >= bpp ? out[y * stride + x - bpp] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let v = raw;
      if (type === 1) v += a;
      else if (type === 2) v += b;
      else if (type === 3) v += (a + b) >> 1;
      else if (type === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 255;
    }
  }
  return out;
}

/** Every image drawn (not soft masks), decoded: the QR text when it holds a code. */
function pdfImages(pdf: Buffer): (string | null)[] {
  const objects = pdfObjects(pdf);
  const masks = new Set(
    [...objects.values()].flatMap((o) =>
      [...o.dict.matchAll(/\/SMask (\d+) 0 R/g)].map((m) => +m[1]),
    ),
  );
  const out: (string | null)[] = [];
  for (const [id, o] of objects) {
    if (!/\/Subtype \/Image/.test(o.dict) || masks.has(id) || !o.stream) continue;
    const width = Number(/\/Width (\d+)/.exec(o.dict)?.[1]);
    const height = Number(/\/Height (\d+)/.exec(o.dict)?.[1]);
    const gray = /\/ColorSpace \/DeviceGray/.test(o.dict);
    const bpp = gray ? 1 : 3;
    const pixels = /\/Predictor 1[0-5]/.test(o.dict) ? unpredict(o.stream, width, bpp) : o.stream;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let k = 0; k < 3; k++) rgba[i * 4 + k] = pixels[i * bpp + (gray ? 0 : k)];
      rgba[i * 4 + 3] = 255;
    }
    out.push(jsQR(rgba, width, height)?.data ?? null);
  }
  return out;
}

const codeText = (cardCode: string) => `wxacode:${BIND_PAGE}?scene=${cardCode}`;

// ---------------------------------------------------------------- cardImage

describe('cardImage', () => {
  test('a PNG whose code opens the bind page with the card code; one database request', async () => {
    for (const who of ['demo-member', 'demo-secretary', 'demo-deputy']) {
      const r = await call(who, 'cardImage', { residentId: 'res-b1-01' });
      expect(r.dbRequests).toBe(1);
      const data = ok(r.result);
      expect(data.cardCode).toBe(CARD_01.cardCode);
      expect(data.image).toMatch(/^data:image\/png;base64,/);
      const png = Buffer.from(data.image.replace(/^data:image\/png;base64,/, ''), 'base64');
      expect(decodePng(png)).toBe(codeText(CARD_01.cardCode));
    }
  });

  test('only the secretaries and the linked member; no picture for anyone else', async () => {
    const others = ['demo-masswork', 'demo-elder', 'demo-resident', 'demo-secretary-2'];
    for (const who of [...others, 'demo-organizer']) {
      const r = await call(who, 'cardImage', { residentId: 'res-b1-01' });
      expect(r.dbRequests).toBe(1);
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(r.result)).not.toContain(CARD_01.cardCode);
    }
    const missing = await call('demo-secretary', 'cardImage', { residentId: 'res-nope' });
    expect(err(missing.result).code).toBe('NOT_FOUND');
  });

  test('when the openapi fails (41030, not published) a plain QR with the same text', async () => {
    failWxacode();
    const data = ok((await call('demo-member', 'cardImage', { residentId: 'res-b1-02' })).result);
    const png = Buffer.from(data.image.replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(decodePng(png)).toBe(codeText(CARD_02.cardCode));
  });
});

/** The emulator's wxacode.getUnlimited answers 41030 as for a mini-program not published. */
function failWxacode() {
  const openapi = emu.emulator.openapi;
  const original = openapi.callCompatibleWxOpenApi.bind(openapi);
  const calls = { wxacode: 0, logged: 0 };
  jest.spyOn(console, 'error').mockImplementation(() => void calls.logged++);
  jest.spyOn(openapi, 'callCompatibleWxOpenApi').mockImplementation(async (o, ctx) => {
    if (o.apiName !== 'wxacode.getUnlimited') return original(o, ctx);
    calls.wxacode++;
    return encodeCommOpenApiResp({
      respData: Buffer.from(JSON.stringify({ errcode: 41030, errmsg: 'invalid page' })),
      contentType: 'application/json',
    });
  });
  return calls;
}

afterEach(() => jest.restoreAllMocks());

// ---------------------------------------------------------------- exportCards

describe('exportCards', () => {
  test('one household: an A4 PDF in storage, one page of 6 cards, each code decodable', async () => {
    const r = await call('demo-secretary', 'exportCards', { householdId: HH_MEMBER });
    expect(r.dbRequests).toBe(2);
    const data = ok(r.result);
    expect(data.rows).toBe(6);
    expect(data.truncated).toBeUndefined();
    expect(data.fileName).toBe('连心卡-李秀英.pdf');
    expect(data.fileID).toMatch(
      /\/liaison-exports\/org-branch-1\/cards-\d{8}T\d{6}-[0-9a-f]{24}\.pdf$/,
    );
    expect(data.url).toMatch(/^https?:\/\//);
    const pdf = storedFile(data.fileID);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdfPages(pdf);
    expect(pages).toHaveLength(1);
    expect(pages[0].images).toHaveLength(6);
    const text = pages[0].text;
    expect(text.match(/党员中心户连心卡/g)).toHaveLength(6);
    for (const r of MEMBER_RESIDENTS) expect(text).toContain(r.cardCode);
    expect(text).toContain('李秀英');
    // Wrapped onto two lines in its box.
    expect(text.replace(/\n/g, '')).toContain('党员 · 幸福里社区第一党支部');
    // showPhone: the member's own phone is printed.
    expect(text).toContain('电话 13800001002');
    expect(text).toContain('服务承诺：有事您说话');
    expect(text).toContain('联系户地址：3栋1单元302室');
    expect(text).toContain('照片');
    expect(pdfImages(pdf).sort()).toEqual(MEMBER_RESIDENTS.map((r) => codeText(r.cardCode)).sort());
    expectNoResidentData(pdf, text);
  });

  test('a branch: 9 cards on 2 pages; phone only where the member agreed', async () => {
    const r = await call('demo-deputy', 'exportCards', { branchId: B1 });
    expect(r.dbRequests).toBe(3);
    const data = ok(r.result);
    expect(data.rows).toBe(9);
    const pdf = storedFile(data.fileID);
    const pages = pdfPages(pdf);
    expect(pages).toHaveLength(Math.ceil(9 / 8));
    expect(pages.map((p) => p.images.length)).toEqual([8, 1]);
    const text = pages.map((p) => p.text).join('\n');
    for (const r of B1_RESIDENTS) expect(text).toContain(r.cardCode);
    expect(text).toContain('何永福');
    expect(text.match(/请在小程序中联系/g)).toHaveLength(3);
    expect(text).not.toContain('13800001008'); // demo-elder did not agree to show the phone
    expect(pdfImages(pdf)).toHaveLength(9);
    expectNoResidentData(pdf, text);

    moveToGrid(HH_ELDER, GRID_3);
    const grid = ok(
      (await call('demo-secretary', 'exportCards', { branchId: B1, grid: GRID_3 })).result,
    );
    expect(grid.rows).toBe(3);
    expect(grid.fileName).toBe(`连心卡-${GRID_3}.pdf`);
  });

  test('the member photo is printed when set (downloaded from storage)', async () => {
    const photo = await QRphoto();
    const up = await emu.emulator.storage.uploadFile({
      cloudPath: 'avatars/demo-member.png',
      fileContent: photo,
    });
    const fileID = (up as { fileID: string }).fileID;
    emu.db.update(
      'memberships',
      { _id: 'm-branch-1-member' },
      { $set: { photo: fileID } },
      {
        multi: false,
        upsert: false,
        replace: false,
      },
    );
    const data = ok(
      (await call('demo-secretary', 'exportCards', { householdId: HH_MEMBER })).result,
    );
    const pdf = storedFile(data.fileID);
    const [page] = pdfPages(pdf);
    expect(page.text).not.toContain('照片');
    // 6 codes + the photo (one image object per card: pdfkit does not share buffers).
    expect(page.images).toHaveLength(12);
    expect(pdfImages(pdf).filter((t) => t === 'member-photo')).toHaveLength(6);
  });

  test('with the openapi failing: plain QR codes, one failed call only', async () => {
    const calls = failWxacode();
    const data = ok(
      (await call('demo-secretary', 'exportCards', { householdId: HH_MEMBER })).result,
    );
    expect(calls.wxacode).toBeGreaterThanOrEqual(1);
    expect(calls.wxacode).toBeLessThanOrEqual(8); // the calls already in flight
    expect(calls.logged).toBe(1);
    expect(pdfImages(storedFile(data.fileID)).sort()).toEqual(
      MEMBER_RESIDENTS.map((r) => codeText(r.cardCode)).sort(),
    );
  });

  test('the secretaries only (a card carries the address); an empty scope is NOT_FOUND', async () => {
    const refused = ['demo-masswork', 'demo-member', 'demo-resident', 'demo-secretary-2'];
    for (const who of [...refused, 'demo-organizer']) {
      const r = await call(who, 'exportCards', { householdId: HH_MEMBER });
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(r.result)).not.toMatch(/fileID|XFLQ2C3D|3栋1单元302室/);
      const b = await call(who, 'exportCards', { branchId: B1 });
      expect(err(b.result).code).toBe('FORBIDDEN');
    }
    const none = await call('demo-secretary', 'exportCards', { branchId: B1, grid: '没有的网格' });
    expect(err(none.result).code).toBe('NOT_FOUND');
  });
});

/** A small PNG that is itself a QR code saying 'member-photo', standing in for a portrait. */
async function QRphoto(): Promise<Buffer> {
  const QRCode = await import('qrcode');
  return QRCode.toBuffer('member-photo', { type: 'png', width: 200 });
}

/** No resident phone (whole or in part), care tag or note anywhere in the file. */
function expectNoResidentData(pdf: Buffer, text: string) {
  const raw = pdf.toString('latin1');
  for (const r of SEED) {
    expect(raw).not.toContain(r.phone);
    expect(text).not.toContain(r.phone);
    expect(text).not.toContain(r.phone.slice(-4));
    expect(text).not.toContain(r.headName);
  }
  for (const w of [...CARE_WORDS, ...NOTES]) expect(text).not.toContain(w);
}

// ---------------------------------------------------------------- import

async function templateWorkbook(): Promise<Workbook> {
  const r = await call('demo-secretary', 'importTemplate', { branchId: B1 });
  expect(r.dbRequests).toBe(1);
  const data = ok(r.result);
  expect(data.fileName).toBe('联系户导入模板.xlsx');
  const wb = new Workbook();
  await wb.xlsx.load(storedFile(data.fileID) as never);
  return wb;
}

function rowsOf(ws: Worksheet): string[][] {
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    out.push(
      (row.values as unknown[])
        .slice(1)
        .map((v) => (v === undefined || v === null ? '' : String(v))),
    );
  });
  return out;
}

/** The template filled with `rows` after its example row, uploaded: the fileID. */
async function upload(rows: (string | number | null)[][], wb?: Workbook): Promise<string> {
  const book = wb ?? (await templateWorkbook());
  const ws = book.getWorksheet('联系户')!;
  for (const r of rows) ws.addRow(r.map((v) => (v === null ? '' : v)));
  const buffer = Buffer.from(await book.xlsx.writeBuffer());
  const up = await emu.emulator.storage.uploadFile({
    cloudPath: `liaison-imports/${Date.now()}-${Math.random().toString(36).slice(2)}.xlsx`,
    fileContent: buffer,
  });
  return (up as { fileID: string }).fileID;
}

const household = (id: string) =>
  emu.db.find('liaisonHouseholds', { _id: id })[0] as { residentCount: number };
const residentsOf = (id: string) =>
  emu.db.find('liaisonResidents', { householdId: id, active: true }) as Record<string, unknown>[];

describe('importTemplate', () => {
  test('the columns, an example row and a 说明 sheet naming the care tag words', async () => {
    const wb = await templateWorkbook();
    const rows = rowsOf(wb.getWorksheet('联系户')!);
    expect(rows[0]).toEqual(['户主姓名', '地址', '联系电话', '家庭人数', '关爱标签', '备注']);
    expect(rows).toHaveLength(2);
    const help = rowsOf(wb.getWorksheet('说明')!).flat().join('\n');
    for (const w of CARE_WORDS) expect(help).toContain(w);
    expect(help).toContain('、');
  });

  test('the secretaries only', async () => {
    for (const who of ['demo-masswork', 'demo-member', 'demo-secretary-2', 'demo-resident']) {
      expect(err((await call(who, 'importTemplate', { branchId: B1 })).result).code).toBe(
        'FORBIDDEN',
      );
    }
  });
});

describe('importResidents', () => {
  const THREE = [
    ['刘大爷', '幸福里小区5栋1单元201室', '13511112222', 1, '独居、高龄', '每周三上门'],
    ['马阿姨', '幸福里小区5栋2单元302室', 13522223333, 3, '残疾,生活困难', null],
    ['黄师傅', '东村三组12号', '0571-88886666', null, null, null],
  ];

  test('a good file: every row imported at once with card codes; 4 database requests', async () => {
    keepResidents(HH_MEMBER, 2);
    const fileID = await upload(THREE);
    expect(inStorage(fileID)).toBe(true);
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    expect(r.dbRequests).toBe(4);
    expect(ok(r.result)).toEqual({ imported: 3, errors: [], residentCount: 5, max: 10 });
    // The uploaded file held full phone numbers: gone from storage once read.
    expect(inStorage(fileID)).toBe(false);
    expect(household(HH_MEMBER).residentCount).toBe(5);
    const added = residentsOf(HH_MEMBER).filter(
      (d) => d.createdBy === 'demo-secretary' && !String(d._id).startsWith('res-'),
    );
    expect(added).toHaveLength(3);
    const byName = new Map(added.map((d) => [d.headName, d]));
    expect(byName.get('刘大爷')).toMatchObject({
      address: '幸福里小区5栋1单元201室',
      phone: '13511112222',
      people: 1,
      careTags: ['livingAlone', 'elderly'],
      notes: '每周三上门',
      grid: GRID_1,
      branchId: B1,
      active: true,
      erased: false,
      boundOpenids: [],
    });
    expect(byName.get('马阿姨')).toMatchObject({
      phone: '13522223333',
      people: 3,
      careTags: ['disability', 'hardship'],
      notes: null,
    });
    expect(byName.get('黄师傅')).toMatchObject({ phone: '0571-88886666', people: 1, careTags: [] });
    for (const d of added) {
      expect(d.cardCode).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
      expect(d._id).toMatch(/^res[0-9a-f]{29}$/); // as addResident names them
    }
    expect(new Set(added.map((d) => d.cardCode)).size).toBe(3);

    // The new residents are listed and their cards printable.
    const cards = ok(
      (await call('demo-secretary', 'exportCards', { householdId: HH_MEMBER })).result,
    );
    expect(cards.rows).toBe(5);

    // A retry of the call finds the file gone and says so; nothing is added.
    const retry = await call('demo-secretary', 'importResidents', {
      householdId: HH_MEMBER,
      fileID,
    });
    expect(retry.dbRequests).toBe(2);
    expect(err(retry.result)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: '没有读到上传的文件，请重新上传',
    });
    // The same file uploaded again: every phone is already there, nothing is added.
    const again = await call('demo-secretary', 'importResidents', {
      householdId: HH_MEMBER,
      fileID: await upload(THREE),
    });
    const a = ok(again.result);
    expect(a.imported).toBe(0);
    expect(a.errors.map((e) => [e.row, e.column])).toEqual([
      [3, '联系电话'],
      [4, '联系电话'],
      [5, '联系电话'],
    ]);
    expect(household(HH_MEMBER).residentCount).toBe(5);
  });

  test('bad rows: the row-by-row report and nothing imported', async () => {
    const before = residentsOf(HH_MEMBER).length;
    const rows: (string | number | null)[][] = [
      [null, '幸福里小区5栋101室', '13511112222', 1, null, null], // 3: no name
      ['王大妈', '幸福里小区5栋102室', '135-1111', 1, null, null], // 4: bad phone
      ['李大爷', '幸福里小区5栋103室', '13533334444', 2, '独居、有钱', null], // 5: bad tag
      ['赵大姐', '幸福里小区5栋104室', '13533334444', 2, null, null], // 6: duplicate in file
      ['钱师傅', '幸福里小区5栋105室', '13700001234', 0, null, null], // 7: existing + people 0
      [null, null, null, null, null, null], // empty: skipped
      ['孙奶奶', '5', '13544445555', 1, null, null], // 9: address too short
    ];
    const fileID = await upload(rows);
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    expect(r.dbRequests).toBe(2);
    const data = ok(r.result);
    expect(data.imported).toBe(0);
    expect(data.residentCount).toBe(6);
    expect(data.errors.map((e) => [e.row, e.column ?? null])).toEqual([
      [3, '户主姓名'],
      [4, '联系电话'],
      [5, '关爱标签'],
      [6, '联系电话'],
      [7, '联系电话'],
      [7, '家庭人数'],
      [9, '地址'],
    ]);
    const msg = (row: number, column: string) =>
      data.errors.find((e) => e.row === row && e.column === column)?.message;
    expect(msg(3, '户主姓名')).toBe('请填写户主姓名');
    expect(msg(4, '联系电话')).toBe('请填写正确的手机号或固定电话');
    expect(msg(5, '关爱标签')).toContain('「有钱」不是关爱标签');
    expect(msg(6, '联系电话')).toBe('与第 5 行的电话重复');
    expect(msg(7, '联系电话')).toBe('该电话已在本户的联系户中');
    expect(residentsOf(HH_MEMBER)).toHaveLength(before);
    expect(household(HH_MEMBER).residentCount).toBe(6);
    // Nothing imported, and still the file is deleted: a corrected one is uploaded anew.
    expect(inStorage(fileID)).toBe(false);
  });

  test('more rows than the maximum is a row error; nothing imported', async () => {
    keepResidents(HH_MEMBER, 0);
    const rows = Array.from({ length: 11 }, (_, i) => [
      `住户${i + 1}`,
      `幸福里小区6栋${i + 1}01室`,
      `135000000${String(i).padStart(2, '0')}`,
      1,
      null,
      null,
    ]);
    const fileID = await upload(rows);
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    const data = ok(r.result);
    expect(data.imported).toBe(0);
    expect(data.errors).toEqual([{ row: 13, message: expect.stringContaining('最多联系 10 户') }]);
    expect(residentsOf(HH_MEMBER)).toHaveLength(0);
    expect(household(HH_MEMBER).residentCount).toBe(0);
  });

  test('a good file that would pass the maximum: FULL and nothing imported', async () => {
    const rows = Array.from({ length: 5 }, (_, i) => [
      `新住户${i + 1}`,
      `幸福里小区7栋${i + 1}01室`,
      `135100000${i}0`,
      1,
      null,
      null,
    ]);
    const fileID = await upload(rows);
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    expect(r.dbRequests).toBe(3);
    const e = err(r.result);
    expect(e.code).toBe('FULL');
    expect(e.message).toContain('最多联系 10 户');
    expect(residentsOf(HH_MEMBER)).toHaveLength(6);
    expect(household(HH_MEMBER).residentCount).toBe(6);
    expect(inStorage(fileID)).toBe(false);
  });

  test('a failed insert gives the reservation back (5 database requests)', async () => {
    keepResidents(HH_MEMBER, 2);
    const fileID = await upload(THREE);
    // Another household already holds every code the import could draw: the insert fails on
    // the unique card-code index, as a collision would.
    const spy = jest.spyOn(require('crypto'), 'randomInt').mockImplementation(() => 0 as never);
    const [other] = emu.db.find('liaisonResidents', { _id: 'res-b1-11' });
    await emu.seed({ liaisonResidents: [{ ...other, _id: 'res-taken', cardCode: 'AAAAAAAA' }] });
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    spy.mockRestore();
    expect(r.dbRequests).toBe(5);
    expect(r.result.ok).toBe(false);
    expect(household(HH_MEMBER).residentCount).toBe(2);
    expect(residentsOf(HH_MEMBER)).toHaveLength(2);
    expect(inStorage(fileID)).toBe(false);
  });

  test("the secretaries only; a refused caller's file is left alone", async () => {
    const fileID = await upload(THREE);
    for (const who of ['demo-masswork', 'demo-member', 'demo-secretary-2', 'demo-resident']) {
      const r = await call(who, 'importResidents', { householdId: HH_MEMBER, fileID });
      expect(r.dbRequests).toBe(2);
      expect(err(r.result).code).toBe('FORBIDDEN');
    }
    expect(household(HH_MEMBER).residentCount).toBe(6);
    expect(inStorage(fileID)).toBe(true);
  });

  test('an unreadable file or a stepped-down household: refused, and the file deleted', async () => {
    const junk = await emu.emulator.storage.uploadFile({
      cloudPath: 'liaison-imports/not-excel.xlsx',
      fileContent: Buffer.from('户主姓名,联系电话\n张三,13511112222\n'),
    });
    const junkID = (junk as { fileID: string }).fileID;
    const r = await call('demo-secretary', 'importResidents', {
      householdId: HH_MEMBER,
      fileID: junkID,
    });
    expect(err(r.result)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('模板'),
    });
    expect(inStorage(junkID)).toBe(false);

    const fileID = await upload(THREE);
    emu.db.update(
      'liaisonHouseholds',
      { _id: HH_MEMBER },
      { $set: { active: false } },
      { multi: false, upsert: false, replace: false },
    );
    const gone = await call('demo-secretary', 'importResidents', {
      householdId: HH_MEMBER,
      fileID,
    });
    expect(err(gone.result).code).toBe('NOT_FOUND');
    expect(inStorage(fileID)).toBe(false);
  });

  test('only a file the import page uploaded (liaison-imports/) is read, or deleted', async () => {
    const book = await templateWorkbook();
    const elsewhere = await emu.emulator.storage.uploadFile({
      cloudPath: 'avatars/import.xlsx',
      fileContent: Buffer.from(await book.xlsx.writeBuffer()),
    });
    const fileID = (elsewhere as { fileID: string }).fileID;
    for (const id of [fileID, fileID.replace('/avatars/', '/liaison-imports/../avatars/')]) {
      const r = await call('demo-secretary', 'importResidents', {
        householdId: HH_MEMBER,
        fileID: id,
      });
      expect(r.dbRequests).toBe(0);
      expect(err(r.result)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: '文件地址不正确，请重新上传',
      });
    }
    expect(inStorage(fileID)).toBe(true);
  });

  test('risky notes are refused before anything is written', async () => {
    keepResidents(HH_MEMBER, 0);
    const fileID = await upload([
      ['刘大爷', '幸福里小区5栋201室', '13511112222', 1, null, '测试违规词'],
    ]);
    const r = await call('demo-secretary', 'importResidents', { householdId: HH_MEMBER, fileID });
    expect(err(r.result).code).toBe('CONTENT_RISKY');
    expect(residentsOf(HH_MEMBER)).toHaveLength(0);
    expect(household(HH_MEMBER).residentCount).toBe(0);
    expect(inStorage(fileID)).toBe(false);
  });
});

// ---------------------------------------------------------------- exportResidents

describe('exportResidents', () => {
  async function exported(who: string, scope: Record<string, unknown>, requests: number) {
    const r = await call(who, 'exportResidents', scope);
    expect(r.dbRequests).toBe(requests);
    const data = ok(r.result);
    const wb = new Workbook();
    await wb.xlsx.load(storedFile(data.fileID) as never);
    return { data, rows: rowsOf(wb.getWorksheet('联系户')!) };
  }

  test('the secretary: phones masked, no card codes, care tags and notes included', async () => {
    const { data, rows } = await exported('demo-secretary', { branchId: B1 }, 3);
    expect(data.rows).toBe(9);
    expect(data.truncated).toBeUndefined();
    expect(rows[0]).toEqual([
      '中心户党员',
      '网格',
      '户主姓名',
      '地址',
      '联系电话',
      '家庭人数',
      '已绑定微信数',
      '关爱标签',
      '备注',
    ]);
    const chen = rows.find((r) => r[2] === '陈桂兰')!;
    expect(chen).toEqual([
      '李秀英',
      GRID_1,
      '陈桂兰',
      '3栋1单元302室',
      '137****1234',
      String(MEMBER_RESIDENTS[0].people),
      '1',
      '独居、高龄',
      '子女在外地工作，每周电话问候一次',
    ]);
    expect(rows.flat().filter((t) => /\d{11}/.test(t))).toEqual([]);
    // A card code next to the phone's last four digits is all binding asks for: none in the
    // file, in any cell, for either scope.
    const one = await exported('demo-secretary', { householdId: HH_MEMBER }, 2);
    const cells = [...rows.flat(), ...one.rows.flat()].join('\n');
    for (const r of B1_RESIDENTS) expect(cells).not.toContain(r.cardCode);
    expect(cells).not.toContain('连心卡');
  });

  test('at most 1 000 rows, read at once; a larger branch is marked truncated', async () => {
    // 1 000 more resident households in branch 1 (demo-elder's household; the cap is the
    // committee's business, not the export's): with the seed's 9, more than one read holds.
    const code = (i: number) =>
      `T${'ABCDEFGHJK'[Math.floor(i / 100) % 10]}${'ABCDEFGHJK'[Math.floor(i / 10) % 10]}${'ABCDEFGHJK'[i % 10]}XYZW`;
    await emu.seed({
      liaisonResidents: Array.from({ length: 1000 }, (_, i) => ({
        ...ELDER_RESIDENTS[0],
        _id: `res-bulk-${String(i).padStart(4, '0')}`,
        headName: `批量户${i}`,
        cardCode: code(i),
        boundOpenids: [],
        sortKey: `批量户${i}\u0000res-bulk-${i}`,
      })),
    });
    const { data, rows } = await exported('demo-secretary', { branchId: B1 }, 3);
    expect(data.truncated).toBe(true);
    expect(data.rows).toBe(1000);
    // The header, 1 000 households, the note saying so.
    expect(rows).toHaveLength(1002);
    expect(rows.at(-1)).toEqual(['仅导出前 1000 户，请按网格或中心户分次导出']);
    // One household's list is far below: not truncated.
    const one = await exported('demo-secretary', { householdId: HH_MEMBER }, 2);
    expect(one.data.truncated).toBeUndefined();
    expect(one.data.rows).toBe(6);
  });

  test('the mass-work member gets no list of residents, and no file is made', async () => {
    for (const scope of [{ householdId: HH_MEMBER }, { branchId: B1 }]) {
      const r = await call('demo-masswork', 'exportResidents', scope);
      expect(err(r.result).code).toBe('FORBIDDEN');
      expect(JSON.stringify(r.result)).not.toMatch(/fileID|陈桂兰|3栋1单元302室/);
    }
    expect(existsSync(`${emu.emulator.storage.dir}/liaison-exports`)).toBe(false);
  });

  test('one grid; the secretaries only', async () => {
    moveToGrid(HH_ELDER, GRID_3);
    const { data } = await exported('demo-deputy', { branchId: B1, grid: GRID_3 }, 3);
    expect(data.rows).toBe(3);
    const refused = ['demo-masswork', 'demo-member', 'demo-elder', 'demo-secretary-2'];
    for (const who of [...refused, 'demo-resident']) {
      expect(err((await call(who, 'exportResidents', { branchId: B1 })).result).code).toBe(
        'FORBIDDEN',
      );
    }
  });
});
