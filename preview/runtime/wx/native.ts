/**
 * What a phone does with its hardware: calling, scanning, locating. The browser stands in
 * with dialogs (paste the code, confirm the call) and a fixed demo position in 杭州.
 */
import type { PreviewHost } from '../host';
import { asyncApi, WxFailure, type Options } from './callback';
import { el, openDialog, openSheet } from './overlay';
import type { Gate } from './privacy';

/** 杭州市中心: where the demo branches are. */
const DEMO_POSITION = { latitude: 30.274085, longitude: 120.15507 };
const DEMO_PLACE = { name: '杭州市人民政府', address: '浙江省杭州市上城区解放东路18号' };

/** The browser's position only when the user already allowed it; never a permission prompt. */
async function browserPosition(): Promise<GeolocationCoordinates | null> {
  try {
    const state = await navigator.permissions?.query({ name: 'geolocation' });
    if (state?.state !== 'granted' || !navigator.geolocation) return null;
    return await new Promise((resolve) =>
      navigator.geolocation.getCurrentPosition(
        (p) => resolve(p.coords),
        () => resolve(null),
        { timeout: 5000 },
      ),
    );
  } catch {
    return null;
  }
}

/** rawData: the code's UTF-8 bytes in base64. */
function base64(text: string): string {
  const binary = encodeURIComponent(text).replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
  return btoa(binary);
}

function coordinates(o: Options): { latitude: number; longitude: number } {
  const latitude = Number(o.latitude);
  const longitude = Number(o.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    throw new WxFailure('parameter error: latitude and longitude should be Number');
  }
  return { latitude, longitude };
}

export function nativeApis(host: PreviewHost, gate: Gate): Record<string, any> {
  return {
    makePhoneCall: asyncApi('makePhoneCall', async (o: Options) => {
      const number = String(o.phoneNumber ?? '');
      if (!number) throw new WxFailure('parameter error: phoneNumber should not be empty');
      const index = await openSheet(host, { header: number, items: [{ text: '呼叫' }] });
      if (index < 0) throw new WxFailure('cancel');
      console.info(`[preview] wx.makePhoneCall: 呼叫 ${number}`);
    }),

    scanCode: asyncApi('scanCode', async () => {
      const { value, text } = await openDialog(host, {
        title: '扫一扫',
        content: '浏览器预览不能使用摄像头，请把二维码的内容粘贴到下面。',
        field: { placeholder: '二维码内容' },
        buttons: [
          { text: '取消', color: '#000000', value: false },
          { text: '确定', color: '#576B95', value: true },
        ],
        dismiss: false,
      });
      const result = text.trim();
      if (!value || !result) throw new WxFailure('cancel');
      return {
        result,
        scanType: 'QR_CODE',
        charSet: 'utf-8',
        path: result.startsWith('pages/') ? result : '',
        rawData: base64(result),
      };
    }),

    getLocation: asyncApi(
      'getLocation',
      gate('getLocation', async () => {
        const real = await browserPosition();
        console.info(
          real
            ? '[preview] wx.getLocation: the browser position'
            : '[preview] wx.getLocation: a fixed demo position in 杭州',
        );
        return {
          latitude: real?.latitude ?? DEMO_POSITION.latitude,
          longitude: real?.longitude ?? DEMO_POSITION.longitude,
          speed: -1,
          accuracy: real?.accuracy ?? 65,
          altitude: real?.altitude ?? 0,
          verticalAccuracy: real?.altitudeAccuracy ?? 0,
          horizontalAccuracy: real?.accuracy ?? 65,
        };
      }),
    ),

    // No map to pick from: the user names the place; the position is the demo one.
    chooseLocation: asyncApi(
      'chooseLocation',
      gate('chooseLocation', async (o: Options) => {
        const { value, text } = await openDialog(host, {
          title: '选择位置',
          content: '浏览器预览没有地图，请填写位置名称（坐标使用杭州的示例位置）。',
          field: { value: DEMO_PLACE.name, placeholder: '位置名称' },
          buttons: [
            { text: '取消', color: '#000000', value: false },
            { text: '确定', color: '#576B95', value: true },
          ],
          dismiss: false,
        });
        if (!value) throw new WxFailure('cancel');
        const given = o.latitude !== undefined && o.longitude !== undefined;
        return {
          name: text.trim() || DEMO_PLACE.name,
          address: DEMO_PLACE.address,
          ...(given ? coordinates(o) : DEMO_POSITION),
        };
      }),
    ),

    openLocation: asyncApi('openLocation', (o: Options) => {
      const { latitude, longitude } = coordinates(o);
      const body = el('div', 'wxp-text');
      body.append(
        el('div', undefined, `${latitude.toFixed(6)}, ${longitude.toFixed(6)}`),
        Object.assign(el('a', 'wxp-link', '在地图网站中打开'), {
          href: `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`,
          target: '_blank',
          rel: 'noopener',
        }),
      );
      // WeChat reports success once the map page is open, not when it is closed.
      void openDialog(host, {
        title: String(o.name || '位置'),
        content: o.address ? String(o.address) : undefined,
        body,
        buttons: [{ text: '关闭', value: true }],
        dismiss: true,
      });
    }),
  };
}
