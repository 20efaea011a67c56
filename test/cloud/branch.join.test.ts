/**
 * Joining a branch through the emulator with the demo seed: invitation (code + QR),
 * application, review (once, however often it is sent), the applicant's view.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { TestEmulator } from '../helpers/emulator';
import {
  READ_BUDGET,
  WRITE_BUDGET,
  branchCaller,
  demoEmulator,
  err,
  ok,
  rid,
} from '../helpers/branch';

let emu: TestEmulator;
const call = branchCaller(() => emu);

beforeEach(async () => {
  emu = await demoEmulator();
});
afterEach(() => emu.close());

async function invite(by = 'demo-secretary', branchId = 'org-branch-1') {
  return ok((await call(by, 'createInvite', { branchId }, rid())).result);
}

async function apply(openid: string, code: string, extra: object = {}) {
  return call(
    openid,
    'applyToJoin',
    { code, realName: '赵小明', partyStatus: 'full', joinedPartyAt: '2015-07-01', ...extra },
    rid(),
  );
}

const activeMemberships = (openid: string) =>
  emu.db.find('memberships', { openid, status: 'active' }) as Record<string, unknown>[];

describe('invitation', () => {
  test('the secretary gets a code and a QR image whose scene carries it', async () => {
    const { result, dbRequests } = await call(
      'demo-secretary',
      'createInvite',
      { branchId: 'org-branch-1' },
      rid(),
    );
    const data = ok(result);
    expect(data.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    expect(data.scene).toBe(`c=${data.code}`);
    expect(data.branchName).toBe('幸福里社区第一党支部');
    expect(Date.parse(data.expiresAt) - Date.now()).toBeGreaterThan(6 * 86400_000);
    expect(data.qrFileID).toMatch(/^cloud:\/\//);
    expect(dbRequests).toBeGreaterThan(0);
    expect(dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);

    const file = emu.emulator.storage;
    expect(file).toBeDefined();
    const url = new URL(data.qrUrl!);
    const cloudPath = decodeURIComponent(url.pathname.replace(/^\/storage\//, ''));
    const fs = await import('node:fs');
    const pathMod = await import('node:path');
    const dir = (emu.emulator as unknown as { tmpDir: string }).tmpDir;
    const png = PNG.sync.read(fs.readFileSync(pathMod.join(dir, cloudPath)));
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    // The emulator's stand-in for a 小程序码 names the page and the scene (docs/emulator-openapi.md).
    expect(qr?.data).toBe(`wxacode:pages/join/index?scene=${encodeURIComponent(data.scene)}`);
  });

  test('the organisation committee member may invite; a plain member may not', async () => {
    expect(
      (await call('demo-organizer', 'createInvite', { branchId: 'org-branch-1' })).result.ok,
    ).toBe(true);
    expect(
      err((await call('demo-member', 'createInvite', { branchId: 'org-branch-1' })).result).code,
    ).toBe('FORBIDDEN');
  });

  test('a revoked code no longer lets anyone apply', async () => {
    const { code } = await invite();
    const revoked = await call('demo-secretary', 'revokeInvite', { code }, rid());
    expect(ok(revoked.result)).toEqual({ code, revoked: true });
    expect(revoked.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    expect(err((await apply('demo-newcomer', code)).result).code).toBe('CONFLICT');
  });

  test('an unknown code is NOT_FOUND; a lower-case code is accepted', async () => {
    expect(err((await apply('demo-newcomer', 'ZZZZZZZZ')).result).code).toBe('NOT_FOUND');
    const { code } = await invite();
    expect(ok((await apply('demo-newcomer', code.toLowerCase())).result).status).toBe('pending');
  });
});

describe('application and review', () => {
  test('newcomer applies, secretary approves, me shows the membership', async () => {
    const { code } = await invite();
    const applied = await apply('demo-newcomer', code, { phone: '13912345678' });
    const { applicationId } = ok(applied.result);
    expect(applied.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);

    const before = ok((await call('demo-newcomer', 'me')).result);
    expect(before.memberships).toEqual([
      expect.objectContaining({ branchId: 'org-branch-1', status: 'pending', role: 'member' }),
    ]);

    const queue = await call('demo-secretary', 'listApplications', { branchId: 'org-branch-1' });
    expect(ok(queue.result).items.map((i) => i.applicationId)).toContain(applicationId);
    expect(queue.dbRequests).toBeLessThanOrEqual(READ_BUDGET);

    const review = await call(
      'demo-secretary',
      'reviewApplication',
      { applicationId, approve: true },
      rid(),
    );
    expect(ok(review.result)).toEqual({ applicationId, status: 'active', role: 'member' });
    expect(review.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);

    const { result, dbRequests } = await call('demo-newcomer', 'me');
    expect(ok(result).memberships).toEqual([
      expect.objectContaining({
        branchId: 'org-branch-1',
        branchName: '幸福里社区第一党支部',
        role: 'member',
        status: 'active',
        realName: '赵小明',
        partyYears: expect.any(Number),
      }),
    ]);
    expect(dbRequests).toBeLessThanOrEqual(READ_BUDGET);

    // The new member is in the directory, their phone masked for a plain member.
    const dir = ok(
      (await call('demo-member', 'listMembers', { branchId: 'org-branch-1', keyword: '小明' }))
        .result,
    );
    expect(dir.items).toEqual([
      expect.objectContaining({ name: '赵小明', phone: '139****5678', phoneMasked: true }),
    ]);
  });

  test('a plain member trying to approve gets FORBIDDEN and nothing changes', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const r = await call(
      'demo-member',
      'reviewApplication',
      { applicationId, approve: true },
      rid(),
    );
    expect(err(r.result).code).toBe('FORBIDDEN');
    expect(activeMemberships('demo-newcomer')).toHaveLength(0);
  });

  test('the secretary of another branch cannot approve', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const r = await call('demo-secretary-2', 'reviewApplication', { applicationId, approve: true });
    expect(err(r.result).code).toBe('FORBIDDEN');
  });

  test('reviewing twice makes one membership; the second gets CONFLICT', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const first = await call(
      'demo-secretary',
      'reviewApplication',
      { applicationId, approve: true },
      rid(),
    );
    const second = await call(
      'demo-organizer',
      'reviewApplication',
      { applicationId, approve: true },
      rid(),
    );
    expect(first.result.ok).toBe(true);
    expect(err(second.result).code).toBe('CONFLICT');
    expect(activeMemberships('demo-newcomer')).toHaveLength(1);
  });

  test('five concurrent approvals by three reviewers make exactly one membership', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const reviewers = [
      'demo-secretary',
      'demo-deputy',
      'demo-organizer',
      'demo-secretary',
      'demo-deputy',
    ];
    const results = await Promise.all(
      reviewers.map((who) =>
        call(who, 'reviewApplication', { applicationId, approve: true }, rid()),
      ),
    );
    expect(results.filter((r) => r.result.ok)).toHaveLength(1);
    for (const r of results.filter((x) => !x.result.ok))
      expect(err(r.result).code).toBe('CONFLICT');
    expect(activeMemberships('demo-newcomer')).toHaveLength(1);
  });

  test('five concurrent approvals with the same requestId apply once', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const id = rid();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        call('demo-secretary', 'reviewApplication', { applicationId, approve: true }, id),
      ),
    );
    expect(results.some((r) => r.result.ok)).toBe(true);
    expect(activeMemberships('demo-newcomer')).toHaveLength(1);
  });

  test('a rejected applicant sees the reason and may apply again', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const rejected = await call(
      'demo-secretary',
      'reviewApplication',
      { applicationId, approve: false, reason: '请先到社区党群服务中心办理组织关系介绍信' },
      rid(),
    );
    expect(ok(rejected.result)).toEqual({ applicationId, status: 'rejected', role: null });
    const mine = await call('demo-newcomer', 'myApplications');
    expect(ok(mine.result).items).toEqual([
      expect.objectContaining({
        applicationId,
        status: 'rejected',
        reason: '请先到社区党群服务中心办理组织关系介绍信',
      }),
    ]);
    expect(mine.dbRequests).toBeLessThanOrEqual(READ_BUDGET);
    const again = await apply('demo-newcomer', code);
    expect(ok(again.result)).toMatchObject({ applicationId, status: 'pending' });
    expect(again.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
  });

  test('rejecting needs a reason; a risky reason is refused', async () => {
    const { code } = await invite();
    const { applicationId } = ok((await apply('demo-newcomer', code)).result);
    const noReason = err(
      (await call('demo-secretary', 'reviewApplication', { applicationId, approve: false })).result,
    );
    expect(noReason.code).toBe('INVALID_ARGUMENT');
    expect(noReason.message).toContain('reason');
    const risky = await call('demo-secretary', 'reviewApplication', {
      applicationId,
      approve: false,
      reason: '测试违规词',
    });
    expect(err(risky.result).code).toBe('CONTENT_RISKY');
  });

  test('applying twice to the same branch is a CONFLICT', async () => {
    const { code } = await invite();
    ok((await apply('demo-newcomer', code)).result);
    expect(err((await apply('demo-newcomer', code)).result).code).toBe('CONFLICT');
    expect(err((await apply('demo-member', code)).result).code).toBe('CONFLICT');
  });

  test('a full member of another branch is refused at apply time (memberElsewhere)', async () => {
    const { code } = await invite();
    const r = await apply('demo-member-2', code);
    expect(err(r.result)).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/转接/),
      details: { reason: 'memberElsewhere' },
    });
    expect(r.dbRequests).toBeLessThanOrEqual(WRITE_BUDGET);
    expect(activeMemberships('demo-member-2')).toHaveLength(1);
    expect(emu.db.find('memberships', { openid: 'demo-member-2', status: 'pending' })).toEqual([]);
  });

  test('joinedPartyAt is required for full and probationary members, not activists', async () => {
    const { code } = await invite();
    for (const partyStatus of ['full', 'probationary']) {
      const r = await call(
        'demo-newcomer',
        'applyToJoin',
        { code, realName: '赵小明', partyStatus },
        rid(),
      );
      expect(err(r.result)).toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('joinedPartyAt'),
        details: { fields: ['joinedPartyAt'] },
      });
    }
    ok(
      (
        await call(
          'demo-newcomer',
          'applyToJoin',
          { code, realName: '赵小明', partyStatus: 'activist' },
          rid(),
        )
      ).result,
    );
  });

  test('an expired invitation is refused', async () => {
    const past = new Date(Date.now() - 86400_000);
    await emu.seed({
      invites: [
        {
          _id: 'EXPIRED1',
          branchId: 'org-branch-1',
          branchName: '幸福里社区第一党支部',
          committeeId: 'org-committee',
          createdBy: 'demo-secretary',
          createdAt: new Date(past.getTime() - 7 * 86400_000),
          expiresAt: past,
          revoked: false,
          qrFileID: null,
        },
      ],
    });
    expect(err((await apply('demo-newcomer', 'EXPIRED1')).result)).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/过期/),
    });
  });

  test('an openid or userInfo inside data changes nothing', async () => {
    const { code } = await invite();
    const r = await call('demo-newcomer', 'applyToJoin', {
      code,
      realName: '赵小明',
      partyStatus: 'full',
      joinedPartyAt: '2015-07-01',
      openid: 'demo-resident',
      userInfo: { openId: 'demo-resident' },
    });
    const { applicationId } = ok(r.result);
    expect(emu.db.get('memberships', applicationId)).toMatchObject({ openid: 'demo-newcomer' });
    // A member posing as the secretary through data is still a member.
    const forged = await call('demo-member', 'reviewApplication', {
      applicationId,
      approve: true,
      openid: 'demo-secretary',
      userInfo: { openId: 'demo-secretary' },
    });
    expect(err(forged.result).code).toBe('FORBIDDEN');
    const me = ok((await call('demo-resident', 'me', { openid: 'demo-secretary' })).result);
    expect(me.memberships).toEqual([]);
  });
});
