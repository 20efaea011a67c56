/**
 * Turns the mini-program's own scripts into j-component registrations, the way WeChat's
 * base library does: each page or component script calls the global `Component()` while it
 * is evaluated, and that call is paired with the JSON, compiled WXML and class prefix the
 * build recorded for the script (scripts/preview/build.mjs).
 */
import jc from 'j-component';
import utils from 'j-component/src/tool/utils';
import { rpxToPx } from '../../scripts/preview/units.mjs';

export interface ManifestComponent {
  id: string;
  tagName: string;
  classPrefix: string;
  hostKey: string;
  using: Record<string, string>;
  isPage: boolean;
  json: {
    navigationBarTitleText?: string;
    navigationBarBackgroundColor?: string;
    navigationBarTextStyle?: string;
    backgroundColor?: string;
    enablePullDownRefresh?: boolean;
    onReachBottomDistance?: number;
    navigationStyle?: string;
  };
}

export interface Manifest {
  app: {
    pages: string[];
    entryPagePath: string;
    window: Record<string, any>;
    tabBar: { custom?: boolean; list: { pagePath: string; text: string }[] } | null;
  };
  builtins: string[];
  components: ManifestComponent[];
}

type Gwx = (path: string) => unknown;

let loading: ManifestComponent | null = null;
let appDefinition: Record<string, any> | null = null;

/**
 * The host element of every component carries its key, so `:host` rules in WXSS (rewritten
 * to `[data-wx-host="…"]` by the build) reach it.
 */
function hostMarker(hostKey: string): string {
  return jc.behavior({
    lifetimes: {
      attached(this: Record<string, any>) {
        const dom: Element | undefined = this._exparserNode?.$$;
        if (dom && dom.setAttribute) dom.setAttribute('data-wx-host', hostKey);
      },
    },
  });
}

/** rpx, vh and vw in inline styles, converted as the build converts WXSS. */
function patchRpx(): void {
  utils.transformRpx = (style: string) => rpxToPx(String(style));
}

export function installConstructors(gwx: Gwx): void {
  patchRpx();
  const g = globalThis as Record<string, any>;
  // Read by wcc's generated code to pick the template format exparser expects.
  g.__webview_engine_version__ = 0.02;
  g.Behavior = (definition: Record<string, any>) => jc.behavior(definition);
  g.App = (definition: Record<string, any>) => {
    if (appDefinition) throw new Error('App() 只能调用一次');
    appDefinition = definition;
  };
  g.getApp = () => appDefinition;
  g.Page = () => {
    // Every page of this project is written with Component(); Page() would need a second
    // lifecycle model here, so refuse rather than half-support it.
    throw new Error('[preview] Page() is not supported: write pages with Component()');
  };
  g.Component = (options: Record<string, any>) => {
    const c = loading;
    if (!c) {
      throw new Error(
        '[preview] Component() was called outside the loading of a page or component script ' +
          '(is a component script imported by another module?)',
      );
    }
    loading = null;
    const template = gwx(`${c.id}.wxml`);
    if (typeof template !== 'function') throw new Error(`[preview] no compiled WXML for ${c.id}`);
    const definition: Record<string, any> = {
      ...options,
      id: c.id,
      path: c.id,
      template,
      usingComponents: c.using,
      tagName: c.tagName,
      behaviors: [...(options.behaviors ?? []), hostMarker(c.hostKey)],
      options: { ...(options.options ?? {}), classPrefix: c.classPrefix },
    };
    if (definition.relations) {
      // Relation keys are paths relative to the script; j-component wants component ids.
      const relations: Record<string, any> = {};
      for (const [key, value] of Object.entries<Record<string, any>>(definition.relations)) {
        const target = key.startsWith('/')
          ? utils.normalizeAbsolute(key)
          : utils.relativeToAbsolute(c.id, key);
        relations[target] = { ...value, target };
      }
      definition.relations = relations;
    }
    jc.register(definition);
  };
}

/** Evaluate each script in dependency order; every one must call Component() once. */
export function registerComponents(
  manifest: Manifest,
  loaders: Record<string, () => unknown>,
): void {
  for (const c of manifest.components) {
    const load = loaders[c.id];
    if (!load) throw new Error(`[preview] no script for ${c.id}`);
    loading = c;
    load();
    if (loading === c) {
      loading = null;
      throw new Error(`[preview] ${c.id} did not call Component()`);
    }
  }
}

export function appInstance(): Record<string, any> | null {
  return appDefinition;
}
