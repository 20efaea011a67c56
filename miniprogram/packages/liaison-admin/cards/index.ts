/**
 * 打印连心卡 (managers): a printable PDF of liaison cards (A4, 2 × 4 cards a page; each with the
 * member's name, photo and phone as the member agreed, the card code and its QR code). Opened
 * with `?householdId=` (`memberName` names it) and / or `?branchId=` (optionally `&grid=`): the
 * cards of that household, the grid or the whole branch. No call on open; 生成 sends
 * `liaison.exportCards` and the file card (utils/export-file.ts) opens the PDF. One file holds
 * at most 400 cards (`truncated`): the page says to narrow the scope.
 */
import { scopedExportPage } from '../scoped-export';

scopedExportPage({ action: 'exportCards', verb: '打印', done: '已生成' });
