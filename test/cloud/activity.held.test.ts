/**
 * An activity held for review by content security (`visibility: 'held'`) through the emulator:
 * its title never reaches anyone but the organisers — not in check-in and check-out answers,
 * subscribe messages (候补转正, cancellation, reminders), points, the good-deeds tally or the
 * copies on participant documents (`publicTitle`, 「活动信息审核中」); members cannot reply to a
 * held meeting; cancelling a held activity still tells everyone; reminders wait for its release.
 */
import type { TestEmulator } from '../helpers/emulator';
import { demoEmulator, ok, rid } from '../helpers/branch';
import { DAY, HOUR, activityCaller, activityDoc } from '../helpers/activity';
import { lessonCaller } from '../helpers/lesson';
import { participantId, refused, seedVolunteer, times, within } from '../helpers/volunteer';
import { makeToken } from '../../cloudfunctions/activity/checkin';
import { entryId } from '../../cloudfunctions/common/points';

let emu: TestEmulator;
const call = activityCaller(() => emu);
const lesson = lessonCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

const MEMBER = 'demo-member';
const ELDER = 'demo-elder';
const ORGANISER = 'demo-organizer';
const SECRET_TITLE = '待审核的标题文字';
const NEUTRAL = '活动信息审核中';
const HELD = { visibility: 'held', title: SECRET_TITLE };

type Sent = { touser: string; page?: string; data: Record<string, { value: string }> };
const outbox = () => emu.emulator.outbox.list() as Sent[];
const sentFor = (id: string) => outbox().filter((m) => m.page?.endsWith(`id=${id}`));

const tokenFor = (id: string) =>
  makeToken({ _id: id, tokenSecret: `secret-${id}` }, Math.floor(Date.now() / 1000) + 40);

const participant = (id: string, openid: string) =>
  emu.db.get('activityParticipants', participantId(id, openid)) as Record<string, unknown>;

describe('the title of a held activity does not leave to non-organisers', () => {
  test('check-in and check-out answer the neutral title; a record created by check-in keeps it', async () => {
    await seedVolunteer(emu, 'h1', {
      ...times(30 * 60_000),
      people: [{ openid: MEMBER }],
      extra: HELD,
    });
    const token = tokenFor('h1');
    const inn = await within('write', call(MEMBER, 'checkIn', { token }));
    expect(inn).toMatchObject({ activityId: 'h1', title: NEUTRAL, already: false });
    const out = await within('write', call(MEMBER, 'checkOut', { token }));
    expect(out.title).toBe(NEUTRAL);

    // A held meeting: the expected member's record is created by the scan, with the neutral title.
    await seedVolunteer(emu, 'h2', {
      ...times(10 * 60_000),
      extra: {
        ...HELD,
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        expected: [{ openid: MEMBER, name: '李秀英' }],
      },
    });
    const m = await within('write', call(MEMBER, 'checkIn', { token: tokenFor('h2') }));
    expect(m.title).toBe(NEUTRAL);
    expect(participant('h2', MEMBER).title).toBe(NEUTRAL);
    expect(JSON.stringify([inn, out, m])).not.toContain('待审核');
  });

  test('候补转正 after a cancel names the activity neutrally', async () => {
    await seedVolunteer(emu, 'h3', {
      startAt: new Date(Date.now() + DAY),
      endAt: new Date(Date.now() + DAY + 2 * HOUR),
      people: [{ openid: MEMBER }, { openid: ELDER }],
      extra: { ...HELD, capacity: 1 },
    });
    emu.emulator.outbox.clear();
    const r = await within('write', call(MEMBER, 'cancel', { activityId: 'h3' }));
    expect(r.promoted).toBe(true);
    const sent = sentFor('h3');
    expect(sent.map((s) => s.touser)).toEqual([ELDER]);
    expect(sent[0].data.thing1.value).toBe(NEUTRAL);
  });

  test('cancelling a held activity tells everyone signed up or expected, under the neutral title', async () => {
    await seedVolunteer(emu, 'h4', {
      startAt: new Date(Date.now() + DAY),
      endAt: new Date(Date.now() + DAY + 2 * HOUR),
      people: [{ openid: MEMBER }, { openid: ELDER }],
      extra: { ...HELD, capacity: 1 },
    });
    await emu.seed({
      activities: [
        activityDoc('h5', {
          ...HELD,
          kind: 'meeting',
          meetingType: 'memberMeeting',
          audience: 'branch',
          capacity: null,
          expected: [
            { openid: MEMBER, name: '李秀英' },
            { openid: ELDER, name: '何永福' },
          ],
        }),
      ],
    });
    emu.emulator.outbox.clear();
    for (const id of ['h4', 'h5']) {
      const r = await within(
        'write',
        call('demo-secretary', 'cancelActivity', { activityId: id, reason: '场地临时调整' }, rid()),
      );
      expect(r.notified).toBe(2);
      const sent = sentFor(id);
      expect(sent.map((s) => s.touser).sort()).toEqual([ELDER, MEMBER].sort());
      for (const s of sent) {
        expect(s.data.thing1.value).toBe(NEUTRAL);
        expect(s.data.thing3.value).toContain('场地临时调整');
      }
    }
    expect(JSON.stringify(outbox())).not.toContain('待审核');
  });

  test('points for confirmed hours carry the neutral title (myPoints)', async () => {
    const start = Date.now() - 3 * HOUR;
    const { pids } = await seedVolunteer(emu, 'h6', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [
        {
          openid: MEMBER,
          extra: { checkedInAt: new Date(start), checkedOutAt: new Date(start + 2 * HOUR) },
        },
      ],
      extra: HELD,
    });
    await within(
      'write',
      call(ORGANISER, 'confirmHours', { activityId: 'h6', entries: [{ signupId: pids[0] }] }),
    );
    expect(emu.db.get('points', entryId(MEMBER, 'volunteerHours', 'h6'))).toMatchObject({
      title: NEUTRAL,
    });
    const mine = ok((await lesson(MEMBER, 'myPoints')).result);
    expect(JSON.stringify(mine)).not.toContain('待审核');
  });

  test('good deeds cannot be recorded on a held activity (the tally names it to every member)', async () => {
    await seedVolunteer(emu, 'h7', { ...times(30 * 60_000), extra: HELD });
    const e = await refused(
      call(ORGANISER, 'recordGoodDeeds', { activityId: 'h7', count: 2, note: '帮助老人买菜' }),
    );
    expect(e).toEqual({ code: 'CONFLICT', message: '活动内容审核中，暂不能记录' });
    expect(
      emu.db.find('goodDeeds', { branchId: 'org-branch-1' }).filter((g) => g.activityId === 'h7'),
    ).toHaveLength(0);
    const tally = await within('read', call(MEMBER, 'goodDeeds', { branchId: 'org-branch-1' }));
    expect(JSON.stringify(tally)).not.toContain('待审核');
  });

  test('copies on participant documents: neutral while held, the real title once released', async () => {
    await seedVolunteer(emu, 'h8', {
      startAt: new Date(Date.now() + DAY),
      endAt: new Date(Date.now() + DAY + 2 * HOUR),
      people: [{ openid: MEMBER }],
    });
    // An edit held for review: the copies take the neutral title at once.
    const edited = await within(
      'write',
      call('demo-secretary', 'update', { activityId: 'h8', title: '测试待审词的新标题' }),
    );
    expect(edited.visibility).toBe('held');
    expect(participant('h8', MEMBER).title).toBe(NEUTRAL);
    await within('write', call('demo-deputy', 'moderate', { activityId: 'h8' }));
    expect(participant('h8', MEMBER).title).toBe('测试待审词的新标题');
  });
});

test('members cannot reply to a held meeting: NOT_FOUND, as for get', async () => {
  await emu.seed({
    activities: [
      activityDoc('h9', {
        ...HELD,
        kind: 'meeting',
        meetingType: 'memberMeeting',
        audience: 'branch',
        capacity: null,
        expected: [
          { openid: MEMBER, name: '李秀英' },
          { openid: ORGANISER, name: '张丽' },
        ],
      }),
    ],
  });
  expect((await refused(call(MEMBER, 'get', { activityId: 'h9' }))).code).toBe('NOT_FOUND');
  const e = await refused(call(MEMBER, 'reply', { activityId: 'h9', answer: 'attend' }, rid()));
  expect(e.code).toBe('NOT_FOUND');
  expect(emu.db.get('activityParticipants', participantId('h9', MEMBER))).toBeNull();
  // An organiser who is expected sees it, so may answer.
  await within('write', call(ORGANISER, 'reply', { activityId: 'h9', answer: 'attend' }, rid()));
  expect(participant('h9', ORGANISER).title).toBe(NEUTRAL);
});

describe('reminders of a held activity', () => {
  const start = Date.now() + 3 * DAY;
  const due = new Date(start - 24 * HOUR);
  const fire = () => emu.emulator.fireTimer('activity', 'remind', new Date(due.getTime() + 60_000));

  test('not sent and not claimed while held; the first run after the release sends it', async () => {
    await seedVolunteer(emu, 'r1', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [{ openid: MEMBER }],
      extra: { ...HELD, nextRemindAt: due },
    });
    emu.emulator.outbox.clear();
    await fire();
    expect(sentFor('r1')).toHaveLength(0);
    expect((emu.db.get('activities', 'r1') as { nextRemindAt: Date }).nextRemindAt).toEqual(due);

    await within('write', call('demo-deputy', 'moderate', { activityId: 'r1' }));
    await fire();
    const sent = sentFor('r1');
    expect(sent.map((s) => s.touser)).toEqual([MEMBER]);
    expect(sent[0].data.thing1.value).toBe(SECRET_TITLE);
    expect(sent[0].data.thing3.value).toContain('小时后开始');
  });

  test('held activities due earlier do not fill the batch ahead of visible ones', async () => {
    const held = Array.from({ length: 25 }, (_, i) =>
      activityDoc(`r-held-${i}`, {
        ...HELD,
        startAt: new Date(start),
        endAt: new Date(start + 2 * HOUR),
        nextRemindAt: new Date(due.getTime() - (i + 1) * 60_000),
      }),
    );
    await emu.seed({ activities: held });
    await seedVolunteer(emu, 'r2', {
      startAt: new Date(start),
      endAt: new Date(start + 2 * HOUR),
      people: [{ openid: MEMBER }],
      extra: { nextRemindAt: due },
    });
    emu.emulator.outbox.clear();
    await fire();
    expect(sentFor('r2').map((s) => s.touser)).toEqual([MEMBER]);
    expect(outbox().filter((m) => m.page?.includes('r-held-'))).toHaveLength(0);
  });
});
