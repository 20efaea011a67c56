/**
 * Styles of the shim's overlays, after WeChat's own (toast, modal, action sheet, viewer).
 * Everything is prefixed `wxp-` so page WXSS cannot collide with it, and sized in px for the
 * 375 px wide phone frame. The layers fill the nearest positioned ancestor: the overlay root.
 */
export const UI_CSS = `
.wxp-layer {
  position: absolute;
  inset: 0;
  z-index: 10000;
  display: flex;
  align-items: center;
  justify-content: center;
  pointer-events: none;
  font-family: -apple-system, 'PingFang SC', 'Helvetica Neue', 'Microsoft YaHei', sans-serif;
  -webkit-font-smoothing: antialiased;
}
.wxp-layer.wxp-blocking { pointer-events: auto; }
.wxp-layer.wxp-dim { background: rgba(0, 0, 0, 0.6); }
.wxp-layer.wxp-bottom { align-items: flex-end; }
.wxp-layer button {
  font: inherit;
  border: 0;
  margin: 0;
  background: none;
  cursor: pointer;
  -webkit-tap-highlight-color: transparent;
}

.wxp-toast {
  pointer-events: auto;
  box-sizing: border-box;
  max-width: 240px;
  padding: 12px 16px;
  border-radius: 12px;
  background: rgba(17, 17, 17, 0.7);
  color: #fff;
  font-size: 15px;
  line-height: 1.4;
  text-align: center;
  word-break: break-all;
  display: -webkit-box;
  -webkit-box-orient: vertical;
  -webkit-line-clamp: 2;
  overflow: hidden;
}
.wxp-toast.wxp-with-icon {
  display: flex;
  flex-direction: column;
  align-items: center;
  justify-content: center;
  width: 136px;
  min-height: 136px;
  padding: 20px 12px 16px;
}
.wxp-toast-icon { width: 40px; height: 40px; margin-bottom: 12px; flex: none; }
.wxp-toast-icon svg, .wxp-toast-icon img { width: 100%; height: 100%; object-fit: contain; }
.wxp-toast.wxp-with-icon .wxp-toast-text {
  max-width: 112px;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.wxp-spinner {
  box-sizing: border-box;
  width: 100%;
  height: 100%;
  border: 3px solid rgba(255, 255, 255, 0.25);
  border-top-color: #fff;
  border-radius: 50%;
  animation: wxp-spin 0.8s linear infinite;
}
@keyframes wxp-spin { to { transform: rotate(360deg); } }

.wxp-modal {
  pointer-events: auto;
  width: 320px;
  max-width: calc(100% - 48px);
  border-radius: 12px;
  background: #fff;
  overflow: hidden;
  text-align: center;
}
.wxp-modal-body { padding: 32px 24px; }
.wxp-modal-title { font-size: 17px; font-weight: 700; color: #000; line-height: 1.4; }
.wxp-modal-content {
  font-size: 17px;
  color: rgba(0, 0, 0, 0.9);
  line-height: 1.4;
  white-space: pre-wrap;
  word-break: break-word;
  max-height: 320px;
  overflow-y: auto;
}
.wxp-modal-title + .wxp-modal-content { margin-top: 16px; font-size: 15px; color: rgba(0, 0, 0, 0.5); }
.wxp-modal-extra { margin-top: 16px; }
.wxp-modal-field {
  box-sizing: border-box;
  width: 100%;
  margin-top: 16px;
  padding: 10px 12px;
  border: 0;
  border-radius: 6px;
  background: #f7f7f7;
  font: inherit;
  font-size: 16px;
  text-align: left;
  outline: none;
  resize: none;
}
.wxp-modal-buttons { display: flex; border-top: 1px solid rgba(0, 0, 0, 0.1); }
.wxp-modal-buttons button {
  flex: 1;
  height: 56px;
  font-size: 17px;
  font-weight: 700;
}
.wxp-modal-buttons button + button { border-left: 1px solid rgba(0, 0, 0, 0.1); }

.wxp-sheet {
  pointer-events: auto;
  width: 100%;
  border-radius: 12px 12px 0 0;
  background: #f7f7f7;
  overflow: hidden;
  padding-bottom: 34px;
  background-clip: padding-box;
  animation: wxp-rise 0.2s ease-out;
}
@keyframes wxp-rise { from { transform: translateY(100%); } }
.wxp-sheet-header {
  padding: 16px 24px;
  background: #fff;
  color: rgba(0, 0, 0, 0.5);
  font-size: 14px;
  text-align: center;
  border-bottom: 1px solid rgba(0, 0, 0, 0.1);
}
.wxp-sheet button {
  display: block;
  width: 100%;
  height: 56px;
  background: #fff;
  color: #000;
  font-size: 17px;
}
.wxp-sheet .wxp-sheet-item + .wxp-sheet-item { border-top: 1px solid rgba(0, 0, 0, 0.1); }
.wxp-sheet .wxp-sheet-cancel { margin-top: 8px; }
.wxp-sheet-pad { height: 34px; background: #fff; margin-bottom: -34px; }

.wxp-viewer {
  pointer-events: auto;
  position: absolute;
  inset: 0;
  background: #000;
  display: flex;
  align-items: center;
  justify-content: center;
}
.wxp-viewer img, .wxp-viewer video { max-width: 100%; max-height: 100%; object-fit: contain; }
.wxp-viewer-bar {
  position: absolute;
  left: 0;
  right: 0;
  bottom: 40px;
  display: flex;
  justify-content: center;
  align-items: center;
  gap: 16px;
  color: #fff;
  font-size: 14px;
}
.wxp-viewer-bar button {
  color: #fff;
  padding: 6px 12px;
  border-radius: 16px;
  background: rgba(255, 255, 255, 0.15);
}
.wxp-viewer-close { position: absolute; top: 56px; right: 16px; }
.wxp-viewer-close button { color: #fff; font-size: 15px; }

.wxp-hidden-input { position: absolute; width: 1px; height: 1px; opacity: 0; pointer-events: none; }
.wxp-link { color: #576b95; word-break: break-all; }
.wxp-text { font-size: 14px; line-height: 1.6; color: rgba(0, 0, 0, 0.7); text-align: left; }
.wxp-scan.wxp-scan-over { outline: 3px dashed #576b95; outline-offset: -6px; }
.wxp-scan .wxp-modal-content { font-size: 14px; }
.wxp-layer .wxp-scan-pick {
  display: block;
  width: 100%;
  margin-top: 16px;
  height: 44px;
  border-radius: 8px;
  background: #07c160;
  color: #fff;
  font-size: 16px;
  font-weight: 700;
}
.wxp-scan-status { min-height: 20px; margin-top: 8px; font-size: 13px; color: rgba(0, 0, 0, 0.5); }
.wxp-scan-status.wxp-scan-error { color: #fa5151; }
.wxp-modal-field.wxp-place-field { margin-top: 8px; }
`;

const STYLE_ID = 'wxp-style';

/** Add the styles to document.head once. */
export function ensureUiStyle(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ID;
  style.textContent = UI_CSS;
  document.head.appendChild(style);
}
