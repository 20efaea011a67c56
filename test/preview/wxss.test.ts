/**
 * The WXSS the preview ships (scripts/preview/wxss.mjs): scoped the way WeChat scopes it,
 * with rpx, vh and vw for the 375 × 812 phone.
 */
const wxss: {
  compileWxss(source: string, prefix: string, hostKey: string, scope?: string): string;
  rpxToPx(value: string): string;
} = require('../../scripts/preview/wxss.mjs');

const squash = (css: string) => css.replace(/\s+/g, ' ').trim();

describe('scoping', () => {
  it('prefixes the classes of an isolated component (TDesign) and leaves numbers alone', () => {
    const css = wxss.compileWxss('.t-button .t-icon{opacity:.5}', 'button3', 'h3');
    expect(squash(css)).toBe('.button3--t-button .button3--t-icon{opacity:.5}');
  });

  it("keeps a page's class names but confines its rules to that page's frame", () => {
    const css = wxss.compileWxss(
      '.group, .row > .hint{margin:0}',
      '',
      'h9',
      '.wx-page-frame[data-route="pages/a/index"]',
    );
    expect(squash(css)).toBe(
      ':where(.wx-page-frame[data-route="pages/a/index"]) .group, :where(.wx-page-frame[data-route="pages/a/index"]) .row > .hint{margin:0}',
    );
  });

  it('maps built-in tags, page and :host to what the preview renders', () => {
    const css = squash(
      wxss.compileWxss('page{--c:red} view text{color:red} :host{display:block}', 'x1', 'h1'),
    );
    expect(css).toContain(':is(.wx-page,.wx-tabbar-holder){--c:red}');
    expect(css).toContain('wx-view wx-text{color:red}');
    expect(css).toContain('[data-wx-host="h1"]{display:block}');
    // A class that merely contains a tag name is not a tag.
    expect(squash(wxss.compileWxss('.textarea-box{}', '', 'h2'))).toBe('.textarea-box{}');
  });

  it('drops remote fonts (the preview is offline) and leaves keyframes alone', () => {
    const css = squash(
      wxss.compileWxss(
        '@font-face{font-family:t;src:url(https://cdn.example/t.woff)} @keyframes spin{from{opacity:0}to{opacity:1}}',
        'loading2',
        'h2',
      ),
    );
    expect(css).not.toContain('font-face');
    expect(css).toContain('@keyframes spin{from{opacity:0}to{opacity:1}}');
  });
});

describe('units', () => {
  it('750rpx is the 375 px screen, vh the page window, vw the screen', () => {
    expect(wxss.rpxToPx('96rpx 1.5rpx -20rpx')).toBe('48px 0.75px -10px');
    expect(wxss.rpxToPx('100vh')).toBe('calc(100 * var(--wx-vh, 1vh))');
    expect(wxss.rpxToPx('50vw')).toBe('187.5px');
    expect(squash(wxss.compileWxss('.a{padding:32rpx 24rpx;min-height:100vh}', '', 'h1'))).toBe(
      '.a{padding:16px 12px;min-height:calc(100 * var(--wx-vh, 1vh))}',
    );
  });
});
