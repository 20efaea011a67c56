/**
 * WXSS → browser CSS for the preview, with the scoping WeChat applies:
 *
 * - class selectors of an isolated component get its class prefix (`.t-button` →
 *   `.tb3--t-button`), the prefix exparser writes on that component's elements, so styles
 *   never cross components;
 * - a page's classes stay as written (in WeChat each page is its own webview, sharing only
 *   app.wxss), so its rules are scoped to its own page frame instead; a component with
 *   `addGlobalClass` (apply-shared) also keeps its classes, so app and page rules reach it,
 *   and its own rules are scoped to inside its host;
 * - built-in tags become the elements the preview renders (`view` → `wx-view`) and `page`
 *   the page root, where app.wxss puts the design tokens;
 * - `:host` becomes the host element, which the runtime marks with `data-wx-host` (a key of
 *   its own per component, since app components share the empty class prefix);
 * - rpx becomes px at the 750 design width on a 375 px screen (1rpx = 0.5px).
 */
import fs from 'node:fs';
import path from 'node:path';
import postcss from 'postcss';

import { rpxToPx } from './units.mjs';

export { RPX_TO_PX, rpxToPx } from './units.mjs';

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

export function scopeSelector(selector, prefix, hostKey, scope) {
  let s = selector;
  // Classes first, so the classes the lines below introduce (.wx-page) keep their names.
  if (prefix) {
    // Same rule simulate applies: a dot preceded by a digit is a number, not a class.
    s = s.replace(/(.)?\.([-_a-zA-Z][-_a-zA-Z0-9]*)/g, (all, before, name) =>
      before !== undefined && /\d/.test(before) ? all : `${before ?? ''}.${prefix}--${name}`,
    );
  }
  s = s.replace(TAG_RE, (_, lead, tag) =>
    // The custom tab bar lives in the page's window in WeChat, so page-level tokens reach it.
    tag === 'page' ? `${lead}:is(.wx-page,.wx-tabbar-holder)` : `${lead}wx-${tag}`,
  );
  s = s.replace(/:host(\(([^)]*)\))?/g, (_, __, inner) => {
    const host = `[data-wx-host="${hostKey}"]`;
    return inner ? `${host}${inner}` : host;
  });
  // :where() adds the scope without adding specificity, so the cascade between a page's
  // rules and a component's stays what it is in WeChat.
  return scope && !s.startsWith('[data-wx-host') ? `:where(${scope}) ${s}` : s;
}

/**
 * Transform one component's WXSS. Remote fonts are dropped: the preview works offline, and
 * the icon font is replaced by local SVG masks (see icons.mjs).
 */
export function compileWxss(source, prefix, hostKey, scope) {
  const root = postcss.parse(source);
  root.walkAtRules('font-face', (rule) => {
    if (/url\(\s*['"]?https?:/i.test(rule.toString())) rule.remove();
  });
  root.walkRules((rule) => {
    const parent = rule.parent;
    if (parent && parent.type === 'atrule' && /keyframes$/i.test(parent.name)) return;
    rule.selectors = rule.selectors.map((sel) => scopeSelector(sel, prefix, hostKey, scope));
  });
  root.walkDecls((decl) => {
    if (/rpx|vh|vw/i.test(decl.value)) decl.value = rpxToPx(decl.value);
  });
  root.walkAtRules('media', (rule) => {
    if (rule.params.includes('rpx')) rule.params = rpxToPx(rule.params);
  });
  return root.toString();
}
