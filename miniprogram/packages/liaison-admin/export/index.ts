/**
 * 导出联系户名单 (managers). Opened with `?householdId=` (a household; `memberName` names it)
 * and / or `?branchId=` (optionally `&grid=`): the scope is that household, the grid or the
 * whole branch. No call on open; 导出 sends `liaison.exportResidents` and the file card
 * (utils/export-file.ts) opens the .xlsx. Phones in the file are masked (`138****1234`); care
 * tags only reach secretaries, as the server decides.
 */
import { scopedExportPage } from '../scoped-export';

scopedExportPage({ action: 'exportResidents', verb: '导出', done: '已导出' });
