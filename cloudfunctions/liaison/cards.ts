/**
 * Liaison cards (连心卡): the card's code picture for the household page (`cardImage`) and a
 * printable A4 PDF sheet of cards, 2 × 4 a page (`exportCards`).
 *
 * The code is a 小程序码 from `wxacode.getUnlimited` (scene = the card code, page = the bind
 * page, `checkPath: false` so it works before that page is released). When the openapi fails
 * (the mini-program is not published yet: errcode 41030, no permission, quota…), the card gets
 * a plain QR code made with `qrcode` whose text is what the emulator's stand-in holds,
 * `wxacode:<page>?scene=<code>`: the sheet is still printed, the bind page reads that text when
 * the card is scanned inside the mini-program, and the card code is printed in big letters to
 * be typed. After one failure an export stops asking the openapi (each card would fail alike).
 *
 * The PDF is made with pdfkit and NotoSansSC (OFL; full CJK coverage), embedded as a subset of
 * the glyphs used. The font file (10 MB) is read from `fonts/` next to the built function
 * (scripts/build.mjs copies it there), or from node_modules when run from the sources. pdfkit
 * is given the font as the document's font, so it never reads its own standard-font AFM
 * files (which a bundle does not carry). Both are loaded inside `exportCards` only.
 *
 * A card carries the member's name, photo, role, branch, phone (only when the member agreed:
 * `showPhone`; else 「请在小程序中联系」), service promise (not while content security holds it),
 * the code, the card code and the resident household's address for delivery — never the
 * resident's phone, care tags or notes.
 */
// The PDFKit namespace (@types/pdfkit): pdfkit itself is `require`d lazily in `cardsPdf`.
/// <reference types="pdfkit" />
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import * as z from 'zod';
import * as QRCode from 'qrcode';
import type { LiaisonMember } from '../../typings/api';
import { AppError, can, type ActionDef, type Cloud } from '../common';
import type { LiaisonResidentDoc } from '../common/model';
import { forbidden, idSchema, memberView, residentFor, residentNotFound } from './shared';
import { MSG_RES } from './residents';
import { loadScope, safeName, scopeSchema, storeFile } from './io';

/** The page a card's code opens (app.json subpackage `packages/resident/`). */
export const BIND_PAGE = 'packages/resident/bind/index';
/** Cards in one PDF at most; beyond, `truncated`. */
export const MAX_CARDS = 400;
/** The openapi's smallest width: 280 px printed at 96 pt is about 210 dpi. */
const CODE_WIDTH = 280;
/** Openapi calls / photo downloads in flight at once. */
const CONCURRENCY = 8;
const FONT_FILE = 'NotoSansSC_400Regular.ttf';

/** The fallback code's text: the same as the emulator's 小程序码 stand-in. */
export function fallbackCodeText(cardCode: string): string {
  return `wxacode:${BIND_PAGE}?scene=${encodeURIComponent(cardCode)}`;
}

async function plainQr(cardCode: string): Promise<Buffer> {
  return QRCode.toBuffer(fallbackCodeText(cardCode), {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    width: CODE_WIDTH,
  });
}

/** Makes card codes; after the first openapi failure it makes plain QR codes only. */
function codeMaker(cloud: Cloud) {
  let openapiWorks = true;
  return async (cardCode: string): Promise<{ png: Buffer; fallback: boolean }> => {
    if (openapiWorks) {
      try {
        const res = (await cloud.openapi.wxacode.getUnlimited({
          scene: cardCode,
          page: BIND_PAGE,
          checkPath: false,
          width: CODE_WIDTH,
        } as never)) as { buffer?: Buffer };
        if (res?.buffer && res.buffer.length > 0) return { png: res.buffer, fallback: false };
        throw new Error('empty wxacode answer');
      } catch (err) {
        if (!openapiWorks) return { png: await plainQr(cardCode), fallback: true };
        openapiWorks = false;
        const e = err as { errCode?: unknown };
        // Once per export (calls already in flight fail alike). No identity, no card code.
        console.error(
          JSON.stringify({ level: 'warn', fn: 'liaison', wxacode: 'failed', code: e?.errCode }),
        );
      }
    }
    return { png: await plainQr(cardCode), fallback: true };
  };
}

/** Runs `fn` over `items`, `limit` at a time, keeping the order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------- cardImage

/**
 * The secretaries (`manageResidents`) and the linked member of an active household: the card
 * is the resident's (its code binds to their household). Requests: the resident with its
 * household, the caller's memberships and settings (`residentFor`, 1).
 */
export const cardImage: ActionDef<'liaison', 'cardImage'> = {
  kind: 'read',
  schema: z.object({ residentId: idSchema }),
  async handler(data, { openid, db, cloud }) {
    const r = await residentFor(db, openid, data.residentId);
    if (!can(r.actor, 'manageResidents', r.resource) && !can(r.actor, 'ownHousehold', r.resource)) {
      throw forbidden(MSG_RES.notResidentManager);
    }
    if (!r.resident.active || r.resident.erased) throw residentNotFound();
    const { png } = await codeMaker(cloud)(r.resident.cardCode);
    return {
      residentId: r.resident._id,
      cardCode: r.resident.cardCode,
      image: `data:image/png;base64,${png.toString('base64')}`,
    };
  },
};

// ---------------------------------------------------------------- the PDF

let fontCache: Buffer | null = null;

/** NotoSansSC: next to the built function, else from node_modules (sources, tests). */
export function cardFont(): Buffer {
  if (fontCache) return fontCache;
  const candidates = [
    path.join(__dirname, 'fonts', FONT_FILE),
    path.join(
      __dirname,
      '..',
      '..',
      'node_modules',
      '@expo-google-fonts',
      'noto-sans-sc',
      '400Regular',
      FONT_FILE,
    ),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`font ${FONT_FILE} not found next to the function`);
  fontCache = readFileSync(file);
  return fontCache;
}

export interface CardData {
  cardCode: string;
  /** The resident household's address (where the card is delivered). */
  address: string;
  member: LiaisonMember;
  code: Buffer;
  photo: Buffer | null;
}

const A4 = { w: 595.28, h: 841.89 };
const MARGIN = 28;
const GAP = 10;
const COLS = 2;
const ROWS = 4;
export const CARDS_PER_PAGE = COLS * ROWS;
const CARD_W = (A4.w - 2 * MARGIN - (COLS - 1) * GAP) / COLS;
const CARD_H = (A4.h - 2 * MARGIN - (ROWS - 1) * GAP) / ROWS;
const RED = '#C8102E';
const CODE_SIZE = 96;

type Doc = PDFKit.PDFDocument;

function drawCard(doc: Doc, c: CardData, x: number, y: number) {
  // Cutting line.
  doc.save().lineWidth(0.5).dash(3, { space: 3 }).strokeColor('#999999');
  doc.rect(x, y, CARD_W, CARD_H).stroke();
  doc.undash().restore();
  // Header band.
  doc.rect(x, y, CARD_W, 26).fill(RED);
  doc
    .fillColor('#FFFFFF')
    .fontSize(13)
    .text('党员中心户连心卡', x + 10, y + 6, { width: CARD_W - 20, lineBreak: false });

  // The code, the card code under it.
  const qx = x + CARD_W - CODE_SIZE - 10;
  const qy = y + 32;
  doc.image(c.code, qx, qy, { width: CODE_SIZE, height: CODE_SIZE });
  doc
    .fillColor('#000000')
    .fontSize(16)
    .text(c.cardCode, qx - 12, qy + CODE_SIZE + 2, {
      width: CODE_SIZE + 24,
      align: 'center',
      characterSpacing: 1,
      lineBreak: false,
    });
  doc
    .fillColor('#666666')
    .fontSize(6.5)
    .text('微信扫码，或在小程序输入卡号绑定', qx - 14, qy + CODE_SIZE + 22, {
      width: CODE_SIZE + 28,
      align: 'center',
      lineBreak: false,
    });

  // Photo (or a neutral box).
  const px = x + 10;
  const py = y + 34;
  const pw = 50;
  const ph = 64;
  let drawn = false;
  if (c.photo) {
    try {
      doc.image(c.photo, px, py, { fit: [pw, ph], align: 'center', valign: 'center' });
      drawn = true;
    } catch {
      // Not a JPEG/PNG pdfkit can read: the neutral box instead.
    }
  }
  if (!drawn) {
    doc.save().lineWidth(0.5).rect(px, py, pw, ph).fillAndStroke('#F2F2F2', '#BBBBBB').restore();
    doc
      .fillColor('#AAAAAA')
      .fontSize(8)
      .text('照片', px, py + ph / 2 - 5, { width: pw, align: 'center', lineBreak: false });
  }

  // Member.
  const tx = px + pw + 8;
  const tw = qx - tx - 6;
  const m = c.member;
  doc
    .fillColor('#000000')
    .fontSize(15)
    .text(m.name, tx, py + 1, { width: tw, height: 18, ellipsis: true, lineBreak: false });
  doc
    .fillColor('#333333')
    .fontSize(8)
    .text(`${m.roleLabel} · ${m.branchName}`, tx, py + 21, {
      width: tw,
      height: 26,
      ellipsis: true,
    });
  doc
    .fillColor('#000000')
    .fontSize(9)
    .text(m.phone ? `电话 ${m.phone}` : '请在小程序中联系', tx, py + 50, {
      width: tw,
      lineBreak: false,
    });

  // Promise.
  const lw = qx - x - 16;
  if (m.promise) {
    doc
      .fillColor('#333333')
      .fontSize(8)
      .text(`服务承诺：${m.promise}`, px, py + ph + 8, { width: lw, height: 44, ellipsis: true });
  }

  // Where the card goes.
  doc
    .fillColor('#000000')
    .fontSize(8)
    .text(`联系户地址：${c.address}`, px, y + CARD_H - 20, {
      width: CARD_W - 20,
      height: 12,
      ellipsis: true,
      lineBreak: false,
    });
}

/** The sheet: A4 pages of 2 × 4 cards. */
export function cardsPdf(cards: CardData[]): Promise<Buffer> {
  // Loaded here, not at the top (see the module comment), and with `require`: from `import()`
  // esbuild would bundle pdfkit's ES module build, which finds its data files through
  // `import.meta.url`, empty in a CommonJS bundle (the function fails at the first PDF).
  type Ctor = new (options?: PDFKit.PDFDocumentOptions) => Doc;
  const PDFDocument = require('pdfkit') as Ctor;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    // The document's font from the start: pdfkit then never opens Helvetica's AFM file.
    font: cardFont() as never,
    info: { Title: '党员中心户连心卡', Creator: '网上支部' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  cards.forEach((c, i) => {
    const slot = i % CARDS_PER_PAGE;
    if (slot === 0) doc.addPage();
    const col = slot % COLS;
    const row = Math.floor(slot / COLS);
    drawCard(doc, c, MARGIN + col * (CARD_W + GAP), MARGIN + row * (CARD_H + GAP));
  });
  doc.end();
  return done;
}

/** The member's photo (membership photo in storage), or null; one download per file. */
function photoLoader(cloud: Cloud) {
  const cache = new Map<string, Promise<Buffer | null>>();
  return (fileID: string | null): Promise<Buffer | null> => {
    if (!fileID || !fileID.startsWith('cloud://')) return Promise.resolve(null);
    let p = cache.get(fileID);
    if (!p) {
      p = (async () => {
        try {
          const res = (await cloud.downloadFile({ fileID })) as { fileContent?: Buffer };
          return res?.fileContent ?? null;
        } catch {
          return null;
        }
      })();
      cache.set(fileID, p);
    }
    return p;
  };
}

// ---------------------------------------------------------------- exportCards

/**
 * The secretaries (`manageResidents`: a card carries the resident household's address).
 * Requests: one household 2, a branch 3 (`loadScope`); the codes, photos and the
 * file are openapi and storage calls. A write (it creates a file) that is safe to repeat: no
 * requestId marker.
 */
export const exportCards: ActionDef<'liaison', 'exportCards'> = {
  kind: 'write',
  idempotent: false,
  schema: scopeSchema,
  async handler(data, { openid, db, cloud }) {
    const s = await loadScope(db, openid, data, MAX_CARDS);
    if (s.residents.length === 0) throw new AppError('NOT_FOUND', '该范围内没有联系户');
    const makeCode = codeMaker(cloud);
    const photo = photoLoader(cloud);
    const cards = await mapLimited(
      s.residents,
      CONCURRENCY,
      async (r: LiaisonResidentDoc): Promise<CardData> => {
        const h = s.households.get(r.householdId)!;
        const member = memberView(h.doc, h.member);
        const [code, picture] = await Promise.all([makeCode(r.cardCode), photo(member.photo)]);
        return { cardCode: r.cardCode, address: r.address, member, code: code.png, photo: picture };
      },
    );
    const pdf = await cardsPdf(cards);
    const res = await storeFile(cloud, pdf, {
      branchId: s.branchId,
      name: 'cards',
      ext: 'pdf',
      fileName: `连心卡-${safeName(s.label)}.pdf`,
      rows: cards.length,
    });
    return s.truncated ? { ...res, truncated: true } : res;
  },
};
