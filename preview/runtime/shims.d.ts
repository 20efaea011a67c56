/** Untyped packages the runtime drives (their own .d.ts pull in clashing wx typings). */
declare module 'j-component/src/tool/utils';
declare module 'j-component';
declare module 'miniprogram-exparser';
declare module 'preview-app-modules';
