"""Time what a steward feels in the desktop app and print the figures (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_gui.py [REPEATS]

Measures:
- cold start: a fresh process runs what ``hrk-workbench gui FILE`` runs (the command line's
  parsing, the forms, Qt, the window on the bundled example) until the window is shown with
  the file open and its first events are processed ("usable"). Two figures: inside the
  process, and the whole process to that moment (interpreter start included: the child
  prints the wall clock when usable, the parent knows when it started it; the closing that
  follows is not part of a start);
- a bare PySide6 window's cold start the same way (a QMainWindow shown, first events
  processed), run in turn with the app's (app, bare, app, bare ...), and the ratio taken
  pair by pair, so a drift in the machine's speed hits both; its median is the figure
  (target: within 5x);
- both with the modules' bytecode cached, as an installed app has it (pip compiles at
  install; a first run writes the cache): an environment with PYTHONDONTWRITEBYTECODE set
  would make every start of the app, and not of the bare window whose library is compiled,
  compile the app's modules again. One warm-up run of each is not counted;
- cold start on an assessment with a saved Risk lab result until the Risk lab step shows it
  (the file and the lab result as a steward reopens them next year), whole process (no
  target of its own: the window's start plus the step);
- step switch: selecting each step in turn, until the page is shown;
- summary update: one answer changed through the document until the summary panel and step
  marks show the new result (the edit, the core's scoring and the panel refresh);
- reopening an assessment with a saved Risk lab result (measured and protected through the
  command line on a generated file) in a running window: open until the window shows it and
  the Risk lab step shows the saved result.
Targets: cold start within 5x a bare window, step switch < 100 ms, summary update < 50 ms,
reopening with a saved lab result < 1 s.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"

# argv: FILE [STEP]. What ``hrk-workbench gui FILE`` runs, with one timer queued before the
# event loop starts: it fires once the window is shown, the file open and the first events
# processed, prints the time inside the process and the wall clock, and closes the window.
COLD = r"""
import time
t0 = time.perf_counter()
import sys
import hrk_workbench.gui.app as gui_app

real_start = gui_app.start


def start(app, forms, settings, lang, file, screenshots):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def usable():
        window = next(w for w in QApplication.topLevelWidgets() if hasattr(w, "go_to_step"))
        assert window.isVisible() and window.document.path is not None
        if len(sys.argv) > 2:  # a step as a steward's first click
            window.go_to_step(sys.argv[2])
            app.processEvents()
            assert window.document.assessment.risk_lab is not None
        print(time.perf_counter() - t0, time.time(), flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, usable)
    return real_start(app, forms, settings, lang, file, screenshots)


gui_app.start = start
from hrk_workbench.__main__ import main

main(["gui", *sys.argv[1:2]])
"""


BARE = r"""
import time
t0 = time.perf_counter()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(QLabel("bare"))
window.show()


def usable():
    print(time.perf_counter() - t0, time.time(), flush=True)
    app.quit()


QTimer.singleShot(0, usable)
app.exec()
"""


def _child_env(home: str) -> dict[str, str]:
    """Offscreen Qt, settings and recovery folder in ``home`` (no steward's settings, no
    recovery offer), and the bytecode cache allowed, as in an installed app."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), HOME=home,
               XDG_CONFIG_HOME=f"{home}/config", XDG_DATA_HOME=f"{home}/data",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")])))
    env.pop("HRK_LANG", None)
    return env


def cold_start(script: str, *args: str) -> tuple[float, float]:
    """(inside the process, whole process until usable) in seconds, for one fresh start."""
    with tempfile.TemporaryDirectory() as home:
        started = time.time()
        out = subprocess.run([sys.executable, "-c", script, *args], env=_child_env(home),
                             capture_output=True, text=True, check=True, timeout=120)
    inside, usable_at = map(float, out.stdout.strip().splitlines()[-1].split())
    return inside, usable_at - started


def cold_pairs(repeats: int) -> dict[str, list[float]]:
    """The app's and the bare window's cold starts in turn, after one warm-up of each."""
    cold_start(COLD, str(EXAMPLE))
    cold_start(BARE)
    runs: dict[str, list[float]] = {k: [] for k in ("inside", "whole", "bare_inside",
                                                   "bare_whole", "ratio")}
    for _ in range(repeats):
        inside, whole = cold_start(COLD, str(EXAMPLE))
        bare_inside, bare_whole = cold_start(BARE)
        for key, value in (("inside", inside), ("whole", whole), ("bare_inside", bare_inside),
                           ("bare_whole", bare_whole), ("ratio", whole / bare_whole)):
            runs[key].append(value)
    return runs


@contextlib.contextmanager
def example_window(width: int = 1440, height: int = 900) -> Iterator[tuple[Any, Any, str]]:
    """(app, window, a temporary folder): the main window on the example, in English, with
    settings of its own; shared by the GUI benchmarks."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from hrk_workbench.forms.loader import load_forms
    from hrk_workbench.gui.mainwindow import MainWindow
    from hrk_workbench.gui.settings import AppSettings

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        settings = AppSettings(QSettings(tmp + "/s.ini", QSettings.Format.IniFormat),
                               data_dir=tmp)
        window = MainWindow(load_forms(), settings, "en")
        window.resize(width, height)
        window.show()
        window.open_path(str(EXAMPLE), ask=False)
        app.processEvents()
        yield app, window, tmp


def in_process(repeats: int) -> tuple[list[float], list[float]]:
    from hrk_workbench.gui.pages.registry import STEPS

    with example_window() as (app, window, tmp):
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
    cold = cold_pairs(repeats)
    with tempfile.TemporaryDirectory() as folder:
        lab_file = lab_assessment(folder)
        cold_start(COLD, str(lab_file), "risk_lab")  # warm-up
        cold_lab = [cold_start(COLD, str(lab_file), "risk_lab")[1] for _ in range(repeats)]
    switches, updates, reopen = in_process(repeats)
    bare_whole = statistics.median(cold["bare_whole"]) * 1000
    show("cold start, in process", cold["inside"], 5 * statistics.median(cold["bare_inside"])
         * 1000)
    show("cold start, whole process", cold["whole"], 5 * bare_whole)
    show("bare PySide6 window, in process", cold["bare_inside"], float("inf"))
    show("bare PySide6 window, whole process", cold["bare_whole"], float("inf"))
    ratios = cold["ratio"]
    print(f"{'ratio app / bare (whole, paired)':<34} median {statistics.median(ratios):6.2f} x"
          f"   max {max(ratios):6.2f} x   (target <= 5 x, n={len(ratios)})")
    show("cold start on a saved lab result", cold_lab, float("inf"))
    show("step switch", switches, 100)
    show("summary update after an edit", updates, 50)
    show("reopen with a saved lab result", reopen, 1000)


if __name__ == "__main__":
    main()
