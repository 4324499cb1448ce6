"""Time ``hrk-workbench risk`` on generated million-row files and print the figures.

Each case is a pair: the whole command (start-up and every measure) against a bare pandas
``read_csv`` of the same columns plus ``groupby(keys).size()``, each run as a fresh process
so both pay their own start-up. The runs take turns (ours, pandas, ours, pandas...) so a
busy spell on a shared machine hits both alike, and the ratio is taken pair by pair; the
median of the wall-clock ratios is the figure, with the processor time (user + system) and
its ratio beside it, since on a shared machine a process waits for a core as well. Peak
memory is the child's maximum resident set size.

Three cases, because they stress different parts:

* ``low``: a register extract whose eight keys have two to a thousand values each (eight
  keys together still make almost every record unique, but the first few keys leave large
  classes to split); issue 30's target is 1.2x pandas, under 1 GiB;
* ``high``: eight keys of thousands of values each, so almost every record is unique after
  two or three keys and every group-by has a million groups; issue 30's target is 1.2x;
* ``weighted``: the register extract as a survey, ``--weight`` and one sensitive variable,
  against pandas reading the keys, the weight and the sensitive column; issue 28's target
  is 1.5x;
* ``survey``: the same measures on coarse keys, where most classes hold several records
  with different sensitive values (the shape the register extract never shows).

    .venv/bin/python benchmarks/bench_risk.py [--rows 1000000] [--repeat 5]
        [--case low|high|weighted|survey|both|all] [--data-dir DIR] [--pycanon]

``--pycanon`` also times pycanon's ``k_anonymity`` on the low case (issue 17: at least 10x
slower than the command).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


PANDAS = """
import sys, pandas as pd
keys = sys.argv[2].split(",")
more = sys.argv[3].split(",") if len(sys.argv) > 3 else []
frame = pd.read_csv(sys.argv[1], usecols=keys + more)
print(int(frame.groupby(keys).size().min()))
"""
PYCANON = """
import sys, pandas as pd
from pycanon import anonymity
frame = pd.read_csv(sys.argv[1])
print(anonymity.k_anonymity(frame, sys.argv[2].split(",")))
"""


@dataclass
class Runs:
    """One command's runs: wall and processor seconds, the largest peak, its last output."""

    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak: int = 0
    out: str = ""


def _command(python: str) -> list[str]:
    """The command line as a user runs it, by module (the package's entry point)."""
    main = "hrk_workbench" if (ROOT / "hrk_workbench" / "__main__.py").exists() \
        else "hrk_workbench.cli"
    return [python, "-m", main]


def _run_once(cmd: list[str]) -> tuple[float, float, int, str]:
    """(wall s, cpu s, peak bytes, stdout) of one run, measured in a fresh process so that
    RUSAGE_CHILDREN's maximum resident set is this command's own."""
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
            f"import bench_risk as b; print(json.dumps(b._measured({cmd!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stdout}{done.stderr}")
    wall, cpu, peak, out = json.loads(done.stdout)
    return float(wall), float(cpu), int(peak), str(out)


def _measured(cmd: list[str]) -> tuple[float, float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, done.stdout


def _pairs(ours: list[str], baseline: list[str], repeat: int) -> tuple[Runs, Runs]:
    """Both commands ``repeat`` times in turn, after one unmeasured run of each (the file
    then sits in the page cache for both)."""
    _run_once(ours)
    _run_once(baseline)
    a, b = Runs("hrk-workbench risk"), Runs("pandas read_csv + groupby.size")
    for _ in range(repeat):
        for runs, cmd in ((a, ours), (b, baseline)):
            wall, cpu, peak, out = _run_once(cmd)
            runs.wall.append(wall)
            runs.cpu.append(cpu)
            runs.peak, runs.out = max(runs.peak, peak), out
    return a, b


def _report(case: str, a: Runs, b: Runs, target: float) -> float:
    """Print the pair and the median of the pair-by-pair ratios; return the wall ratio."""
    for runs in (a, b):
        print(f"  {runs.label:<32} wall {statistics.median(runs.wall):6.2f} s   "
              f"cpu {statistics.median(runs.cpu):6.2f} s   peak {runs.peak / 2**20:5.0f} MiB   "
              f"(wall {', '.join(f'{t:.2f}' for t in runs.wall)})")
    wall = statistics.median(x / y for x, y in zip(a.wall, b.wall, strict=True))
    cpu = statistics.median(x / y for x, y in zip(a.cpu, b.cpu, strict=True))
    print(f"  {case}: risk / pandas = {wall:.2f}x wall, {cpu:.2f}x cpu (target <= {target}x); "
          f"risk peak {a.peak / 2**20:.0f} MiB (target < 1024 MiB)")
    return wall


def run_low(data: Path, exe: str, repeat: int, pycanon: bool) -> None:
    """The register extract, eight keys (issue 30)."""
    keys = ",".join(KEYS)
    a, b = _pairs([*_command(exe), "risk", str(data), "--key", keys, "--json"],
                  [sys.executable, "-c", PANDAS, str(data), keys], repeat)
    result = json.loads(a.out)
    print(f"low: k = {result['k']}, sample uniques = {result['sample_uniques']:,}, "
          f"classes = {result['classes']:,}, uniques if dropped = "
          f"{sum(result['uniques_if_dropped'].values()):,} in all")
    _report("low", a, b, 1.2)
    if pycanon:
        wall, _cpu, _peak, _out = _run_once([sys.executable, "-c", PYCANON, str(data), keys])
        print(f"  pycanon k_anonymity {wall:.2f} s: pycanon / risk = "
              f"{wall / statistics.median(a.wall):.1f}x (target >= 10x)")


def run_high(data: Path, exe: str, repeat: int) -> None:
    """Eight high-cardinality keys, almost every record unique (issues 23 and 30)."""
    keys = ",".join(HIGH_KEYS)
    a, b = _pairs([*_command(exe), "risk", str(data), "--key", keys, "--json"],
                  [sys.executable, "-c", PANDAS, str(data), keys], repeat)
    result = json.loads(a.out)
    print(f"high: k = {result['k']}, sample uniques = {result['sample_uniques']:,}, "
          f"classes = {result['classes']:,}, uniques if dropped = "
          f"{sum(result['uniques_if_dropped'].values()):,} in all")
    _report("high", a, b, 1.2)


def generate_weighted(path: Path, rows: int, seed: int = 2028) -> None:
    """The register extract of :func:`generate` as a survey: a sampling weight per record
    (5 to 60, four decimals), so every measure of the weighted case is exercised."""
    import numpy as np
    import pandas as pd

    generate(path, rows)
    frame = pd.read_csv(path, dtype=str)
    frame["weight"] = np.round(np.random.default_rng(seed).uniform(5, 60, rows), 4)
    frame.to_csv(path, index=False)


SURVEY_KEYS = ["agegroup", "sex", "region", "education", "marital", "occupation", "tenure",
               "household"]


def generate_survey(path: Path, rows: int, seed: int = 2029) -> None:
    """A survey whose eight keys are coarse (2 to 20 values): classes of one to a dozen
    records, most with different sensitive values, so l has to look into each class."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    cards = (10, 2, 20, 8, 5, 10, 3, 2)
    frame = pd.DataFrame({k: rng.integers(0, n, rows) for k, n in zip(SURVEY_KEYS, cards,
                                                                          strict=True)})
    frame["sex"] = np.where(frame["sex"] == 0, "M", "F")
    frame[SENSITIVE] = rng.choice([f"D{i:02d}" for i in range(30)], rows)
    frame["weight"] = np.round(rng.uniform(5, 60, rows), 4)
    frame.to_csv(path, index=False)


def _weighted_pairs(data: Path, exe: str, repeat: int,
                    keys: list[str]) -> tuple[Runs, Runs, dict[str, Any]]:
    """The command with ``--weight`` and one sensitive variable against pandas reading the
    keys, the weight and the sensitive column; the runs and the command's last JSON."""
    joined = ",".join(keys)
    a, b = _pairs([*_command(exe), "risk", str(data), "--key", joined, "--sensitive",
                   SENSITIVE, "--weight", "weight", "--json"],
                  [sys.executable, "-c", PANDAS, str(data), joined, f"weight,{SENSITIVE}"],
                  repeat)
    return a, b, json.loads(a.out)


def run_survey(data: Path, exe: str, repeat: int) -> None:
    """``--weight`` and one sensitive variable on coarse keys (the other shape of issue 28's
    measure: most classes hold several records)."""
    a, b, result = _weighted_pairs(data, exe, repeat, SURVEY_KEYS)
    print(f"survey: k = {result['k']}, classes = {result['classes']:,}, "
          f"l({SENSITIVE}) = {result['l_diversity'][SENSITIVE]}, records with l < 2: "
          f"{result['records_below_l'][SENSITIVE]['2']:,}")
    _report("survey", a, b, 1.5)


def run_weighted(data: Path, exe: str, repeat: int) -> None:
    """``--weight`` and one sensitive variable on the register extract (issue 28)."""
    a, b, result = _weighted_pairs(data, exe, repeat, KEYS)
    print(f"weighted: k = {result['k']}, l({SENSITIVE}) = {result['l_diversity'][SENSITIVE]}, "
          f"records above individual risk {result['individual_risk']['threshold']}: "
          f"{result['individual_risk']['above_threshold']:,}, global risk share "
          f"{result['global_risk']['share']:.4f}")
    _report("weighted", a, b, 1.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", choices=("low", "high", "weighted", "survey", "both", "all"),
                        default="all", help="both: low and high")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the generated files here and reuse them (else a temp dir)")
    parser.add_argument("--pycanon", action="store_true", help="also time pycanon (slow)")
    args = parser.parse_args()
    os.environ["PYTHONPATH"] = os.pathsep.join(  # this checkout's code, whatever is installed
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    exe = sys.executable
    # bytecode as an installation has it (with PYTHONDONTWRITEBYTECODE set, a checkout would
    # compile every changed module in every run; pandas' own bytecode came with its wheel)
    compileall.compile_dir(ROOT / "hrk_workbench", quiet=1)
    makers = {"low": generate, "high": generate_high, "weighted": generate_weighted,
              "survey": generate_survey}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        chosen = {"all": tuple(makers), "both": ("low", "high")}.get(args.case, (args.case,))
        for case in chosen:
            data = folder / f"risk-{case}-{args.rows}.csv"
            if not data.exists():
                start = time.perf_counter()
                makers[case](data, args.rows)
                print(f"generated {case}: {args.rows:,} rows "
                      f"({data.stat().st_size / 1e6:.0f} MB) "
                      f"in {time.perf_counter() - start:.1f} s")
            if case == "low":
                run_low(data, exe, args.repeat, args.pycanon)
            elif case == "weighted":
                run_weighted(data, exe, args.repeat)
            elif case == "survey":
                run_survey(data, exe, args.repeat)
            else:
                run_high(data, exe, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
