/**
 * The resident's requests (issue #7): 请求帮助 (category, text, photos, 紧急, the subscribe
 * request, `submitRequest`, then the detail), 我的求助 (pages of 20, states in plain words,
 * escalation, empty, error), the detail with its timeline and rating, and 我的联户信息 (what is
 * stored, unbind and erase after a confirm step). The three request pages carry a compact
 * 「打电话给中心户」 bar from what home remembered, without a call of their own.
 */
import type { RequestItem } from '../../typings/api';
import { aMoment, callsOf, emit, err, ok, stubBackend } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { requestDetail, requestItem } from './helpers/resident';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';
import { checkRequest, escalationText } from '../../miniprogram/packages/resident/shared';

const REQUEST = 'packages/resident/request/index';
const REQUESTS = 'packages/resident/requests/index';
const DETAIL = 'packages/resident/request-detail/index';
const MY_DATA = 'packages/resident/my-data/index';

let opened: LoadedPage | null = null;
function open(route: string, query: Record<string, string> = {}): LoadedPage {
  opened?.detach();
  opened = loadPage(route, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);

beforeAll(() => prepare(REQUEST), 60_000);
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

/** The browser preview, where uploads reach the emulator's storage (utils/upload.ts). */
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

const submitted = () => ok({ requestId: 'req9', status: 'submitted', held: false });

describe('请求帮助', () => {
  async function write(page: LoadedPage, text: string) {
    emit($(page, '#text'), 'change', { value: text });
    await waitFor(() => expect(page.page.instance.data.text).toBe(text));
  }

  test('step 1 is the five categories; a tap goes to the form', async () => {
    const calls = stubBackend({});
    const page = open(REQUEST);
    expect($(page, '#categories')).toBeTruthy();
    expect(page.text()).toMatch(/维修.*助老.*邻里纠纷.*政策咨询.*其他/);
    expect($(page, '#form')).toBeFalsy();
    tap($(page, '#category-elderly'));
    await waitFor(() => expect($(page, '#form')).toBeTruthy());
    expect($(page, '#chosen-category')!.dom!.textContent).toBe('助老');
    expect(page.text()).toContain('发送给中心户');
    expect(calls).toHaveLength(0);
    // 换一类 goes back and keeps the text.
    await write(page, '帮忙买点菜');
    tap($(page, '#change-category'));
    await waitFor(() => expect($(page, '#categories')).toBeTruthy());
    tap($(page, '#category-other'));
    await waitFor(() => expect($(page, '#form')).toBeTruthy());
    expect(page.page.instance.data.text).toBe('帮忙买点菜');
  });

  test('text is required, 2–500 characters, with plain errors; nothing is sent', async () => {
    const calls = stubBackend({ 'liaison.submitRequest': submitted });
    const page = open(REQUEST);
    tap($(page, '#category-repair'));
    await waitFor(() => expect($(page, '#send')).toBeTruthy());
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#text-error')).toBeTruthy());
    expect($(page, '#text-error')!.dom!.textContent).toBe('请写一写需要帮什么忙');
    await write(page, '漏');
    expect($(page, '#text-error')).toBeFalsy();
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#text-error')).toBeTruthy());
    expect(page.text()).toContain('至少 2 个字');
    expect(calls).toHaveLength(0);
  });

  test('the checks: a category is required too', () => {
    expect(checkRequest({ category: '', text: '水管漏水' })).toEqual({
      category: '请先选一选是哪类事',
    });
    expect(checkRequest({ category: 'repair', text: 'x'.repeat(501) }).text).toContain('最多');
    expect(checkRequest({ category: 'repair', text: ' 漏水 ' })).toEqual({});
  });

  test('sent: { category, text, urgent } with a requestId, then the detail replaces the page', async () => {
    const calls = stubBackend({ 'liaison.submitRequest': submitted });
    const redirectTo = stubWx('redirectTo', jest.fn());
    const page = open(REQUEST);
    tap($(page, '#category-repair'));
    await waitFor(() => expect($(page, '#text')).toBeTruthy());
    await write(page, '  厨房水管漏水，麻烦帮忙看看 ');
    emit($(page, '#urgent'), 'change', { value: true });
    await waitFor(() => expect(page.page.instance.data.urgent).toBe(true));
    tap($(page, '#send'));
    await waitFor(() =>
      expect(redirectTo).toHaveBeenCalledWith({
        url: '/packages/resident/request-detail/index?id=req9',
      }),
    );
    const sent = callsOf(calls, 'liaison.submitRequest');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({
      category: 'repair',
      text: '厨房水管漏水，麻烦帮忙看看',
      urgent: true,
    });
    expect(sent[0].requestId).toBeTruthy();
  });

  test('a failed send keeps its requestId for the retry; CONTENT_RISKY goes under the text', async () => {
    const calls = stubBackend({
      'liaison.submitRequest': (_d, _c, nth) =>
        nth === 0
          ? err('UNAVAILABLE', '网络不可用，请检查网络后重试')
          : nth === 1
            ? submitted()
            : err('CONTENT_RISKY', '内容可能含有不当信息，请修改后再发'),
    });
    stubWx('redirectTo', jest.fn());
    const page = open(REQUEST, { category: 'policy' });
    await write(page, '医保怎么报销');
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#form-error')).toBeTruthy());
    expect(page.text()).toContain('网络不可用');
    tap($(page, '#send'));
    await waitFor(() => expect(callsOf(calls, 'liaison.submitRequest')).toHaveLength(2));
    const [a, b] = callsOf(calls, 'liaison.submitRequest');
    expect(a.requestId).toBe(b.requestId);

    const second = open(REQUEST, { category: 'policy' });
    await write(second, '不好的话');
    tap($(second, '#send'));
    await waitFor(() => expect($(second, '#text-error')).toBeTruthy());
    expect($(second, '#text-error')!.dom!.textContent).toContain('内容可能含有不当信息');
  });

  test('the server naming the category sends the resident back to choose it', async () => {
    stubBackend({
      'liaison.submitRequest': () =>
        err('INVALID_ARGUMENT', '请选择求助类别', { fields: ['category'] }),
    });
    const page = open(REQUEST, { category: 'repair' });
    await write(page, '水管漏水');
    tap($(page, '#send'));
    await waitFor(() => expect($(page, '#category-error')).toBeTruthy());
    expect(page.text()).toContain('请选择求助类别');
  });

  test('photos: chosen, uploaded to liaison-requests/, removable, at most 3; file ids are sent', async () => {
    const uploads = usePreviewUploads();
    const chooseMedia = stubWx(
      'chooseMedia',
      jest.fn((o: any) =>
        setTimeout(
          () =>
            o.success({
              tempFiles: Array.from({ length: o.count }, (_, i) => ({
                tempFilePath: `wxfile://tmp/p${i}.jpg`,
              })),
            }),
          1,
        ),
      ),
    );
    const calls = stubBackend({ 'liaison.submitRequest': submitted });
    stubWx('redirectTo', jest.fn());
    const page = open(REQUEST, { category: 'repair' });
    expect($(page, '#privacy')).toBeTruthy();
    expect($(page, '#no-photo')).toBeFalsy();
    tap($(page, '#add-photo'));
    await waitFor(() => expect(uploads).toHaveLength(3));
    expect(chooseMedia.mock.calls[0][0].count).toBe(3);
    for (const p of uploads) expect(p).toMatch(/^liaison-requests\/.+\.jpg$/);
    await waitFor(() =>
      expect(page.page.instance.data.photos.every((p: any) => !p.uploading)).toBe(true),
    );
    // Three is the most: no add button.
    expect($(page, '#add-photo')).toBeFalsy();
    tap($(page, '#remove-photo-1'));
    await waitFor(() => expect(page.page.instance.data.photos).toHaveLength(2));
    expect($(page, '#add-photo')).toBeTruthy();

    await write(page, '楼道灯坏了');
    tap($(page, '#send'));
    await waitFor(() => expect(callsOf(calls, 'liaison.submitRequest')).toHaveLength(1));
    expect(callsOf(calls, 'liaison.submitRequest')[0].data).toEqual({
      category: 'repair',
      text: '楼道灯坏了',
      urgent: false,
      photos: [`cloud://env.b/${uploads[0]}`, `cloud://env.b/${uploads[2]}`],
    });
  });

  test('local mode: no photo control, a line says why', async () => {
    stubBackend({});
    const page = open(REQUEST, { category: 'other' });
    expect($(page, '#add-photo')).toBeFalsy();
    expect($(page, '#no-photo')).toBeTruthy();
  });

  test('a refused privacy guide is said under the photos; a closed picker says nothing', async () => {
    usePreviewUploads();
    let failure: Record<string, unknown> = {
      errMsg: 'chooseMedia:fail privacy permission is not authorized',
      errno: 104,
    };
    stubWx('chooseMedia', (o: any) => setTimeout(() => o.fail(failure), 1));
    stubBackend({});
    const page = open(REQUEST, { category: 'other' });
    tap($(page, '#add-photo'));
    await waitFor(() => expect($(page, '#photos-error')).toBeTruthy());
    expect(page.text()).toContain('隐私保护指引');
    failure = { errMsg: 'chooseMedia:fail cancel' };
    tap($(page, '#add-photo'));
    await waitFor(() => expect($(page, '#photos-error')).toBeFalsy());
  });

  test('the subscribe message is asked for inside the tap when configured, without waiting', async () => {
    jest.resetModules();
    jest.doMock('../../miniprogram/config', () => ({
      ...jest.requireActual('../../miniprogram/config'),
      SUBSCRIBE_TEMPLATES: {
        noticeReminder: '',
        lessonReminder: '',
        activityReminder: '',
        liaisonReminder: 'tmpl-liaison',
      },
    }));
    try {
      // The dialog is never answered: the request goes anyway.
      const subscribe = stubWx('requestSubscribeMessage', jest.fn());
      const calls = stubBackend({ 'liaison.submitRequest': submitted });
      const redirectTo = stubWx('redirectTo', jest.fn());
      const page = open(REQUEST, { category: 'elderly' });
      await write(page, '帮忙取药');
      tap($(page, '#send'));
      await waitFor(() => expect(redirectTo).toHaveBeenCalled());
      expect(subscribe).toHaveBeenCalledTimes(1);
      expect(subscribe.mock.calls[0][0].tmplIds).toEqual(['tmpl-liaison']);
      expect(callsOf(calls, 'liaison.submitRequest')).toHaveLength(1);
    } finally {
      jest.dontMock('../../miniprogram/config');
    }
  });
});

describe('我的求助', () => {
  const page20 = (from: number): RequestItem[] =>
    Array.from({ length: 20 }, (_, i) => requestItem({ requestId: `r${from + i}` }));

  test('one call with scope mine; states in plain words and escalation; next page by cursor', async () => {
    const calls = stubBackend({
      'liaison.listRequests': (d) =>
        d.cursor
          ? ok({
              items: [requestItem({ requestId: 'r99', status: 'closed', rating: 'satisfied' })],
              nextCursor: null,
            })
          : ok({
              items: [
                requestItem({ requestId: 'a', status: 'submitted', urgent: true }),
                requestItem({ requestId: 'b', status: 'accepted', level: 1 }),
                requestItem({ requestId: 'c', status: 'submitted', level: 1, overdue: true }),
                requestItem({ requestId: 'd', status: 'resolved', category: 'policy' }),
                ...page20(0).slice(4),
              ],
              nextCursor: 'c1',
            }),
    });
    const page = open(REQUESTS);
    await waitFor(() => expect($(page, '#list')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listRequests').map((c) => c.data)).toEqual([{ scope: 'mine' }]);
    const row = (id: string) => $(page, `#request-${id}`)!.dom!.textContent!;
    expect(row('a')).toContain('已发送');
    expect(row('a')).toContain('紧急');
    expect(row('a')).toContain('维修');
    expect(row('b')).toContain('已受理');
    expect(row('b')).toContain('已转支部书记');
    expect(row('c')).toContain('已转社区党委');
    expect(row('d')).toContain('已办结');
    expect(row('d')).toContain('政策咨询');
    expect(row('d')).not.toContain('已转');

    page.instance.onReachBottom();
    await waitFor(() => expect($(page, '#request-r99')).toBeTruthy());
    expect(callsOf(calls, 'liaison.listRequests')[1].data).toEqual({ scope: 'mine', cursor: 'c1' });
    expect(row('r99')).toContain('已评价');
    expect(row('r99')).toContain('满意');
    expect($(page, '#no-more')).toBeTruthy();
  });

  test('a tap opens the detail', async () => {
    stubBackend({ 'liaison.listRequests': () => ok({ items: [requestItem()], nextCursor: null }) });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open(REQUESTS);
    await waitFor(() => expect($(page, '#request-req1')).toBeTruthy());
    tap($(page, '#request-req1'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({
        url: '/packages/resident/request-detail/index?id=req1',
      }),
    );
  });

  test('empty: 「还没有求助」 with 请求帮助', async () => {
    stubBackend({ 'liaison.listRequests': () => ok({ items: [], nextCursor: null }) });
    const navigateTo = stubWx('navigateTo', jest.fn());
    const page = open(REQUESTS);
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('还没有求助，有事请点“请求帮助”');
    tap($(page, '#state')!.querySelector('#empty-action'));
    await waitFor(() =>
      expect(navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/request/index' }),
    );
  });

  test('error, retry; pull to refresh loads again', async () => {
    const calls = stubBackend({
      'liaison.listRequests': (_d, _c, nth) =>
        nth === 0
          ? err('INTERNAL', '服务暂时不可用')
          : ok({ items: [requestItem()], nextCursor: null }),
    });
    const page = open(REQUESTS);
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-error')).toBeTruthy());
    expect(page.text()).toContain('服务暂时不可用');
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#request-req1')).toBeTruthy());
    page.instance.onPullDownRefresh();
    await waitFor(() => expect(callsOf(calls, 'liaison.listRequests')).toHaveLength(3));
  });

  test('escalation words', () => {
    const base = { status: 'submitted' as const, level: 0 as const, overdue: false };
    expect(escalationText(base)).toBe('');
    expect(escalationText({ ...base, overdue: true })).toBe('已转支部书记');
    expect(escalationText({ ...base, level: 2 })).toBe('已转社区党委');
    expect(escalationText({ status: 'resolved', level: 2, overdue: false })).toBe('');
  });
});

describe('求助详情', () => {
  test('one call; text, result and the timeline; 满意 rates it and the rating shows', async () => {
    const calls = stubBackend({
      'liaison.getRequest': () => ok({ request: requestDetail() }),
      'liaison.rateRequest': (d) =>
        ok({
          request: requestDetail({
            status: 'closed',
            rating: d.rating,
            ratingComment: d.comment ?? null,
            can: { accept: false, resolve: false, rate: false },
          }),
        }),
    });
    const page = open(DETAIL, { id: 'req1' });
    await waitFor(() => expect($(page, '#summary')).toBeTruthy());
    expect(callsOf(calls, 'liaison.getRequest').map((c) => c.data)).toEqual([
      { requestId: 'req1' },
    ]);
    expect(calls).toHaveLength(1);
    expect(page.text()).toContain('厨房水管漏水');
    expect($(page, '#resolution')!.dom!.textContent).toContain('已更换水管接头');
    expect($(page, '#history-0')!.dom!.textContent).toContain('发出求助');
    expect($(page, '#history-1')!.dom!.textContent).toContain('已受理');
    expect($(page, '#history-2')!.dom!.textContent).toContain('已办结');
    expect(page.text()).toMatch(/满意.*基本满意.*不满意/);

    emit($(page, '#comment'), 'change', { value: '很及时，谢谢' });
    await waitFor(() => expect(page.page.instance.data.comment).toBe('很及时，谢谢'));
    tap($(page, '#rate-satisfied'));
    await waitFor(() => expect($(page, '#rated')).toBeTruthy());
    const sent = callsOf(calls, 'liaison.rateRequest');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({
      requestId: 'req1',
      rating: 'satisfied',
      comment: '很及时，谢谢',
    });
    expect(sent[0].requestId).toBeTruthy();
    expect($(page, '#rating')!.dom!.textContent).toBe('满意');
    expect(page.text()).toContain('很及时，谢谢');
    expect($(page, '#rate-card')).toBeFalsy();
    expect(page.text()).toContain('已评价');
  });

  test('not yet resolved, or not allowed: no rating buttons; escalation and held said', async () => {
    stubBackend({
      'liaison.getRequest': () =>
        ok({
          request: requestDetail({
            status: 'submitted',
            level: 1,
            held: true,
            resolutionNote: null,
            can: { accept: false, resolve: false, rate: false },
          }),
        }),
    });
    const page = open(DETAIL, { id: 'req1' });
    await waitFor(() => expect($(page, '#summary')).toBeTruthy());
    expect($(page, '#rate-card')).toBeFalsy();
    expect($(page, '#escalation')!.dom!.textContent).toBe('已转支部书记');
    expect($(page, '#held')).toBeTruthy();
    expect(page.text()).toContain('已发送');
  });

  test('a refused rating is said under the buttons, which work again', async () => {
    stubBackend({
      'liaison.getRequest': () => ok({ request: requestDetail() }),
      'liaison.rateRequest': () => err('CONFLICT', '这条求助已经评价过了'),
    });
    const page = open(DETAIL, { id: 'req1' });
    await waitFor(() => expect($(page, '#rate-card')).toBeTruthy());
    tap($(page, '#rate-basically'));
    await waitFor(() => expect($(page, '#rate-error')).toBeTruthy());
    expect(page.text()).toContain('已经评价过了');
    expect(page.page.instance.data.rateSending).toBe('');
  });

  test('error + retry', async () => {
    stubBackend({
      'liaison.getRequest': (_d, _c, nth) =>
        nth === 0 ? err('NOT_FOUND', '未找到该求助') : ok({ request: requestDetail() }),
    });
    const page = open(DETAIL, { id: 'req1' });
    await waitFor(() => expect(page.text()).toContain('未找到该求助'));
    tap($(page, '#state')!.querySelector('#retry'));
    await waitFor(() => expect($(page, '#summary')).toBeTruthy());
  });
});

describe('我的联户信息', () => {
  const data = {
    residentId: 'res-b1-01',
    headName: '陈桂兰',
    address: '幸福里 5 栋 1 单元 302',
    phone: '13700001234',
    people: 2,
    careTags: ['livingAlone', 'elderly'],
    notes: null,
    cardCode: 'XFLQ2C3D',
    bindings: [
      { you: true, boundAt: '2025-01-01T00:00:00.000Z' },
      { you: false, boundAt: '2025-01-02T00:00:00.000Z' },
    ],
    requestCount: 3,
    serviceRecordCount: 2,
    centralHousehold: { memberName: '李秀英', branchName: '幸福社区第一党支部' },
  };

  test('one call; what is stored, own phone in full', async () => {
    const calls = stubBackend({ 'liaison.myData': () => ok(data) });
    const page = open(MY_DATA);
    await waitFor(() => expect($(page, '#stored')).toBeTruthy());
    expect(calls).toHaveLength(1);
    const text = page.text();
    expect(text).toContain('陈桂兰');
    expect(text).toContain('幸福里 5 栋 1 单元 302');
    expect(text).toContain('13700001234');
    expect(text).toContain('独居、高龄');
    expect(text).toContain('XFLQ2C3D');
    expect(text).toContain('本户有 2 个微信绑定');
    expect(text).toContain('李秀英');
  });

  test('删除我的信息: the confirm step says what goes and what stays; cancel sends nothing', async () => {
    const calls = stubBackend({
      'liaison.myData': () => ok(data),
      'liaison.eraseMyData': () => ok({ erased: true }),
    });
    const reLaunch = stubWx('reLaunch', jest.fn());
    const page = open(MY_DATA);
    await waitFor(() => expect($(page, '#erase')).toBeTruthy());
    tap($(page, '#erase'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    const confirm = $(page, '#confirm')!.dom!.textContent!;
    expect(confirm).toContain('将删除');
    expect(confirm).toContain('电话');
    expect(confirm).toContain('会保留');
    expect(confirm).toContain('不再和您家对应');
    tap($(page, '#cancel-btn'));
    await waitFor(() => expect($(page, '#confirm')).toBeFalsy());
    await aMoment();
    expect(callsOf(calls, 'liaison.eraseMyData')).toHaveLength(0);

    tap($(page, '#erase'));
    await waitFor(() => expect($(page, '#confirm-btn')).toBeTruthy());
    tap($(page, '#confirm-btn'));
    await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' }));
    const sent = callsOf(calls, 'liaison.eraseMyData');
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toEqual({ confirm: true });
  });

  test('解除绑定 after its confirm step; a failure is said and retried with the same requestId', async () => {
    const calls = stubBackend({
      'liaison.myData': () => ok(data),
      'liaison.unbind': (_d, _c, nth) =>
        nth === 0 ? err('UNAVAILABLE', '网络不可用，请检查网络后重试') : ok({ unbound: true }),
    });
    const reLaunch = stubWx('reLaunch', jest.fn());
    const page = open(MY_DATA);
    await waitFor(() => expect($(page, '#unbind')).toBeTruthy());
    tap($(page, '#unbind'));
    await waitFor(() => expect($(page, '#confirm')).toBeTruthy());
    expect(page.text()).toContain('只解除您这个微信的绑定');
    tap($(page, '#confirm-btn'));
    await waitFor(() => expect($(page, '#action-error')).toBeTruthy());
    tap($(page, '#confirm-btn'));
    await waitFor(() => expect(reLaunch).toHaveBeenCalledTimes(1));
    const sent = callsOf(calls, 'liaison.unbind');
    expect(sent).toHaveLength(2);
    expect(sent[0].requestId).toBe(sent[1].requestId);
    expect(callsOf(calls, 'liaison.eraseMyData')).toHaveLength(0);
  });

  test('not bound: nothing stored, offers to bind', async () => {
    stubBackend({ 'liaison.myData': () => err('FORBIDDEN', '请先绑定连心卡') });
    const page = open(MY_DATA);
    await waitFor(() => expect($(page, '#state')!.querySelector('#state-empty')).toBeTruthy());
    expect(page.text()).toContain('您还没有绑定连心卡');
  });
});

describe('打电话给中心户', () => {
  const LIAISON_KEY = 'context.liaison';
  const remembered = { householdId: 'hh1', memberName: '李秀英', phone: '13800001111' };
  const pages: [string, string, Record<string, string>, Parameters<typeof stubBackend>[0]][] = [
    ['请求帮助', REQUEST, {}, {}],
    [
      '我的求助',
      REQUESTS,
      {},
      { 'liaison.listRequests': () => ok({ items: [requestItem()], nextCursor: null }) },
    ],
    [
      '求助详情',
      DETAIL,
      { id: 'req1' },
      { 'liaison.getRequest': () => ok({ request: requestDetail() }) },
    ],
  ];

  test.each(pages)(
    '%s: the bar from what home remembered, no extra call; it dials the member',
    async (_name, route, query, handlers) => {
      useStorage({ [LIAISON_KEY]: remembered });
      const calls = stubBackend(handlers);
      const dial = stubWx('makePhoneCall', jest.fn());
      const page = open(route, query);
      await waitFor(() => expect($(page, '#call-bar')).toBeTruthy());
      const bar = $(page, '#call-bar')!.dom!.textContent!;
      expect(bar).toContain('李秀英');
      expect(bar).toContain('打电话给中心户');
      // makePhoneCall is a privacy API: the page carries the consent panel.
      expect($(page, '#privacy')).toBeTruthy();
      tap($(page, '#call-member'));
      await waitFor(() => expect(dial).toHaveBeenCalledTimes(1));
      expect(dial.mock.calls[0][0]).toMatchObject({ phoneNumber: '13800001111' });
      await aMoment();
      // Only the page's own call (if any): the phone costs nothing.
      expect(calls.map((c) => `${c.fn}.${c.action}`)).toEqual(Object.keys(handlers));
    },
  );

  test.each(pages)(
    '%s: no bar when the phone is not known or not shown',
    async (_name, route, query, handlers) => {
      stubBackend(handlers);
      const page = open(route, query);
      await aMoment(50);
      expect(page.page.instance.data.callName).toBe('');
      expect($(page, '#call-bar')).toBeFalsy();
      opened?.detach();

      useStorage({ [LIAISON_KEY]: { ...remembered, phone: null } });
      stubBackend(handlers);
      const noPhone = open(route, query);
      await aMoment(50);
      expect(noPhone.page.instance.data.callName).toBe('李秀英');
      expect($(noPhone, '#call-bar')).toBeFalsy();
      expect(noPhone.text()).not.toContain('打电话');
    },
  );

  test('erasing or unbinding forgets the member: no bar afterwards', async () => {
    const storage = useStorage({ [LIAISON_KEY]: remembered });
    stubBackend({
      'liaison.myData': () =>
        ok({
          residentId: 'res-b1-01',
          headName: '陈桂兰',
          address: '幸福里 5 栋 1 单元 302',
          phone: '13700001234',
          people: 2,
          careTags: [],
          notes: null,
          cardCode: 'XFLQ2C3D',
          bindings: [{ you: true, boundAt: '2025-01-01T00:00:00.000Z' }],
          requestCount: 0,
          serviceRecordCount: 0,
          centralHousehold: { memberName: '李秀英', branchName: '幸福社区第一党支部' },
        }),
      'liaison.unbind': () => ok({ unbound: true }),
    });
    const reLaunch = stubWx('reLaunch', jest.fn());
    const page = open(MY_DATA);
    await waitFor(() => expect($(page, '#unbind')).toBeTruthy());
    tap($(page, '#unbind'));
    await waitFor(() => expect($(page, '#confirm-btn')).toBeTruthy());
    expect(storage.has(LIAISON_KEY)).toBe(true);
    tap($(page, '#confirm-btn'));
    await waitFor(() => expect(reLaunch).toHaveBeenCalledTimes(1));
    expect(storage.has(LIAISON_KEY)).toBe(false);
  });
});
