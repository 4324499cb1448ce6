"""Time SUDA2 (``risk --suda2``, MSUs of at most 3 variables) on 100,000 records x 6 keys.

Issue 34's target: under 30 s for the whole command. The file is register-like (skewed ages
and municipalities, a few small categories), so many records have MSUs of one, two and
three variables and every one of the 41 variable sets is counted.

    .venv/bin/python benchmarks/bench_suda.py [--rows 100000] [--data-dir DIR] [--generate-only]

The issue's figure is the whole command timed as a process (``/usr/bin/time -v`` on the
command this prints, a few runs, the median).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["age", "sex", "municipality", "occupation", "education", "marital"]


def generate(path: Path, rows: int, seed: int = 2034) -> None:
    """Six key variables with 2 to 309 values each, skewed as real populations are."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    municipalities = [f"{i:03d}" for i in range(1, 310)]
    weights = 1 / np.arange(1, len(municipalities) + 1)
    pd.DataFrame({
        "age": np.clip(rng.normal(42, 22, rows), 0, 104).astype(int),
        "sex": rng.choice(["M", "F"], rows),
        "municipality": rng.choice(municipalities, rows, p=weights / weights.sum()),
        "occupation": rng.integers(0, 40, rows),
        "education": rng.choice(["1", "2", "3", "4", "5", "6", "7"], rows),
        "marital": rng.choice(["single", "married", "divorced", "widowed"], rows,
                              p=[0.4, 0.45, 0.1, 0.05]),
    }).to_csv(path, index=False)


def command(data: Path, out: Path) -> list[str]:
    return [str(ROOT / ".venv" / "bin" / "hrk-workbench"), "risk", str(data), "--key",
            ",".join(KEYS), "--suda2", "--suda-max-size", "3", "--suda2-out", str(out),
            "--json"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-suda-"))
    folder.mkdir(parents=True, exist_ok=True)
    data, out = folder / f"suda_{args.rows}.csv", folder / "suda_scores.csv"
    if not data.exists():
        generate(data, args.rows)
    cmd = command(data, out)
    print("/usr/bin/time -v " + " ".join(cmd))
    if args.generate_only:
        return 0
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    print(f"risk --suda2 on {args.rows:,} records x {len(KEYS)} keys: {seconds:.2f} s "
          f"(target: under 30 s)")
    return 0 if seconds < 30 else 1


if __name__ == "__main__":
    sys.exit(main())
