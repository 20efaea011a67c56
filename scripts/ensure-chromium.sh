#!/usr/bin/env bash
# Makes sure a Chromium is installed for the browser tests (test/e2e) and
# `npm run screenshots`, with a Chinese font for the pages' text (a bare Debian has none, and
# every character would render as a box). Uses Debian's packages only; never downloads a
# browser any other way. Idempotent: does nothing (and is instant) when both are there.
#
#   bash scripts/ensure-chromium.sh
#
# CHROMIUM_PATH, when set, names the browser to use instead of /usr/bin/chromium.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  if [ -x "$CHROMIUM_PATH" ]; then
    echo "ensure-chromium: using CHROMIUM_PATH=$CHROMIUM_PATH"
    exit 0
  fi
  echo "ensure-chromium: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file (unset it to use Debian's chromium)" >&2
  exit 1
fi

found() {
  if [ -x /usr/bin/chromium ]; then
    echo /usr/bin/chromium
  elif command -v chromium >/dev/null 2>&1; then
    command -v chromium
  else
    return 1
  fi
}

has_cjk_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]
}

PKGS=()
if path="$(found)"; then
  echo "ensure-chromium: using $path"
else
  PKGS+=(chromium)
fi
if has_cjk_font; then
  echo "ensure-chromium: a Chinese font is installed"
else
  PKGS+=(fonts-noto-cjk)
fi
if [ "${#PKGS[@]}" -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: ${PKGS[*]} missing and apt-get is not available." >&2
  echo "  Install Chromium with your system's package manager, or set CHROMIUM_PATH." >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "ensure-chromium: ${PKGS[*]} missing; installing needs root and sudo is not available." >&2
    echo "  As root: apt-get update && apt-get install -y --no-install-recommends ${PKGS[*]}" >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing Debian's packages: ${SUDO[*]:+${SUDO[*]} }apt-get install ${PKGS[*]}"
if ! "${SUDO[@]}" apt-get update; then
  echo "ensure-chromium: apt-get update failed" >&2
  exit 1
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PKGS[@]}"; then
  echo "ensure-chromium: apt-get install ${PKGS[*]} failed" >&2
  exit 1
fi

if path="$(found)"; then
  echo "ensure-chromium: installed $path ($("$path" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
echo "ensure-chromium: apt-get reported success but no chromium executable was found" >&2
exit 1
