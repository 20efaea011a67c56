/**
 * The central household member's pages (issue #7, `packages/liaison/`): my linked households
 * with the recorded phone reveal and the liaison card, the household's own settings (the
 * member's phone consent, service promise, address and grid, stepping down), a refused list,
 * adding / editing / removing a household, handling a request, logging a visit, the service
 * records.
 */
import { callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import {
  HH,
  household,
  record,
  requestDetail,
  resident,
  residents,
} from './helpers/liaison-member';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';

const HOUSEHOLD = 'packages/liaison/household/index';
const EDIT = 'packages/liaison/resident-edit/index';
const REQUEST = 'packages/liaison/request/index';
const VISIT = 'packages/liaison/visit/index';
const RECORDS = 'packages/liaison/records/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const text = (page: LoadedPage, sel: string) =>
  ($(page, sel)?.dom?.textContent ?? '').replace(/\s+/g, ' ').trim();

beforeAll(() => {
  for (const r of [HOUSEHOLD, EDIT, REQUEST, VISIT, RECORDS]) prepare(r);
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

/** wx.showModal answering 确定 (true) or 取消; returns what it was asked. */
function useModal(answers: boolean[]) {
  const asked: { title: string; content: string }[] = [];
  stubWx('showModal', (o: any) => {
    asked.push({ title: o.title, content: o.content });
    const confirm = answers.shift() ?? false;
    setTimeout(() => o.success({ confirm, cancel: !confirm }), 1);
  });
  return asked;
}

describe('household: my linked households', () => {
  test('one call; phones masked; care tags only where the response has them', async () => {
    const calls = stubBackend({ 'liaison.listResidents': () => ok(residents()) });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#resident-res-b1-01')).toBeTruthy());
    expect(calls.map((c) => [c.action, c.data])).toEqual([['listResidents', { householdId: HH }]]);
    expect(text(page, '#header')).toContain('李明的中心户');
    expect(text(page, '#count')).toBe('联系户 2 / 10');
    expect(text(page, '#promise')).toContain('有事您说话');

    expect(text(page, '#phone-res-b1-01')).toContain('137****1234');
    expect(text(page, '#phone-res-b1-02')).toContain('139****5678');
    expect(page.text()).not.toMatch(/1[3-9]\d{9}/);
    expect(text(page, '#care-res-b1-01')).toContain('独居');
    expect(text(page, '#care-res-b1-01')).toContain('高龄');
    expect($(page, '#care-res-b1-02')).toBeFalsy();
    expect(text(page, '#resident-res-b1-01')).toContain('已绑定微信 1 人');
    expect(text(page, '#resident-res-b1-01')).toContain('1 条待办');
    expect(text(page, '#resident-res-b1-02')).toContain('还没有绑定微信');
    // Neither number is dialable before a reveal.
    expect($(page, '#call-res-b1-01')).toBeFalsy();
  });

  test('a response without care tags (mass-work member) shows none, and only what `can` allows', async () => {
    stubBackend({
      'liaison.listResidents': () =>
        ok(
          residents({ can: { reveal: false, manage: true, seeCare: false, logService: false } }, [
            resident(1),
            resident(2),
          ]),
        ),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#resident-res-b1-01')).toBeTruthy());
    expect(page.page.querySelectorAll('.tags')).toHaveLength(0);
    expect(page.text()).not.toContain('独居');
    expect($(page, '#reveal-res-b1-01')).toBeFalsy();
    expect($(page, '#visit')).toBeFalsy();
    expect($(page, '#edit-res-b1-01')).toBeTruthy();
    expect($(page, '#card-res-b1-01')).toBeTruthy();
    expect($(page, '#add')).toBeTruthy();
  });

  test('a reader with no rights sees no row actions and no 添加', async () => {
    stubBackend({
      'liaison.listResidents': () =>
        ok(residents({ can: { reveal: false, manage: false, seeCare: false, logService: false } })),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#resident-res-b1-01')).toBeTruthy());
    for (const id of ['#reveal-res-b1-01', '#card-res-b1-01', '#edit-res-b1-01', '#add', '#visit'])
      expect($(page, id)).toBeFalsy();
    expect($(page, '#records')).toBeTruthy();
  });

  test('查看号码 asks first, says it is recorded; only then revealPhone, the number and 拨打', async () => {
    const asked = useModal([false, true]);
    const dial = stubWx('makePhoneCall', jest.fn());
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.revealPhone': (d) => ok({ residentId: d.residentId, phone: '13700001234' }),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#reveal-res-b1-01')).toBeTruthy());

    // 取消: nothing is asked of the server.
    tap($(page, '#reveal-res-b1-01'));
    await waitFor(() => expect(asked).toHaveLength(1));
    expect(asked[0].content).toBe('查看完整号码会被记录（谁、何时查看），确定查看吗？');
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'liaison.revealPhone')).toHaveLength(0);
    expect($(page, '#call-res-b1-01')).toBeFalsy();

    // 确定: revealed, and the call button dials the full number.
    tap($(page, '#reveal-res-b1-01'));
    await waitFor(() => expect($(page, '#call-res-b1-01')).toBeTruthy());
    expect(asked).toHaveLength(2);
    expect(callsOf(calls, 'liaison.revealPhone').map((c) => c.data)).toEqual([
      { residentId: 'res-b1-01' },
    ]);
    expect(text(page, '#phone-res-b1-01')).toContain('13700001234');
    expect($(page, '#reveal-res-b1-01')).toBeFalsy();
    // The other household stays masked.
    expect(text(page, '#phone-res-b1-02')).toContain('139****5678');
    tap($(page, '#call-res-b1-01'));
    await waitFor(() => expect(dial).toHaveBeenCalledTimes(1));
    expect(dial.mock.calls[0][0].phoneNumber).toBe('13700001234');
  });

  test('a refused reveal is said under the row', async () => {
    useModal([true]);
    stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.revealPhone': () => err('FORBIDDEN', '只有联系该户的党员和支部书记可以查看'),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#reveal-res-b1-01')).toBeTruthy());
    tap($(page, '#reveal-res-b1-01'));
    await waitFor(() => expect(text(page, '#resident-res-b1-01')).toContain('只有联系该户'));
    expect($(page, '#call-res-b1-01')).toBeFalsy();
  });

  test('连心卡 shows the QR and the card code to show the resident', async () => {
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.cardImage': (d) =>
        ok({ residentId: d.residentId, cardCode: 'XFLQ2C3D', image: 'data:image/png;base64,AAAA' }),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#card-res-b1-01')).toBeTruthy());
    tap($(page, '#card-res-b1-01'));
    await waitFor(() => expect($(page, '#card-code')).toBeTruthy());
    expect(callsOf(calls, 'liaison.cardImage').map((c) => c.data)).toEqual([
      { residentId: 'res-b1-01' },
    ]);
    expect(text(page, '#card-code')).toBe('XFLQ2C3D');
    expect(page.instance.data.cardVisible).toBe(true);
    expect(page.instance.data.card.image).toBe('data:image/png;base64,AAAA');
    tap($(page, '#card-close'));
    await waitFor(() => expect(page.instance.data.cardVisible).toBe(false));
  });

  test('添加联系户 opens the form; at the maximum it is off and says why', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listResidents': () => ok(residents()) });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#add')).toBeTruthy());
    expect($(page, '#add')!.instance.data.disabled).toBe(false);
    expect($(page, '#full-reason')).toBeFalsy();
    tap($(page, '#add'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0][0].url).toBe(
      `/packages/liaison/resident-edit/index?householdId=${HH}&care=1`,
    );
    tap($(page, '#edit-res-b1-02'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    expect(navigate.mock.calls[1][0].url).toBe(
      `/packages/liaison/resident-edit/index?householdId=${HH}&residentId=res-b1-02`,
    );
    opened?.detach();

    const full = Array.from({ length: 10 }, (_, i) => resident(i + 1, { residentId: `r${i}` }));
    stubBackend({
      'liaison.listResidents': () =>
        ok({ ...residents({}, full), household: household({ residentCount: 10 }) }),
    });
    const second = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(second, '#add')).toBeTruthy());
    expect($(second, '#add')!.instance.data.disabled).toBe(true);
    expect(text(second, '#count')).toBe('联系户 10 / 10');
    expect(text(second, '#full-reason')).toBe('已联系 10 户，达到每户最多 10 户的上限，不能再添加');
    tap($(second, '#add'));
    await new Promise((r) => setTimeout(r, 30));
    expect(navigate).toHaveBeenCalledTimes(2);
  });

  test('记录走访 and 走访记录 open with the household', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listResidents': () => ok(residents()) });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#visit')).toBeTruthy());
    tap($(page, '#visit'));
    tap($(page, '#records'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(2));
    expect(navigate.mock.calls.map((c) => c[0].url)).toEqual([
      `/packages/liaison/visit/index?householdId=${HH}`,
      `/packages/liaison/records/index?householdId=${HH}&log=1`,
    ]);
  });

  test('no households yet: the header with 添加 stays, the list says it is empty', async () => {
    stubBackend({ 'liaison.listResidents': () => ok(residents({}, [])) });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#state')?.querySelector('#state-empty')).toBeTruthy());
    expect($(page, '#add')).toBeTruthy();
    expect(page.text()).toContain('还没有联系户');
  });
});

describe('household: settings and stepping down', () => {
  /** What `can` says to the member themselves, to a secretary, and to a member who manages too. */
  const OWNER = { reveal: true, manage: false, seeCare: true, logService: true };
  const SECRETARY = { reveal: true, manage: true, seeCare: true, logService: false };

  async function openAs(
    can: typeof OWNER,
    handlers: Parameters<typeof stubBackend>[0] = {},
    items = [resident(1), resident(2)],
  ) {
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents({ can }, items)),
      ...handlers,
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#settings')).toBeTruthy());
    return { calls, page };
  }

  test('the member turns 向联系户公开我的手机号 off and on; only showPhone is sent', async () => {
    const { calls, page } = await openAs(OWNER, {
      'liaison.updateHousehold': (d) => ok({ household: household({ showPhone: d.showPhone }) }),
    });
    expect(text(page, '#show-phone-row')).toContain('向联系户公开我的手机号');
    expect(text(page, '#show-phone-hint')).toContain('联系户能看到您的手机号');
    expect($(page, '#show-phone')!.instance.data.value).toBe(true);
    expect($(page, '#show-phone')!.instance.data.disabled).toBe(false);

    emit($(page, '#show-phone'), 'change', { value: false });
    await waitFor(() => expect(callsOf(calls, 'liaison.updateHousehold')).toHaveLength(1));
    await waitFor(() => expect(page.instance.data.saving).toBe(''));
    expect(text(page, '#show-phone-hint')).toContain('联系户看不到您的手机号');
    expect($(page, '#show-phone')!.instance.data.value).toBe(false);
    emit($(page, '#show-phone'), 'change', { value: true });
    await waitFor(() => expect(callsOf(calls, 'liaison.updateHousehold')).toHaveLength(2));
    const sent = callsOf(calls, 'liaison.updateHousehold');
    expect(sent.map((c) => c.data)).toEqual([
      { householdId: HH, showPhone: false },
      { householdId: HH, showPhone: true },
    ]);
    expect(sent[0].requestId).toBeTruthy();
    await waitFor(() => expect($(page, '#show-phone')!.instance.data.value).toBe(true));
  });

  test('a refused change puts the switch back and says why', async () => {
    const { page } = await openAs(OWNER, {
      'liaison.updateHousehold': () => err('FORBIDDEN', '是否公开电话只能由党员本人决定'),
    });
    emit($(page, '#show-phone'), 'change', { value: false });
    await waitFor(() =>
      expect(text(page, '#settings-error')).toBe('是否公开电话只能由党员本人决定'),
    );
    expect($(page, '#show-phone')!.instance.data.value).toBe(true);
    expect(text(page, '#show-phone-hint')).toContain('联系户能看到您的手机号');
  });

  test('a secretary sees the consent but cannot change it', async () => {
    const { calls, page } = await openAs(SECRETARY);
    expect($(page, '#show-phone')!.instance.data.disabled).toBe(true);
    expect(text(page, '#show-phone-row')).toContain('向联系户公开李明的手机号');
    expect(text(page, '#show-phone-hint')).toBe('已公开，只有李明本人可以修改');
    // Even if the switch reported a change, nothing is sent.
    emit($(page, '#show-phone'), 'change', { value: false });
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'liaison.updateHousehold')).toHaveLength(0);
  });

  test('服务承诺: edited by the member, only the promise is sent, the answer shows', async () => {
    const { calls, page } = await openAs(OWNER, {
      'liaison.updateHousehold': (d) => ok({ household: household({ promise: d.promise }) }),
    });
    // Address and grid are the managers'.
    expect($(page, '#edit-place')).toBeFalsy();
    tap($(page, '#edit-promise'));
    await waitFor(() => expect($(page, '#promise-input')).toBeTruthy());
    expect($(page, '#promise-input')!.instance.data.value).toBe('有事您说话，随叫随到');
    emit($(page, '#promise-input'), 'change', { value: 'x'.repeat(201) });
    tap($(page, '#save-promise'));
    await waitFor(() => expect(text(page, '#settings-error')).toBe('服务承诺最多 200 个字'));
    emit($(page, '#promise-input'), 'change', { value: ' 每周上门走访一次 ' });
    tap($(page, '#save-promise'));
    await waitFor(() => expect($(page, '#promise-form')).toBeFalsy());
    expect(callsOf(calls, 'liaison.updateHousehold').map((c) => c.data)).toEqual([
      { householdId: HH, promise: '每周上门走访一次' },
    ]);
    expect(text(page, '#promise-value')).toBe('每周上门走访一次');
    expect(text(page, '#promise')).toContain('每周上门走访一次');
  });

  test('地址和网格: managers edit them; unchanged fields are not sent', async () => {
    const { calls, page } = await openAs(SECRETARY, {
      'liaison.updateHousehold': (d) =>
        ok({
          household: household({
            ...(d.address ? { address: d.address } : {}),
            grid: d.grid ?? '幸福里第一网格',
          }),
        }),
    });
    tap($(page, '#edit-place'));
    await waitFor(() => expect($(page, '#grid-input')).toBeTruthy());
    expect($(page, '#address-input')!.instance.data.value).toBe('幸福里 3栋2单元301室');
    emit($(page, '#grid-input'), 'change', { value: '' });
    tap($(page, '#save-place'));
    await waitFor(() => expect(text(page, '#settings-error')).toBe('请填写网格'));
    emit($(page, '#grid-input'), 'change', { value: '幸福里第二网格' });
    tap($(page, '#save-place'));
    await waitFor(() => expect($(page, '#place-form')).toBeFalsy());
    expect(callsOf(calls, 'liaison.updateHousehold').map((c) => c.data)).toEqual([
      { householdId: HH, grid: '幸福里第二网格' },
    ]);
    expect(text(page, '#place-value')).toContain('幸福里第二网格');
  });

  test('卸任中心户: managers go to the step-down page with the household and branch', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const { calls, page } = await openAs(SECRETARY);
    expect($(page, '#step-down-hint')).toBeFalsy();
    tap($(page, '#step-down'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    const url = navigate.mock.calls[0][0].url as string;
    expect(url).toBe(
      `/packages/liaison-admin/step-down/index?householdId=${HH}&branchId=org-branch-1&memberName=${encodeURIComponent('李明')}&residentCount=2`,
    );
    expect(url).not.toContain('from=');
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);
  });

  test('卸任中心户: the member with residents goes to the step-down page too, as the member', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    const { calls, page } = await openAs(OWNER);
    expect(text(page, '#step-down-hint')).toBe(
      '卸任前，您联系的 2 户要转交给支部里另一户中心户，下一步选择由谁接手。',
    );
    tap($(page, '#step-down'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0][0].url).toBe(
      `/packages/liaison-admin/step-down/index?householdId=${HH}&branchId=org-branch-1&memberName=${encodeURIComponent('李明')}&residentCount=2&from=member`,
    );
    // Nothing is stepped down here: no confirm step on this page, no call.
    expect($(page, '#step-down-confirm')).toBeFalsy();
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);
  });

  test('卸任中心户: the member with no residents confirms on the page, then stepDown and back', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const { calls, page } = await openAs(
      OWNER,
      {
        'liaison.stepDown': (_d, _c, nth) =>
          nth === 0
            ? err('UNAVAILABLE', '网络不可用，请检查网络后重试')
            : ok({ householdId: HH, movedResidents: 0 }),
      },
      [],
    );
    expect($(page, '#step-down-hint')).toBeFalsy();
    tap($(page, '#step-down'));
    await waitFor(() => expect($(page, '#step-down-confirm')).toBeTruthy());
    expect(text(page, '#step-down-confirm')).toContain('确认卸任中心户');
    // 不了 sends nothing.
    tap($(page, '#step-down-cancel'));
    await waitFor(() => expect($(page, '#step-down-confirm')).toBeFalsy());
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'liaison.stepDown')).toHaveLength(0);

    tap($(page, '#step-down'));
    await waitFor(() => expect($(page, '#step-down-confirm-btn')).toBeTruthy());
    tap($(page, '#step-down-confirm-btn'));
    await waitFor(() => expect(text(page, '#step-down-error')).toContain('网络不可用'));
    expect(back).not.toHaveBeenCalled();
    tap($(page, '#step-down-confirm-btn'));
    await waitFor(() => expect(back).toHaveBeenCalledTimes(1));
    expect(callsOf(calls, 'liaison.stepDown').map((c) => c.data)).toEqual([
      { householdId: HH },
      { householdId: HH },
    ]);
  });

  test('a reader who may change nothing gets no settings', async () => {
    stubBackend({
      'liaison.listResidents': () =>
        ok(residents({ can: { reveal: false, manage: false, seeCare: false, logService: false } })),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#resident-res-b1-01')).toBeTruthy());
    expect($(page, '#settings')).toBeFalsy();
    expect($(page, '#step-down')).toBeFalsy();
  });

  test('FORBIDDEN (the mass-work member): the reason and 返回, no retry, no reload when shown', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const calls = stubBackend({
      'liaison.listResidents': () =>
        err('FORBIDDEN', '群众工作委员管理中心户，但不查看联系户的个人信息'),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#forbidden')).toBeTruthy());
    expect(text(page, '#forbidden-message')).toBe(
      '群众工作委员管理中心户，但不查看联系户的个人信息',
    );
    expect($(page, '#state')?.querySelector('#retry')).toBeFalsy();
    expect($(page, '#settings')).toBeFalsy();
    expect($(page, '#header')).toBeFalsy();
    // Shown again, or pulled down: not asked again (it would be refused again).
    page.instance.onShow();
    page.instance.onPullDownRefresh();
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'liaison.listResidents')).toHaveLength(1);
    tap($(page, '#forbidden-back'));
    await waitFor(() => expect(back).toHaveBeenCalledTimes(1));
  });

  test('another error keeps 重新加载', async () => {
    const calls = stubBackend({
      'liaison.listResidents': (_d, _c, nth) =>
        nth === 0 ? err('UNAVAILABLE', '网络不可用，请检查网络后重试') : ok(residents()),
    });
    const page = open(HOUSEHOLD, { householdId: HH });
    await waitFor(() => expect($(page, '#state')?.querySelector('#retry')).toBeTruthy());
    expect($(page, '#forbidden')).toBeFalsy();
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#resident-res-b1-01')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listResidents')).toHaveLength(2);
  });
});

describe('resident-edit', () => {
  async function openAdd(handlers: Parameters<typeof stubBackend>[0] = {}, care = '1') {
    const calls = stubBackend(handlers);
    const page = open(EDIT, { householdId: HH, care });
    await waitFor(() => expect($(page, '#headName')).toBeTruthy());
    return { calls, page };
  }
  const fill = (page: LoadedPage, id: string, value: string) =>
    emit($(page, `#${id}`), 'change', { value });

  test('adding opens without a call; empty or wrong fields are said and nothing is sent', async () => {
    const { calls, page } = await openAdd();
    expect(calls).toHaveLength(0);
    tap($(page, '#save'));
    await waitFor(() => expect($(page, '#headName')!.instance.data.tips).toBe('请填写户主姓名'));
    expect(text(page, '#address-error')).toBe('请填写楼栋');
    expect($(page, '#phone')!.instance.data.tips).toBe('请填写电话');
    expect(text(page, '#form-error')).toBe('请按红字提示修改');

    fill(page, 'headName', '陈桂兰');
    fill(page, 'building', '3');
    fill(page, 'phone', '13700');
    tap($(page, '#save'));
    await waitFor(() => expect(text(page, '#address-error')).toBe('请填写房号'));
    expect($(page, '#phone')!.instance.data.tips).toBe('请填写 11 位手机号，或带区号的固定电话');
    expect($(page, '#headName')!.instance.data.tips).toBe('');
    expect(calls).toHaveLength(0);
  });

  test('sends the address as its parts with care tags; shows the new card code', async () => {
    const { calls, page } = await openAdd({
      'liaison.addResident': () =>
        ok({ residentId: 'res-new', cardCode: 'ABCD2345', residentCount: 7, max: 10 }),
    });
    fill(page, 'headName', ' 陈桂兰 ');
    fill(page, 'building', '3');
    fill(page, 'unit', '2');
    fill(page, 'room', '301');
    fill(page, 'phone', '13700001234');
    emit($(page, '#people'), 'change', { value: 3 });
    emit($(page, '#care-tags'), 'change', { value: ['livingAlone', 'disability'] });
    fill(page, 'notes', '腿脚不便');
    tap($(page, '#save'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    const add = callsOf(calls, 'liaison.addResident');
    expect(add).toHaveLength(1);
    expect(add[0].data).toEqual({
      householdId: HH,
      headName: '陈桂兰',
      address: { building: '3', unit: '2', room: '301' },
      phone: '13700001234',
      people: 3,
      careTags: ['livingAlone', 'disability'],
      notes: '腿脚不便',
    });
    expect(add[0].requestId).toBeTruthy();
    expect(text(page, '#result-code')).toBe('ABCD2345');
    expect(text(page, '#result-count')).toBe('联系户 7 / 10');

    // 继续添加: an empty form for the next household.
    tap($(page, '#add-another'));
    await waitFor(() => expect($(page, '#result')).toBeFalsy());
    expect(page.instance.data.headName).toBe('');
    expect(page.instance.data.phone).toBe('');
  });

  test('a village address goes as 村民小组 + 门牌号, free text as a string; no care fields without the right', async () => {
    const { calls, page } = await openAdd(
      {
        'liaison.addResident': () =>
          ok({ residentId: 'r', cardCode: 'ABCD2345', residentCount: 1, max: 10 }),
      },
      '0',
    );
    expect($(page, '#care-tags')).toBeFalsy();
    expect($(page, '#notes')).toBeFalsy();
    fill(page, 'headName', '王大山');
    emit($(page, '#addr-mode'), 'change', { value: 'village' });
    await waitFor(() => expect($(page, '#group')).toBeTruthy());
    fill(page, 'group', '王家村三组');
    fill(page, 'houseNumber', '12');
    fill(page, 'phone', '0571-88886666');
    tap($(page, '#save'));
    await waitFor(() => expect(callsOf(calls, 'liaison.addResident')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.addResident')[0].data).toEqual({
      householdId: HH,
      headName: '王大山',
      address: { group: '王家村三组', houseNumber: '12' },
      phone: '0571-88886666',
      people: 1,
    });

    await waitFor(() => expect($(page, '#add-another')).toBeTruthy());
    tap($(page, '#add-another'));
    await waitFor(() => expect($(page, '#headName')).toBeTruthy());
    fill(page, 'headName', '李四');
    emit($(page, '#addr-mode'), 'change', { value: 'text' });
    await waitFor(() => expect($(page, '#addressText')).toBeTruthy());
    fill(page, 'addressText', '幸福里 5 栋 101');
    fill(page, 'phone', '13912345678');
    tap($(page, '#save'));
    await waitFor(() => expect(callsOf(calls, 'liaison.addResident')).toHaveLength(2));
    expect(callsOf(calls, 'liaison.addResident')[1].data.address).toBe('幸福里 5 栋 101');
  });

  test("the server's field errors go under the field; FULL says the maximum", async () => {
    const { calls, page } = await openAdd({
      'liaison.addResident': (_d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '房号最多 20 个字', { fields: ['address.room', 'phone'] })
          : err('FULL', '每个中心户最多联系 10 户，已达上限'),
    });
    fill(page, 'headName', '陈桂兰');
    fill(page, 'building', '3');
    fill(page, 'room', '301');
    fill(page, 'phone', '13700001234');
    tap($(page, '#save'));
    await waitFor(() => expect(text(page, '#address-error')).toBe('房号最多 20 个字'));
    expect($(page, '#phone')!.instance.data.tips).toBe('请检查此项');

    fill(page, 'room', '302');
    tap($(page, '#save'));
    await waitFor(() =>
      expect(text(page, '#form-error')).toBe('每个中心户最多联系 10 户，已达上限'),
    );
    expect($(page, '#result')).toBeFalsy();
    const add = callsOf(calls, 'liaison.addResident');
    expect(add).toHaveLength(2);
    // An edited form is a new intent.
    expect(add[1].requestId).not.toBe(add[0].requestId);
  });

  test('editing loads the household and sends only what changed', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.updateResident': (d) =>
        ok({ resident: resident(1, { headName: d.headName ?? '陈桂兰' }) }),
    });
    const page = open(EDIT, { householdId: HH, residentId: 'res-b1-01' });
    await waitFor(() => expect($(page, '#headName')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listResidents').map((c) => c.data)).toEqual([
      { householdId: HH },
    ]);
    expect(page.instance.data.headName).toBe('陈桂兰');
    expect(page.instance.data.addressText).toBe('3栋1单元101室');
    expect(page.instance.data.careTags).toEqual(['livingAlone', 'elderly']);
    expect($(page, '#phone')!.instance.data.placeholder).toContain('137****1234');

    emit($(page, '#care-tags'), 'change', { value: ['livingAlone'] });
    fill(page, 'notes', '');
    tap($(page, '#save'));
    await waitFor(() => expect(callsOf(calls, 'liaison.updateResident')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.updateResident')[0].data).toEqual({
      residentId: 'res-b1-01',
      careTags: ['livingAlone'],
      notes: null,
    });
    await waitFor(() => expect(back).toHaveBeenCalled());
  });

  test('移出联系户 (managers): a confirm step says what is deleted, then removeResident and back', async () => {
    const back = stubWx('navigateBack', jest.fn());
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.removeResident': (_d, _c, nth) =>
        nth === 0 ? err('UNAVAILABLE', '网络不可用，请检查网络后重试') : ok({ removed: true }),
    });
    const page = open(EDIT, { householdId: HH, residentId: 'res-b1-01' });
    await waitFor(() => expect($(page, '#remove')).toBeTruthy());
    tap($(page, '#remove'));
    await waitFor(() => expect($(page, '#remove-confirm')).toBeTruthy());
    expect(text(page, '#remove-confirm')).toContain('确认把陈桂兰家移出联系户');
    expect(text(page, '#remove-text')).toBe(
      '移出后该户的姓名、地址、电话、标签和备注将被删除，求助记录只保留统计',
    );
    tap($(page, '#remove-cancel'));
    await waitFor(() => expect($(page, '#remove-confirm')).toBeFalsy());
    await new Promise((r) => setTimeout(r, 30));
    expect(callsOf(calls, 'liaison.removeResident')).toHaveLength(0);

    tap($(page, '#remove'));
    await waitFor(() => expect($(page, '#remove-confirm-btn')).toBeTruthy());
    tap($(page, '#remove-confirm-btn'));
    await waitFor(() => expect(text(page, '#remove-error')).toContain('网络不可用'));
    expect(back).not.toHaveBeenCalled();
    tap($(page, '#remove-confirm-btn'));
    await waitFor(() => expect(back).toHaveBeenCalledTimes(1));
    expect(callsOf(calls, 'liaison.removeResident').map((c) => c.data)).toEqual([
      { residentId: 'res-b1-01' },
      { residentId: 'res-b1-01' },
    ]);
    expect(callsOf(calls, 'liaison.updateResident')).toHaveLength(0);
  });

  test('no 移出联系户 for the linked member who does not manage, nor when adding', async () => {
    stubBackend({
      'liaison.listResidents': () =>
        ok(residents({ can: { reveal: true, manage: false, seeCare: true, logService: true } })),
    });
    const page = open(EDIT, { householdId: HH, residentId: 'res-b1-01' });
    await waitFor(() => expect($(page, '#save')).toBeTruthy());
    expect($(page, '#remove')).toBeFalsy();
    opened?.detach();

    const { page: adding } = await openAdd();
    expect($(adding, '#remove')).toBeFalsy();
  });
});

describe('request handling', () => {
  test('受理, then 办结 needs a note; the result shows', async () => {
    const calls = stubBackend({
      'liaison.getRequest': () => ok({ request: requestDetail() }),
      'liaison.updateRequest': (d) =>
        d.status === 'accepted'
          ? ok({
              request: requestDetail({
                status: 'accepted',
                can: { accept: false, resolve: true, rate: false },
              }),
            })
          : ok({
              request: requestDetail({
                status: 'resolved',
                dueAt: null,
                resolutionNote: d.note,
                can: { accept: false, resolve: false, rate: false },
              }),
            }),
    });
    const page = open(REQUEST, { requestId: 'req-demo-open' });
    await waitFor(() => expect($(page, '#accept')).toBeTruthy());
    expect(callsOf(calls, 'liaison.getRequest').map((c) => c.data)).toEqual([
      { requestId: 'req-demo-open' },
    ]);
    expect(text(page, '#request-text')).toBe('厨房水管漏水，麻烦帮忙看看');
    expect(text(page, '#resident')).toContain('陈桂兰');
    expect(text(page, '#request')).toContain('待受理');
    expect(text(page, '#due')).toContain('前受理');
    expect(page.page.querySelectorAll('.photo')).toHaveLength(1);
    expect($(page, '#resolve')).toBeFalsy();

    tap($(page, '#accept'));
    await waitFor(() => expect($(page, '#resolve')).toBeTruthy());
    expect(callsOf(calls, 'liaison.updateRequest')[0].data).toEqual({
      requestId: 'req-demo-open',
      status: 'accepted',
    });
    expect(text(page, '#request')).toContain('处理中');
    expect(text(page, '#request')).not.toContain('待受理');
    expect($(page, '#accept')).toBeFalsy();

    tap($(page, '#resolve'));
    await waitFor(() => expect(text(page, '#note-error')).toBe('请写下办理结果，居民会看到'));
    expect(callsOf(calls, 'liaison.updateRequest')).toHaveLength(1);

    emit($(page, '#note'), 'change', { value: '已联系物业，换了水管接头' });
    tap($(page, '#resolve'));
    await waitFor(() => expect($(page, '#resolution')).toBeTruthy());
    expect(callsOf(calls, 'liaison.updateRequest')[1].data).toEqual({
      requestId: 'req-demo-open',
      status: 'resolved',
      note: '已联系物业，换了水管接头',
    });
    expect(text(page, '#resolution')).toBe('已联系物业，换了水管接头');
    expect(text(page, '#request')).toContain('已办结');
    expect(text(page, '#request')).not.toContain('处理中');
    expect($(page, '#resolve')).toBeFalsy();
  });

  test('CONFLICT (someone else handled it) reloads and says so', async () => {
    const toast = stubWx('showToast', jest.fn());
    const calls = stubBackend({
      'liaison.getRequest': (_d, _c, nth) =>
        ok({
          request:
            nth === 0
              ? requestDetail({ level: 1, overdue: true })
              : requestDetail({
                  status: 'accepted',
                  level: 1,
                  history: [
                    { at: new Date().toISOString(), action: 'submitted', by: '居民', note: null },
                    {
                      at: new Date().toISOString(),
                      action: 'accepted',
                      by: '支部书记',
                      note: null,
                    },
                  ],
                  can: { accept: false, resolve: false, rate: false },
                }),
        }),
      'liaison.updateRequest': () => err('CONFLICT', '这条求助已被受理'),
    });
    const page = open(REQUEST, { id: 'req-demo-open' });
    await waitFor(() => expect($(page, '#accept')).toBeTruthy());
    expect(text(page, '#request')).toContain('已上报支部书记');
    expect($(page, '#overdue')).toBeTruthy();
    tap($(page, '#accept'));
    await waitFor(() => expect(callsOf(calls, 'liaison.getRequest')).toHaveLength(2));
    await waitFor(() => expect($(page, '#accept')).toBeFalsy());
    expect(toast.mock.calls[0][0].title).toBe('这条求助已有人处理，已刷新');
    expect(text(page, '#history')).toContain('受理 · 支部书记');
    expect(text(page, '#request')).toContain('处理中');
  });
});

describe('visit log', () => {
  /** The browser preview: calls through the gateway, uploads to the emulator's storage. */
  function usePreviewUploads() {
    stubWx('getAccountInfoSync', () => ({
      miniProgram: { appId: 'preview', envVersion: 'develop', version: '' },
    }));
    const uploads: string[] = [];
    stubWx('cloud', {
      init: jest.fn(),
      uploadFile: (o: any) => {
        uploads.push(o.cloudPath);
        setTimeout(() => o.success({ fileID: `cloud://env.b/${o.cloudPath}` }), 1);
      },
    } as unknown as () => void);
    return uploads;
  }

  test('sends the household, resident, date, category, note and the uploaded photos; says the point', async () => {
    const uploads = usePreviewUploads();
    stubWx('chooseMedia', (o: any) =>
      o.success({
        tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg' }, { tempFilePath: 'wxfile://tmp/b.png' }],
      }),
    );
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.logService': () => ok({ recordId: 'rec-9', points: 1 }),
    });
    const page = open(VISIT, { householdId: HH });
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listResidents').map((c) => c.data)).toEqual([
      { householdId: HH },
    ]);
    expect(page.instance.data.residentNames).toEqual([
      '不指定（多户或公共事务）',
      '陈桂兰',
      '赵德顺',
    ]);
    const today = page.instance.data.date as string;
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(page.instance.data.maxDate).toBe(today);

    // The note is required.
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#note-error')).toBeTruthy());
    expect(callsOf(calls, 'liaison.logService')).toHaveLength(0);

    $(page, '#resident-picker')!.dispatchEvent('change', { detail: { value: 2 } });
    await waitFor(() => expect(page.instance.data.residentIndex).toBe(2));
    emit($(page, '#category'), 'change', { value: 'help' });
    emit($(page, '#note'), 'change', { value: '帮赵大爷联系物业修好了楼道灯' });
    tap($(page, '#add-photos'));
    await waitFor(() => expect(page.instance.data.photos).toHaveLength(2));
    expect(uploads[0]).toMatch(/^liaison-records\/.+\.jpg$/);
    expect(uploads[1]).toMatch(/^liaison-records\/.+\.png$/);

    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    const log = callsOf(calls, 'liaison.logService');
    expect(log).toHaveLength(1);
    expect(log[0].data).toEqual({
      householdId: HH,
      residentId: 'res-b1-02',
      date: today,
      category: 'help',
      note: '帮赵大爷联系物业修好了楼道灯',
      photos: uploads.map((p) => `cloud://env.b/${p}`),
    });
    expect(log[0].requestId).toBeTruthy();
    expect(text(page, '#points')).toBe('+1 积分');
  });

  test('starts on the household from the query; no points today says 今日已计分; local mode hides photos', async () => {
    const calls = stubBackend({
      'liaison.listResidents': () => ok(residents()),
      'liaison.logService': (_d, _c, nth) =>
        nth === 0
          ? err('INVALID_ARGUMENT', '只能记录近 30 天内的走访', { fields: ['date'] })
          : ok({ recordId: 'rec-9', points: 0 }),
    });
    const page = open(VISIT, { householdId: HH, residentId: 'res-b1-01' });
    await waitFor(() => expect($(page, '#submit')).toBeTruthy());
    expect(page.instance.data.residentIndex).toBe(1);
    expect($(page, '#add-photos')).toBeFalsy();
    expect(text(page, '#photos-local')).toBe('本地调试模式不能上传照片');

    $(page, '#date-picker')!.dispatchEvent('change', { detail: { value: '2020-01-01' } });
    emit($(page, '#note'), 'change', { value: '上门看望陈阿姨' });
    tap($(page, '#submit'));
    await waitFor(() => expect(text(page, '#date-error')).toBe('只能记录近 30 天内的走访'));
    const first = callsOf(calls, 'liaison.logService')[0].data;
    expect(first).toMatchObject({ residentId: 'res-b1-01', date: '2020-01-01', category: 'visit' });
    expect(first.photos).toBeUndefined();

    $(page, '#date-picker')!.dispatchEvent('change', {
      detail: { value: page.instance.data.maxDate },
    });
    tap($(page, '#submit'));
    await waitFor(() => expect($(page, '#result')).toBeTruthy());
    expect(text(page, '#points')).toBe('今日已计分');
  });
});

describe('service records', () => {
  test('lists the records, more at the bottom', async () => {
    const calls = stubBackend({
      'liaison.listServiceRecords': (_d, _c, nth) =>
        nth === 0
          ? ok({ items: [record(1), record(2, { held: true })], nextCursor: 'c1' })
          : ok({ items: [record(3, { residentName: undefined })], nextCursor: null }),
    });
    const page = open(RECORDS, { householdId: HH });
    await waitFor(() => expect($(page, '#record-rec-demo-1')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listServiceRecords')[0].data).toEqual({ householdId: HH });
    expect(text(page, '#record-rec-demo-1')).toContain('走访');
    expect(text(page, '#record-rec-demo-1')).toContain('陈桂兰家');
    expect(text(page, '#record-rec-demo-2')).toContain('审核中');
    expect(text(page, '#record-rec-demo-1')).not.toContain('审核中');
    page.instance.onReachBottom();
    await waitFor(() => expect($(page, '#record-rec-demo-3')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listServiceRecords')[1].data).toEqual({
      householdId: HH,
      cursor: 'c1',
    });
    expect(page.text()).toContain('已显示全部记录');
  });

  test('empty: says so and offers 记录走访; not to a reader who may not log', async () => {
    const navigate = stubWx('navigateTo', jest.fn());
    stubBackend({ 'liaison.listServiceRecords': () => ok({ items: [], nextCursor: null }) });
    const page = open(RECORDS, { householdId: HH });
    await waitFor(() => expect($(page, '#state')?.querySelector('#empty-action')).toBeTruthy());
    expect(page.text()).toContain('还没有走访记录');
    tap($(page, '#state')!.querySelector('#empty-action'));
    await waitFor(() => expect(navigate).toHaveBeenCalledTimes(1));
    expect(navigate.mock.calls[0][0].url).toBe(`/packages/liaison/visit/index?householdId=${HH}`);
    opened?.detach();

    stubBackend({ 'liaison.listServiceRecords': () => ok({ items: [], nextCursor: null }) });
    const reader = open(RECORDS, { householdId: HH, log: '0' });
    await waitFor(() => expect($(reader, '#state')?.querySelector('#state-empty')).toBeTruthy());
    expect($(reader, '#state')?.querySelector('#empty-action')).toBeFalsy();
  });
});
