"""Time what a steward feels in the desktop app and print the figures (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [REPEATS]

Measures:
- cold start: a fresh Python process that imports the app, loads the forms, builds the
  window on the bundled example, shows it and has processed its first events ("usable");
  both the in-process figure and the whole process (interpreter start included);
- a bare PySide6 window's cold start the same way (a QMainWindow shown, first events
  processed), and the ratio of the two whole-process medians: what the app adds to what
  any Qt program costs on this machine (target: within 5x);
- step switch: selecting each step in turn, until the page is shown;
- summary update: one answer changed through the document until the summary panel and step
  marks show the new result (the edit, the core's scoring and the panel refresh);
- reopening an assessment with a saved Risk lab result (measured and protected through the
  command line on a generated file): open until the window shows it and the Risk lab step
  shows the saved result.
Targets: cold start within 5x a bare window, step switch < 100 ms, summary update < 50 ms,
reopening with a saved lab result < 1 s.
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


BARE = r"""
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("bare"))
window.show()
app.processEvents()
print(time.perf_counter() - t0)
"""


def cold_start(repeats: int, script: str = COLD) -> tuple[list[float], list[float]]:
    inside, whole = [], []
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, "-c", script, str(EXAMPLE), tmp], env=env,
                                 capture_output=True, text=True, check=True)
            whole.append(time.perf_counter() - t0)
            inside.append(float(out.stdout.strip().splitlines()[-1]))
    return inside, whole


def in_process(repeats: int) -> tuple[list[float], list[float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hrk_workbench.forms.loader import load_forms
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
        # as a steward's first click comes: after the pages left are built in the background
        deadline = time.perf_counter() + 20
        while not all(window.pages.built(s) for s in STEPS) and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.01)
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
        reopen = reopen_with_lab_result(window, app, tmp, repeats)
        window.document.undo_stack.setClean()
        window.close()
    return switches, updates, reopen


def lab_assessment(folder: str) -> Path:
    """The example with a protected Risk lab result saved through ``puf --save``."""
    import csv
    import json
    import shutil

    from hrk_workbench.cli.program import main as cli

    data = Path(folder) / "clients.csv"
    with data.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["age", "sex", "postcode", "service"])
        for i in range(2000):
            out.writerow([18 + i % 70, "mf"[i % 2], f"00{i % 9}00", "abcd"[i % 4]])
    recipe = Path(folder) / "recipe.json"
    recipe.write_text(json.dumps({
        "format": "hrk-puf-recipe", "version": 1,
        "key_variables": ["age", "sex", "postcode"], "sensitive": ["service"], "seed": 1,
        "steps": [{"op": "band", "column": "age", "width": 10}, {"op": "suppress", "k": 5}]}),
        encoding="utf-8")
    path = Path(folder) / "with-lab.hrk.json"
    shutil.copy(EXAMPLE, path)
    code = cli(["puf", str(data), "--recipe", str(recipe), "-o",
                str(Path(folder) / "public.csv"), "--save", str(path)])
    assert code == 0, code
    return path


def reopen_with_lab_result(window: object, app: object, folder: str,
                           repeats: int) -> list[float]:
    path = lab_assessment(folder)
    times = []
    for _ in range(repeats):
        window.go_to_step("dataset")  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        t0 = time.perf_counter()
        assert window.open_path(str(path), ask=False)  # type: ignore[attr-defined]
        window.go_to_step("risk_lab")  # type: ignore[attr-defined]
        app.processEvents()  # type: ignore[attr-defined]
        times.append(time.perf_counter() - t0)
        assert window.document.assessment.risk_lab is not None  # type: ignore[attr-defined]
    return times


def show(name: str, values: list[float], target_ms: float) -> None:
    ms = [v * 1000 for v in values]
    print(f"{name:<34} median {statistics.median(ms):8.1f} ms   max {max(ms):8.1f} ms"
          f"   (target < {target_ms:g} ms, n={len(ms)})")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    inside, whole, bare_inside, bare_whole = [], [], [], []
    for _ in range(repeats):  # in turn, so a drift in the machine's speed hits both
        a, b = cold_start(1)
        c, d = cold_start(1, BARE)
        inside += a
        whole += b
        bare_inside += c
        bare_whole += d
    switches, updates, reopen = in_process(repeats)
    ratio = statistics.median(whole) / statistics.median(bare_whole)
    show("cold start, in process", inside, 5 * statistics.median(bare_inside) * 1000)
    show("cold start, whole process", whole, 5 * statistics.median(bare_whole) * 1000)
    show("bare PySide6 window, in process", bare_inside, float("inf"))
    show("bare PySide6 window, whole process", bare_whole, float("inf"))
    print(f"{'ratio app / bare (whole process)':<34} {ratio:8.2f} x   (target <= 5 x)")
    show("step switch", switches, 100)
    show("summary update after an edit", updates, 50)
    show("reopen with a saved lab result", reopen, 1000)


if __name__ == "__main__":
    main()
