/**
 * Check-in and check-out by QR token through the emulator: the organiser's token and its QR
 * image, tokens that expire and are bound to their activity (expired, other activity's,
 * tampered and forged tokens refused), the check-in window, who may check in (confirmed
 * volunteers, the expected audience; not the waitlist), check-in twice keeping the first time,
 * check-out with attended minutes and hours, and the database requests of each call.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator } from '../helpers/branch';
import { HOUR, activityCaller } from '../helpers/activity';
import { participantId, refused, seedVolunteer, times, within } from '../helpers/volunteer';
import { makeToken, parseToken, qrDataUrl } from '../../cloudfunctions/activity/checkin';

/** What a phone's camera reads from the data URL's PNG. */
function decodeQr(dataUrl: string): string | undefined {
  expect(dataUrl).toMatch(/^data:image\/png;base64,/);
  const png = PNG.sync.read(Buffer.from(dataUrl.split(',')[1], 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

let emu: TestEmulator;
const call = activityCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const MEMBER = 'demo-member';
const ORGANISER = 'demo-organizer';

/** An ongoing volunteer activity (started 30 min ago, 2 h) with `people` signed up. */
async function ongoing(id: string, people: string[], extra: Record<string, unknown> = {}) {
  return seedVolunteer(emu, id, {
    ...times(30 * 60_000),
    people: people.map((openid) => ({ openid })),
    extra,
  });
}

async function tokenOf(id: string, openid = ORGANISER) {
  return within('read', call(openid, 'checkInToken', { activityId: id }));
}

/** A token signed with the activity's real secret (read from the database) but expired. */
function expiredToken(id: string, secondsAgo = 1) {
  const doc = emu.db.get('activities', id) as { tokenSecret: string };
  const exp = Math.floor(Date.now() / 1000) - secondsAgo;
  return makeToken({ _id: id, tokenSecret: doc.tokenSecret }, exp);
}

describe('the organiser’s token', () => {
  test('a signed token of the activity, 45 s, refresh 30 s, with a small PNG QR code of it', async () => {
    await ongoing('a1', [MEMBER]);
    const t = await tokenOf('a1');
    expect(t.activityId).toBe('a1');
    expect(t.refreshSeconds).toBe(30);
    const life = Date.parse(t.expiresAt) - Date.now();
    expect(life).toBeGreaterThan(40_000);
    expect(life).toBeLessThanOrEqual(45_000);
    expect(t.token).toMatch(/^ck1\.a1\.\d+\.[A-Za-z0-9_-]{43}$/);
    expect(t.token).not.toContain('secret-a1');
    expect(t.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(decodeQr(t.qrDataUrl)).toBe(t.token);
    // Small enough to refresh every 30 s over a weak connection.
    expect(t.qrDataUrl.length).toBeLessThan(4000);
  });

  test('the QR image decodes to exactly the token it is drawn for', async () => {
    const token = makeToken({ _id: 'x', tokenSecret: 's' }, 1_900_000_000);
    expect(decodeQr(await qrDataUrl(token))).toBe(token);
  });

  test('members, residents and another branch’s committee may not show it', async () => {
    await ongoing('a1', [MEMBER]);
    for (const who of [MEMBER, 'demo-resident', 'demo-secretary-2']) {
      expect((await refused(call(who, 'checkInToken', { activityId: 'a1' }))).code).toBe(
        'FORBIDDEN',
      );
    }
    // Every committee role of the branch may.
    for (const who of ['demo-secretary', 'demo-deputy', 'demo-propaganda', 'demo-masswork']) {
      await tokenOf('a1', who);
    }
  });

  test('only from 30 min before the start to 30 min after the end, never when cancelled', async () => {
    await seedVolunteer(emu, 'early', times(-31 * 60_000));
    await seedVolunteer(emu, 'soon', times(-29 * 60_000));
    await seedVolunteer(emu, 'over', times(2 * HOUR + 31 * 60_000));
    await seedVolunteer(emu, 'justover', times(2 * HOUR + 29 * 60_000));
    await seedVolunteer(emu, 'off', { ...times(0), extra: { cancelled: true } });
    expect((await refused(call(ORGANISER, 'checkInToken', { activityId: 'early' }))).code).toBe(
      'CONFLICT',
    );
    await tokenOf('soon');
    expect((await refused(call(ORGANISER, 'checkInToken', { activityId: 'over' }))).code).toBe(
      'CONFLICT',
    );
    await tokenOf('justover');
    expect((await refused(call(ORGANISER, 'checkInToken', { activityId: 'off' }))).code).toBe(
      'CONFLICT',
    );
  });
});

describe('tokens expire and are bound to their activity', () => {
  test('a fresh token checks in; an expired one, correctly signed, is refused', async () => {
    await ongoing('a1', [MEMBER, 'demo-elder']);
    const err = await refused(call(MEMBER, 'checkIn', { token: expiredToken('a1') }));
    expect(err).toEqual({ code: 'CONFLICT', message: '签到码已过期，请扫描最新的二维码' });
    // 46 s old: the token the organiser's screen showed before the last refresh.
    const stale = await refused(call(MEMBER, 'checkIn', { token: expiredToken('a1', 46) }));
    expect(stale.code).toBe('CONFLICT');
    const { token } = await tokenOf('a1');
    const r = await within('write', call(MEMBER, 'checkIn', { token }));
    expect(r).toMatchObject({ activityId: 'a1', already: false });
    expect(parseToken(token)?.activityId).toBe('a1');
  });

  test('another activity’s token: refused by the page’s activityId, and never checks into it', async () => {
    await ongoing('a1', [MEMBER]);
    await ongoing('a2', [MEMBER]);
    const { token } = await tokenOf('a1');
    const err = await refused(call(MEMBER, 'checkIn', { token, activityId: 'a2' }));
    expect(err).toEqual({ code: 'INVALID_ARGUMENT', message: '这是另一个活动的签到码' });
    // Without the page's id it checks into its own activity only.
    await within('write', call(MEMBER, 'checkIn', { token }));
    const a2 = emu.db.get('activityParticipants', participantId('a2', MEMBER));
    expect(a2?.checkedInAt).toBeNull();
  });

  test('tampered activity id, tampered expiry, tampered or forged signature: invalid', async () => {
    await ongoing('a1', [MEMBER]);
    await ongoing('a2', [MEMBER]);
    const { token } = await tokenOf('a1');
    const [v, , exp, sig] = token.split('.');
    const forgedSecret = makeToken({ _id: 'a2', tokenSecret: 'guess' }, Number(exp));
    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    const bad = [
      `${v}.a2.${exp}.${sig}`, // a1's signature on a2
      `${v}.a1.${Number(exp) + 3600}.${sig}`, // a longer life
      `${v}.a1.${exp}.${flipped}`,
      forgedSecret,
      `${v}.nope.${exp}.${sig}`, // no such activity
      'ck1.a1',
      'hello',
      `ck2.a1.${exp}.${sig}`,
    ];
    for (const t of bad) {
      const err = await refused(call(MEMBER, 'checkIn', { token: t }));
      expect({ t, err }).toEqual({ t, err: { code: 'INVALID_ARGUMENT', message: '签到码无效' } });
    }
    expect(emu.db.get('activityParticipants', participantId('a2', MEMBER))?.checkedInAt).toBeNull();
  });

  test('a forged token past its expiry is still "invalid": nothing is learnt about expiry', async () => {
    await ongoing('a1', [MEMBER]);
    const forged = makeToken({ _id: 'a1', tokenSecret: 'guess' }, 1000);
    expect((await refused(call(MEMBER, 'checkIn', { token: forged }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('who may check in, and when', () => {
  test('outside the window: before 30 min ahead, after the end; cancelled activities', async () => {
    const early = await seedVolunteer(emu, 'early', {
      ...times(-31 * 60_000),
      people: [{ openid: MEMBER }],
    });
    await seedVolunteer(emu, 'ended', {
      ...times(2 * HOUR + 60_000),
      people: [{ openid: MEMBER }],
    });
    await seedVolunteer(emu, 'off', {
      ...times(0),
      people: [{ openid: MEMBER }],
      extra: { cancelled: true },
    });
    const sign = (id: string) =>
      makeToken({ _id: id, tokenSecret: `secret-${id}` }, Math.floor(Date.now() / 1000) + 40);
    const tooEarly = await refused(call(MEMBER, 'checkIn', { token: sign('early') }));
    expect(tooEarly).toEqual({ code: 'CONFLICT', message: '活动开始前 30 分钟才能签到' });
    const late = await refused(call(MEMBER, 'checkIn', { token: sign('ended') }));
    expect(late).toEqual({ code: 'CONFLICT', message: '活动已结束，不能再签到' });
    expect((await refused(call(MEMBER, 'checkIn', { token: sign('off') }))).code).toBe('CONFLICT');
    expect(early.pids).toHaveLength(1);
    // From 29 min before the start it opens.
    await seedVolunteer(emu, 'soon', { ...times(-29 * 60_000), people: [{ openid: MEMBER }] });
    await within('write', call(MEMBER, 'checkIn', { token: sign('soon') }));
  });

  test('waitlisted, cancelled and never signed-up callers are refused; confirmed ones pass', async () => {
    await ongoing('a1', ['demo-member-b1-01', 'demo-member-b1-03', MEMBER, 'demo-elder'], {
      capacity: 2,
    });
    // A cancelled sign-up: a participant record out of the queue.
    await seedVolunteer(emu, 'a2', {
      ...times(30 * 60_000),
      people: [{ openid: MEMBER, outOfQueue: true, extra: { state: 'cancelled' } }],
    });
    const { token } = await tokenOf('a1');
    expect(await refused(call(MEMBER, 'checkIn', { token }))).toEqual({
      code: 'FORBIDDEN',
      message: '您还在候补中，不能签到',
    });
    expect((await refused(call('demo-resident', 'checkIn', { token }))).code).toBe('FORBIDDEN');
    const t2 = (await tokenOf('a2')).token;
    expect(await refused(call(MEMBER, 'checkIn', { token: t2 }))).toEqual({
      code: 'FORBIDDEN',
      message: '您没有该活动的确认名额，不能签到',
    });
    await within('write', call('demo-member-b1-01', 'checkIn', { token }));
    await within('write', call('demo-member-b1-03', 'checkIn', { token }));
  });

  test('a meeting: the expected audience checks in (record created), others are refused', async () => {
    await seedVolunteer(emu, 'm1', {
      ...times(10 * 60_000),
      extra: {
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        expected: [
          { openid: MEMBER, name: '李秀英' },
          { openid: 'demo-elder', name: '何永福' },
        ],
      },
    });
    const { token } = await tokenOf('m1');
    const r = await within('write', call(MEMBER, 'checkIn', { token }));
    expect(r.already).toBe(false);
    const stored = emu.db.get('activityParticipants', participantId('m1', MEMBER));
    expect(stored).toMatchObject({
      activityId: 'm1',
      openid: MEMBER,
      name: '李秀英',
      attendance: 'present',
      kind: 'meeting',
    });
    expect(await refused(call('demo-member-b1-01', 'checkIn', { token }))).toEqual({
      code: 'FORBIDDEN',
      message: '您不在本次活动的参加人员中',
    });
  });
});

describe('check-in twice keeps the first; check-out', () => {
  test('the second scan answers already with the first time, also when concurrent', async () => {
    await ongoing('a1', [MEMBER, 'demo-elder']);
    const { token } = await tokenOf('a1');
    const first = await within('write', call(MEMBER, 'checkIn', { token }));
    await new Promise((r) => setTimeout(r, 5));
    const again = await within('write', call(MEMBER, 'checkIn', { token }));
    expect(again).toEqual({ ...first, already: true });

    const both = await Promise.all([
      within('write', call('demo-elder', 'checkIn', { token })),
      within('write', call('demo-elder', 'checkIn', { token })),
    ]);
    expect(both.filter((b) => !b.already)).toHaveLength(1);
    expect(both[0].checkedInAt).toBe(both[1].checkedInAt);
    const stored = emu.db.get('activityParticipants', participantId('a1', 'demo-elder'));
    expect((stored?.checkedInAt as Date).toISOString()).toBe(both[0].checkedInAt);
  });

  test('check-out needs a check-in, computes attended minutes and hours, until end + 30 min', async () => {
    const start = Date.now() - 2 * HOUR - 10 * 60_000;
    await seedVolunteer(emu, 'a1', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [
        { openid: MEMBER, extra: { checkedInAt: new Date(start - 5 * 60_000) } },
        { openid: 'demo-elder' },
      ],
    });
    const { token } = await tokenOf('a1');
    expect(await refused(call('demo-elder', 'checkOut', { token }))).toEqual({
      code: 'CONFLICT',
      message: '请先签到，再签退',
    });
    const out = await within('write', call(MEMBER, 'checkOut', { token, activityId: 'a1' }));
    // In before the start, out after the end: the whole 2 hours count.
    expect(out).toMatchObject({ activityId: 'a1', attendedMinutes: 120, computedHours: 2 });
    expect(Date.parse(out.checkedOutAt)).toBeGreaterThan(start + 2 * HOUR);

    // Past end + 30 min check-out is closed.
    const old = Date.now() - 2 * HOUR - 31 * 60_000;
    await seedVolunteer(emu, 'a2', {
      startAt: new Date(old),
      endAt: new Date(old + 2 * HOUR),
      people: [{ openid: MEMBER, extra: { checkedInAt: new Date(old) } }],
    });
    const late = makeToken(
      { _id: 'a2', tokenSecret: 'secret-a2' },
      Math.floor(Date.now() / 1000) + 40,
    );
    expect((await refused(call(MEMBER, 'checkOut', { token: late }))).code).toBe('CONFLICT');
  });

  test('after the end, someone checked in is answered already (the page offers 签退) until check-out closes', async () => {
    const start = Date.now() - 2 * HOUR - 10 * 60_000; // ended 10 minutes ago
    const first = new Date(start + 5 * 60_000);
    await seedVolunteer(emu, 'a1', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [{ openid: MEMBER, extra: { checkedInAt: first } }, { openid: 'demo-elder' }],
    });
    const { token } = await tokenOf('a1');
    const again = await within('write', call(MEMBER, 'checkIn', { token }));
    expect(again).toMatchObject({
      activityId: 'a1',
      checkedInAt: first.toISOString(),
      already: true,
    });
    // Not checked in: closed after the end.
    expect(await refused(call('demo-elder', 'checkIn', { token }))).toEqual({
      code: 'CONFLICT',
      message: '活动已结束，不能再签到',
    });
    await within('write', call(MEMBER, 'checkOut', { token }));

    // Past end + 30 min (check-out closed): closed for everyone.
    const old = Date.now() - 2 * HOUR - 31 * 60_000;
    await seedVolunteer(emu, 'a2', {
      startAt: new Date(old),
      endAt: new Date(old + 2 * HOUR),
      people: [{ openid: MEMBER, extra: { checkedInAt: new Date(old) } }],
    });
    const late = makeToken(
      { _id: 'a2', tokenSecret: 'secret-a2' },
      Math.floor(Date.now() / 1000) + 40,
    );
    expect(await refused(call(MEMBER, 'checkIn', { token: late }))).toEqual({
      code: 'CONFLICT',
      message: '活动已结束，不能再签到',
    });
  });

  test('an early check-out gives 0 hours below 60 %; expired tokens are refused at check-out too', async () => {
    const start = Date.now() - 60 * 60_000;
    await seedVolunteer(emu, 'a1', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [{ openid: MEMBER, extra: { checkedInAt: new Date(start) } }],
    });
    expect((await refused(call(MEMBER, 'checkOut', { token: expiredToken('a1') }))).code).toBe(
      'CONFLICT',
    );
    const { token } = await tokenOf('a1');
    const out = await within('write', call(MEMBER, 'checkOut', { token }));
    expect(out.attendedMinutes).toBe(60);
    expect(out.computedHours).toBe(0);
  });
});
