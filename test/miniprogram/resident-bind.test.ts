/**
 * 绑定连心卡 (issue #7): the card code from the scanned code's scene, a `code` link, 扫一扫 or
 * typed, and only a printed one (8 characters, letters and 2–9) goes on; then the last four
 * digits and one `bindResident { cardCode, phoneLast4 }`; wrong digits (spent), the lock and an
 * unknown card (back to the code, digits kept) said inline; bound → home opened afresh.
 */
import { callsOf, err, ok, stubBackend, type Handler } from './helpers/backend';
import { loadPage, prepare, tap, waitFor, type LoadedPage } from './helpers/load';
import { emit } from './helpers/backend';
import { member } from './helpers/resident';
import { restoreWx, stubWx, useEnvVersion, useFontScale, useStorage } from './helpers/wx';
import { cardCodeError, cardCodeFromScan } from '../../miniprogram/packages/resident/shared';

const BIND = 'packages/resident/bind/index';

let opened: LoadedPage | null = null;
function open(query: Record<string, string> = {}): LoadedPage {
  opened = loadPage(BIND, query);
  return opened;
}
const $ = (page: LoadedPage, sel: string) => page.page.querySelector(sel);
const bound: Handler = () => ok({ residentId: 'res-b1-02', householdId: 'hh1', member: member() });

beforeAll(() => prepare(BIND), 60_000);
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

async function enterDigits(page: LoadedPage, digits: string) {
  emit($(page, '#digits'), 'change', { value: digits });
  await waitFor(() => expect(page.page.instance.data.digits).toBe(digits.slice(0, 4)));
}

test('the scene of a scanned card code pre-fills it (URL-decoded); no call on open', async () => {
  const calls = stubBackend({ 'liaison.bindResident': bound });
  const page = open({ scene: encodeURIComponent('xflb4e5f') });
  await waitFor(() => expect($(page, '#digits-step')).toBeTruthy());
  expect($(page, '#card-code')!.dom!.textContent).toBe('XFLB4E5F');
  expect(page.text()).toContain('请输入户主手机号后四位');
  expect($(page, '#digits')!.instance.data.type).toBe('number');
  expect(calls).toHaveLength(0);
  expect($(page, '#privacy')).toBeTruthy();
});

test('bound: sends exactly { cardCode, phoneLast4 }, says 绑定成功 and opens home afresh', async () => {
  const calls = stubBackend({ 'liaison.bindResident': bound });
  const reLaunch = stubWx('reLaunch', jest.fn());
  const page = open({ code: 'XFLB4E5F' });
  await waitFor(() => expect($(page, '#digits')).toBeTruthy());
  // Before binding, the resident is told who will see what and how to undo it.
  expect($(page, '#bind-privacy')!.dom!.textContent).toContain('中心户党员和支部书记');
  expect($(page, '#bind-privacy')!.dom!.textContent).toContain('删除信息');
  // Only digits, at most four.
  emit($(page, '#digits'), 'change', { value: '56a789' });
  await waitFor(() => expect(page.page.instance.data.digits).toBe('5678'));
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#done')).toBeTruthy());
  const sent = callsOf(calls, 'liaison.bindResident');
  expect(sent).toHaveLength(1);
  expect(sent[0].data).toEqual({ cardCode: 'XFLB4E5F', phoneLast4: '5678' });
  expect(sent[0].requestId).toBeTruthy();
  expect(page.text()).toContain('绑定成功');
  expect(page.text()).toContain('李秀英');
  await waitFor(() => expect(reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' }), 3000);
});

test('进入首页 opens home at once', async () => {
  stubBackend({ 'liaison.bindResident': bound });
  const reLaunch = stubWx('reLaunch', jest.fn());
  const page = open({ code: 'XFLB4E5F' });
  await enterDigits(page, '5678');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#go-home')).toBeTruthy());
  tap($(page, '#go-home'));
  await waitFor(() => expect(reLaunch).toHaveBeenCalledTimes(1));
});

test('fewer than four digits: said inline, nothing sent', async () => {
  const calls = stubBackend({ 'liaison.bindResident': bound });
  const page = open({ code: 'XFLB4E5F' });
  await enterDigits(page, '56');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#bind-error')).toBeTruthy());
  expect(page.text()).toContain('请输入 4 位数字');
  expect(calls).toHaveLength(0);
});

test('wrong digits show the tries left; the next try is a new intent', async () => {
  const calls = stubBackend({
    'liaison.bindResident': (_d, _c, nth) =>
      nth === 0
        ? err('INVALID_ARGUMENT', '手机号后四位不对，还可以再试 4 次', { fields: ['phoneLast4'] })
        : bound(_d, _c, nth),
  });
  stubWx('reLaunch', jest.fn());
  const page = open({ code: 'XFLB4E5F' });
  await enterDigits(page, '1111');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#bind-error')).toBeTruthy());
  expect($(page, '#bind-error')!.dom!.textContent).toBe('手机号后四位不对，还可以再试 4 次');
  // The spent digits are cleared, the button works again.
  expect(page.page.instance.data.digits).toBe('');
  expect(page.page.instance.data.locked).toBe(false);
  await enterDigits(page, '5678');
  expect($(page, '#bind-error')).toBeFalsy();
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#done')).toBeTruthy());
  const sent = callsOf(calls, 'liaison.bindResident');
  expect(sent.map((c) => c.data.phoneLast4)).toEqual(['1111', '5678']);
  expect(sent[0].requestId).not.toBe(sent[1].requestId);
});

test('a locked card (RATE_LIMITED) says to wait and the button stays off', async () => {
  const calls = stubBackend({
    'liaison.bindResident': () =>
      err('RATE_LIMITED', '输错次数太多，这张连心卡已锁定，请一小时后再试'),
  });
  const page = open({ code: 'XFLB4E5F' });
  await enterDigits(page, '1111');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#bind-error')).toBeTruthy());
  expect(page.text()).toContain('已锁定，请一小时后再试');
  expect($(page, '#bind-btn')!.instance.data.disabled).toBe(true);
  tap($(page, '#bind-btn'));
  await new Promise((r) => setTimeout(r, 50));
  expect(callsOf(calls, 'liaison.bindResident')).toHaveLength(1);
  // Another card may still be tried.
  tap($(page, '#change-card'));
  await waitFor(() => expect($(page, '#code-step')).toBeTruthy());
  expect(page.page.instance.data.locked).toBe(false);
});

test('an unknown card: back to the code, 「没有找到这张连心卡」, the digits kept for the corrected code', async () => {
  const calls = stubBackend({
    'liaison.bindResident': (d, c, nth) =>
      nth === 0 ? err('NOT_FOUND', '没有找到这张连心卡，请核对卡号') : bound(d, c, nth),
  });
  stubWx('reLaunch', jest.fn());
  const page = open({ code: 'ZZZZ9999' });
  await enterDigits(page, '5678');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#code-step')).toBeTruthy());
  expect($(page, '#code-error')!.dom!.textContent).toContain('没有找到这张连心卡');
  expect($(page, '#code')!.instance.data.value).toBe('ZZZZ9999');
  // A wrong code spends no try: the digits stay.
  expect(page.page.instance.data.digits).toBe('5678');

  emit($(page, '#code'), 'change', { value: 'XFLB4E5F' });
  await waitFor(() => expect($(page, '#code-error')).toBeFalsy());
  tap($(page, '#code-next'));
  await waitFor(() => expect($(page, '#digits-step')).toBeTruthy());
  expect($(page, '#digits')!.instance.data.value).toBe('5678');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#done')).toBeTruthy());
  expect(callsOf(calls, 'liaison.bindResident').map((c) => c.data)).toEqual([
    { cardCode: 'ZZZZ9999', phoneLast4: '5678' },
    { cardCode: 'XFLB4E5F', phoneLast4: '5678' },
  ]);
});

test('the server refusing the code itself keeps the digits too', async () => {
  stubBackend({
    'liaison.bindResident': () =>
      err('INVALID_ARGUMENT', '连心卡号不对，请核对', { fields: ['cardCode'] }),
  });
  const page = open({ code: 'XFLB4E5F' });
  await enterDigits(page, '5678');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect($(page, '#code-error')).toBeTruthy());
  expect($(page, '#code-error')!.dom!.textContent).toBe('连心卡号不对，请核对');
  expect(page.page.instance.data.digits).toBe('5678');
});

test('a typed code must be 8 characters, letters and 2–9: said plainly, nothing sent, digits kept', async () => {
  const calls = stubBackend({ 'liaison.bindResident': bound });
  const page = open();
  page.page.instance.setData({ digits: '5678' });
  for (const [typed, shown] of [
    ['xflq-2c3', 'XFLQ2C3'],
    ['XFLQ 2C3D 9', 'XFLQ2C3D9'],
  ]) {
    emit($(page, '#code'), 'change', { value: typed });
    await waitFor(() => expect(page.page.instance.data.code).toBe(shown));
    tap($(page, '#code-next'));
    await waitFor(() => expect($(page, '#code-error')).toBeTruthy());
    expect($(page, '#code-error')!.dom!.textContent).toBe('连心卡号是 8 位，请核对');
    expect($(page, '#digits-step')).toBeFalsy();
  }
  emit($(page, '#code'), 'change', { value: 'XFLQ0C1D' });
  await waitFor(() => expect($(page, '#code-error')).toBeFalsy());
  tap($(page, '#code-next'));
  await waitFor(() => expect($(page, '#code-error')).toBeTruthy());
  expect($(page, '#code-error')!.dom!.textContent).toContain('请核对');
  expect($(page, '#digits-step')).toBeFalsy();

  emit($(page, '#code'), 'change', { value: 'xflq-2c3d' });
  await waitFor(() => expect(page.page.instance.data.code).toBe('XFLQ2C3D'));
  tap($(page, '#code-next'));
  await waitFor(() => expect($(page, '#digits-step')).toBeTruthy());
  expect(page.page.instance.data.digits).toBe('5678');
  expect(calls).toHaveLength(0);
});

test('a link with a code that is not 8 characters opens on the code, saying so', async () => {
  const page = open({ code: 'XFLQ2C' });
  await waitFor(() => expect($(page, '#code-step')).toBeTruthy());
  expect($(page, '#code-error')!.dom!.textContent).toBe('连心卡号是 8 位，请核对');
  expect($(page, '#code')!.instance.data.value).toBe('XFLQ2C');
});

test('the card code checks', () => {
  expect(cardCodeError('')).toBe('请输入连心卡上的号码');
  expect(cardCodeError('XFLQ2C3')).toBe('连心卡号是 8 位，请核对');
  expect(cardCodeError('XFLQ2C3DE')).toBe('连心卡号是 8 位，请核对');
  expect(cardCodeError('XFLQ2C30')).toContain('没有 0 和 1');
  expect(cardCodeError('XFLQ2C3D')).toBe('');
});

test('扫一扫: a mini-program code’s path gives the card code', async () => {
  const calls = stubBackend({ 'liaison.bindResident': bound });
  stubWx('reLaunch', jest.fn());
  const scanCode = stubWx(
    'scanCode',
    jest.fn((o: any) =>
      setTimeout(
        () =>
          o.success({
            scanType: 'WX_CODE',
            result: '',
            path: 'packages/resident/bind/index?scene=XFLQ2C3D',
          }),
        1,
      ),
    ),
  );
  const page = open();
  await waitFor(() => expect($(page, '#code-step')).toBeTruthy());
  expect(page.text()).toContain('扫一扫连心卡');
  tap($(page, '#scan-btn'));
  await waitFor(() => expect($(page, '#digits-step')).toBeTruthy());
  expect(scanCode).toHaveBeenCalledTimes(1);
  expect($(page, '#card-code')!.dom!.textContent).toBe('XFLQ2C3D');
  await enterDigits(page, '1234');
  tap($(page, '#bind-btn'));
  await waitFor(() => expect(callsOf(calls, 'liaison.bindResident')).toHaveLength(1));
  expect(callsOf(calls, 'liaison.bindResident')[0].data).toEqual({
    cardCode: 'XFLQ2C3D',
    phoneLast4: '1234',
  });
});

test('扫一扫: a code that is no card is said; closing the scanner says nothing', async () => {
  stubBackend({});
  let answer: (o: any) => void = (o) =>
    o.success({ scanType: 'QR_CODE', result: 'https://x.cn/a b' });
  stubWx('scanCode', (o: any) => setTimeout(() => answer(o), 1));
  const page = open();
  tap($(page, '#scan-btn'));
  await waitFor(() => expect($(page, '#code-error')).toBeTruthy());
  expect(page.text()).toContain('这不是连心卡上的码');
  let failed = false;
  answer = (o) => {
    failed = true;
    o.fail({ errMsg: 'scanCode:fail cancel' });
  };
  tap($(page, '#scan-btn'));
  await waitFor(() => expect(failed && !page.page.instance.data.scanning).toBe(true));
  expect($(page, '#code-error')).toBeFalsy();
  expect($(page, '#code-step')).toBeTruthy();
});

test('typing the code: empty is refused, then it goes to the digits', async () => {
  const page = open();
  tap($(page, '#code-next'));
  await waitFor(() => expect($(page, '#code-error')).toBeTruthy());
  expect(page.text()).toContain('请输入连心卡上的号码');
  emit($(page, '#code'), 'change', { value: 'xflq 2c3d' });
  await waitFor(() => expect(page.page.instance.data.code).toBe('XFLQ2C3D'));
  tap($(page, '#code-next'));
  await waitFor(() => expect($(page, '#digits-step')).toBeTruthy());
});

test('card codes read from what the scanner gives', () => {
  expect(cardCodeFromScan({ path: 'packages/resident/bind/index?scene=XFLQ2C3D' })).toBe(
    'XFLQ2C3D',
  );
  expect(cardCodeFromScan({ path: 'packages/resident/bind/index?a=1&scene=xflq%202c3d' })).toBe(
    'XFLQ2C3D',
  );
  expect(cardCodeFromScan({ result: 'XFLQ2C3D' })).toBe('XFLQ2C3D');
  expect(cardCodeFromScan({ result: 'https://example.cn/bind?scene=XFLB4E5F' })).toBe('XFLB4E5F');
  expect(cardCodeFromScan({ result: 'https://example.cn/other' })).toBe('');
  // Not a printed card code: too short, or with 0 / 1.
  expect(cardCodeFromScan({ result: 'ABCD' })).toBe('');
  expect(cardCodeFromScan({ path: 'packages/resident/bind/index?scene=XFLQ0C1D' })).toBe('');
  expect(cardCodeFromScan({})).toBe('');
});
