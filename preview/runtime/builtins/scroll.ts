/**
 * scroll-view (the host is the scroller) and swiper/swiper-item (items absolutely placed
 * and moved with transforms, as WeChat does; the host keeps exparser's slot children).
 */
import {
  type BuiltinDef,
  type Caller,
  withCaller,
  type XNode,
  SLOT,
  cssLength,
  el,
  hostOf,
  isComponent,
  later,
  nodeOf,
  num,
  peekState,
  setAttr,
  stateOf,
  truthy,
  walkLight,
} from './util';

// --- scroll-view

interface ScrollState {
  top: number;
  left: number;
  atUpper: { x: boolean; y: boolean };
  atLower: { x: boolean; y: boolean };
  listening: boolean;
  attached: boolean;
}

function scrollState(c: Caller): ScrollState {
  return stateOf<ScrollState>(c, () => ({
    top: 0,
    left: 0,
    atUpper: { x: true, y: true },
    atLower: { x: false, y: false },
    listening: false,
    attached: false,
  }));
}

function scrollHostTo(c: Caller, pos: { top?: number; left?: number }) {
  const host = hostOf(c);
  const smooth = truthy(c.data.scrollWithAnimation);
  if (typeof host.scrollTo === 'function') {
    host.scrollTo({ ...pos, behavior: smooth ? 'smooth' : 'auto' });
  } else {
    if (pos.top !== undefined) host.scrollTop = pos.top;
    if (pos.left !== undefined) host.scrollLeft = pos.left;
  }
}

function onScroll(c: Caller) {
  const s = scrollState(c);
  const host = hostOf(c);
  const top = host.scrollTop;
  const left = host.scrollLeft;
  const deltaX = left - s.left;
  const deltaY = top - s.top;
  s.top = top;
  s.left = left;
  c.triggerEvent('scroll', {
    scrollLeft: left,
    scrollTop: top,
    scrollHeight: host.scrollHeight,
    scrollWidth: host.scrollWidth,
    deltaX,
    deltaY,
  });
  const upper = num(c.data.upperThreshold, 50);
  const lower = num(c.data.lowerThreshold, 50);
  if (truthy(c.data.scrollY)) {
    const nearTop = top <= upper;
    const nearBottom = top + host.clientHeight >= host.scrollHeight - lower;
    if (nearTop && !s.atUpper.y && deltaY < 0)
      c.triggerEvent('scrolltoupper', { direction: 'top' });
    if (nearBottom && !s.atLower.y && deltaY > 0) {
      c.triggerEvent('scrolltolower', { direction: 'bottom' });
    }
    s.atUpper.y = nearTop;
    s.atLower.y = nearBottom;
  }
  if (truthy(c.data.scrollX)) {
    const nearLeft = left <= upper;
    const nearRight = left + host.clientWidth >= host.scrollWidth - lower;
    if (nearLeft && !s.atUpper.x && deltaX < 0)
      c.triggerEvent('scrolltoupper', { direction: 'left' });
    if (nearRight && !s.atLower.x && deltaX > 0) {
      c.triggerEvent('scrolltolower', { direction: 'right' });
    }
    s.atUpper.x = nearLeft;
    s.atLower.x = nearRight;
  }
}

function scrollIntoView(c: Caller) {
  const id = String(c.data.scrollIntoView || '');
  if (!id) return;
  let target: XNode | null = null;
  walkLight(nodeOf(c), (n) => {
    if (target) return false;
    if (isComponent(n) && n.id === id) {
      target = n;
      return false;
    }
    return true;
  });
  const found = target as XNode | null;
  const dom = found && (found.$$ as HTMLElement | undefined);
  if (!dom) return;
  const host = hostOf(c);
  const hr = host.getBoundingClientRect();
  const tr = dom.getBoundingClientRect();
  const pos: { top?: number; left?: number } = {};
  if (truthy(c.data.scrollY)) pos.top = host.scrollTop + tr.top - hr.top;
  if (truthy(c.data.scrollX)) pos.left = host.scrollLeft + tr.left - hr.left;
  scrollHostTo(c, pos);
}

function syncScrollView(c: Caller) {
  const host = hostOf(c);
  const d = c.data;
  setAttr(host, 'data-wx-scroll-x', truthy(d.scrollX));
  setAttr(host, 'data-wx-scroll-y', truthy(d.scrollY));
  setAttr(host, 'data-wx-hide-scrollbar', d.showScrollbar === false);
  setAttr(host, 'data-wx-flex', truthy(d.enableFlex));
}

const scrollView: BuiltinDef = {
  id: 'scroll-view',
  template: SLOT,
  properties: {
    scrollX: { type: Boolean, value: false },
    scrollY: { type: Boolean, value: false },
    upperThreshold: { type: null, value: 50 },
    lowerThreshold: { type: null, value: 50 },
    scrollTop: { type: null, value: '' },
    scrollLeft: { type: null, value: '' },
    scrollIntoView: { type: String, value: '' },
    scrollWithAnimation: { type: Boolean, value: false },
    enableBackToTop: { type: Boolean, value: false },
    enableFlex: { type: Boolean, value: false },
    scrollAnchoring: { type: Boolean, value: false },
    showScrollbar: { type: Boolean, value: true },
    enhanced: { type: Boolean, value: false },
    bounces: { type: Boolean, value: true },
    pagingEnabled: { type: Boolean, value: false },
    fastDeceleration: { type: Boolean, value: false },
    enablePassive: { type: Boolean, value: false },
    refresherEnabled: { type: Boolean, value: false },
    refresherThreshold: { type: Number, value: 45 },
    refresherDefaultStyle: { type: String, value: 'black' },
    refresherBackground: { type: String, value: '#FFF' },
    refresherTriggered: { type: Boolean, value: false },
    type: { type: String, value: 'list' },
  },
  observers: {
    'scrollX, scrollY, showScrollbar, enableFlex'(this: Caller) {
      syncScrollView(this);
    },
    scrollTop: withCaller((c, v: unknown) => {
      if (v === '' || v === null || v === undefined) return;
      const top = parseFloat(cssLength(v, '0')) || 0;
      if (scrollState(c).attached) later(() => scrollHostTo(c, { top }));
    }),
    scrollLeft: withCaller((c, v: unknown) => {
      if (v === '' || v === null || v === undefined) return;
      const left = parseFloat(cssLength(v, '0')) || 0;
      if (scrollState(c).attached) later(() => scrollHostTo(c, { left }));
    }),
    scrollIntoView: withCaller((c) => {
      if (scrollState(c).attached) later(() => scrollIntoView(c));
    }),
  },
  lifetimes: {
    attached: withCaller((c) => {
      const s = scrollState(c);
      s.attached = true;
      syncScrollView(c);
      if (!s.listening) {
        s.listening = true;
        hostOf(c).addEventListener('scroll', () => onScroll(c), { passive: true });
      }
      // Initial positions once the content is laid out.
      later(() => {
        const d = c.data;
        const pos: { top?: number; left?: number } = {};
        if (d.scrollTop !== '' && d.scrollTop !== null && d.scrollTop !== undefined) {
          pos.top = parseFloat(cssLength(d.scrollTop, '0')) || 0;
        }
        if (d.scrollLeft !== '' && d.scrollLeft !== null && d.scrollLeft !== undefined) {
          pos.left = parseFloat(cssLength(d.scrollLeft, '0')) || 0;
        }
        if (pos.top !== undefined || pos.left !== undefined) scrollHostTo(c, pos);
        scrollIntoView(c);
      });
    }),
    detached(this: Caller) {
      scrollState(this).attached = false;
    },
  },
};

// --- swiper

interface SwiperState {
  current: number;
  offsets: number[];
  dots: HTMLElement;
  timer: ReturnType<typeof setInterval> | undefined;
  observer: MutationObserver | null;
  attached: boolean;
  drag: { x: number; y: number; moved: boolean; id: number } | null;
}

function swiperState(c: Caller): SwiperState {
  return stateOf<SwiperState>(c, () => ({
    current: Math.max(0, Math.floor(num(c.data.current, 0))),
    offsets: [],
    dots: el('div', { class: 'wx-swiper-dots', 'aria-hidden': 'true' }),
    timer: undefined,
    observer: null,
    attached: false,
    drag: null,
  }));
}

function itemsOf(c: Caller): HTMLElement[] {
  return Array.from(hostOf(c).children).filter(
    (e): e is HTMLElement => e.tagName === 'WX-SWIPER-ITEM',
  );
}

function itemIdOf(item: HTMLElement | undefined): string {
  return (item && item.getAttribute('data-wx-item-id')) || '';
}

/** Place every item for the current index; `dragPx` shifts them all while dragging. */
function layoutSwiper(c: Caller, animate: boolean, dragPx = 0) {
  const s = swiperState(c);
  const host = hostOf(c);
  const items = itemsOf(c);
  const n = items.length;
  const d = c.data;
  const vertical = truthy(d.vertical);
  const circular = truthy(d.circular) && n > 1;
  const k = Math.max(1, Math.floor(num(d.displayMultipleItems, 1)));
  const prev = cssLength(d.previousMargin, '0px');
  const next = cssLength(d.nextMargin, '0px');
  if (n > 0 && s.current >= n) s.current = circular ? s.current % n : n - 1;
  const duration = Math.max(0, num(d.duration, 500));
  const size = vertical ? host.clientHeight : host.clientWidth;
  items.forEach((item, i) => {
    let offset = i - s.current;
    if (circular) {
      // The shortest way round, so the last item waits before the first.
      offset = ((offset % n) + n) % n;
      if (k > 1 ? offset >= n - 1 : offset > n / 2) offset -= n;
    }
    const jumped = s.offsets[i] !== undefined && Math.abs(s.offsets[i] - offset) > 1;
    s.offsets[i] = offset;
    const st = item.style;
    st.position = 'absolute';
    if (vertical) {
      st.left = '0';
      st.width = '100%';
      st.top = prev;
      st.height = `calc((100% - ${prev} - ${next}) / ${k})`;
    } else {
      st.top = '0';
      st.height = '100%';
      st.left = prev;
      st.width = `calc((100% - ${prev} - ${next}) / ${k})`;
    }
    const shift = dragPx && size ? ` translate${vertical ? 'Y' : 'X'}(${dragPx}px)` : '';
    st.transform = `translate${vertical ? 'Y' : 'X'}(${offset * 100}%)${shift}`;
    st.transition = animate && !jumped ? `transform ${duration}ms ease` : 'none';
    item.setAttribute('aria-hidden', offset >= 0 && offset < k ? 'false' : 'true');
  });
  // Indicator dots
  setAttr(host, 'data-wx-vertical', vertical);
  s.dots.hidden = !truthy(d.indicatorDots) || n === 0;
  if (s.dots.parentNode !== host) host.append(s.dots);
  if (s.dots.childElementCount !== n) {
    s.dots.replaceChildren(...items.map(() => el('span', { class: 'wx-swiper-dot' })));
  }
  Array.from(s.dots.children).forEach((dot, i) => {
    const active = i === s.current;
    dot.className = active ? 'wx-swiper-dot wx-swiper-dot-active' : 'wx-swiper-dot';
    (dot as HTMLElement).style.backgroundColor = active
      ? String(d.indicatorActiveColor || '#000000')
      : String(d.indicatorColor || 'rgba(0, 0, 0, .3)');
  });
}

function goTo(c: Caller, index: number, source: string) {
  const s = swiperState(c);
  const items = itemsOf(c);
  const n = items.length;
  if (n === 0) return;
  const circular = truthy(c.data.circular);
  let i = index;
  if (i < 0) i = circular ? n - 1 : 0;
  if (i >= n) i = circular ? 0 : n - 1;
  if (i === s.current) {
    layoutSwiper(c, true);
    return;
  }
  s.current = i;
  layoutSwiper(c, true);
  const detail = { current: i, currentItemId: itemIdOf(items[i]), source };
  c.triggerEvent('change', detail);
  later(() => c.triggerEvent('animationfinish', detail), num(c.data.duration, 500));
}

function restartAutoplay(c: Caller) {
  const s = swiperState(c);
  clearInterval(s.timer);
  s.timer = undefined;
  if (!s.attached || !truthy(c.data.autoplay)) return;
  const interval = Math.max(100, num(c.data.interval, 5000));
  s.timer = setInterval(() => {
    if (s.drag) return;
    const n = itemsOf(c).length;
    if (n < 2) return;
    goTo(c, s.current + 1 >= n ? 0 : s.current + 1, 'autoplay');
  }, interval);
}

function bindSwiper(c: Caller) {
  const s = swiperState(c);
  const host = hostOf(c);
  if (!s.observer) {
    s.observer = new MutationObserver((records) => {
      if (
        records.some((r) =>
          Array.from(r.addedNodes)
            .concat(Array.from(r.removedNodes))
            .some((x) => x !== s.dots),
        )
      ) {
        layoutSwiper(c, false);
      }
    });
    s.observer.observe(host, { childList: true });
    host.addEventListener('pointerdown', (e) => {
      if (itemsOf(c).length < 2 || truthy(c.data.disableTouch)) return;
      s.drag = { x: e.clientX, y: e.clientY, moved: false, id: e.pointerId };
    });
    host.addEventListener('pointermove', (e) => {
      const drag = s.drag;
      if (!drag || e.pointerId !== drag.id) return;
      const vertical = truthy(c.data.vertical);
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      const along = vertical ? dy : dx;
      if (!drag.moved && Math.abs(along) < 6) return;
      if (!drag.moved) {
        drag.moved = true;
        host.setPointerCapture?.(e.pointerId);
      }
      layoutSwiper(c, false, along);
      c.triggerEvent('transition', { dx: -dx, dy: -dy });
    });
    const end = (e: PointerEvent) => {
      const drag = s.drag;
      if (!drag || e.pointerId !== drag.id) return;
      s.drag = null;
      if (!drag.moved) return;
      const vertical = truthy(c.data.vertical);
      const along = vertical ? e.clientY - drag.y : e.clientX - drag.x;
      const size = (vertical ? host.clientHeight : host.clientWidth) || 1;
      if (Math.abs(along) > size / 5) goTo(c, s.current + (along < 0 ? 1 : -1), 'touch');
      else layoutSwiper(c, true);
      // The drag must not end as a tap on the item under the pointer.
      host.addEventListener('click', (ev) => ev.stopPropagation(), { capture: true, once: true });
      later(() => restartAutoplay(c));
    };
    host.addEventListener('pointerup', end);
    host.addEventListener('pointercancel', end);
  }
}

const swiper: BuiltinDef = {
  id: 'swiper',
  template: SLOT,
  properties: {
    indicatorDots: { type: Boolean, value: false },
    indicatorColor: { type: String, value: 'rgba(0, 0, 0, .3)' },
    indicatorActiveColor: { type: String, value: '#000000' },
    autoplay: { type: Boolean, value: false },
    current: { type: null, value: 0 },
    currentItemId: { type: String, value: '' },
    interval: { type: null, value: 5000 },
    duration: { type: null, value: 500 },
    circular: { type: Boolean, value: false },
    vertical: { type: Boolean, value: false },
    previousMargin: { type: String, value: '0px' },
    nextMargin: { type: String, value: '0px' },
    snapToEdge: { type: Boolean, value: false },
    displayMultipleItems: { type: null, value: 1 },
    easingFunction: { type: String, value: 'default' },
    disableTouch: { type: Boolean, value: false },
  },
  observers: {
    current(this: Caller, v: unknown) {
      const s = swiperState(this);
      const i = Math.max(0, Math.floor(num(v, 0)));
      if (!s.attached) {
        s.current = i;
        return;
      }
      // WeChat reports a change the page made with an empty source.
      if (i !== s.current) goTo(this, i, '');
    },
    currentItemId(this: Caller, id: unknown) {
      if (!id) return;
      const i = itemsOf(this).findIndex((item) => itemIdOf(item) === id);
      if (i < 0) return;
      const s = swiperState(this);
      if (!s.attached) s.current = i;
      else if (i !== s.current) goTo(this, i, '');
    },
    'indicatorDots, indicatorColor, indicatorActiveColor, circular, vertical, previousMargin, nextMargin, displayMultipleItems'(
      this: Caller,
    ) {
      if (swiperState(this).attached) layoutSwiper(this, false);
    },
    'autoplay, interval'(this: Caller) {
      restartAutoplay(this);
    },
  },
  lifetimes: {
    attached: withCaller((c) => {
      const s = swiperState(c);
      s.attached = true;
      bindSwiper(c);
      layoutSwiper(c, false);
      restartAutoplay(c);
      // Items from wx:for arrive with the owner's render; lay out again after it.
      later(() => layoutSwiper(c, false));
    }),
    detached(this: Caller) {
      const s = peekState<SwiperState>(this);
      if (!s) return;
      s.attached = false;
      clearInterval(s.timer);
      s.timer = undefined;
    },
  },
};

const swiperItem: BuiltinDef = {
  id: 'swiper-item',
  template: SLOT,
  properties: {
    itemId: { type: String, value: '' },
    skipHiddenItemLayout: { type: Boolean, value: false },
  },
  observers: {
    itemId(this: Caller, v: unknown) {
      setAttr(hostOf(this), 'data-wx-item-id', v ? String(v) : null);
    },
  },
};

export function scrollDefs(): BuiltinDef[] {
  return [scrollView, swiper, swiperItem];
}
