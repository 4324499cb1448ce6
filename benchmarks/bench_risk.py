"""Time ``hrk-workbench risk`` on generated million-row files and print the figures.

Compares the whole command (start-up and every measure) with a bare pandas ``read_csv`` plus
``groupby(...).size()`` on the same eight key columns, each run as a fresh process so both
pay their own start-up, and with pycanon's ``k_anonymity`` on the same file; peak memory of
the command is read from ``resource`` (the child's maximum resident set size).

Two cases, because they stress different parts: ``low`` is a register-like extract whose
keys have two to a thousand values each and a sensitive variable (eight keys together still
make almost every record unique, but the first few keys leave large classes to split),
``high`` has eight keys of thousands of values each, so almost every record is unique after
two or three keys and every group-by (the classes, and the eight "uniques if dropped" ones)
has a million groups. The runs of the command and of pandas are
interleaved and the median is reported, since the machine may be shared.

    .venv/bin/python benchmarks/bench_risk.py [--rows 1000000] [--repeat 3]
        [--case low|high|both] [--data-dir DIR] [--no-pycanon]

Targets: low (issue 17) within 1.2x of pandas, at least 10x faster than pycanon, under 1 GB;
high (issue 23) within 1.3x of pandas ``read_csv(usecols=keys)``, under 1 GB; weighted
(issue 28: the register extract with a sampling weight, ``--weight`` and one sensitive
variable) within 1.5x of pandas ``read_csv`` of the same columns plus ``groupby.size``. The
issue's figure is taken with ``farm-bench`` (paired runs), as the printed command shows.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = ["age", "sex", "municipality", "postcode", "occupation", "education", "marital",
        "birth_year"]
SENSITIVE = "diagnosis"
HIGH_KEYS = [f"k{i}" for i in range(1, 9)]
HIGH_CARDINALITIES = (2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000)


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


def generate_high(path: Path, rows: int, seed: int = 2023) -> None:
    """Eight keys of thousands of distinct values each (codes, some with leading zeros), so
    almost every record is a sample unique: the worst case for every group-by."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    columns: dict[str, object] = {"record_id": np.arange(rows)}
    for i, (key, n) in enumerate(zip(HIGH_KEYS, HIGH_CARDINALITIES, strict=True)):
        values = rng.integers(0, n, rows)
        # half the keys are numbers, half codes with leading zeros (read as text by both)
        columns[key] = values if i % 2 == 0 else pd.Series(values).map("{:05d}".format)
    columns["amount"] = rng.integers(0, 100000, rows)
    columns["note"] = rng.choice(["a", "bb", "ccc"], rows)
    pd.DataFrame(columns).to_csv(path, index=False)


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


def _interleaved(commands: dict[str, list[str]], repeat: int) -> list[dict[str, object]]:
    """Each command ``repeat`` times, taking turns (so a busy spell on a shared machine hits
    all of them alike), each run in its own measuring process; the median time and the
    largest peak are kept."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    peaks = dict.fromkeys(commands, 0)
    outs = dict.fromkeys(commands, "")
    for _ in range(repeat):
        for label, cmd in commands.items():
            run = _measure_in_fresh_process(label, cmd, 1)
            times[label].append(float(run["seconds"]))  # type: ignore[arg-type]
            peaks[label] = max(peaks[label], int(run["peak_bytes"]))  # type: ignore[call-overload]
            outs[label] = str(run["stdout"])
    return [{"label": label, "seconds": statistics.median(times[label]),
             "runs": times[label], "peak_bytes": peaks[label], "stdout": outs[label]}
            for label in commands]


def _print_runs(runs: list[dict[str, object]]) -> None:
    for run in runs:
        each = ", ".join(f"{t:.2f}" for t in run.get("runs", [run["seconds"]]))  # type: ignore[attr-defined]
        print(f"  {run['label']:<42} {run['seconds']:7.2f} s   "
              f"peak {int(run['peak_bytes']) / 2**20:6.0f} MiB   ({each})")  # type: ignore[call-overload]


def run_low(data: Path, exe: str, repeat: int, pycanon: bool) -> None:
    """The register extract: few classes, the parse dominates (issue 17)."""
    keys = ",".join(KEYS)
    ours, bare, bare_cols = _interleaved({
        "hrk-workbench risk": [exe, "risk", str(data), "--key", keys, "--sensitive",
                               SENSITIVE, "--json"],
        "pandas read_csv + groupby.size": [sys.executable, "-c", PANDAS, str(data), keys],
        "pandas read_csv(usecols) + groupby.size": [sys.executable, "-c", PANDAS_USECOLS,
                                                    str(data), keys],
    }, repeat)
    runs = [ours, bare, bare_cols]
    if pycanon:
        runs.append(_measure_in_fresh_process(
            "pycanon k_anonymity", [sys.executable, "-c", PYCANON, str(data), keys], 1))
    result = json.loads(str(ours["stdout"]))
    print(f"low: k = {result['k']}, sample uniques = {result['sample_uniques']:,}, "
          f"classes = {result['classes']:,}, l({SENSITIVE}) = {result['l_diversity'][SENSITIVE]}")
    _print_runs(runs)
    ratio = float(ours["seconds"]) / float(bare["seconds"])  # type: ignore[arg-type]
    ratio_cols = float(ours["seconds"]) / float(bare_cols["seconds"])  # type: ignore[arg-type]
    print(f"  risk / pandas = {ratio:.2f}x (target <= 1.2x); "
          f"risk / pandas(usecols) = {ratio_cols:.2f}x")
    if pycanon:
        speedup = float(runs[-1]["seconds"]) / float(ours["seconds"])  # type: ignore[arg-type]
        print(f"  pycanon / risk = {speedup:.1f}x (target >= 10x)")
    print(f"  risk peak memory {int(ours['peak_bytes']) / 2**20:.0f} MiB "  # type: ignore[call-overload]
          f"(target < 1024 MiB)")


PANDAS_WEIGHTED = """
import sys, pandas as pd
keys = sys.argv[2].split(",")
frame = pd.read_csv(sys.argv[1], usecols=keys + sys.argv[3].split(","))
print(int(frame.groupby(keys).size().min()))
"""


def generate_weighted(path: Path, rows: int, seed: int = 2028) -> None:
    """The register extract of :func:`generate` as a survey: a sampling weight per record
    (5 to 60, four decimals), so every measure of the weighted case is exercised."""
    import numpy as np
    import pandas as pd

    generate(path, rows)
    frame = pd.read_csv(path, dtype=str)
    frame["weight"] = np.round(np.random.default_rng(seed).uniform(5, 60, rows), 4)
    frame.to_csv(path, index=False)


def run_weighted(data: Path, exe: str, repeat: int) -> None:
    """``--weight`` and one sensitive variable on 1,000,000 rows x 8 keys (issue 28)."""
    keys = ",".join(KEYS)
    ours, bare = _interleaved({
        "hrk-workbench risk --weight": [exe, "risk", str(data), "--key", keys, "--sensitive",
                                        SENSITIVE, "--weight", "weight", "--json"],
        "pandas read_csv(same columns) + groupby.size": [
            sys.executable, "-c", PANDAS_WEIGHTED, str(data), keys, f"weight,{SENSITIVE}"],
    }, repeat)
    result = json.loads(str(ours["stdout"]))
    print(f"weighted: k = {result['k']}, records above individual risk "
          f"{result['individual_risk']['threshold']}: "
          f"{result['individual_risk']['above_threshold']:,}, global risk share "
          f"{result['global_risk']['share']:.4f}")
    _print_runs([ours, bare])
    ratio = float(ours["seconds"]) / float(bare["seconds"])  # type: ignore[arg-type]
    print(f"  risk / pandas(same columns) = {ratio:.2f}x (target <= 1.5x)")
    script = data.with_suffix(".pandas.py")
    script.write_text(PANDAS_WEIGHTED, encoding="utf-8")
    print(f"  paired: farm-bench -n 5 --timeout 300 --vs '{sys.executable} {script} {data} "
          f"{keys} weight,{SENSITIVE}' -- {exe} risk {data} --key {keys} --sensitive "
          f"{SENSITIVE} --weight weight --json")


def run_high(data: Path, exe: str, repeat: int) -> None:
    """Eight high-cardinality keys, almost every record unique (issue 23)."""
    keys = ",".join(HIGH_KEYS)
    ours, bare_cols = _interleaved({
        "hrk-workbench risk": [exe, "risk", str(data), "--key", keys, "--json"],
        "pandas read_csv(usecols) + groupby.size": [sys.executable, "-c", PANDAS_USECOLS,
                                                    str(data), keys],
    }, repeat)
    result = json.loads(str(ours["stdout"]))
    print(f"high: k = {result['k']}, sample uniques = {result['sample_uniques']:,}, "
          f"classes = {result['classes']:,}, uniques if dropped = "
          f"{sum(result['uniques_if_dropped'].values()):,} in all")
    _print_runs([ours, bare_cols])
    ratio = float(ours["seconds"]) / float(bare_cols["seconds"])  # type: ignore[arg-type]
    print(f"  risk / pandas(usecols) = {ratio:.2f}x (target <= 1.3x)")
    print(f"  risk peak memory {int(ours['peak_bytes']) / 2**20:.0f} MiB "  # type: ignore[call-overload]
          f"(target < 1024 MiB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--case", choices=("low", "high", "weighted", "both", "all"),
                        default="both")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the generated files here and reuse them (else a temp dir)")
    parser.add_argument("--no-pycanon", action="store_true", help="skip the slow peer run")
    args = parser.parse_args()
    exe = str(Path(sys.executable).parent / "hrk-workbench")
    makers = {"low": generate, "high": generate_high, "weighted": generate_weighted}
    cases = {"both": ("low", "high"), "all": ("low", "high", "weighted")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for case in cases.get(args.case, (args.case,)):
            data = folder / f"risk-{case}-{args.rows}.csv"
            if not data.exists():
                start = time.perf_counter()
                makers[case](data, args.rows)
                print(f"generated {case}: {args.rows:,} rows "
                      f"({data.stat().st_size / 1e6:.0f} MB) "
                      f"in {time.perf_counter() - start:.1f} s")
            if case == "low":
                run_low(data, exe, args.repeat, not args.no_pycanon)
            elif case == "weighted":
                run_weighted(data, exe, args.repeat)
            else:
                run_high(data, exe, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
