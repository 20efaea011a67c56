/**
 * The permission matrix of the `liaison` function (docs/permissions.md, "Central households"):
 * every action × every kind of caller through the emulator with the demo seed. The expectation
 * is this file's copy of the documented table, not policy.ts. An allowed cell must answer
 * `ok: true` (each caller gets its own fixture where an action consumes one); a refused cell
 * must answer FORBIDDEN. Rows with a scope or a state (listRequests by scope, getRequest of an
 * escalated request) have one row each.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, rid } from '../helpers/branch';
import {
  B1,
  CARD_01,
  CARD_02,
  HH_ELDER,
  HH_MEMBER,
  HOUR,
  liaisonCaller,
  type LiaisonAction,
} from '../helpers/liaison';
import { Workbook } from 'exceljs';
import { IMPORT_COLUMNS } from '../../cloudfunctions/liaison/io';

const CALLERS = {
  secretary: 'demo-secretary',
  deputy: 'demo-deputy',
  massWork: 'demo-masswork',
  /** Another committee member of the branch (organisation committee). */
  otherCommittee: 'demo-organizer',
  /** The member of the central household the rows are about (`HH_MEMBER`). */
  linkedMember: 'demo-member',
  /** A member of the same branch, central household of another household (`HH_ELDER`). */
  unlinkedMember: 'demo-elder',
  /** A member of branch 2 (reported to branch 1 by 双报到: still no liaison rights there). */
  otherBranch: 'demo-member-2',
  /** Secretary of the party committee. */
  committee: 'demo-committee',
  /** Bound to `res-b1-01` of `HH_MEMBER`. */
  boundResident: 'demo-resident',
  /** A registered user in no branch, bound to nothing. */
  newcomer: 'demo-newcomer',
} as const;
type Caller = keyof typeof CALLERS;
const COLUMNS = Object.keys(CALLERS) as Caller[];

// prettier-ignore
/** Copy of docs/permissions.md (liaison table): Y allowed, · FORBIDDEN. Columns in CALLERS order. */
const TABLE: Record<string, string> = {
  designateHousehold:   'Y Y Y · · · · · · ·',
  updateHousehold:      'Y Y Y · Y · · · · ·',
  stepDown:             'Y Y Y · Y · · · · ·',
  listHouseholds:       'Y Y Y · Y Y · · · ·',
  myHouseholds:         'Y Y Y Y Y Y Y Y Y Y',
  addResident:          'Y Y · · Y · · · · ·',
  updateResident:       'Y Y · · Y · · · · ·',
  removeResident:       'Y Y · · · · · · · ·',
  listResidents:        'Y Y · · Y · · · · ·',
  revealPhone:          'Y Y · · Y · · · · ·',
  cardImage:            'Y Y · · Y · · · · ·',
  exportCards:          'Y Y · · · · · · · ·',
  importTemplate:       'Y Y · · · · · · · ·',
  importResidents:      'Y Y · · · · · · · ·',
  exportResidents:      'Y Y · · · · · · · ·',
  bindResident:         '· · · Y · Y Y Y Y Y',
  unbind:               'Y Y Y Y Y Y Y Y Y Y',
  myLiaison:            'Y Y Y Y Y Y Y Y Y Y',
  myData:               '· · · · · · · · Y ·',
  eraseMyData:          '· · · · · · · · Y ·',
  submitRequest:        '· · · · · · · · Y ·',
  listRequests:         'Y Y Y Y Y Y Y Y Y Y',
  listRequestsBranch:   'Y Y · · · · · · · ·',
  listRequestsCommittee:'· · · · · · · Y · ·',
  getRequest:           'Y Y · · Y · · · Y ·',
  getRequestEscalated:  'Y Y · · Y · · Y · ·',
  updateRequest:        '· · · · Y · · · · ·',
  updateRequestEscalated:'Y Y · · Y · · Y · ·',
  rateRequest:          '· · · · · · · · Y ·',
  logService:           '· · · · Y · · · · ·',
  listServiceRecords:   'Y Y · · Y · · · · ·',
  dashboard:            'Y Y Y · · · · Y · ·',
  updateSettings:       '· · · · · · · Y · ·',
};

const MANAGERS: Caller[] = ['secretary', 'deputy', 'massWork'];
/** One resident of `HH_MEMBER` per secretary for `removeResident` (others try `res-b1-03`). */
const REMOVABLE: Partial<Record<Caller, string>> = {
  secretary: 'res-b1-04',
  deputy: 'res-b1-05',
};

let emu: TestEmulator;
const call = liaisonCaller(() => emu);

/** An uploaded .xlsx of the import template's columns with one resident household. */
async function importFile(c: Caller): Promise<string> {
  const wb = new Workbook();
  const ws = wb.addWorksheet('联系户');
  ws.addRow(IMPORT_COLUMNS.map((col) => col.header));
  const i = COLUMNS.indexOf(c);
  ws.addRow([`导入户${i}`, `幸福里6栋${i}02室`, `1350000200${i}`, 2, '', '']);
  const up = await emu.emulator.storage.uploadFile({
    cloudPath: `liaison-imports/perm-${c}.xlsx`,
    fileContent: Buffer.from(await wb.xlsx.writeBuffer()),
  });
  return (up as { fileID: string }).fileID;
}

type Data = unknown | ((c: Caller) => unknown);
const REQUESTS: Record<string, { action: LiaisonAction; data?: Data }> = {
  designateHousehold: {
    action: 'designateHousehold',
    data: { branchId: B1, memberOpenid: 'demo-probationary', address: '幸福里7栋301室' },
  },
  updateHousehold: {
    action: 'updateHousehold',
    data: { householdId: HH_MEMBER, promise: '随时联系' },
  },
  stepDown: {
    action: 'stepDown',
    data: (c: Caller) =>
      MANAGERS.includes(c)
        ? { householdId: `perm-hh-${c}` }
        : { householdId: HH_MEMBER, toHouseholdId: HH_ELDER },
  },
  listHouseholds: { action: 'listHouseholds', data: { branchId: B1 } },
  myHouseholds: { action: 'myHouseholds' },
  addResident: {
    action: 'addResident',
    data: (c: Caller) => ({
      householdId: HH_MEMBER,
      headName: `新户${COLUMNS.indexOf(c)}`,
      address: `幸福里6栋${COLUMNS.indexOf(c)}01室`,
      phone: `1350000100${COLUMNS.indexOf(c)}`,
    }),
  },
  updateResident: { action: 'updateResident', data: { residentId: 'res-b1-02', people: 2 } },
  removeResident: {
    action: 'removeResident',
    data: (c: Caller) => ({ residentId: REMOVABLE[c] ?? 'res-b1-03' }),
  },
  listResidents: { action: 'listResidents', data: { householdId: HH_MEMBER } },
  revealPhone: { action: 'revealPhone', data: { residentId: 'res-b1-02' } },
  cardImage: { action: 'cardImage', data: { residentId: 'res-b1-02' } },
  exportCards: { action: 'exportCards', data: { householdId: HH_MEMBER } },
  importTemplate: { action: 'importTemplate', data: { branchId: B1 } },
  importResidents: {
    action: 'importResidents',
    data: async (c: Caller) => ({ householdId: HH_MEMBER, fileID: await importFile(c) }),
  },
  exportResidents: { action: 'exportResidents', data: { householdId: HH_MEMBER } },
  bindResident: {
    action: 'bindResident',
    data: (c: Caller) => (c === 'boundResident' ? CARD_01 : CARD_02),
  },
  unbind: { action: 'unbind' },
  myLiaison: { action: 'myLiaison' },
  myData: { action: 'myData' },
  eraseMyData: { action: 'eraseMyData', data: { confirm: true } },
  submitRequest: {
    action: 'submitRequest',
    data: { category: 'repair', text: '楼道灯坏了，晚上看不清路' },
  },
  listRequests: { action: 'listRequests' },
  listRequestsBranch: { action: 'listRequests', data: { scope: 'branch', branchId: B1 } },
  listRequestsCommittee: {
    action: 'listRequests',
    data: { scope: 'committee', committeeId: 'org-committee' },
  },
  getRequest: { action: 'getRequest', data: { requestId: 'req-demo-open' } },
  getRequestEscalated: { action: 'getRequest', data: { requestId: 'perm-req-escalated' } },
  updateRequest: {
    action: 'updateRequest',
    data: { requestId: 'req-demo-open', status: 'accepted' },
  },
  updateRequestEscalated: {
    action: 'updateRequest',
    data: (c: Caller) => ({ requestId: `perm-req-escalated-${c}`, status: 'accepted' }),
  },
  rateRequest: {
    action: 'rateRequest',
    data: { requestId: 'perm-req-resolved', rating: 'satisfied' },
  },
  logService: {
    action: 'logService',
    data: {
      householdId: HH_MEMBER,
      residentId: 'res-b1-02',
      category: 'visit',
      note: '上门走访了解近况',
    },
  },
  listServiceRecords: { action: 'listServiceRecords', data: { householdId: HH_MEMBER } },
  dashboard: { action: 'dashboard', data: { branchId: B1 } },
  updateSettings: {
    action: 'updateSettings',
    data: { committeeId: 'org-committee', minResidents: 4 },
  },
};

beforeEach(async () => {
  emu = await demoEmulator();
  const hh = emu.db.get('liaisonHouseholds', HH_ELDER)!;
  const open = emu.db.get('liaisonRequests', 'req-demo-open')!;
  const escalated = (id: string) => ({
    ...open,
    _id: id,
    residentId: 'res-b1-03',
    submittedBy: null,
    level: 2,
    dueAt: new Date(Date.now() + HOUR),
  });
  await emu.seed({
    // Empty central households the managers may step down from.
    liaisonHouseholds: MANAGERS.map((c) => ({
      ...hh,
      _id: `perm-hh-${c}`,
      memberOpenid: 'demo-probationary',
      membershipId: 'm-branch-1-probationary',
      residentCount: 0,
      boundCount: 0,
      openRequests: 0,
      sortKey: `幸福里第一网格\u0000周敏\u0000perm-hh-${c}`,
    })),
    liaisonRequests: [
      escalated('perm-req-escalated'),
      ...COLUMNS.map((c) => escalated(`perm-req-escalated-${c}`)),
      {
        ...open,
        _id: 'perm-req-resolved',
        status: 'resolved',
        acceptedAt: new Date(Date.now() - HOUR),
        resolvedAt: new Date(),
        dueAt: null,
        resolutionNote: '已修好',
      },
    ],
  });
});
afterEach(() => emu.close());

test('the table covers every action of the liaison function', async () => {
  const { main } = (await import('../../cloudfunctions/liaison/index')) as {
    main: { meta: { actions: Record<string, string> } };
  };
  const covered = new Set(Object.values(REQUESTS).map((r) => r.action));
  for (const action of Object.keys(main.meta.actions)) expect(covered).toContain(action);
  for (const row of Object.keys(TABLE)) expect(REQUESTS).toHaveProperty(row);
  // …and every action of the contract (typings/liaison.ts `LiaisonApi`).
  const contract: Record<keyof import('../../typings/api').LiaisonApi, true> = {
    designateHousehold: true,
    updateHousehold: true,
    stepDown: true,
    listHouseholds: true,
    myHouseholds: true,
    addResident: true,
    updateResident: true,
    removeResident: true,
    listResidents: true,
    revealPhone: true,
    cardImage: true,
    exportCards: true,
    importTemplate: true,
    importResidents: true,
    exportResidents: true,
    bindResident: true,
    unbind: true,
    myLiaison: true,
    myData: true,
    eraseMyData: true,
    submitRequest: true,
    listRequests: true,
    getRequest: true,
    updateRequest: true,
    rateRequest: true,
    logService: true,
    listServiceRecords: true,
    dashboard: true,
    updateSettings: true,
  };
  for (const action of Object.keys(contract)) expect(covered).toContain(action);
  expect(Object.keys(main.meta.actions).sort()).toEqual(Object.keys(contract).sort());
});

describe.each(Object.keys(TABLE))('%s', (row) => {
  test('every caller gets exactly the documented answer', async () => {
    const cells = TABLE[row].split(' ');
    expect(cells).toHaveLength(COLUMNS.length);
    // Refused callers first, then the allowed ones, the linked member last (stepDown).
    const order = [...COLUMNS].sort(
      (a, b) =>
        Number(cells[COLUMNS.indexOf(a)] === 'Y') - Number(cells[COLUMNS.indexOf(b)] === 'Y') ||
        Number(a === 'linkedMember') - Number(b === 'linkedMember'),
    );
    const got: Record<string, string> = {};
    const want: Record<string, string> = {};
    const req = REQUESTS[row];
    for (const c of order) {
      want[c] = cells[COLUMNS.indexOf(c)];
      const data = await (typeof req.data === 'function' ? req.data(c) : req.data);
      const { result } = await call(CALLERS[c], req.action, data as Record<string, unknown>, rid());
      if (!result.ok && ['INVALID_ARGUMENT', 'INTERNAL'].includes(result.error.code)) {
        throw new Error(`${row} by ${c}: ${result.error.code} ${result.error.message}`);
      }
      const outcome = result.ok ? 'ok' : result.error.code;
      got[c] = outcome === 'FORBIDDEN' ? '·' : outcome === 'ok' ? 'Y' : outcome;
    }
    expect(got).toEqual(want);
  });
});
