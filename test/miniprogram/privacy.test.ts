/**
 * 隐私授权: the one privacy-consent component (ARCHITECTURE.md §7), the pages that carry it,
 * and how a page words a privacy API that failed.
 */
import fs from 'fs';
import path from 'path';
import type { MemberCardResponse } from '../../typings/api';
import { callsOf, emit, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const PROFILE = 'pages/profile-edit/index';
const INVITE = 'packages/secretary/invite/index';
const MP = path.resolve(__dirname, '../../miniprogram');

const card: MemberCardResponse = {
  openid: 'o1',
  name: '李明',
  photo: null,
  branchId: 'b1',
  branchName: '幸福社区第一党支部',
  role: 'member',
  partyGroupName: null,
  joinedPartyAt: '2001-07-01',
  partyYears: 23,
  politicalBirthday: '07-01',
  isPoliticalBirthdayToday: false,
  phone: '13800001234',
  phoneMasked: false,
};

type Answer = { event: string; buttonId?: string };
type Listener = (resolve: (a: Answer) => void, info?: { referrer?: string }) => void;

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
/** An element inside the page's privacy-consent panel. */
const $p = (page: LoadedPage, sel: string) => $(page, '#privacy')?.querySelector(sel);
const panelData = (page: LoadedPage) => $(page, '#privacy')!.instance.data;
const panelText = (page: LoadedPage) =>
  ($(page, '#privacy')?.dom?.textContent ?? '').replace(/\s+/g, ' ');

/** Stand-in for WeChat's privacy APIs; `listener` is the one registered last. */
function usePrivacyApi(
  setting = { needAuthorization: true, privacyContractName: '《网上支部隐私保护指引》' },
) {
  const api = {
    listener: null as Listener | null,
    registrations: 0,
    openContract: jest.fn(),
  };
  stubWx('onNeedPrivacyAuthorization', (l: Listener) => {
    api.listener = l;
    api.registrations += 1;
  });
  stubWx('getPrivacySetting', (o: any) =>
    o.success({ ...setting, errMsg: 'getPrivacySetting:ok' }),
  );
  stubWx('openPrivacyContract', api.openContract);
  return api;
}

/** Ask for consent as WeChat would for `referrer`; returns what resolve was called with. */
function ask(api: { listener: Listener | null }, referrer = 'chooseMedia'): Answer[] {
  const answers: Answer[] = [];
  if (!api.listener) throw new Error('no onNeedPrivacyAuthorization listener registered');
  api.listener((a) => answers.push(a), { referrer });
  return answers;
}

beforeAll(() => {
  prepare(PROFILE);
  prepare(INVITE);
}, 120_000);

beforeEach(() => {
  useEnvVersion('develop');
  useStorage();
  useFontScale(1);
});

afterEach(() => {
  opened?.detach();
  opened = null;
  restoreWx();
});

describe('privacy-consent', () => {
  test('registers once, shows why and the guide, and 同意 resolves agree with the button id and hides', async () => {
    stubBackend({ 'branch.memberCard': () => ok(card) });
    const api = usePrivacyApi();
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    expect(api.registrations).toBe(1);
    expect(panelData(page).visible).toBe(false);

    const answers = ask(api, 'chooseMedia');
    await waitFor(() => expect(panelData(page).visible).toBe(true));
    await waitFor(() => expect(panelText(page)).toContain('为了选择照片'));
    expect(panelText(page)).toContain('《网上支部隐私保护指引》');
    // Shown: the exposure is reported, nothing decided yet.
    expect(answers).toEqual([{ event: 'exposureAuthorization' }]);

    const agree = $p(page, '#privacy-agree')!;
    expect(agree.instance.data.openType).toBe('agreePrivacyAuthorization');
    expect(agree.instance.data.tId).toBe('privacy-consent-agree');
    emit(agree, 'agreeprivacyauthorization', {});
    await waitFor(() => expect(panelData(page).visible).toBe(false));
    expect(answers).toEqual([
      { event: 'exposureAuthorization' },
      { event: 'agree', buttonId: 'privacy-consent-agree' },
    ]);
  });

  test('不同意 resolves disagree for every request waiting on it, and hides', async () => {
    stubBackend({ 'branch.memberCard': () => ok(card) });
    const api = usePrivacyApi();
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    const first = ask(api, 'chooseMedia');
    const second = ask(api, 'setClipboardData');
    await waitFor(() => expect($p(page, '#privacy-disagree')).toBeTruthy());
    tap($p(page, '#privacy-disagree'));
    await waitFor(() => expect(panelData(page).visible).toBe(false));
    expect(first.at(-1)).toEqual({ event: 'disagree' });
    expect(second.at(-1)).toEqual({ event: 'disagree' });
    expect([...first, ...second].some((a) => a.event === 'agree')).toBe(false);

    // Asked again later: shown again, and a tap outside the panel is a 不同意 too.
    const third = ask(api, 'chooseMedia');
    await waitFor(() => expect(panelData(page).visible).toBe(true));
    emit($p(page, '#privacy-popup'), 'visible-change', { visible: false, trigger: 'overlay' });
    await waitFor(() => expect(panelData(page).visible).toBe(false));
    expect(third.at(-1)).toEqual({ event: 'disagree' });
  });

  test('查看 opens the privacy contract; a failure is said on the panel', async () => {
    stubBackend({ 'branch.memberCard': () => ok(card) });
    const api = usePrivacyApi({ needAuthorization: true, privacyContractName: '《测试指引》' });
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    expect(panelData(page).needed).toBe(true);
    ask(api);
    await waitFor(() => expect($p(page, '#privacy-contract')).toBeTruthy());
    expect(panelText(page)).toContain('查看《测试指引》');
    tap($p(page, '#privacy-contract'));
    await waitFor(() => expect(api.openContract).toHaveBeenCalledTimes(1));
    expect($p(page, '#privacy-contract-error')).toBeFalsy();
    api.openContract.mock.calls[0][0].fail({ errMsg: 'openPrivacyContract:fail' });
    await waitFor(() => expect($p(page, '#privacy-contract-error')).toBeTruthy());
    expect(panelText(page)).toContain('暂时打不开隐私保护指引');
  });

  test('a page that closes with a request pending answers it disagree', async () => {
    stubBackend({ 'branch.memberCard': () => ok(card) });
    const api = usePrivacyApi();
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    const answers = ask(api);
    await waitFor(() => expect(panelData(page).visible).toBe(true));
    page.detach();
    opened = null;
    expect(answers.at(-1)).toEqual({ event: 'disagree' });
    // No panel on screen any more: a new request fails instead of hanging.
    expect(ask(api).at(-1)).toEqual({ event: 'disagree' });
  });

  test('without the privacy APIs (old base library) the page works and nothing shows', async () => {
    stubBackend({ 'branch.memberCard': () => ok(card) });
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    expect(panelData(page).visible).toBe(false);
    expect(panelText(page)).not.toContain('隐私保护指引');
  });
});

describe('pages word a privacy API that failed', () => {
  /** Cloud mode (photos need cloud storage) with memberCard answered. */
  function cloudProfile(): void {
    useStorage({ 'dev.mode': 'cloud' });
    const cloud: Record<string, unknown> = {
      init: jest.fn(),
      callFunction: (o: any) =>
        setTimeout(() => o.success({ result: { ok: true, data: card } }), 1),
      uploadFile: jest.fn(),
    };
    stubWx('cloud', cloud as unknown as () => void);
  }

  test.each([
    ['errno 104', { errMsg: 'chooseMedia:fail privacy permission is not authorized', errno: 104 }],
    ['errMsg only', { errMsg: 'chooseMedia:fail privacy permission is not authorized' }],
  ])('profile edit: a privacy refusal (%s) is said under the photo', async (_name, failure) => {
    cloudProfile();
    stubWx('chooseMedia', (o: any) => setTimeout(() => o.fail(failure), 1));
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#change-photo')).toBeTruthy());
    tap($(page, '#change-photo'));
    await waitFor(() => expect($(page, '#photoFileID-error')).toBeTruthy());
    expect(page.text()).toContain('您没有同意隐私保护指引');
    expect(page.instance.data.uploading).toBe(false);
  });

  test('profile edit: a denied album permission is said; closing the picker says nothing', async () => {
    cloudProfile();
    let failure: Record<string, unknown> = { errMsg: 'chooseMedia:fail auth deny', errno: 103 };
    stubWx('chooseMedia', (o: any) => setTimeout(() => o.fail(failure), 1));
    const page = open(PROFILE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#change-photo')).toBeTruthy());
    tap($(page, '#change-photo'));
    await waitFor(() => expect($(page, '#photoFileID-error')).toBeTruthy());
    expect(page.text()).toContain('没有使用相册或相机的权限');

    failure = { errMsg: 'chooseMedia:fail cancel' };
    tap($(page, '#change-photo'));
    await waitFor(() => expect($(page, '#photoFileID-error')).toBeFalsy());
    expect(page.instance.data.uploading).toBe(false);
  });

  test('invite: 复制邀请码 refused by privacy says so under the button', async () => {
    const calls = stubBackend({
      'branch.listInvites': () => ok({ items: [], nextCursor: null }),
      'branch.createInvite': () =>
        ok({
          code: 'AB12CD34',
          scene: 'c=AB12CD34',
          qrFileID: null,
          qrUrl: null,
          branchId: 'b1',
          branchName: '幸福社区第一党支部',
          expiresAt: '2025-01-08T00:00:00.000Z',
        }),
    });
    const copies: any[] = [];
    stubWx('setClipboardData', (o: any) => {
      copies.push(o.data);
      setTimeout(
        () =>
          o.fail({
            errMsg: 'setClipboardData:fail privacy permission is not authorized',
            errno: 104,
          }),
        1,
      );
    });
    const page = open(INVITE, { branchId: 'b1' });
    await waitFor(() => expect($(page, '#create')).toBeTruthy());
    tap($(page, '#create'));
    await waitFor(() => expect($(page, '#copy')).toBeTruthy());
    expect(callsOf(calls, 'branch.createInvite')).toHaveLength(1);
    tap($(page, '#copy'));
    await waitFor(() => expect($(page, '#copy-error')).toBeTruthy());
    expect(copies).toEqual(['AB12CD34']);
    expect(page.text()).toContain('您没有同意隐私保护指引');
  });
});

describe('placement', () => {
  const PRIVACY_APIS =
    /\bwx\.(chooseMedia|chooseImage|chooseVideo|saveImageToPhotosAlbum|saveVideoToPhotosAlbum|setClipboardData|getClipboardData|getLocation|chooseLocation|chooseAddress|getUserProfile|startRecord|getRecorderManager|makePhoneCall|scanCode|chooseMessageFile|getWeRunData)\b/;

  function pageScripts(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'miniprogram_npm' ? [] : pageScripts(abs);
      return abs.endsWith('.ts') && fs.existsSync(abs.replace(/\.ts$/, '.wxml')) ? [abs] : [];
    });
  }

  test('declared once, globally, and the only listener of onNeedPrivacyAuthorization', () => {
    const app = JSON.parse(fs.readFileSync(path.join(MP, 'app.json'), 'utf8'));
    expect(app.usingComponents['privacy-consent']).toBe(
      '/components/privacy-consent/privacy-consent',
    );
    const listeners = [...pageScripts(MP), path.join(MP, 'app.ts')].filter((f) =>
      /onNeedPrivacyAuthorization/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(listeners.map((f) => path.relative(MP, f))).toEqual([
      path.join('components', 'privacy-consent', 'privacy-consent.ts'),
    ]);
  });

  test('every page calling a privacy API carries <privacy-consent>', () => {
    const self = path.join(MP, 'components', 'privacy-consent', 'privacy-consent.ts');
    const callers = pageScripts(MP).filter(
      (f) => f !== self && PRIVACY_APIS.test(fs.readFileSync(f, 'utf8')),
    );
    expect(callers.length).toBeGreaterThan(0);
    const missing = callers
      .filter(
        (f) => !/<privacy-consent\b/.test(fs.readFileSync(f.replace(/\.ts$/, '.wxml'), 'utf8')),
      )
      .map((f) => path.relative(MP, f));
    expect(missing).toEqual([]);
  });
});
