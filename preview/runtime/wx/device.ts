/**
 * Device and system information for a 375×812 phone frame, plus small device services
 * (network, theme, vibration, keyboard, clipboard, keeping the screen on). Platform is 'devtools' so code that
 * branches on it knows it is not on a phone.
 */
import { asyncApi, noopApi, WxFailure, type Options } from './callback';
import type { Gate } from './privacy';

const SCREEN = { width: 375, height: 812 };
const STATUS_BAR = 44;
const NAV_BAR = 44;

function windowInfo(): Record<string, unknown> {
  return {
    pixelRatio: window.devicePixelRatio || 2,
    screenWidth: SCREEN.width,
    screenHeight: SCREEN.height,
    windowWidth: SCREEN.width,
    windowHeight: SCREEN.height - STATUS_BAR - NAV_BAR,
    statusBarHeight: STATUS_BAR,
    safeArea: { top: 44, bottom: 778, left: 0, right: 375, width: 375, height: 734 },
    screenTop: STATUS_BAR + NAV_BAR,
  };
}

function deviceInfo(): Record<string, unknown> {
  return {
    abi: '',
    deviceAbi: '',
    benchmarkLevel: 1,
    brand: 'preview',
    model: 'iPhone 12/13 (预览)',
    system: 'iOS 16',
    platform: 'devtools',
    cpuType: '',
    memorySize: 4096,
  };
}

function appBaseInfo(): Record<string, unknown> {
  return {
    SDKVersion: '3.7.0',
    enableDebug: false,
    host: { env: 'WeChat', appId: '' },
    language: 'zh_CN',
    version: '8.0.50',
    theme: 'light',
    fontSizeSetting: 16,
    fontSizeScaleFactor: 1,
  };
}

function systemInfo(): Record<string, unknown> {
  return {
    ...deviceInfo(),
    ...windowInfo(),
    ...appBaseInfo(),
    deviceOrientation: 'portrait',
    wifiEnabled: true,
    locationEnabled: true,
    bluetoothEnabled: false,
    albumAuthorized: true,
    cameraAuthorized: true,
    locationAuthorized: true,
    microphoneAuthorized: true,
    notificationAuthorized: true,
  };
}

/** Without focus or clipboard permission the browser refuses; the copy is then kept here. */
let clipboardCopy = '';

function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return typeof document.execCommand === 'function' && document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

async function writeClipboard(text: string): Promise<void> {
  clipboardCopy = text;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    if (!copyWithSelection(text)) {
      console.info('[preview] the browser refused the clipboard; the text is kept in the preview');
    }
  }
}

async function readClipboard(): Promise<string> {
  try {
    return await navigator.clipboard.readText();
  } catch {
    return clipboardCopy;
  }
}

/** The screen wake lock while a page keeps the screen on (where the browser grants one). */
let wakeLock: { release(): Promise<void> } | null = null;
let brightness = 0.5;

async function keepScreenOn(on: boolean): Promise<void> {
  const api = (
    navigator as Navigator & {
      wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> };
    }
  ).wakeLock;
  if (!on) {
    const held = wakeLock;
    wakeLock = null;
    await held?.release().catch(() => undefined);
    return;
  }
  if (wakeLock || !api) return;
  try {
    wakeLock = await api.request('screen');
  } catch {
    // Not granted (hidden tab, no secure context): the screen of a computer stays on anyway.
  }
}

type Listener = (r: Record<string, unknown>) => void;

export function deviceApis(gate: Gate, toast: (title: string) => void): Record<string, any> {
  const networkListeners = new Set<Listener>();
  const report = () =>
    networkListeners.forEach((fn) =>
      fn({ isConnected: navigator.onLine, networkType: navigator.onLine ? 'wifi' : 'none' }),
    );
  window.addEventListener('online', report);
  window.addEventListener('offline', report);
  // The preview's theme is fixed to light (getAppBaseInfo says so), so theme listeners never fire.
  const themeListeners = new Set<Listener>();

  return {
    getWindowInfo: windowInfo,
    getDeviceInfo: deviceInfo,
    getAppBaseInfo: appBaseInfo,
    getSystemInfoSync: systemInfo,
    getSystemInfo: asyncApi('getSystemInfo', systemInfo),
    getSystemInfoAsync: asyncApi('getSystemInfoAsync', systemInfo),
    getSystemSetting: () => ({
      bluetoothEnabled: false,
      locationEnabled: true,
      wifiEnabled: true,
      deviceOrientation: 'portrait',
    }),
    getMenuButtonBoundingClientRect: () => ({
      width: 87,
      height: 32,
      top: 50,
      right: 368,
      bottom: 82,
      left: 281,
    }),
    // The capsule never changes size in the preview.
    onMenuButtonBoundingClientRectWeightChange: () => undefined,
    offMenuButtonBoundingClientRectWeightChange: () => undefined,

    getNetworkType: asyncApi('getNetworkType', () => ({
      networkType: navigator.onLine ? 'wifi' : 'none',
      signalStrength: 0,
      hasSystemProxy: false,
    })),
    onNetworkStatusChange: (fn: Listener) => networkListeners.add(fn),
    offNetworkStatusChange: (fn?: Listener) =>
      fn ? networkListeners.delete(fn) : networkListeners.clear(),
    onThemeChange: (fn: Listener) => themeListeners.add(fn),
    offThemeChange: (fn?: Listener) => (fn ? themeListeners.delete(fn) : themeListeners.clear()),

    vibrateShort: noopApi('vibrateShort'),
    vibrateLong: noopApi('vibrateLong'),
    hideKeyboard: asyncApi('hideKeyboard', () => {
      const active = document.activeElement;
      if (active instanceof HTMLElement) active.blur();
    }),

    // The organiser's live check-in code stays on screen: a wake lock where the browser has one.
    setKeepScreenOn: asyncApi('setKeepScreenOn', async (o: Options) => {
      await keepScreenOn(!!o.keepScreenOn);
    }),
    getScreenBrightness: asyncApi('getScreenBrightness', () => ({ value: brightness })),
    // A browser cannot change the screen's brightness; the value is only remembered.
    setScreenBrightness: asyncApi('setScreenBrightness', (o: Options) => {
      const value = Number(o.value);
      if (!Number.isFinite(value) || value < 0 || value > 1) {
        throw new WxFailure('parameter error: value should be between 0 and 1');
      }
      brightness = value;
    }),

    setClipboardData: asyncApi(
      'setClipboardData',
      gate('setClipboardData', async (o: Options) => {
        await writeClipboard(String(o.data ?? ''));
        // WeChat always confirms a copy with this toast.
        toast('内容已复制');
      }),
    ),
    getClipboardData: asyncApi(
      'getClipboardData',
      gate('getClipboardData', async () => ({ data: await readClipboard() })),
    ),
  };
}
