#!/usr/bin/env bash
# Debian packages the app and its tests need: Qt's runtime libraries (the offscreen platform
# used by the GUI tests), fonts, Xvfb for real-window screenshots, Pango for WeasyPrint
# (the memo PDF), poppler-utils (pdftotext/pdftoppm read memos back in tests). Installs only what is
# missing, so a machine that has them all needs no network and no root.
set -euo pipefail
PKGS=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libglib2.0-0 fonts-dejavu-core libxcb-cursor0 xvfb xauth
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
  echo "system-deps: missing ${missing[*]} and no apt-get: install them by hand" >&2; exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
