"""Time ``hrk-workbench risk`` on a generated million-row file and print the figures.

Compares the whole command (start-up and every measure) with a bare pandas ``read_csv`` plus
``groupby(...).size()`` on the same eight key columns, each run as a fresh process so both
pay their own start-up, and with pycanon's ``k_anonymity`` on the same file; peak memory of
the command is read from ``resource`` (the child's maximum resident set size).

    .venv/bin/python benchmarks/bench_risk.py [--rows 1000000] [--repeat 3]

Targets (issue 17): within 1.2x of pandas, at least 10x faster than pycanon, under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["age", "sex", "municipality", "postcode", "occupation", "education", "marital",
        "birth_year"]
SENSITIVE = "diagnosis"


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """A register-like extract: skewed ages and municipalities, as real populations are."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    municipalities = [f"{i:03d}" for i in range(1, 310)]
    weights = 1 / np.arange(1, len(municipalities) + 1)  # a few big towns, many small ones
    frame = pd.DataFrame({
        "person_id": np.arange(rows),
        "age": np.clip(rng.normal(42, 22, rows), 0, 104).astype(int),
        "sex": rng.choice(["M", "F"], rows),
        "municipality": rng.choice(municipalities, rows, p=weights / weights.sum()),
        "postcode": [f"{v:05d}" for v in rng.integers(0, 99999, rows) // 100 * 100],
        "occupation": rng.integers(0, 40, rows),
        "education": rng.integers(0, 8, rows),
        "marital": rng.choice(list("ABCDE"), rows),
        "birth_year": rng.integers(1920, 2024, rows),
        "income": rng.integers(0, 150000, rows),
        "diagnosis": rng.choice([f"D{i:02d}" for i in range(30)], rows),
    })
    frame.to_csv(path, index=False)


def _timed(cmd: list[str], repeat: int) -> tuple[float, int, str]:
    best, peak, out = float("inf"), 0, ""
    for _ in range(repeat):
        t, rss, out = _run_measured(cmd)
        best, peak = min(best, t), max(peak, rss)
    return best, peak, out


def _run_measured(cmd: list[str]) -> tuple[float, int, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # RUSAGE_CHILDREN keeps the largest child so far; a fresh measuring process per
    # command (see main) makes this the command's own peak
    return elapsed, max(after, before) * 1024, done.stdout


PANDAS = """
import sys, pandas as pd
frame = pd.read_csv(sys.argv[1])
sizes = frame.groupby(sys.argv[2].split(",")).size()
print(int(sizes.min()))
"""
PANDAS_USECOLS = """
import sys, pandas as pd
keys = sys.argv[2].split(",")
frame = pd.read_csv(sys.argv[1], usecols=keys)
sizes = frame.groupby(keys).size()
print(int(sizes.min()))
"""
PYCANON = """
import sys, pandas as pd
from pycanon import anonymity
frame = pd.read_csv(sys.argv[1])
print(anonymity.k_anonymity(frame, sys.argv[2].split(",")))
"""


def _measure_in_fresh_process(label: str, cmd: list[str], repeat: int) -> dict[str, object]:
    """Run the timing loop in its own process so RUSAGE_CHILDREN is that command's alone."""
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"import bench_risk as b; t, rss, out = b._timed({cmd!r}, {repeat}); "
            f"print(json.dumps([t, rss, out]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    seconds, rss, out = json.loads(done.stdout)
    return {"label": label, "seconds": seconds, "peak_bytes": rss, "stdout": out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pycanon", action="store_true", help="skip the slow peer run")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "hrk-workbench")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "big.csv"
        start = time.perf_counter()
        generate(data, args.rows)
        print(f"generated {args.rows:,} rows ({data.stat().st_size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - start:.1f} s")
        keys = ",".join(KEYS)
        ours = _measure_in_fresh_process(
            "hrk-workbench risk", [exe, "risk", str(data), "--key", keys, "--sensitive",
                                   SENSITIVE, "--json"], args.repeat)
        bare = _measure_in_fresh_process(
            "pandas read_csv + groupby.size", [sys.executable, "-c", PANDAS, str(data), keys],
            args.repeat)
        bare_cols = _measure_in_fresh_process(
            "pandas read_csv(usecols) + groupby.size",
            [sys.executable, "-c", PANDAS_USECOLS, str(data), keys], args.repeat)
        runs = [ours, bare, bare_cols]
        if not args.no_pycanon:
            runs.append(_measure_in_fresh_process(
                "pycanon k_anonymity", [sys.executable, "-c", PYCANON, str(data), keys], 1))
    result = json.loads(str(ours["stdout"]))
    print(f"k = {result['k']}, sample uniques = {result['sample_uniques']:,}, "
          f"classes = {result['classes']:,}, l({SENSITIVE}) = {result['l_diversity'][SENSITIVE]}")
    for run in runs:
        print(f"{run['label']:<42} {run['seconds']:7.2f} s   "
              f"peak {run['peak_bytes'] / 2**20:6.0f} MiB")
    ratio = float(ours["seconds"]) / float(bare["seconds"])
    ratio_cols = float(ours["seconds"]) / float(bare_cols["seconds"])
    print(f"risk / pandas = {ratio:.2f}x (target <= 1.2x); "
          f"risk / pandas(usecols) = {ratio_cols:.2f}x")
    if not args.no_pycanon:
        speedup = float(runs[-1]["seconds"]) / float(ours["seconds"])
        print(f"pycanon / risk = {speedup:.1f}x (target >= 10x)")
    print(f"risk peak memory {int(ours['peak_bytes']) / 2**20:.0f} MiB (target < 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
