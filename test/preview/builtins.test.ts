/**
 * WeChat's built-in components of the browser preview (preview/runtime/builtins/), as a page
 * uses them: small components whose templates use the tags are compiled by j-component
 * itself, native DOM events are dispatched on the controls the built-ins render, and the
 * page's handlers must receive WeChat's event details.
 */
import { registerBuiltins } from '../../preview/runtime/builtins';
import { GATEWAY, byText, fakeHost, settle } from './helpers';

const jc = require('j-component');
const host = fakeHost();
// Before any test component is registered: j-component resolves tags when it compiles.
registerBuiltins(jc, host);

interface Recorded {
  type: string;
  detail: any;
}

interface Mounted {
  comp: any;
  root: HTMLElement;
  events: Recorded[];
  /** Details of the events of `type` the page received, in order. */
  of(type: string): any[];
  setData(data: Record<string, unknown>): void;
  /** The rendered element of the built-in with WXML id `id` (e.g. `wx-input`). */
  host(id: string): HTMLElement;
  /** A tap on the element with WXML id `id`, as the runtime's click bridge delivers it. */
  tap(id: string): Promise<void>;
}

const mounted: any[] = [];

/** A page-like component with `template`; every `bind:x="rec"` is recorded. */
function mount(template: string, data: Record<string, unknown> = {}): Mounted {
  const events: Recorded[] = [];
  const id = jc.register({
    template,
    data,
    methods: {
      rec(e: { type: string; detail: unknown }) {
        events.push({ type: e.type, detail: e.detail });
      },
    },
  });
  const comp = jc.create(id);
  const parent = document.createElement('div');
  document.body.appendChild(parent);
  comp.attach(parent);
  mounted.push(comp);
  const find = (wxId: string) => {
    const c = comp.querySelector(`#${wxId}`);
    if (!c) throw new Error(`no #${wxId}`);
    return c;
  };
  return {
    comp,
    root: comp.dom,
    events,
    of: (type) => events.filter((e) => e.type === type).map((e) => e.detail),
    setData: (d) => comp.setData(d),
    host: (wxId) => find(wxId).dom as HTMLElement,
    async tap(wxId) {
      find(wxId).dispatchEvent('tap');
      await settle();
    },
  };
}

afterEach(() => {
  for (const c of mounted.splice(0)) {
    c.detach();
    c.dom.parentNode?.remove();
  }
  host.overlay.replaceChildren();
  jest.clearAllMocks();
});

function nativeOf<T extends Element>(root: Element, selector: string): T {
  const e = root.querySelector<T>(selector);
  if (!e) throw new Error(`no ${selector}`);
  return e;
}

function type(field: HTMLInputElement | HTMLTextAreaElement, value: string) {
  field.value = value;
  field.setSelectionRange(value.length, value.length);
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

const enter = () =>
  new KeyboardEvent('keydown', { key: 'Enter', keyCode: 13, bubbles: true, cancelable: true });

describe('input', () => {
  const template =
    '<input id="f" value="{{v}}" focus="{{foc}}" type="{{t}}" ' +
    'bind:input="rec" bind:confirm="rec" bind:blur="rec" bind:focus="rec"/>';

  it('reports input with value and cursor, confirm on Enter and blur', async () => {
    const m = mount(template, { v: '', foc: false, t: 'text' });
    const field = nativeOf<HTMLInputElement>(m.host('f'), 'input');
    field.focus();
    expect(m.of('focus')).toEqual([{ value: '', height: 0 }]);

    type(field, '三会一课');
    expect(m.of('input')).toEqual([{ value: '三会一课', cursor: 4, keyCode: 0 }]);

    field.dispatchEvent(enter());
    expect(m.of('confirm')).toEqual([{ value: '三会一课' }]);
    // Without confirm-hold the keyboard goes away: the field blurs.
    expect(m.of('blur')).toEqual([{ value: '三会一课', cursor: 4 }]);
    expect(document.activeElement).not.toBe(field);
  });

  it('shows a value set by the page without firing input', async () => {
    const m = mount(template, { v: 'first', foc: false, t: 'text' });
    const field = nativeOf<HTMLInputElement>(m.host('f'), 'input');
    expect(field.value).toBe('first');
    m.setData({ v: 'second' });
    expect(field.value).toBe('second');
    expect(m.of('input')).toEqual([]);
  });

  it('keeps the focus when the owner re-renders with focus false', async () => {
    const m = mount(template, { v: '', foc: false, t: 'text' });
    const field = nativeOf<HTMLInputElement>(m.host('f'), 'input');
    field.focus();
    type(field, 'a');
    // The page stores each keystroke: every setData re-sends focus="{{false}}".
    m.setData({ v: 'a', foc: false });
    m.setData({ v: 'ab', foc: false });
    await settle();
    expect(document.activeElement).toBe(field);
    expect(m.of('blur')).toEqual([]);
  });

  it('focuses on focus true and blurs on a change to false', async () => {
    const m = mount(template, { v: '', foc: false, t: 'text' });
    const field = nativeOf<HTMLInputElement>(m.host('f'), 'input');
    m.setData({ foc: true });
    await settle();
    expect(document.activeElement).toBe(field);
    m.setData({ foc: false });
    expect(document.activeElement).not.toBe(field);
  });

  it('lets only digits through a number keyboard', () => {
    const m = mount(template, { v: '', foc: false, t: 'number' });
    const field = nativeOf<HTMLInputElement>(m.host('f'), 'input');
    type(field, '1a2b');
    expect(field.value).toBe('12');
    expect(m.of('input')[0]).toMatchObject({ value: '12' });
  });
});

describe('textarea', () => {
  it('reports input; Enter is a new line unless confirm-type asks for confirm', () => {
    const m = mount(
      '<textarea id="plain" bind:input="rec" bind:confirm="rec"/>' +
        '<textarea id="done" confirm-type="done" bind:confirm="rec"/>',
    );
    const plain = nativeOf<HTMLTextAreaElement>(m.host('plain'), 'textarea');
    type(plain, '第一行');
    expect(m.of('input')).toEqual([{ value: '第一行', cursor: 3, keyCode: 0 }]);
    const newline = enter();
    plain.dispatchEvent(newline);
    expect(newline.defaultPrevented).toBe(false);
    expect(m.of('confirm')).toEqual([]);

    const done = nativeOf<HTMLTextAreaElement>(m.host('done'), 'textarea');
    done.value = '完成';
    const confirm = enter();
    done.dispatchEvent(confirm);
    expect(confirm.defaultPrevented).toBe(true);
    expect(m.of('confirm')).toEqual([{ value: '完成' }]);
  });
});

describe('choice controls', () => {
  it('switch toggles and reports change {value}', () => {
    const m = mount('<switch id="s" checked="{{false}}" bind:change="rec"/>');
    const s = m.host('s');
    s.click();
    expect(m.of('change')).toEqual([{ value: true }]);
    expect(s.getAttribute('aria-checked')).toBe('true');
    s.click();
    expect(m.of('change')).toEqual([{ value: true }, { value: false }]);
  });

  it('disabled switch does not change', () => {
    const m = mount('<switch id="s" disabled="{{true}}" bind:change="rec"/>');
    m.host('s').click();
    expect(m.of('change')).toEqual([]);
  });

  it('checkbox-group reports the checked values in order', () => {
    const m = mount(
      '<checkbox-group bind:change="rec">' +
        '<checkbox id="a" value="a"/><checkbox id="b" value="b" checked="{{true}}"/>' +
        '<checkbox id="c" value="c"/></checkbox-group>',
    );
    m.host('a').click();
    m.host('b').click();
    m.host('c').click();
    expect(m.of('change')).toEqual([
      { value: ['a', 'b'] },
      { value: ['a'] },
      { value: ['a', 'c'] },
    ]);
  });

  it('radio-group reports the chosen value and unchecks the others', () => {
    const m = mount(
      '<radio-group bind:change="rec">' +
        '<radio id="r1" value="1" checked="{{true}}"/><radio id="r2" value="2"/></radio-group>',
    );
    m.host('r2').click();
    expect(m.of('change')).toEqual([{ value: '2' }]);
    expect(m.host('r1').getAttribute('aria-checked')).toBe('false');
    expect(m.host('r2').getAttribute('aria-checked')).toBe('true');
    // Tapping the checked radio again changes nothing.
    m.host('r2').click();
    expect(m.of('change')).toHaveLength(1);
  });

  it('slider reports changing while dragged and change when released', () => {
    const m = mount(
      '<slider id="s" min="0" max="50" value="10" bind:change="rec" bind:changing="rec"/>',
    );
    const range = nativeOf<HTMLInputElement>(m.host('s'), 'input[type=range]');
    expect(range.value).toBe('10');
    range.value = '30';
    range.dispatchEvent(new Event('input'));
    range.dispatchEvent(new Event('change'));
    expect(m.of('changing')).toEqual([{ value: 30 }]);
    expect(m.of('change')).toEqual([{ value: 30 }]);
  });
});

describe('picker', () => {
  const sheet = () => nativeOf<HTMLElement>(host.overlay, '.wx-picker');

  it('selector: the sheet opens in the overlay root; 确定 reports the chosen index', async () => {
    const m = mount(
      '<picker id="p" range="{{items}}" value="{{0}}" bind:change="rec" bind:cancel="rec">' +
        '<view>选择</view></picker>',
      { items: ['支部大会', '支委会', '党小组会'] },
    );
    await m.tap('p');
    const options = Array.from(sheet().querySelectorAll<HTMLElement>('.wx-picker-item'));
    expect(options.map((o) => o.textContent)).toEqual(['支部大会', '支委会', '党小组会']);
    byText(sheet(), '.wx-picker-item', '党小组会').click();
    byText(sheet(), 'button', '确定').click();
    expect(m.of('change')).toEqual([{ value: 2 }]);
    expect(m.of('cancel')).toEqual([]);
  });

  it('selector: 取消 reports cancel and no change', async () => {
    const m = mount(
      '<picker id="p" range="{{items}}" bind:change="rec" bind:cancel="rec"><view>选择</view></picker>',
      { items: ['甲', '乙'] },
    );
    await m.tap('p');
    byText(sheet(), '.wx-picker-item', '乙').click();
    byText(sheet(), 'button', '取消').click();
    expect(m.of('cancel')).toEqual([{}]);
    expect(m.of('change')).toEqual([]);
  });

  it('date: reports YYYY-MM-DD within start and end', async () => {
    const m = mount(
      '<picker id="p" mode="date" value="2024-03-15" start="2024-01-01" end="2024-12-31" ' +
        'bind:change="rec"><view>日期</view></picker>',
    );
    await m.tap('p');
    const columns = sheet().querySelectorAll<HTMLElement>('.wx-picker-column');
    expect(columns).toHaveLength(3);
    expect(columns[0].querySelectorAll('.wx-picker-item')).toHaveLength(1);
    byText(columns[1], '.wx-picker-item', '5月').click();
    byText(sheet(), 'button', '确定').click();
    expect(m.of('change')).toEqual([{ value: '2024-05-15' }]);
  });

  it('disabled picker does not open', async () => {
    const m = mount(
      '<picker id="p" disabled="{{true}}" range="{{items}}"><view>x</view></picker>',
      { items: ['a'] },
    );
    await m.tap('p');
    expect(host.overlay.querySelector('.wx-picker')).toBeNull();
  });
});

describe('button and form', () => {
  it('a disabled button carries data-wx-disabled, removed when enabled', () => {
    const m = mount('<button id="b" disabled="{{off}}">提交</button>', { off: true });
    expect(m.host('b').hasAttribute('data-wx-disabled')).toBe(true);
    expect(m.host('b').getAttribute('aria-disabled')).toBe('true');
    m.setData({ off: false });
    expect(m.host('b').hasAttribute('data-wx-disabled')).toBe(false);
  });

  const formTemplate =
    '<form bind:submit="rec" bind:reset="rec">' +
    '<input id="title" name="title" value="旧标题"/>' +
    '<textarea name="body" value="正文"/>' +
    '<switch name="public" checked="{{true}}"/>' +
    '<checkbox-group name="tags"><checkbox value="a" checked="{{true}}"/>' +
    '<checkbox value="b"/></checkbox-group>' +
    '<radio-group name="kind"><radio value="x"/><radio value="y" checked="{{true}}"/></radio-group>' +
    '<slider name="score" value="{{30}}"/>' +
    '<picker name="type" range="{{items}}" value="{{1}}"><view>类型</view></picker>' +
    '<input value="没有名字"/>' +
    '<button id="submit" form-type="submit" disabled="{{off}}">提交</button>' +
    '<button id="reset" form-type="reset">重置</button>' +
    '</form>';

  it('submit collects the named fields, with what the user typed', async () => {
    const m = mount(formTemplate, { items: ['a', 'b'], off: false });
    type(nativeOf<HTMLInputElement>(m.host('title'), 'input'), '新标题');
    await m.tap('submit');
    expect(m.of('submit')).toEqual([
      {
        value: {
          title: '新标题',
          body: '正文',
          public: true,
          tags: ['a'],
          kind: 'y',
          score: 30,
          type: 1,
        },
      },
    ]);
  });

  it('a disabled submit button does not submit; reset empties the fields', async () => {
    const m = mount(formTemplate, { items: ['a', 'b'], off: true });
    await m.tap('submit');
    expect(m.of('submit')).toEqual([]);
    await m.tap('reset');
    expect(m.of('reset')).toEqual([{}]);
    expect(nativeOf<HTMLInputElement>(m.host('title'), 'input').value).toBe('');
  });
});

describe('navigator', () => {
  it('goes through the host page stack by open-type', async () => {
    const m = mount(
      '<navigator id="to" url="/pages/notice/detail?id=7">详情</navigator>' +
        '<navigator id="tab" open-type="switchTab" url="/pages/me/index">我的</navigator>' +
        '<navigator id="redirect" open-type="redirect" url="../x/y">换页</navigator>' +
        '<navigator id="back" open-type="navigateBack" delta="2">返回</navigator>',
    );
    await m.tap('to');
    await m.tap('tab');
    await m.tap('redirect');
    await m.tap('back');
    expect(host.navigateTo.mock.calls).toEqual([['/pages/notice/detail?id=7']]);
    expect(host.switchTab.mock.calls).toEqual([['/pages/me/index']]);
    expect(host.redirectTo.mock.calls).toEqual([['../x/y']]);
    expect(host.navigateBack.mock.calls).toEqual([[2]]);
  });
});

describe('image', () => {
  it('maps cloud:// to the storage URL and reports load and error', () => {
    const m = mount('<image id="i" src="{{src}}" bind:load="rec" bind:error="rec"/>', {
      src: 'cloud://env-1.bucket-1/avatars/张 三.png',
    });
    const img = nativeOf<HTMLImageElement>(m.host('i'), 'img');
    const url = `${GATEWAY}/storage/avatars/${encodeURIComponent('张 三.png')}`;
    expect(img.getAttribute('src')).toBe(url);

    Object.defineProperty(img, 'naturalWidth', { value: 120 });
    Object.defineProperty(img, 'naturalHeight', { value: 80 });
    img.dispatchEvent(new Event('load'));
    expect(m.of('load')).toEqual([{ width: 120, height: 80 }]);
    img.dispatchEvent(new Event('error'));
    expect(m.of('error')).toEqual([{ errMsg: `GET ${url} failed` }]);
  });

  it('keeps network URLs and reports nothing without a src', () => {
    const m = mount('<image id="i" src="{{src}}" bind:load="rec" bind:error="rec"/>', {
      src: '',
    });
    const img = nativeOf<HTMLImageElement>(m.host('i'), 'img');
    img.dispatchEvent(new Event('error'));
    expect(m.of('error')).toEqual([]);
    m.setData({ src: 'https://example.com/a.png' });
    expect(img.getAttribute('src')).toBe('https://example.com/a.png');
  });
});

describe('scroll-view', () => {
  it('fires scrolltolower once per arrival at the bottom', () => {
    const m = mount(
      '<scroll-view id="sv" scroll-y="{{true}}" lower-threshold="50" ' +
        'bind:scrolltolower="rec" bind:scroll="rec"><view>内容</view></scroll-view>',
    );
    const sv = m.host('sv');
    // jsdom has no layout: a 100 px viewport on 1000 px of content.
    Object.defineProperty(sv, 'clientHeight', { value: 100, configurable: true });
    Object.defineProperty(sv, 'scrollHeight', { value: 1000, configurable: true });
    let top = 0;
    Object.defineProperty(sv, 'scrollTop', { get: () => top, configurable: true });
    const scrollTo = (y: number) => {
      top = y;
      sv.dispatchEvent(new Event('scroll'));
    };
    scrollTo(500);
    expect(m.of('scrolltolower')).toEqual([]);
    scrollTo(860);
    expect(m.of('scrolltolower')).toEqual([{ direction: 'bottom' }]);
    scrollTo(900);
    scrollTo(890);
    scrollTo(900);
    expect(m.of('scrolltolower')).toHaveLength(1);
    scrollTo(300);
    scrollTo(880);
    expect(m.of('scrolltolower')).toHaveLength(2);
    expect(m.of('scroll')[1]).toMatchObject({ scrollTop: 860, deltaY: 360, scrollHeight: 1000 });
  });
});

describe('rich-text', () => {
  /** Nothing that can run code or frame another page may reach the DOM. */
  function expectInert(root: HTMLElement) {
    expect(root.querySelectorAll('script, iframe, style, object, embed, link')).toHaveLength(0);
    for (const e of Array.from(root.querySelectorAll('*'))) {
      for (const a of Array.from(e.attributes)) {
        expect(a.name.startsWith('on')).toBe(false);
        expect(a.value).not.toMatch(/javascript:/i);
      }
    }
    expect(root.innerHTML).not.toMatch(/alert|javascript:|onerror|onclick/i);
  }

  it('renders whitelisted nodes only and escapes text', () => {
    const nodes = [
      {
        name: 'div',
        attrs: { class: 'intro', style: 'color: red', onclick: 'alert(1)' },
        children: [
          { type: 'text', text: '<b>会议</b> &amp; 学习' },
          { name: 'script', children: [{ type: 'text', text: 'alert(1)' }] },
          { name: 'img', attrs: { src: 'https://example.com/a.png', onerror: 'alert(2)' } },
          { name: 'img', attrs: { src: 'javascript:alert(3)' } },
          {
            name: 'a',
            attrs: { href: 'javascript:alert(4)' },
            children: [{ type: 'text', text: '链接' }],
          },
          { name: 'iframe', attrs: { src: 'https://example.com' } },
          { name: 'style', children: [{ type: 'text', text: '* { display: none }' }] },
          { name: 'p', attrs: { style: 'background: url(javascript:alert(5))' } },
          { name: 'strong', children: [{ type: 'text', text: '重点' }] },
        ],
      },
    ];
    const m = mount('<rich-text id="r" nodes="{{nodes}}"/>', { nodes });
    const r = m.host('r');
    expectInert(r);
    const div = nativeOf<HTMLElement>(r, 'div');
    expect(div.getAttribute('class')).toBe('intro');
    expect(div.getAttribute('style')).toBe('color: red');
    // The text is text: tags in it are characters, entities decoded once.
    expect(div.firstChild?.nodeType).toBe(Node.TEXT_NODE);
    expect(div.firstChild?.textContent).toBe('<b>会议</b> & 学习');
    expect(r.querySelector('b')).toBeNull();
    expect(r.querySelectorAll('img')).toHaveLength(2);
    expect(r.querySelector('img')?.getAttribute('src')).toBe('https://example.com/a.png');
    expect(r.querySelectorAll('img')[1].hasAttribute('src')).toBe(false);
    expect(r.querySelector('a')?.hasAttribute('href')).toBe(false);
    expect(r.querySelector('p')?.hasAttribute('style')).toBe(false);
    expect(r.querySelector('strong')?.textContent).toBe('重点');
  });

  it('sanitises an HTML string the same way', () => {
    const html =
      '<p onclick="alert(1)">通知<script>alert(2)</script>' +
      '<img src="cloud://env.bucket/n/1.png" onerror="alert(3)">' +
      '<a href="javascript:alert(4)">点此</a><iframe src="https://example.com"></iframe>' +
      '<style>p { color: red }</style>&lt;b&gt;</p>';
    const m = mount('<rich-text id="r" nodes="{{html}}"/>', { html });
    const r = m.host('r');
    expectInert(r);
    expect(r.querySelector('p')?.textContent).toBe('通知点此<b>');
    expect(r.querySelector('img')?.getAttribute('src')).toBe(`${GATEWAY}/storage/n/1.png`);
  });

  it('re-renders when the page replaces nodes', () => {
    const m = mount('<rich-text id="r" nodes="{{nodes}}"/>', {
      nodes: [{ name: 'p', children: [{ type: 'text', text: '一' }] }],
    });
    m.setData({ nodes: [{ name: 'h2', children: [{ type: 'text', text: '二' }] }] });
    expect(m.host('r').innerHTML).toBe('<h2>二</h2>');
  });
});
