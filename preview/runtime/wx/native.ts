/**
 * What a phone does with its hardware: calling, scanning, locating. The browser stands in
 * with dialogs (confirm the call, name a place and its coordinates) and a fixed demo position
 * in 杭州. Scanning is scan.ts.
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

function coordinates(o: Options): { latitude: number; longitude: number } {
  const latitude = Number(o.latitude);
  const longitude = Number(o.longitude);
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
    throw new WxFailure('parameter error: latitude and longitude should be Number');
  }
  return { latitude, longitude };
}

/** A field of the 选择位置 dialog. */
function placeField(label: string, value: string | number): HTMLInputElement {
  const input = el('input', 'wxp-modal-field wxp-place-field');
  if (typeof value === 'number') input.inputMode = 'decimal';
  input.value = String(value);
  input.placeholder = label;
  input.setAttribute('aria-label', label);
  return input;
}

/**
 * The 选择位置 dialog: a name and 纬度 / 经度 (prefilled with the page's position or the demo
 * one); asks again while a coordinate is not a number in range.
 */
async function pickPlace(
  host: PreviewHost,
  start: { latitude: number; longitude: number },
): Promise<Record<string, unknown>> {
  let name: string = DEMO_PLACE.name;
  let latitude = start.latitude;
  let longitude = start.longitude;
  let problem = '';
  for (;;) {
    const body = el('div', 'wxp-text');
    const place = placeField('位置名称', name);
    const lat = placeField('纬度', latitude);
    const lng = placeField('经度', longitude);
    body.append(place, lat, lng);
    if (problem) body.appendChild(el('div', 'wxp-scan-status wxp-scan-error', problem));
    const { value } = await openDialog(host, {
      title: '选择位置',
      content: '浏览器预览没有地图，请填写位置名称和坐标（默认是杭州的示例位置）。',
      body,
      buttons: [
        { text: '取消', color: '#000000', value: false },
        { text: '确定', color: '#576B95', value: true },
      ],
      dismiss: false,
    });
    if (!value) throw new WxFailure('cancel');
    name = place.value.trim() || DEMO_PLACE.name;
    const la = Number(lat.value.trim());
    const lo = Number(lng.value.trim());
    if (lat.value.trim() && lng.value.trim() && Math.abs(la) <= 90 && Math.abs(lo) <= 180) {
      return {
        name,
        address: name === DEMO_PLACE.name ? DEMO_PLACE.address : '',
        latitude: la,
        longitude: lo,
      };
    }
    problem = '纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间';
    latitude = Number.isFinite(la) ? la : start.latitude;
    longitude = Number.isFinite(lo) ? lo : start.longitude;
  }
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

    // No map to pick from: the user names the place and may type its coordinates.
    chooseLocation: asyncApi(
      'chooseLocation',
      gate('chooseLocation', async (o: Options) => {
        const given = o.latitude !== undefined && o.longitude !== undefined;
        const start = given ? coordinates(o) : DEMO_POSITION;
        return pickPlace(host, start);
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
