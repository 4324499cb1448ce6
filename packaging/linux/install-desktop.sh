#!/usr/bin/env bash
# Register the unpacked HRK Workbench bundle with the desktop: menu entry, icon, and the
# *.hrk.json file type, so a double-click on an assessment opens it in the app.
#
#   share/install-desktop.sh            for the current user (~/.local/share)
#   sudo share/install-desktop.sh --system   for every user (/usr/local/share)
#   share/install-desktop.sh --uninstall [--system]
#
# Run it from the bundle (dist/hrk-workbench/share/); the menu entry points at the bundle's
# own program, so move the folder first (e.g. to /opt/hrk-workbench) and install after.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$(dirname "$here")"
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
uninstall=0
for arg in "$@"; do
  case "$arg" in
    --system) prefix="/usr/local/share" ;;
    --uninstall) uninstall=1 ;;
    *) echo "usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
  esac
done
mime_icon="application-x-hrk-assessment+json"
files=("$prefix/applications/hrk-workbench.desktop" "$prefix/mime/packages/hrk-workbench.xml")
for png in "$here"/icons/hicolor/*/apps/hrk-workbench.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  files+=("$prefix/icons/hicolor/$size/apps/hrk-workbench.png"
          "$prefix/icons/hicolor/$size/mimetypes/$mime_icon.png")
done
files+=("$prefix/icons/hicolor/scalable/apps/hrk-workbench.svg")

if [ "$uninstall" -eq 1 ]; then
  rm -f "${files[@]}"
else
  install -D -m 0644 "$here/hrk-workbench-mime.xml" "$prefix/mime/packages/hrk-workbench.xml"
  install -D -m 0644 "$here/icons/hicolor/scalable/apps/hrk-workbench.svg" \
    "$prefix/icons/hicolor/scalable/apps/hrk-workbench.svg"
  for png in "$here"/icons/hicolor/*/apps/hrk-workbench.png; do
    size="$(basename "$(dirname "$(dirname "$png")")")"
    install -D -m 0644 "$png" "$prefix/icons/hicolor/$size/apps/hrk-workbench.png"
    install -D -m 0644 "$png" "$prefix/icons/hicolor/$size/mimetypes/$mime_icon.png"
  done
  mkdir -p "$prefix/applications"
  exe="$bundle/hrk-workbench"
  sed -e "s|^Exec=hrk-workbench|Exec=\"$exe\"|" -e "s|^TryExec=hrk-workbench|TryExec=$exe|" \
    "$here/hrk-workbench.desktop" > "$prefix/applications/hrk-workbench.desktop"
  chmod 0644 "$prefix/applications/hrk-workbench.desktop"
fi
# Refresh the caches the desktop reads; each tool is optional.
command -v update-mime-database >/dev/null && update-mime-database "$prefix/mime" || true
command -v update-desktop-database >/dev/null && \
  update-desktop-database "$prefix/applications" || true
command -v gtk-update-icon-cache >/dev/null && \
  gtk-update-icon-cache -q -t "$prefix/icons/hicolor" 2>/dev/null || true
echo "HRK Workbench: $([ "$uninstall" -eq 1 ] && echo removed from || echo registered in) $prefix"
