"""Time ``hrk-workbench tables --method cellkey`` on a generated register extract.

Issue 34's target: a cell-key table of 10,000 cells from 1,000,000 records under 10 s. The
table is 99 municipalities x 99 occupations with their margins (100 x 100 = 10,000 cells);
each cell's key is the sum of its records' keys in whole units of 10^-8, added up by the
table builder with the counts, and one vectorised look-up in the perturbation table per count.

    .venv/bin/python benchmarks/bench_cellkey.py [--rows 1000000] [--data-dir DIR]

It writes the data, runs the command once and prints the seconds; the issue's figure is the
same command timed as a whole process (``/usr/bin/time -v``, a few runs, the median), which
the script prints as well.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(path: Path, rows: int, seed: int = 2026) -> None:
    """Persons with a municipality and an occupation, skewed as a register's are."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, 100) ** 0.8
    weights /= weights.sum()
    pd.DataFrame({
        "person": np.arange(1, rows + 1),
        "municipality": rng.choice([f"K{i:03d}" for i in range(1, 100)], rows, p=weights),
        "occupation": rng.choice([f"O{i:02d}" for i in range(1, 100)], rows),
    }).to_csv(path, index=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    folder = Path(args.data_dir or tempfile.mkdtemp(prefix="hrk-bench-cellkey-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"persons_{args.rows}.csv"
    if not data.exists():
        generate(data, args.rows)
    command = [str(Path(sys.executable).parent / "hrk-workbench"), "tables", str(data),
               "--rows", "municipality", "--cols", "occupation", "--method", "cellkey",
               "-o", str(folder / "table.csv")]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    cells = sum(1 for _ in (folder / "table.csv").open(encoding="utf-8")) - 1
    print(f"cell key table of {cells} cells from {args.rows} records, whole command: "
          f"{seconds:.2f} s (target < 10 s)")
    print("/usr/bin/time -v " + " ".join(command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
