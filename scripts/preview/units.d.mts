export const RPX_TO_PX: number;
/** rpx, vh and vw of a style value for the preview's phone (see units.mjs). */
export function rpxToPx(value: string): string;
