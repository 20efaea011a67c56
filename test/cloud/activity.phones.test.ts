/**
 * Residents' phones (ARCHITECTURE §4): masked in every sign-up list for everyone, revealed one
 * at a time by the branch's secretary or deputy (`revealPhone`), and every reveal is written to
 * `auditLogs` before the answer — without the phone or the name in it.
 */
import type { TestEmulator } from '../helpers/emulator';
import { READ_BUDGET, WRITE_BUDGET, demoEmulator, err, ok, rid } from '../helpers/branch';
import { activityCaller } from '../helpers/activity';
import { participantId } from '../../cloudfunctions/activity/shared';
import * as util from '../../cloudfunctions/common/util';

const OPEN = 'act-b1-volunteer-open';
/** The demo resident's sign-up to OPEN (陈桂兰, 13700001234). */
const RESIDENT = participantId(OPEN, 'demo-resident');
const PHONE = '13700001234';

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => {
  jest.restoreAllMocks();
  emu.close();
});

const logs = () => emu.db.find('auditLogs', {});

test('listSignups never carries a full phone, for any organiser; the secretaries may reveal', async () => {
  // A second resident with a phone, signed up through the function.
  ok(
    (
      await call(
        'stranger-9',
        'signUp',
        { activityId: OPEN, realName: '赵大爷', phone: '13955556666' },
        rid(),
      )
    ).result,
  );
  const organisers = [
    'demo-secretary',
    'demo-deputy',
    'demo-organizer',
    'demo-propaganda',
    'demo-discipline',
    'demo-masswork',
  ];
  for (const who of organisers) {
    for (const status of ['active', 'cancelled'] as const) {
      const r = await call(who, 'listSignups', { activityId: OPEN, status });
      expect(r.dbRequests).toBeLessThanOrEqual(READ_BUDGET);
      const page = ok(r.result);
      const text = JSON.stringify(page);
      expect(text).not.toContain(PHONE);
      expect(text).not.toContain('13955556666');
      expect(text).not.toMatch(/1[3-9]\d{9}/);
      if (status === 'active') {
        expect(page.items.find((i) => i.signupId === RESIDENT)?.phone).toBe('137****1234');
        expect(page.canRevealPhones).toBe(['demo-secretary', 'demo-deputy'].includes(who));
      }
    }
  }
  expect(logs()).toHaveLength(0);
});

test('revealPhone by the secretary: the full phone, and exactly one audit entry without it', async () => {
  const r = await call('demo-secretary', 'revealPhone', { activityId: OPEN, signupId: RESIDENT });
  expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
  expect(r.dbRequests).toBe(2);
  expect(ok(r.result)).toEqual({ signupId: RESIDENT, phone: PHONE });

  const entries = logs();
  expect(entries).toHaveLength(1);
  expect(entries[0]).toMatchObject({
    actorOpenid: 'demo-secretary',
    action: 'revealPhone',
    subjectId: RESIDENT,
    activityId: OPEN,
    branchId: 'org-branch-1',
  });
  expect(entries[0].at).toBeInstanceOf(Date);
  const stored = JSON.stringify(entries[0]);
  expect(stored).not.toContain(PHONE);
  expect(stored).not.toContain('陈桂兰');

  // The deputy too; every reveal is its own entry.
  const d = await call('demo-deputy', 'revealPhone', { activityId: OPEN, signupId: RESIDENT });
  expect(ok(d.result).phone).toBe(PHONE);
  expect(logs()).toHaveLength(2);
});

test('revealPhone: organisers that are not secretaries, members and outsiders are FORBIDDEN, nothing logged', async () => {
  for (const who of [
    'demo-organizer',
    'demo-propaganda',
    'demo-discipline',
    'demo-masswork',
    'demo-member',
    'demo-resident',
    'demo-secretary-2',
  ]) {
    const r = await call(who, 'revealPhone', { activityId: OPEN, signupId: RESIDENT });
    expect(err(r.result).code).toBe('FORBIDDEN');
    expect(JSON.stringify(r.result)).not.toContain(PHONE);
  }
  expect(logs()).toHaveLength(0);
});

test('revealPhone: a sign-up of another activity is NOT_FOUND; a member without a phone logs nothing', async () => {
  const other = participantId('act-b1-volunteer-past', 'demo-member');
  const r = await call('demo-secretary', 'revealPhone', { activityId: OPEN, signupId: other });
  expect(err(r.result).code).toBe('NOT_FOUND');
  const member = participantId(OPEN, 'demo-elder');
  const m = await call('demo-secretary', 'revealPhone', { activityId: OPEN, signupId: member });
  expect(ok(m.result)).toEqual({ signupId: member, phone: null });
  expect(logs()).toHaveLength(0);
});

test('revealPhone: when the audit entry cannot be written, the phone is not given', async () => {
  await emu.seed({
    auditLogs: [
      {
        _id: 'taken',
        at: new Date(),
        actorOpenid: 'x',
        action: 'revealPhone',
        subjectId: 'y',
        activityId: OPEN,
        branchId: 'org-branch-1',
      },
    ],
  });
  jest.spyOn(util, 'newId').mockReturnValue('taken');
  const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const r = await call('demo-secretary', 'revealPhone', { activityId: OPEN, signupId: RESIDENT });
  expect(err(r.result).code).toBe('INTERNAL');
  expect(JSON.stringify(logged.mock.calls)).not.toContain(PHONE);
  expect(JSON.stringify(r.result)).not.toContain(PHONE);
  expect(logs()).toHaveLength(1);
});
