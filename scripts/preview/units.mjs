/**
 * WeChat's length units on the preview's 375 × 812 phone: rpx at the 750 design width, vh of
 * the page's window (the runtime sets --wx-vh on the phone; 1vh of the browser would be the
 * desktop window), vw of the 375 px screen. Used for WXSS at build time (wxss.mjs) and for
 * inline styles at run time (preview/runtime/loader.ts), so both convert alike.
 */

/** The phone frame is 375 CSS px wide; WeChat's design width is 750rpx. */
export const RPX_TO_PX = 375 / 750;
const VW_TO_PX = 375 / 100;

const px = (n) => `${Number(n.toFixed(3))}px`;

export function rpxToPx(value) {
  return String(value)
    .replace(/(-?\d*\.?\d+)rpx\b/gi, (_, n) => px(Number(n) * RPX_TO_PX))
    .replace(/(-?\d*\.?\d+)vh\b/gi, (_, n) => `calc(${n} * var(--wx-vh, 1vh))`)
    .replace(/(-?\d*\.?\d+)vw\b/gi, (_, n) => px(Number(n) * VW_TO_PX));
}
