/**
 * What `j-component` resolves to when this project is type-checked: its own index.d.ts
 * imports miniprogram-api-typings, whose globals (`wx`, `require`, `console`, `Component`…)
 * would replace Node's and describe WeChat's `wx` rather than the preview's shim. The
 * runtime treats it as untyped anyway (preview/runtime/shims.d.ts).
 */
declare const untyped: any;
export = untyped;
