#!/usr/bin/env bash
# Drive the desktop app from outside, as a screen reader sees it (AT-SPI under Xvfb), with the
# shared gui_probe tool. Run by hand: it needs Debian's python3-pyatspi, at-spi2-core, dbus-x11
# and xvfb (see ../shared/tools/gui_probe/README.md). Prints "N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
PROBE=${PROBE:-../shared/tools/gui_probe/probe.py}
OUT=${1:-/tmp/hrk-a11y}
work=$(mktemp -d)
cp examples/meeting-rooms.hrk.json "$work/m.hrk.json"
/usr/bin/python3 "$PROBE" run \
  --app "env HRK_LANG=en HOME=$work $PWD/.venv/bin/hrk-workbench gui $work/m.hrk.json" \
  --script scripts/a11y-steps.json --out "$OUT" --total-timeout 100
python3 - "$OUT/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
combo = [m for m in r["label_mismatch"] if m.get("role") == "combo box"]
other = [m for m in r["label_mismatch"] if m.get("role") != "combo box"]
print(f"unnamed inputs: {len(r['unnamed_inputs'])}; label mismatches: {len(other)} "
      f"(+{len(combo)} combo boxes, which Qt names by their current text; labelled-by is set)")
sys.exit(1 if r["unnamed_inputs"] or other else 0)
PY
