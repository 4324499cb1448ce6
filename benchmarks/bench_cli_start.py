"""Time the command line's start against its floor, as a steward's script runs it (a new
process each time): `score --json` on the bundled example, and `validate`, each paired with a
bare ``python -c "import pydantic, yaml"`` run just before it, so a machine whose speed drifts
moves both. Prints every pair, the ratios' median and the target (score within 2x the floor).

    .venv/bin/python benchmarks/bench_cli_start.py [RUNS]

The figures are CPU seconds of the child (user + system, from the operating system's
accounting), which a busy machine disturbs less than wall-clock time; wall time is printed too.
The package's bytecode is compiled first, as an installation has it: a checkout run with
``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every changed module in every run.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
FLOOR = [sys.executable, "-c", "import pydantic, yaml"]
TARGET_RATIO = 2.0


def run(cmd: list[str]) -> tuple[float, float]:
    """CPU and wall seconds of one run of ``cmd`` in a fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    compileall.compile_dir(ROOT / "hrk_workbench", quiet=1)
    met = True
    for args in (["score", str(EXAMPLE), "--json"], ["validate", str(EXAMPLE)]):
        ours = [sys.executable, "-m", "hrk_workbench.cli", *args]
        run(ours), run(FLOOR)  # one warm-up each: caches filled, files in the page cache
        ratios, walls = [], []
        print(f"{args[0]}: ours vs floor (cpu s, wall s)")
        for i in range(runs):
            floor_cpu, floor_wall = run(FLOOR)
            our_cpu, our_wall = run(ours)
            ratios.append(our_cpu / floor_cpu)
            walls.append(our_wall / floor_wall)
            print(f"  {i + 1:2d}  ours {our_cpu:6.3f} {our_wall:6.3f}   floor {floor_cpu:6.3f} "
                  f"{floor_wall:6.3f}   ratio {ratios[-1]:5.2f}")
        ratio = statistics.median(ratios)
        print(f"  median ratio cpu {ratio:.2f}, wall {statistics.median(walls):.2f}")
        if args[0] == "score":
            met = ratio <= TARGET_RATIO
            print(f"  target: score within {TARGET_RATIO:g}x the floor: "
                  f"{'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
