/**
 * WXSS → browser CSS for the preview, with the scoping WeChat applies:
 *
 * - class selectors of a component get its class prefix (`.t-button` → `.tb3--t-button`), the
 *   prefix exparser writes on that component's elements, so styles never cross components;
 *   the app's own pages and components use the empty prefix (they share app.wxss, as
 *   `addGlobalClass` does in WeChat);
 * - built-in tags become the elements the preview renders (`view` → `wx-view`) and `page`
 *   the page root, where app.wxss puts the design tokens;
 * - `:host` becomes the host element, which the runtime marks with `data-wx-host` (a key of
 *   its own per component, since app components share the empty class prefix);
 * - rpx becomes px at the 750 design width on a 375 px screen (1rpx = 0.5px).
 */
import fs from 'node:fs';
import path from 'node:path';
import postcss from 'postcss';

/** The phone frame is 375 CSS px wide; WeChat's design width is 750rpx. */
export const RPX_TO_PX = 375 / 750;

export const BUILTIN_TAGS = [
  'view',
  'text',
  'image',
  'button',
  'input',
  'textarea',
  'picker',
  'picker-view',
  'picker-view-column',
  'switch',
  'checkbox',
  'checkbox-group',
  'radio',
  'radio-group',
  'slider',
  'scroll-view',
  'swiper',
  'swiper-item',
  'navigator',
  'rich-text',
  'icon',
  'progress',
  'form',
  'label',
  'block',
  'cover-view',
  'cover-image',
  'movable-area',
  'movable-view',
  'video',
  'audio',
  'canvas',
  'map',
  'editor',
  'web-view',
  'open-data',
  'page-meta',
  'navigation-bar',
  'root-portal',
  'page-container',
];

const TAG_RE = new RegExp(
  `(^|[\\s>+~,(])(${[...BUILTIN_TAGS, 'page'].sort((a, b) => b.length - a.length).join('|')})(?=$|[\\s>+~,.:#\\[)])`,
  'g',
);

export function rpxToPx(value) {
  return value.replace(/(-?\d*\.?\d+)rpx\b/gi, (_, n) => {
    const px = Number(n) * RPX_TO_PX;
    return `${Number(px.toFixed(3))}px`;
  });
}

/** Inline `@import` (WXSS resolves them relative to the importing file). */
export function readWxss(file, seen = new Set()) {
  if (!fs.existsSync(file) || seen.has(file)) return '';
  seen.add(file);
  const src = fs.readFileSync(file, 'utf8');
  return src.replace(/@import\s+(?:"([^"]+)"|'([^']+)')\s*;/g, (_, a, b) => {
    const target = path.resolve(path.dirname(file), a || b);
    return readWxss(target.endsWith('.wxss') ? target : `${target}.wxss`, seen);
  });
}

export function scopeSelector(selector, prefix, hostKey) {
  let s = selector.replace(TAG_RE, (_, lead, tag) =>
    // The custom tab bar lives in the page's window in WeChat, so page-level tokens reach it.
    tag === 'page' ? `${lead}:is(.wx-page,.wx-tabbar-holder)` : `${lead}wx-${tag}`,
  );
  s = s.replace(/:host(\(([^)]*)\))?/g, (_, __, inner) => {
    const host = `[data-wx-host="${hostKey}"]`;
    return inner ? `${host}${inner}` : host;
  });
  if (prefix) {
    // Same rule simulate applies: a dot preceded by a digit is a number, not a class.
    s = s.replace(/(.)?\.([-_a-zA-Z][-_a-zA-Z0-9]*)/g, (all, before, name) =>
      before !== undefined && /\d/.test(before) ? all : `${before ?? ''}.${prefix}--${name}`,
    );
  }
  return s;
}

/**
 * Transform one component's WXSS. Remote fonts are dropped: the preview works offline, and
 * the icon font is replaced by local SVG masks (see icons.mjs).
 */
export function compileWxss(source, prefix, hostKey) {
  const root = postcss.parse(source);
  root.walkAtRules('font-face', (rule) => {
    if (/url\(\s*['"]?https?:/i.test(rule.toString())) rule.remove();
  });
  root.walkRules((rule) => {
    const parent = rule.parent;
    if (parent && parent.type === 'atrule' && /keyframes$/i.test(parent.name)) return;
    rule.selectors = rule.selectors.map((sel) => scopeSelector(sel, prefix, hostKey));
  });
  root.walkDecls((decl) => {
    if (decl.value.includes('rpx')) decl.value = rpxToPx(decl.value);
  });
  root.walkAtRules('media', (rule) => {
    if (rule.params.includes('rpx')) rule.params = rpxToPx(rule.params);
  });
  return root.toString();
}
