/**
 * No response to a caller who may not see residents' data contains any: every action of the
 * `liaison` function, called by each such caller with requests about the seeded resident
 * households, and the WHOLE serialized response (ok or error) searched for every seeded
 * resident's phone (full and its last eight digits), head's name, address and care tags
 * (values and Chinese labels). A caller's own household (their own residents, their own bound
 * household) is theirs to see and is left out of their search. The mass-work member manages
 * central households and is searched like everyone else: no resident's name, address, phone or
 * tag in any answer (ARCHITECTURE §4: only the linked member and the branch secretaries).
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoCollections, demoEmulator, rid } from '../helpers/branch';
import {
  B1,
  B2,
  CARD_01,
  CARD_02,
  HH_B2,
  HH_ELDER,
  HH_MEMBER,
  liaisonCaller,
  type LiaisonAction,
} from '../helpers/liaison';
import { CARE_TAG_LABELS } from '../../cloudfunctions/liaison/shared';
/** A WeChat bound to `res-b2-02` (branch 2): a resident of another household. */
const OTHER_RESIDENT = 'privacy-other-resident';

interface Resident {
  _id: string;
  householdId: string;
  branchId: string;
  headName: string;
  phone: string;
  address: string;
  careTags: string[];
}
const RESIDENTS = demoCollections().liaisonResidents as unknown as Resident[];

/** Every action, with requests about the seeded residents (`HH_MEMBER`, branch 1). */
const CALLS: [LiaisonAction, unknown][] = [
  ['designateHousehold', { branchId: B1, memberOpenid: 'demo-probationary', address: '7栋301室' }],
  ['updateHousehold', { householdId: HH_MEMBER, promise: '随时联系' }],
  ['stepDown', { householdId: HH_MEMBER, toHouseholdId: HH_ELDER }],
  ['listHouseholds', { branchId: B1 }],
  ['listHouseholds', { branchId: B2 }],
  ['myHouseholds', undefined],
  [
    'addResident',
    { householdId: HH_MEMBER, headName: '新户', address: '6栋101室', phone: '13500001000' },
  ],
  ['updateResident', { residentId: 'res-b1-02', people: 2 }],
  ['removeResident', { residentId: 'res-b1-03' }],
  ['listResidents', { householdId: HH_MEMBER }],
  ['listResidents', { householdId: HH_B2 }],
  ['revealPhone', { residentId: 'res-b1-02' }],
  ['revealPhone', { residentId: 'res-b2-01' }],
  ['cardImage', { residentId: 'res-b1-02' }],
  ['exportCards', { householdId: HH_MEMBER }],
  ['exportCards', { branchId: B1 }],
  ['importTemplate', { branchId: B1 }],
  [
    'importResidents',
    { householdId: HH_MEMBER, fileID: 'cloud://env.bucket/liaison-imports/none.xlsx' },
  ],
  ['exportResidents', { householdId: HH_MEMBER }],
  ['exportResidents', { branchId: B1 }],
  // Wrong digits: the answer must not hint at the phone on record.
  ['bindResident', { ...CARD_02, phoneLast4: '0000' }],
  ['bindResident', { ...CARD_01, phoneLast4: '1111' }],
  ['myLiaison', undefined],
  ['myData', undefined],
  ['submitRequest', { category: 'repair', text: '楼道灯坏了，晚上看不清路' }],
  ['listRequests', undefined],
  ['listRequests', { scope: 'household' }],
  ['listRequests', { scope: 'mine' }],
  ['listRequests', { scope: 'branch', branchId: B1 }],
  ['listRequests', { scope: 'committee', committeeId: 'org-committee' }],
  ['getRequest', { requestId: 'req-demo-open' }],
  ['getRequest', { requestId: 'req-demo-accepted' }],
  ['getRequest', { requestId: 'req-demo-closed' }],
  ['getRequest', { requestId: 'privacy-escalated' }],
  ['updateRequest', { requestId: 'req-demo-open', status: 'accepted' }],
  ['updateRequest', { requestId: 'req-demo-accepted', status: 'resolved', note: '已处理' }],
  ['rateRequest', { requestId: 'req-demo-closed', rating: 'satisfied' }],
  [
    'logService',
    { householdId: HH_MEMBER, residentId: 'res-b1-02', category: 'visit', note: '走访' },
  ],
  ['listServiceRecords', { householdId: HH_MEMBER }],
  ['dashboard', { branchId: B1 }],
  ['updateSettings', { committeeId: 'org-committee', minResidents: 4 }],
  ['unbind', undefined],
  ['eraseMyData', { confirm: true }],
];

/** Who, and which resident households are theirs to see (left out of their search). */
const CALLERS: { who: string; openid: string; own: (r: Resident) => boolean }[] = [
  {
    who: 'an unlinked member of the branch',
    openid: 'demo-elder',
    own: (r) => r.householdId === HH_ELDER,
  },
  {
    who: 'a member of another branch',
    openid: 'demo-member-2',
    own: (r) => r.householdId === HH_B2,
  },
  {
    who: 'a resident of another household',
    openid: OTHER_RESIDENT,
    own: (r) => r._id === 'res-b2-02',
  },
  { who: 'a newcomer', openid: 'demo-newcomer', own: () => false },
  { who: 'the committee secretary', openid: 'demo-committee', own: () => false },
  { who: 'another committee member of the branch', openid: 'demo-organizer', own: () => false },
  { who: 'the mass-work member of the branch', openid: 'demo-masswork', own: () => false },
];

/** What must not appear in the caller's responses (less what their own households show). */
function forbiddenStrings(c: (typeof CALLERS)[number]): string[] {
  const strings = (r: Resident) => [
    r.phone,
    r.phone.slice(-8),
    r.headName,
    r.address,
    ...r.careTags.flatMap((t) => [`"${t}"`, CARE_TAG_LABELS[t as keyof typeof CARE_TAG_LABELS]]),
  ];
  const own = new Set(RESIDENTS.filter(c.own).flatMap(strings));
  const out = RESIDENTS.filter((r) => !c.own(r)).flatMap(strings);
  return [...new Set(out)].filter((s) => !own.has(s));
}

let emu: TestEmulator;
const call = liaisonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
  const open = emu.db.get('liaisonRequests', 'req-demo-open')!;
  await emu.seed({
    liaisonBindings: [
      {
        _id: OTHER_RESIDENT,
        residentId: 'res-b2-02',
        householdId: HH_B2,
        branchId: B2,
        boundAt: new Date(),
      },
    ],
    liaisonRequests: [
      {
        ...open,
        _id: 'privacy-escalated',
        residentId: 'res-b1-05',
        submittedBy: null,
        level: 2,
        text: '电梯停运，家里有轮椅出行的老人',
      },
    ],
  });
  emu.db.update(
    'liaisonResidents',
    { _id: 'res-b2-02' },
    { $set: { boundOpenids: [OTHER_RESIDENT] } },
    { multi: false, upsert: false, replace: false },
  );
});
afterEach(() => emu.close());

test('the search covers every action of the function', async () => {
  const { main } = (await import('../../cloudfunctions/liaison/index')) as {
    main: { meta: { actions: Record<string, string> } };
  };
  const covered = new Set(CALLS.map(([a]) => a));
  for (const action of Object.keys(main.meta.actions)) expect(covered).toContain(action);
  // The search itself finds what it looks for: the linked member's list has them.
  const { result } = await call('demo-member', 'listResidents', { householdId: HH_MEMBER });
  const text = JSON.stringify(result);
  expect(text).toContain('陈桂兰');
  expect(text).toContain('3栋1单元302室');
  expect(text).toContain('"livingAlone"');
});

describe.each(CALLERS)('$who', (c) => {
  test('no response carries a resident phone, address or care tag', async () => {
    const never = forbiddenStrings(c);
    expect(never.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    for (const [action, data] of CALLS) {
      const { result } = await call(c.openid, action, data as Record<string, unknown>, rid());
      const text = JSON.stringify(result);
      for (const s of never) if (text.includes(s)) leaks.push(`${action} → ${s}`);
    }
    expect(leaks).toEqual([]);
  });
});
