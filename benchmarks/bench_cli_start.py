"""Time the command line's start: `validate` and `score` on the bundled example, as a steward's
script runs them (a new process each time). Target: under 0.3 s each.

    .venv/bin/python benchmarks/bench_cli_start.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXE = Path(sys.executable).with_name("hrk-workbench")
EXAMPLE = ROOT / "examples" / "city-bike-trips.hrk.json"
TARGET_S = 0.3


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    worst = 0.0
    for args in (["validate", str(EXAMPLE)], ["score", str(EXAMPLE), "--json"]):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([str(EXE), *args], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{args[0]:<9} median {median * 1000:6.0f} ms  min {min(times) * 1000:6.0f} ms  "
              f"max {max(times) * 1000:6.0f} ms  ({runs} runs)")
    print(f"target {TARGET_S * 1000:.0f} ms: {'met' if worst < TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
