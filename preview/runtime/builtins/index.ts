/**
 * WeChat's built-in components for the browser preview, as j-component definitions that
 * render real, styled HTML controls (builtins.css) and fire the events pages expect.
 *
 * Each tag is registered as `{ id: '<tag>', tagName: 'wx-<tag>' }`, the shape
 * miniprogram-simulate uses, so compiled templates resolve `<input>` to `wx-input`.
 * Taps come from the runtime's click bridge; a disabled button carries
 * `data-wx-disabled` so the bridge skips it.
 */
import type { PreviewHost } from '../host';
import { basicDefs } from './basic';
import { buttonDef } from './button';
import { choiceDefs } from './choice';
import { withCommon } from './common';
import { formDefs } from './form';
import { inputDef, textareaDef } from './input';
import { mediaDefs } from './media';
import { navigatorDef } from './navigator';
import { pickerDef, pickerViewDefs } from './picker';
import { richTextDef } from './richtext';
import { scrollDefs } from './scroll';
import type { BuiltinContext, BuiltinDef } from './util';

export type { BuiltinDef } from './util';

/** Every definition, in registration order. */
export function builtinDefinitions(host: PreviewHost): BuiltinDef[] {
  const ctx: BuiltinContext = { host };
  return [
    ...basicDefs(ctx),
    buttonDef(ctx),
    inputDef,
    textareaDef,
    ...choiceDefs(),
    ...formDefs(),
    ...mediaDefs(ctx),
    ...scrollDefs(),
    navigatorDef(ctx),
    pickerDef(ctx),
    ...pickerViewDefs(),
    richTextDef(ctx),
  ].map(withCommon);
}

/** The tags registered by `registerBuiltins`. */
export function builtinTags(host: PreviewHost): string[] {
  return builtinDefinitions(host).map((d) => d.id);
}

export function registerBuiltins(
  jc: { register(def: Record<string, any>): string },
  host: PreviewHost,
): void {
  for (const def of builtinDefinitions(host)) {
    jc.register({ ...def, tagName: `wx-${def.id}` });
  }
}
