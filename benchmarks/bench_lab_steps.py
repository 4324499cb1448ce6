"""Time the first visit to the Risk lab and Table lab steps, and step switches (not a test).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_lab_steps.py

A fresh window on the bundled example; each lab step is shown for the first time (its page
built then, not in the background) and then the steps are switched in turn. Prints wall and
GUI-thread CPU milliseconds (the CPU figure is what the step costs; the wall figure adds what
other programs take from the machine), and whether pandas, NumPy, DuckDB or SciPy were
imported by the first visits (they must not be: they load on worker threads).
Target: first visit and switch < 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "numpy", "duckdb", "scipy")


def main() -> None:
    from bench_gui import example_window

    with example_window(1366, 768) as (app, window, _tmp):
        before = set(sys.modules)
        for step in ("risk_lab", "table_lab"):
            t0, c0 = time.perf_counter(), time.thread_time()
            window.go_to_step(step)
            app.processEvents()
            print(f"first visit {step:<10} wall {(time.perf_counter() - t0) * 1000:6.1f} ms"
                  f"   GUI-thread CPU {(time.thread_time() - c0) * 1000:6.1f} ms")
        heavy = [m for m in HEAVY if m in sys.modules and m not in before]
        print(f"heavy libraries imported by the first visits: {heavy or 'none'}")
        walls, cpus = [], []
        for _ in range(5):
            for step in ("dataset", "risk_lab", "table_lab", "anonymisation"):
                t0, c0 = time.perf_counter(), time.thread_time()
                window.go_to_step(step)
                app.processEvents()
                walls.append(time.perf_counter() - t0)
                cpus.append(time.thread_time() - c0)
        print(f"step switch  wall median {statistics.median(walls) * 1000:6.1f} ms"
              f"   GUI-thread CPU median {statistics.median(cpus) * 1000:6.1f} ms"
              f"   (n={len(walls)}, target < 100 ms)")
        window.document.undo_stack.setClean()
        window.close()


if __name__ == "__main__":
    main()
