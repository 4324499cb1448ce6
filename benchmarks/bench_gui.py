"""Time what a steward feels in the desktop app and print the figures (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [REPEATS]

Measures:
- cold start: a fresh Python process that imports the app, loads the forms, builds the
  window on the bundled example, shows it and has processed its first events ("usable");
  both the in-process figure and the whole process (interpreter start included);
- step switch: selecting each of the 13 steps in turn, until the page is shown;
- summary update: one answer changed through the document until the summary panel and step
  marks show the new result (the edit, the core's scoring and the panel refresh).
Targets from the issue: cold start < 1.5 s, step switch < 100 ms, summary update < 50 ms.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"

COLD = r"""
import time
t0 = time.perf_counter()
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from hrk_workbench.forms import load_forms
from hrk_workbench.gui.mainwindow import MainWindow
from hrk_workbench.gui.settings import AppSettings
app = QApplication([])
forms = load_forms()
settings = AppSettings(QSettings(sys.argv[2] + "/s.ini", QSettings.Format.IniFormat),
                       data_dir=sys.argv[2])
window = MainWindow(forms, settings, "en")
window.show()
window.open_path(sys.argv[1], ask=False)
app.processEvents()
print(time.perf_counter() - t0)
"""


def cold_start(repeats: int) -> tuple[list[float], list[float]]:
    inside, whole = [], []
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", COLD, str(EXAMPLE), tmp], env=env,
                                 capture_output=True, text=True, check=True)
            whole.append(time.perf_counter() - t0)
            inside.append(float(out.stdout.strip().splitlines()[-1]))
    return inside, whole


def in_process(repeats: int) -> tuple[list[float], list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hrk_workbench.forms import load_forms
    from hrk_workbench.gui.mainwindow import MainWindow
    from hrk_workbench.gui.pages.registry import STEPS
    from hrk_workbench.gui.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = AppSettings(QSettings(tmp + "/s.ini", QSettings.Format.IniFormat),
                               data_dir=tmp)
        window = MainWindow(load_forms(), settings, "en")
        window.resize(1440, 900)
        window.show()
        window.open_path(str(EXAMPLE), ask=False)
        app.processEvents()
        switches = []
        for _ in range(repeats):
            for step in STEPS:
                t0 = time.perf_counter()
                window.go_to_step(step)
                app.processEvents()
                switches.append(time.perf_counter() - t0)
        window.go_to_step("benefits")
        app.processEvents()
        updates = []
        for i in range(repeats * 10):
            t0 = time.perf_counter()
            window.document.edit("benefits.B3.value", i % 4)
            app.processEvents()
            updates.append(time.perf_counter() - t0)
        assert window.summary.fields["benefit_score"].text()
        window.document.undo_stack.setClean()
        window.close()
    return switches, updates


def show(name: str, values: list[float], target_ms: float) -> None:
    ms = [v * 1000 for v in values]
    print(f"{name:<34} median {statistics.median(ms):8.1f} ms   max {max(ms):8.1f} ms"
          f"   (target < {target_ms:g} ms, n={len(ms)})")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    inside, whole = cold_start(repeats)
    switches, updates = in_process(repeats)
    show("cold start, in process", inside, 1500)
    show("cold start, whole process", whole, 1500)
    show("step switch", switches, 100)
    show("summary update after an edit", updates, 50)


if __name__ == "__main__":
    main()
